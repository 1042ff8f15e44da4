"""The case list as a download: pseudonyms only, never an identity field.

A bulk export of child-protection cases is a sensitive flow (OWASP API6): only those who
already see the whole agency's list (supervisors and heads) may take it away, and every
download is audited by ``reports.exports.export_response``.
"""

from django.utils.translation import gettext_lazy as _

from agencies.roles import Role, has_role
from cases.models import Case
from reports.exports import Column

CASE_EXPORT_ROLES = (Role.SUPERVISOR, Role.HEAD)


def _field(name: str):
    return Case._meta.get_field(name).verbose_name


def _violence(case: Case) -> str:
    return ", ".join(str(form.get_form_display()) for form in case.violence_forms.all())


CASE_EXPORT_COLUMNS = [
    Column("code", _field("code"), lambda case: case.code),
    Column("children", _("Children (initials · age · sex)"), lambda case: case.pseudonym()),
    Column("status", _field("status"), lambda case: case.get_status_display()),
    Column("risk_level", _field("risk_level"), lambda case: case.get_risk_level_display()),
    Column("violence", _("Forms of violence"), _violence),
    Column("lead_agency", _field("lead_agency"), lambda case: str(case.lead_agency)),
    Column(
        "lead_caseworker",
        _field("lead_caseworker"),
        lambda case: case.lead_caseworker.get_short_name() if case.lead_caseworker else "",
    ),
    Column("reported_at", _field("reported_at"), lambda case: case.reported_at.date()),
    Column("closed_at", _field("closed_at"), lambda case: case.closed_at and case.closed_at.date()),
]


def may_export_cases(user) -> bool:
    return has_role(user, *CASE_EXPORT_ROLES)
