"""Access that comes and goes with referrals, as django-guardian object permissions in
direct foreign-key tables. Only the referral services call this module.

The grants of a case are always recomputed from its referrals as a whole, so ending
one referral never takes away what another one, still active, gives the same person.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cases.models import (
    AuditEvent,
    Case,
    CaseDocument,
    CaseDocumentUserObjectPermission,
    CaseUserObjectPermission,
)
from cases.models.cases import section_permission
from cases.models.choices import CaseSection
from cases.services import audit_record
from referrals.models import RECEIVING_ROLES, Referral

VIEW_CASE = "view_case"
VIEW_DOCUMENT = "view_casedocument"


def _granting_referrals(case: Case):
    """Referrals of the case that give access now: accepted and open ones, and a
    completed transfer whose sender asked to keep reading."""
    return (
        Referral.objects.filter(case=case)
        .filter(
            Q(status__in=Referral.ACTIVE_STATES)
            | Q(
                kind=Referral.Kind.TRANSFER,
                status=Referral.Status.COMPLETED,
                sender_keeps_access=True,
            )
        )
        .prefetch_related(
            "access_users__membership__agency",
            "access_users__membership__roles",
            "shared_documents",
        )
    )


def _entitled(referral: Referral) -> list:
    """The referral's people who still work where its access belongs, in a role that
    works cases: someone who moved agency or lost the role loses the access."""
    agency = (
        referral.from_agency_id
        if referral.kind == Referral.Kind.TRANSFER
        else referral.to_agency_id
    )
    return [
        user
        for user in referral.access_users.all()
        if user.is_active
        and getattr(user, "membership", None) is not None
        and user.membership.agency_id == agency
        and user.membership.agency.is_active
        and any(role.role in RECEIVING_ROLES for role in user.membership.roles.all())
    ]


def _wanted(case: Case) -> tuple[set[tuple[int, str]], set[tuple[int, int]]]:
    case_grants: set[tuple[int, str]] = set()
    document_grants: set[tuple[int, int]] = set()
    for referral in _granting_referrals(case):
        sections = referral.shared_sections
        if referral.kind == Referral.Kind.TRANSFER:
            sections = CaseSection.values  # read access to the case it used to lead
        codenames = {VIEW_CASE, *(section_permission(section) for section in sections)}
        documents = (
            [document.pk for document in referral.shared_documents.all()]
            if CaseSection.DOCUMENTS in sections
            else []
        )
        for user in _entitled(referral):
            case_grants |= {(user.pk, codename) for codename in codenames}
            document_grants |= {(user.pk, document) for document in documents}
    return case_grants, document_grants


def _permissions(model, codenames) -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(model)
    return {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type=content_type, codename__in=codenames
        )
    }


def case_grants_sync(*, case: Case, actor, referral: Referral | None) -> None:
    """Make the case's object grants match its referrals; audit each change.

    Runs inside the caller's transaction, so access changes commit (or not) together
    with the step that caused them. The case row is locked first: two steps on one case
    run one after the other, each computing from what the other wrote.
    """
    Case.objects.select_for_update().filter(pk=case.pk).first()
    wanted_cases, wanted_documents = _wanted(case)
    _sync_case_table(case, wanted_cases, actor=actor, referral=referral)
    _sync_document_table(case, wanted_documents, actor=actor, referral=referral)


def _sync_case_table(case, wanted, *, actor, referral) -> None:
    rows = CaseUserObjectPermission.objects.filter(content_object=case).select_related("permission")
    have = {(row.user_id, row.permission.codename): row.pk for row in rows}
    stale = [pk for key, pk in have.items() if key not in wanted]
    missing = wanted - have.keys()
    CaseUserObjectPermission.objects.filter(pk__in=stale).delete()
    permissions = _permissions(Case, {codename for _user, codename in missing})
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(
            user_id=user,
            permission=permissions[codename],
            content_object=case,
            case_created_at=case.created_at,
        )
        for user, codename in missing
    )
    _audit_changes(case, missing, AuditEvent.Action.GRANT, actor=actor, referral=referral)
    stale_keys = {key for key in have if key not in wanted}
    _audit_changes(case, stale_keys, AuditEvent.Action.REVOKE, actor=actor, referral=referral)


def _sync_document_table(case, wanted, *, actor, referral) -> None:
    rows = CaseDocumentUserObjectPermission.objects.filter(content_object__case=case)
    have = {(row.user_id, row.content_object_id): row.pk for row in rows}
    stale = [pk for key, pk in have.items() if key not in wanted]
    missing = wanted - have.keys()
    CaseDocumentUserObjectPermission.objects.filter(pk__in=stale).delete()
    permission = _permissions(CaseDocument, {VIEW_DOCUMENT}).get(VIEW_DOCUMENT)
    CaseDocumentUserObjectPermission.objects.bulk_create(
        CaseDocumentUserObjectPermission(
            user_id=user, permission=permission, content_object_id=document
        )
        for user, document in missing
    )
    as_fields = {(user, f"document:{document}") for user, document in missing}
    _audit_changes(case, as_fields, AuditEvent.Action.GRANT, actor=actor, referral=referral)
    revoked = {
        (user, f"document:{document}")
        for (user, document) in have
        if (user, document) not in wanted
    }
    _audit_changes(case, revoked, AuditEvent.Action.REVOKE, actor=actor, referral=referral)


def user_grants_resync(*, user) -> None:
    """After a change of someone's agency, roles or account: recompute the grants of
    every case they hold one on, so access they are no longer entitled to ends now."""
    cases = Case.objects.filter(
        Q(pk__in=CaseUserObjectPermission.objects.filter(user=user).values("content_object"))
        | Q(
            pk__in=CaseDocumentUserObjectPermission.objects.filter(user=user).values(
                "content_object__case"
            )
        )
    )
    for case in cases:
        case_grants_sync(case=case, actor=None, referral=None)


def _audit_changes(case, changes, action, *, actor, referral) -> None:
    """One audit row per person: which permissions they gained or lost, and why."""
    by_user: dict[int, list[str]] = {}
    for user, what in changes:
        by_user.setdefault(user, []).append(what)
    for user, what in sorted(by_user.items()):
        audit_record(
            actor=actor,
            action=action,
            case=case,
            obj=referral if referral is not None else case,
            fields=what,
            reason=f"user:{user}",
        )
