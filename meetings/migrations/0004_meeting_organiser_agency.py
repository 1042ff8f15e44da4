import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def organisers_current_agency(apps, schema_editor):
    """Meetings called before the agency was kept: the organiser's agency today is the best
    knowledge there is (someone who moved already would keep the meeting until they move
    again; nobody loses a meeting they run)."""
    Meeting = apps.get_model("meetings", "Meeting")
    Membership = apps.get_model("agencies", "Membership")
    agency = Membership.objects.filter(user_id=OuterRef("organised_by_id")).values("agency_id")
    Meeting.objects.filter(organised_by__isnull=False).update(
        organiser_agency_id=Subquery(agency[:1])
    )


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
