import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def organisers_current_agency(apps, schema_editor):
    """Meetings called before the agency was kept: the organiser's agency today, where that
    agency is invited to the meeting. An organiser who moved elsewhere already is left
    without one, so they no longer run the meeting (its invited agencies still do)."""
    Meeting = apps.get_model("meetings", "Meeting")
    Membership = apps.get_model("agencies", "Membership")
    Invitation = apps.get_model("meetings", "Invitation")
    agency = Membership.objects.filter(user_id=OuterRef("organised_by_id")).values("agency_id")
    invited = Invitation.objects.filter(meeting_id=OuterRef("pk"), agency_id=OuterRef("current"))
    Meeting.objects.filter(organised_by__isnull=False).annotate(
        current=Subquery(agency[:1])
    ).filter(Exists(invited)).update(organiser_agency_id=Subquery(agency[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_api_clients"),
        ("meetings", "0003_action_item_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="organiser_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.RunPython(organisers_current_agency, migrations.RunPython.noop),
    ]
