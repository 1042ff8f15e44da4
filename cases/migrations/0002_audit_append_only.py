"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks.

TRUNCATE is left to the table's owner (test databases are flushed that way); in
production the application's role should not own the table. SQLite (the embedded
development default) relies on the model's own refusal.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION cases_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: re-encrypting a stated reason under a new key
    -- (rotate_field_encryption), with every other column untouched.
    IF TG_OP = 'UPDATE' AND OLD.reason <> '' AND NEW.reason <> ''
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.agency_id, NEW.action, NEW.case_id,
            NEW.object_type, NEW.object_id, NEW.fields, NEW.ip_address)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.agency_id, OLD.action, OLD.case_id,
            OLD.object_type, OLD.object_id, OLD.fields, OLD.ip_address) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'cases_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_auditevent_no_update_or_delete
BEFORE UPDATE OR DELETE ON cases_auditevent
FOR EACH ROW EXECUTE FUNCTION cases_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_auditevent_no_update_or_delete ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_core")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
