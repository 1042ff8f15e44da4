from cases.models.audit import AuditEvent
from cases.models.cases import (
    Case,
    CaseCounter,
    CaseGroupObjectPermission,
    CaseParty,
    CaseTeamMember,
    CaseUserObjectPermission,
    CaseViolenceForm,
)
from cases.models.complaints import Complaint, ComplaintParty
from cases.models.people import Person

__all__ = [
    "AuditEvent",
    "Case",
    "CaseCounter",
    "CaseGroupObjectPermission",
    "CaseParty",
    "CaseTeamMember",
    "CaseUserObjectPermission",
    "CaseViolenceForm",
    "Complaint",
    "ComplaintParty",
    "Person",
]
