"""Local default deadlines from public service standards (domain reference §2.4).

They are starting points, editable by each deployment's administrators; only the
statutory timers (TPKS 72 hours, restitution 30 days) are fixed in code.
"""

from django.db import migrations

DEFAULTS = [
    # (service, risk, hours, source)
    ("pengaduan", "tinggi", 2, "Crisis intake 120 minutes (SOP P2TP2A Barito Utara)"),
    ("pengaduan", "sedang", 72, "Follow-up within 3 working days (UPTD PPA Probolinggo)"),
    ("pengaduan", "rendah", 72, "Follow-up within 3 working days (UPTD PPA Probolinggo)"),
    ("penjangkauan", "tinggi", 12, "Outreach within 12 hours (Kab. Aceh Utara)"),
    ("penjangkauan", "sedang", 24, "Local default"),
    ("penjangkauan", "rendah", 72, "Local default"),
    ("penampungan_sementara", "tinggi", 24, "Safe-house decision within 1x24 hours"),
    ("penampungan_sementara", "sedang", 24, "Safe-house decision within 1x24 hours"),
    ("penampungan_sementara", "rendah", 24, "Safe-house decision within 1x24 hours"),
]


def seed(apps, schema_editor):
    ServiceDeadline = apps.get_model("cases", "ServiceDeadline")
    for service_type, risk_level, hours, source in DEFAULTS:
        ServiceDeadline.objects.get_or_create(
            service_type=service_type,
            risk_level=risk_level,
            defaults={"hours": hours, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_care")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
