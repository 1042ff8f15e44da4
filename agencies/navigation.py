"""What each role may use: the menu and the home page are built from this one list.

Later features add their entries here; an entry is shown to users holding any of
its roles, so the menu never offers a page that would refuse the user.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from agencies.network_scope import NETWORK_ROLES, SAFE_HOUSE_ROLES
from agencies.roles import Role, has_role

# Who reads the agency dashboard; reports.dashboard takes it from here.
AGENCY_DASHBOARD_ROLES = (Role.HEAD, Role.SUPERVISOR, Role.DATA_OFFICER)


@dataclass(frozen=True)
class Section:
    label: str
    description: str
    url_name: str
    roles: tuple[str, ...]
    # Dotted path of a function(user) -> int: the count shown beside the menu entry.
    badge: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def badge_count(self, user) -> int:
        return import_string(self.badge)(user) if self.badge else 0


SECTIONS: tuple[Section, ...] = (
    Section(
        label=_("My reports"),
        description=_("File a complaint and follow the status of what you filed."),
        url_name="my-complaints",
        roles=(Role.COMMUNITY,),
    ),
    Section(
        label=_("Complaints"),
        description=_("Record a new complaint and triage those waiting."),
        url_name="complaint-inbox",
        roles=(Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR),
    ),
    Section(
        label=_("Cases"),
        description=_("The cases you work on or supervise, with their deadlines."),
        url_name="case-list",
        roles=(Role.INTAKE, Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD),
    ),
    Section(
        label=_("Incoming referrals"),
        description=_("Referrals other agencies sent you: answer them before the deadline."),
        url_name="referral-incoming",
        roles=(Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD),
        badge="referrals.views.pending_incoming_count",
    ),
    Section(
        label=_("Outgoing referrals"),
        description=_("Referrals your agency sent, with their answers and outcomes."),
        url_name="referral-outgoing",
        roles=(Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD),
    ),
    Section(
        label=_("Meetings"),
        description=_("Your coordination forums: calendar, meetings, invitations and minutes."),
        url_name="forum-list",
        roles=(Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR),
    ),
    Section(
        label=_("My action items"),
        description=_("Follow-ups from meeting minutes assigned to you or your agency."),
        url_name="my-action-items",
        roles=(Role.CASEWORKER, Role.SUPERVISOR, Role.HEAD, Role.COORDINATOR),
    ),
    Section(
        label=_("Dashboard"),
        description=_("Your agency's cases in figures: SIMFONI's cuts, month by month."),
        url_name="agency-dashboard",
        roles=AGENCY_DASHBOARD_ROLES,
    ),
    Section(
        label=_("Historical import"),
        description=_("Bring past years' spreadsheets in, so trends start before Sinergi."),
        url_name="import-upload",
        roles=(Role.HEAD, Role.DATA_OFFICER),
    ),
    Section(
        label=_("Network dashboard"),
        description=_("The whole city network in aggregate figures; never a case."),
        url_name="network-dashboard",
        roles=(Role.COORDINATOR,),
    ),
    Section(
        label=_("Joint agreements"),
        description=_("The network's Kesepakatan Bersama and what each agency committed to."),
        url_name="agreement-list",
        roles=NETWORK_ROLES,
    ),
    Section(
        label=_("Community network"),
        description=_("PATBM, TKSK, PSM, Forum Anak and other members, and where none serve."),
        url_name="network-member-list",
        roles=NETWORK_ROLES,
    ),
    Section(
        label=_("Prevention activities"),
        description=_("Socialisation, campaigns and training, against the monthly target."),
        url_name="prevention-list",
        roles=NETWORK_ROLES,
    ),
    Section(
        label=_("Safe houses"),
        description=_("Safe houses and shelters of the city: capacity and free places."),
        url_name="safe-house-list",
        roles=SAFE_HOUSE_ROLES,
    ),
    Section(
        label=_("Administration"),
        description=_("Agencies, units, users, roles and regions."),
        url_name="admin:index",
        roles=(Role.ADMIN,),
    ),
)

# What each role will do in Sinergi, shown on the home page as orientation.
ROLE_DUTIES = {
    Role.INTAKE: _("Receive complaints, triage risk and open cases."),
    Role.CASEWORKER: _("Work the cases assigned to you: assessment, plan, services, referrals."),
    Role.SUPERVISOR: _("Assign cases, approve plans and closures, answer referrals."),
    Role.HEAD: _("Follow your agency and the city network through dashboards and reports."),
    Role.DATA_OFFICER: _("Produce de-identified reports, exports and SIMFONI-style recaps."),
    Role.COORDINATOR: _("Run the coordination forum: meetings, minutes and action items."),
    Role.ADMIN: _("Manage agencies, users, roles and regions. No case content."),
    Role.COMMUNITY: _("File complaints and follow the status of what you filed."),
}


def sections_for(user) -> list[Section]:
    return [section for section in SECTIONS if has_role(user, *section.roles)]
