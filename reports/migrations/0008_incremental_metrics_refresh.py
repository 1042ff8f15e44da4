"""Triggers noting which days' metric months each write touches.

The frequent refresh counts those months again (for every agency) and nothing else
(reports.metric_window). A change is a UTC day: on the agencies' clocks (UTC+7 to UTC+9)
it falls in that day's month or the next day's, and the refresh counts both. Noted:

- cases: the days they were reported and closed, before and after, when a column an
  indicator reads changed (an edit of the chronology notes nothing); the closing note
  only by whether it is empty, since every save encrypts it anew;
- case notes and assessments: their case's reported day (first contact, assessment);
- referrals: the days sent, completed and ended, before and after;
- meetings, invitations and minutes: the meeting's start; action items their due date,
  and those of a meeting whose minutes changed (approval releases them);
- an agency's clock or regency: every month (no day).

What is derived further away (a forum's regency, an organiser's agency) is left to the
hourly full rebuild. Statement-level triggers with transition tables, as in 0006.
"""

from django.db import migrations, models

CREATE = """
CREATE FUNCTION reports_note_metric_days(moments timestamptz[]) RETURNS void AS $$
    INSERT INTO reports_metricschange (day)
    SELECT DISTINCT (m AT TIME ZONE 'UTC')::date FROM unnest(moments) AS m
    WHERE m IS NOT NULL;
$$ LANGUAGE sql;

CREATE FUNCTION reports_note_metric_case_days(ids bigint[]) RETURNS void AS $$
    SELECT reports_note_metric_days(ARRAY(
        SELECT reported_at FROM cases_case WHERE id = ANY(ids)
    ));
$$ LANGUAGE sql;

CREATE FUNCTION reports_note_metric_meeting_days(ids bigint[]) RETURNS void AS $$
    SELECT reports_note_metric_days(ARRAY(
        SELECT starts_at FROM meetings_meeting WHERE id = ANY(ids)
        UNION ALL
        SELECT due_on::timestamp AT TIME ZONE 'UTC' FROM meetings_actionitem
        WHERE meeting_id = ANY(ids)
    ));
$$ LANGUAGE sql;

CREATE FUNCTION reports_metric_case_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT v.at
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            CROSS JOIN LATERAL (
                VALUES (o.reported_at), (o.closed_at), (n.reported_at), (n.closed_at)
            ) AS v(at)
            WHERE (o.reported_at, o.closed_at, o.closure_reason, o.closure_note = '',
                   o.lead_agency_id, o.status)
                IS DISTINCT FROM
                  (n.reported_at, n.closed_at, n.closure_reason, n.closure_note = '',
                   n.lead_agency_id, n.status)
        ));
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT unnest(ARRAY[reported_at, closed_at]) FROM new_rows
        ));
    ELSE
        PERFORM reports_note_metric_days(ARRAY(
            SELECT unnest(ARRAY[reported_at, closed_at]) FROM old_rows
        ));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_metric_case_part_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_metric_case_days(ARRAY(SELECT DISTINCT case_id FROM old_rows));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_metric_case_days(ARRAY(SELECT DISTINCT case_id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_metric_referral_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT unnest(ARRAY[sent_at, completed_at, ended_at]) FROM old_rows
        ));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT unnest(ARRAY[sent_at, completed_at, ended_at]) FROM new_rows
        ));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_metric_meeting_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_metric_days(ARRAY(SELECT starts_at FROM old_rows));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_metric_days(ARRAY(SELECT starts_at FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Invitations and minutes: their meeting's start (and its action items' due dates).
CREATE FUNCTION reports_metric_meeting_part_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_metric_meeting_days(
            ARRAY(SELECT DISTINCT meeting_id FROM old_rows)
        );
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_metric_meeting_days(
            ARRAY(SELECT DISTINCT meeting_id FROM new_rows)
        );
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_metric_action_item_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT due_on::timestamp AT TIME ZONE 'UTC' FROM old_rows
        ));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM reports_note_metric_days(ARRAY(
            SELECT due_on::timestamp AT TIME ZONE 'UTC' FROM new_rows
        ));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_metric_agency_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO reports_metricschange (day)
    SELECT NULL
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.time_zone, n.regency_id) IS DISTINCT FROM (o.time_zone, o.regency_id)
    LIMIT 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

ALL = ("INSERT", "UPDATE", "DELETE")
# (table, function, operations)
TRIGGERS = [
    ("cases_case", "reports_metric_case_changed", ALL),
    ("cases_casenote", "reports_metric_case_part_changed", ALL),
    ("cases_assessment", "reports_metric_case_part_changed", ALL),
    ("referrals_referral", "reports_metric_referral_changed", ALL),
    ("meetings_meeting", "reports_metric_meeting_changed", ALL),
    ("meetings_invitation", "reports_metric_meeting_part_changed", ALL),
    ("meetings_minutes", "reports_metric_meeting_part_changed", ALL),
    ("meetings_actionitem", "reports_metric_action_item_changed", ALL),
    ("agencies_agency", "reports_metric_agency_changed", ("UPDATE",)),
]
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
FUNCTIONS = [
    "reports_metric_case_changed()",
    "reports_metric_case_part_changed()",
    "reports_metric_referral_changed()",
    "reports_metric_meeting_changed()",
    "reports_metric_meeting_part_changed()",
    "reports_metric_action_item_changed()",
    "reports_metric_agency_changed()",
    "reports_note_metric_case_days(bigint[])",
    "reports_note_metric_meeting_days(bigint[])",
    "reports_note_metric_days(timestamptz[])",
]


def _trigger_name(table: str, operation: str) -> str:
    return f"{table}_metrics_{operation.lower()}"


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
        ("reports", "0007_metric_cell_fewer_indexes"),
        ("cases", "0016_case_order_ties_by_id"),
        ("meetings", "0003_action_item_updated_at"),
        ("referrals", "0003_kept_access_step"),
        ("agencies", "0006_api_clients"),
    ]

    operations = [
        migrations.CreateModel(
            name="MetricsChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(null=True)),
            ],
            options={
                "verbose_name": "metrics change",
                "verbose_name_plural": "metrics changes",
            },
        ),
        migrations.CreateModel(
            name="MetricsRefresh",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started_at", models.DateTimeField()),
                ("finished_at", models.DateTimeField()),
                ("seconds", models.FloatField()),
                ("cells", models.PositiveIntegerField()),
                ("full", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name": "metrics refresh",
                "verbose_name_plural": "metrics refreshes",
                "ordering": ["-started_at"],
            },
        ),
        migrations.RunPython(
            _on_postgresql(CREATE + _create_triggers()),
            _on_postgresql(_drop()),
            elidable=False,
        ),
    ]
