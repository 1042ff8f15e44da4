"""Grants carry their case's creation time, so that a user's grants can be read in the
case lists' newest-first order by index (cases.models.windows)."""

from django.db import migrations, models

BACKFILL = """
UPDATE cases_caseuserobjectpermission AS grant_row
SET case_created_at = case_row.created_at
FROM cases_case AS case_row
WHERE case_row.id = grant_row.content_object_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_case_worker_index_with_agency"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="case_created_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="caseuserobjectpermission",
            name="case_created_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.RemoveIndex(
            model_name="caseuserobjectpermission",
            name="case_user_grant_lookup",
        ),
        migrations.AddIndex(
            model_name="caseuserobjectpermission",
            index=models.Index(
                fields=["user", "permission", "-case_created_at", "-content_object"],
                name="case_user_grant_recent",
            ),
        ),
    ]
