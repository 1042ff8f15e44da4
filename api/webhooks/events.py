"""What each webhook event carries, and which agencies receive it.

The workflow services call the ``*_emit`` functions below inside their transactions.
A payload holds ids, codes, states, dates and the fields of the case sections shared
with the receiving agency, built for that agency alone. Never a name, NIK, address or
any other identity field, and never a free-text narrative (chronology, reasons,
outcomes, titles): a receiver that needs more reads it through the API, where the
visibility rules of the person or partner asking apply.
"""

from datetime import date, datetime

from django.db.models import Q

from api.models import WebhookEvent
from api.webhooks.outbox import endpoints_for, webhook_emit
from cases.models import Case
from cases.models.choices import CaseSection

# --- Referrals ---------------------------------------------------------------------------

# The referral services notify people of each step; every such step is also an event.
REFERRAL_EVENTS = {
    "referral_received": WebhookEvent.REFERRAL_RECEIVED,
    "referral_accepted": WebhookEvent.REFERRAL_ACCEPTED,
    "referral_declined": WebhookEvent.REFERRAL_DECLINED,
    "referral_completed": WebhookEvent.REFERRAL_COMPLETED,
    "referral_cancelled": WebhookEvent.REFERRAL_CANCELLED,
    "referral_expired": WebhookEvent.REFERRAL_EXPIRED,
}


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def referral_payload(referral) -> dict:
    """The same for both sides: both agencies see the referral itself. Its reason,
    summary, decline reason, outcome and feedback are narratives and stay out."""
    return {
        "referral": {
            "id": referral.pk,
            "kind": referral.kind,
            "status": referral.status,
            "case": {"id": referral.case_id, "code": referral.case.code},
            "from_agency": referral.from_agency_id,
            "to_agency": referral.to_agency_id,
            "to_user": referral.to_user_id,
            "service_type": referral.service_type,
            "urgency": referral.urgency,
            "shared_sections": list(referral.shared_sections),
            "sent_at": _when(referral.sent_at),
            "respond_by": _when(referral.respond_by),
            "responded_at": _when(referral.responded_at),
            "completed_at": _when(referral.completed_at),
            "ended_at": _when(referral.ended_at),
        }
    }


def referral_event_emit(*, referral, kind: str) -> None:
    """A new referral goes to the receiving agency; every later step to both agencies
    (the sender waits for the answer; the receiver's own system mirrors its inbox)."""
    event = REFERRAL_EVENTS.get(kind)
    if event is None:
        return
    if event == WebhookEvent.REFERRAL_RECEIVED:
        agencies = {referral.to_agency_id}
    else:
        agencies = {referral.from_agency_id, referral.to_agency_id}
    payload = referral_payload(referral)
    webhook_emit(event=event, agency_ids=agencies, payload_for=lambda _agency: payload)


# --- Cases -------------------------------------------------------------------------------

# Fields of the case row in the incident section (as the case page shows them). The
# chronology and the incident address are left out even when the section is shared:
# narratives and addresses never travel in a webhook. The village is below the
# kecamatan, which is identity.
INCIDENT_FIELDS = (
    "reported_at",
    "risk_level",
    "jurisdiction",
    "ampk_category",
    "place_type",
    "incident_date",
    "incident_date_is_approximate",
    "violence_forms",
)
ALWAYS_SENT = ("status",)


def case_audiences(case: Case) -> dict[int, frozenset[str]]:
    """Agency → the sections of the case it reads: all of them for the lead agency; for
    others, what their accepted, open referrals share (as referrals.grants computes the
    people's grants), and everything for a former lead that kept access on a transfer."""
    from referrals.models import Referral

    audiences = {case.lead_agency_id: frozenset(CaseSection.values)}
    granting = Referral.objects.filter(case=case).filter(
        Q(status__in=Referral.ACTIVE_STATES)
        | Q(kind=Referral.Kind.TRANSFER, status=Referral.Status.COMPLETED, sender_keeps_access=True)
    )
    for referral in granting.only("kind", "status", "from_agency", "to_agency", "shared_sections"):
        if referral.kind == Referral.Kind.TRANSFER and referral.status == Referral.Status.COMPLETED:
            agency, sections = referral.from_agency_id, frozenset(CaseSection.values)
        else:
            agency, sections = referral.to_agency_id, frozenset(referral.shared_sections)
        audiences[agency] = audiences.get(agency, frozenset()) | sections
    return audiences


