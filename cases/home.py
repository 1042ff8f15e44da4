"""What the home page shows each role about cases and complaints."""

from agencies.roles import Role, roles_of
from cases.models import Case, Complaint

PANEL_SIZE = 10


def case_panels(user) -> dict:
    roles = roles_of(user)
    # Panels speak of deadlines and decisions: the own agency's cases only, never those
    # another agency shares through a referral.
    cases = Case.objects.visible_to(user).open().led_by_agency_of(user)
    panels = {}
    if Role.CASEWORKER in roles:
        panels["my_cases"] = list(cases.worked_on_by(user).for_lists()[:PANEL_SIZE])
    if Role.SUPERVISOR in roles:
        panels["to_assign"] = list(cases.awaiting_assignment().for_lists()[:PANEL_SIZE])
        panels["to_decide"] = list(cases.awaiting_decision().for_lists()[:PANEL_SIZE])
    if not roles.isdisjoint((Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD)):
        panels["overdue"] = list(cases.overdue().for_lists()[:PANEL_SIZE])
    if not roles.isdisjoint((Role.INTAKE, Role.SUPERVISOR)):
        panels["new_complaints"] = Complaint.objects.visible_to(user).awaiting_triage().count()
    return panels
