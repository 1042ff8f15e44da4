"""Four indexes fewer on the metric cells: the refresh writes them every minute.

An agency's cells are found through the unique (agency, month, metric, bucket) index, a
regency's through (regency, month): the foreign key indexes and (agency, month) only made
each write slower.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_api_clients"),
        ("reports", "0006_incremental_stats_refresh"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="metriccell",
            name="metric_cell_agency",
        ),
        migrations.AlterField(
            model_name="metriccell",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.AlterField(
            model_name="metriccell",
            name="regency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="agencies.region",
            ),
        ),
    ]
