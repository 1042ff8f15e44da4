"""Triggers noting which statistics slices (agency, month) each write touches.

The per-minute refresh counts those slices again and nothing else (reports.slices). A
slice is the lead agency and the month on the agency's clock, as reports.stats counts:
for a case both the month it was reported and the month it closed, before and after the
write (a case moving agency or month leaves its old slice too). Statement-level triggers
with transition tables: a bulk load pays once per statement, not once per row. SQLite
(the embedded development default) has none; there every refresh counts everything.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE FUNCTION reports_note_case_slices(ids bigint[]) RETURNS void AS $$
    INSERT INTO reports_statschange (agency_id, month)
    SELECT DISTINCT c.lead_agency_id, date_trunc('month', v.at AT TIME ZONE a.time_zone)::date
    FROM cases_case c
    JOIN agencies_agency a ON a.id = c.lead_agency_id
    CROSS JOIN LATERAL (VALUES (c.reported_at), (c.closed_at)) AS v(at)
    WHERE c.id = ANY(ids) AND v.at IS NOT NULL;
$$ LANGUAGE sql;

CREATE FUNCTION reports_case_changed() RETURNS trigger AS $$
BEGIN
    -- The rows as they were: a case leaving an agency or a month changes that slice too.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_statschange (agency_id, month)
        SELECT DISTINCT r.lead_agency_id,
               date_trunc('month', v.at AT TIME ZONE a.time_zone)::date
        FROM old_rows r
        JOIN agencies_agency a ON a.id = r.lead_agency_id
        CROSS JOIN LATERAL (VALUES (r.reported_at), (r.closed_at)) AS v(at)
        WHERE v.at IS NOT NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_case_slices(ARRAY(SELECT id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Parties, forms of violence, services and notes: the slices of their case.
CREATE FUNCTION reports_case_part_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_case_slices(ARRAY(SELECT DISTINCT case_id FROM old_rows));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_case_slices(ARRAY(SELECT DISTINCT case_id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A person's counted fields: the slices of every case they are a party to. Other edits
-- (a name, re-encryption under a new key) change no figure.
CREATE FUNCTION reports_person_changed() RETURNS trigger AS $$
BEGIN
    PERFORM reports_note_case_slices(ARRAY(
        SELECT DISTINCT p.case_id
        FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        JOIN cases_caseparty p ON p.person_id = n.id
        WHERE (n.sex, n.birth_date, n.education, n.disability)
              IS DISTINCT FROM (o.sex, o.birth_date, o.education, o.disability)
    ));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Imported past cases: their dates are days already.
CREATE FUNCTION reports_note_historical_slices(agencies bigint[], days date[]) RETURNS void AS $$
    INSERT INTO reports_statschange (agency_id, month)
    SELECT DISTINCT d.agency_id, date_trunc('month', d.day)::date
    FROM unnest(agencies, days) AS d(agency_id, day)
    WHERE d.day IS NOT NULL;
$$ LANGUAGE sql;

CREATE FUNCTION reports_historical_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_historical_slices(
            ARRAY(SELECT agency_id FROM old_rows UNION ALL SELECT agency_id FROM old_rows),
            ARRAY(SELECT reported_on FROM old_rows UNION ALL SELECT closed_on FROM old_rows)
        );
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_historical_slices(
            ARRAY(SELECT agency_id FROM new_rows UNION ALL SELECT agency_id FROM new_rows),
            ARRAY(SELECT reported_on FROM new_rows UNION ALL SELECT closed_on FROM new_rows)
        );
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A form of an imported victim: the victim's month (it may be gone, deleted with them).
CREATE FUNCTION reports_historical_form_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_historical_slices(
            ARRAY(SELECT h.agency_id FROM reports_historicalvictim h
                  WHERE h.id IN (SELECT victim_id FROM old_rows) ORDER BY h.id),
            ARRAY(SELECT h.reported_on FROM reports_historicalvictim h
                  WHERE h.id IN (SELECT victim_id FROM old_rows) ORDER BY h.id)
        );
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_historical_slices(
            ARRAY(SELECT h.agency_id FROM reports_historicalvictim h
                  WHERE h.id IN (SELECT victim_id FROM new_rows) ORDER BY h.id),
            ARRAY(SELECT h.reported_on FROM reports_historicalvictim h
                  WHERE h.id IN (SELECT victim_id FROM new_rows) ORDER BY h.id)
        );
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Cells written by anything but a refresh (by hand, a restore): counted again at the
-- next refresh. A refresh says it is one for the length of its writes.
CREATE FUNCTION reports_cells_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('reports.refreshing', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO reports_statschange (agency_id, month)
        SELECT DISTINCT agency_id, month FROM old_rows;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_statschange (agency_id, month)
        SELECT DISTINCT agency_id, month FROM new_rows;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- An agency's clock (which month a case falls in) or regency (imported cases' cells):
-- all of its months.
CREATE FUNCTION reports_agency_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_statschange (agency_id, month)
    SELECT n.id, NULL
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.time_zone, n.regency_id) IS DISTINCT FROM (o.time_zone, o.regency_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# (table, function, operations)
TRIGGERS = [
    ("cases_case", "reports_case_changed", ("INSERT", "UPDATE", "DELETE")),
    ("cases_caseparty", "reports_case_part_changed", ("INSERT", "UPDATE", "DELETE")),
    ("cases_caseviolenceform", "reports_case_part_changed", ("INSERT", "UPDATE", "DELETE")),
    ("cases_servicerecord", "reports_case_part_changed", ("INSERT", "UPDATE", "DELETE")),
    ("cases_casenote", "reports_case_part_changed", ("INSERT", "UPDATE", "DELETE")),
    ("cases_person", "reports_person_changed", ("UPDATE",)),
    ("reports_historicalvictim", "reports_historical_changed", ("INSERT", "UPDATE", "DELETE")),
    (
        "reports_historicalviolenceform",
        "reports_historical_form_changed",
        ("INSERT", "UPDATE", "DELETE"),
    ),
    ("agencies_agency", "reports_agency_changed", ("UPDATE",)),
    ("reports_statcell", "reports_cells_changed", ("INSERT", "UPDATE", "DELETE")),
]
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
FUNCTIONS = [
    "reports_case_changed()",
    "reports_case_part_changed()",
    "reports_person_changed()",
    "reports_historical_changed()",
    "reports_historical_form_changed()",
    "reports_agency_changed()",
    "reports_cells_changed()",
    "reports_note_case_slices(bigint[])",
    "reports_note_historical_slices(bigint[], date[])",
]


def _trigger_name(table: str, operation: str) -> str:
    return f"{table}_stats_{operation.lower()}"


def _create_triggers() -> str:
    # A trigger with transition tables has one event: one trigger per operation.
    return "".join(
        f"CREATE TRIGGER {_trigger_name(table, op)} AFTER {op} ON {table} "
        f"REFERENCING {TRANSITIONS[op]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for table, function, operations in TRIGGERS
        for op in operations
    )


def _drop() -> str:
    triggers = "".join(
        f"DROP TRIGGER IF EXISTS {_trigger_name(table, op)} ON {table};\n"
        for table, _function, operations in TRIGGERS
        for op in operations
    )
    return triggers + "".join(f"DROP FUNCTION IF EXISTS {f};\n" for f in FUNCTIONS)


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_api_clients"),
        ("reports", "0005_statcell_value_length"),
        ("cases", "0013_case_agency_month_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatsChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("agency_id", models.BigIntegerField()),
                ("month", models.DateField(null=True)),
            ],
            options={
                "verbose_name": "statistics change",
                "verbose_name_plural": "statistics changes",
            },
        ),
        migrations.AddField(
            model_name="statsrefresh",
            name="full",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="statcell",
            name="agency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.AlterField(
            model_name="statcell",
            name="regency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="agencies.region",
            ),
        ),
        migrations.RunPython(_on_postgresql(CREATE + _create_triggers()), _on_postgresql(_drop())),
    ]
