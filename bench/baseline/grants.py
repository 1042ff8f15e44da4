"""Fill guardian's generic grant table the way a naive system holds case access: one
``view_case`` row per person per case, kept up to date as people come and go.

Rows per case, on the bench dataset (≈1.2M on 1M cases, the shape of the security
reference §2.2):
- its lead caseworker (1 on an assigned case), or, while nobody leads it, whoever opened it;
- each caseworker of its team (``CaseTeamMember``);
- each person a referral gives read access to (the ``view_case`` rows of
  ``cases.CaseUserObjectPermission``).
Personal links count only while the person still works, in a case-work role, at the
lead agency (a naive system revokes the grant when someone moves), which is exactly
Sinergi's rule: for any caseworker, the baseline returns ``Case.objects.visible_to``.

Not held: what supervisors and heads see by an agency-wide role. Granting it per object
would be one row per case per supervisor/head of its agency (tens of millions of rows);
the benchmark measures the baseline only as the caseworker, whom that does not concern.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from guardian.models import UserObjectPermission

from agencies.models import Agency, Membership, MembershipRole
from bench.baseline.models import Case as NaiveCase
from cases.models import Case, CaseTeamMember, CaseUserObjectPermission
from cases.models.cases import CASE_WORK_ROLES

VIEW_CASE = "view_case"

# Personal links (lead, opener of an unassigned case, team), then referral grants.
# UNION drops the duplicates (a lead who is also on the team); ON CONFLICT keeps a rerun
# safe should anything be left over.
_INSERT = """
WITH case_workers AS (
    SELECT DISTINCT m.user_id, m.agency_id
    FROM {membership} m
    JOIN {agency} a ON a.id = m.agency_id AND a.is_active
    JOIN {role} r ON r.membership_id = m.id AND r.role = ANY(%(work_roles)s)
),
personal AS (
    SELECT c.id AS case_id, c.lead_caseworker_id AS user_id, c.lead_agency_id AS agency_id
    FROM {case} c WHERE c.lead_caseworker_id IS NOT NULL
    UNION ALL
    SELECT c.id, c.opened_by_id, c.lead_agency_id
    FROM {case} c WHERE c.lead_caseworker_id IS NULL
    UNION ALL
    SELECT t.case_id, t.user_id, c.lead_agency_id
    FROM {team} t JOIN {case} c ON c.id = t.case_id
),
wanted AS (
    SELECT p.case_id, p.user_id
    FROM personal p
    JOIN case_workers w ON w.user_id = p.user_id AND w.agency_id = p.agency_id
    UNION
    SELECT g.content_object_id, g.user_id
    FROM {direct} g JOIN auth_permission perm ON perm.id = g.permission_id
    WHERE perm.codename = %(codename)s
)
INSERT INTO {generic} (object_pk, content_type_id, permission_id, user_id)
SELECT wanted.case_id::varchar, %(content_type)s, %(permission)s, wanted.user_id
FROM wanted
ON CONFLICT DO NOTHING
"""


def baseline_permission() -> Permission:
    """``baseline.view_case``; made here too, in case the content type and permission
    were not created by a ``migrate`` run with the bench settings."""
    content_type = ContentType.objects.get_for_model(NaiveCase)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=VIEW_CASE, defaults={"name": "Can view case"}
    )
    return permission


def _insert_sql() -> str:
    tables = {
        "membership": Membership,
        "agency": Agency,
        "role": MembershipRole,
        "case": Case,
        "team": CaseTeamMember,
        "direct": CaseUserObjectPermission,
        "generic": UserObjectPermission,
    }
    return _INSERT.format(
        **{name: connection.ops.quote_name(model._meta.db_table) for name, model in tables.items()}
    )


def grant_generic_permissions(*, log=print) -> int:
    """Replace the baseline's generic grants with those of the data as it is now;
    returns how many rows the table holds for it."""
    permission = baseline_permission()
    generic = connection.ops.quote_name(UserObjectPermission._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {generic} WHERE content_type_id = %s",  # noqa: S608 (table name)
            [permission.content_type_id],
        )
        cursor.execute(
            _insert_sql(),
            {
                "work_roles": [role.value for role in CASE_WORK_ROLES],
                "codename": VIEW_CASE,
                "content_type": permission.content_type_id,
                "permission": permission.pk,
            },
        )
        rows = cursor.rowcount
        # Fresh statistics, as autovacuum would have them on a system that grew this way:
        # the baseline is planned on the real numbers, not on an empty table's.
        cursor.execute(f"ANALYZE {generic}")
    log(f"baseline: {rows:,} generic view_case grants in {UserObjectPermission._meta.db_table}")
    return rows