def _visible_changes(changed, sections) -> list[str]:
    seen = set(ALWAYS_SENT)
    if CaseSection.INCIDENT in sections:
        seen |= set(INCIDENT_FIELDS)
    return sorted(field for field in changed if field in seen)


def _incident(case: Case) -> dict:
    return {
        "reported_at": _when(case.reported_at),
        "risk_level": case.risk_level,
        "jurisdiction": case.jurisdiction,
        "ampk_category": case.ampk_category,
        "place_type": case.place_type,
        "incident_date": _when(case.incident_date),
        "incident_date_is_approximate": case.incident_date_is_approximate,
        "violence_forms": sorted(case.violence_forms.values_list("form", flat=True)),
    }


def case_payload(case: Case, *, sections, changed) -> dict:
    """What one agency receives: the case's code, version and status, what changed
    among the fields it may read, and the fields of the sections shared with it."""
    payload = {
        "case": {
            "id": case.pk,
            "code": case.code,
            "version": case.version,
            "status": case.status,
            "lead_agency": case.lead_agency_id,
        },
        "shared_sections": [section for section in CaseSection.values if section in sections],
        "changed": _visible_changes(changed, sections),
    }
    if CaseSection.INCIDENT in sections:
        payload["incident"] = _incident(case)
    return payload


def case_updated_emit(*, case: Case, changed) -> None:
    """To each agency that reads the case and can see something of what changed."""
    audiences = {
        agency: sections
        for agency, sections in case_audiences(case).items()
        if _visible_changes(changed, sections)
    }
    webhook_emit(
        event=WebhookEvent.CASE_UPDATED,
        agency_ids=audiences,
        payload_for=lambda agency: case_payload(case, sections=audiences[agency], changed=changed),
    )


# --- Meetings and action items -------------------------------------------------------------


def meeting_payload(meeting, *, change: str) -> dict:
    """The meeting's times and state; its title, place and link stay in Sinergi."""
    return {
        "meeting": {
            "id": meeting.pk,
            "kind": meeting.kind,
            "status": meeting.status,
            "forum": meeting.forum_id,
            "starts_at": _when(meeting.starts_at),
            "ends_at": _when(meeting.ends_at),
            "sequence": meeting.sequence,
        },
        "change": change,
    }


def meeting_changed_emit(*, meeting, change: str) -> None:
    """To every agency invited (as an agency or through one of its people)."""
    agencies = set(meeting.invitations.values_list("agency_id", flat=True))
    payload = meeting_payload(meeting, change=change)
    webhook_emit(
        event=WebhookEvent.MEETING_CHANGED, agency_ids=agencies, payload_for=lambda _a: payload
    )


def action_item_payload(item) -> dict:
    """The item's ids, due date and state; its title is a narrative and stays out."""
    return {
        "action_item": {
            "id": item.pk,
            "meeting": item.meeting_id,
            "agency": item.agency_id,
            "assignee": item.assignee_id,
            "due_on": _when(item.due_on),
            "status": item.status,
        }
    }


def action_items_released_emit(*, meeting) -> None:
    """When the minutes are approved, each action item goes to its agency. Not earlier:
    until then the items are the secretary's draft, seen by nobody outside (their
    identity check runs at approval), and an agency learns nothing of them."""
    items = list(meeting.action_items.all())
    if not endpoints_for(WebhookEvent.ACTION_ITEM_ASSIGNED, {i.agency_id for i in items}):
        return
    for item in items:
        payload = action_item_payload(item)
        webhook_emit(
            event=WebhookEvent.ACTION_ITEM_ASSIGNED,
            agency_ids={item.agency_id},
            payload_for=lambda _agency, payload=payload: payload,
        )
