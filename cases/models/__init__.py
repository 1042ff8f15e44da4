from cases.models.audit import AuditEvent
from cases.models.care import (
    CounsellingSession,
    Restitution,
    ServiceDeadline,
    ServiceRecord,
)
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
from cases.models.documents import CaseDocument, CaseDocumentUserObjectPermission, DocumentKind
from cases.models.people import Person
from cases.models.shelters import Placement, SafeHouse
from cases.models.work import Assessment, CaseNote, InterventionPlan, ServiceType

__all__ = [
    "Assessment",
    "AuditEvent",
    "CaseNote",
    "InterventionPlan",
    "ServiceType",
    "Case",
    "CaseCounter",
    "CaseDocument",
    "CaseDocumentUserObjectPermission",
    "CaseGroupObjectPermission",
    "CaseParty",
    "CaseTeamMember",
    "CaseUserObjectPermission",
    "CaseViolenceForm",
    "Complaint",
    "ComplaintParty",
    "CounsellingSession",
    "DocumentKind",
    "Person",
    "Placement",
    "Restitution",
    "ServiceDeadline",
    "SafeHouse",
    "ServiceRecord",
]
