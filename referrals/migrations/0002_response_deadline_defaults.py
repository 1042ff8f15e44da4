from django.db import migrations

# Hours to answer a referral, by urgency; admins change them in the admin site.
DEFAULTS = {"darurat": 4, "segera": 24, "biasa": 72}


def seed(apps, schema_editor):
    ResponseDeadline = apps.get_model("referrals", "ResponseDeadline")
    for urgency, hours in DEFAULTS.items():
        ResponseDeadline.objects.get_or_create(urgency=urgency, defaults={"hours": hours})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_referrals")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
