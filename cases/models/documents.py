"""Case documents: stored encrypted, outside the web root, under random names."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from agencies.roles import Role, membership_of, roles_of
from cases.encryption import EncryptedTextField


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT/private: never mapped to a URL; files leave only through a view."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")


def private_storage() -> FileSystemStorage:
    # A callable, so migrations name it instead of freezing one machine's path.
    return PrivateStorage(base_url=None)


def _random_name(instance, filename: str) -> str:
    # The stored name says nothing: no child's name, no case code, no original filename.
    return f"cases/{uuid.uuid4().hex}"


class DocumentKind(models.TextChoices):
    VISUM = "visum", _("Visum et repertum")
    LETTER = "surat", _("Letter")
    PHOTO = "foto", _("Photo")
    PSYCHOLOGICAL_REPORT = "laporan_psikologis", _("Psychological report")
    SOCIAL_REPORT = "laporan_sosial", _("Social report")
    CONSENT_FORM = "persetujuan", _("Signed consent form")
    OTHER = "lainnya", _("Other")


# Kinds only some roles of the lead agency may open, whatever else they may see.
RESTRICTED_KINDS = {
    DocumentKind.VISUM: (Role.SUPERVISOR, Role.CASEWORKER),
    DocumentKind.PSYCHOLOGICAL_REPORT: (Role.SUPERVISOR, Role.CASEWORKER),
}


def _photos_open_to(user, roles) -> Q:
    """A photo shows the child: at the lead agency it opens only to those who reveal the
    identity with one click (``Case.identity_access``): its supervisors, and the intake
    officers and caseworkers working on the case. A head, who must give a reason to
    reveal, and anyone else there never get it as a plain download."""
    from cases.models.cases import CASE_WORK_ROLES, worked_on_by

    if Role.SUPERVISOR in roles:
        return Q()
    if roles.isdisjoint(CASE_WORK_ROLES):
        return ~Q(kind=DocumentKind.PHOTO)
    return ~Q(kind=DocumentKind.PHOTO) | worked_on_by(user, case="case__")


class CaseDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents of the user's agency's visible cases (photos only to those who may
        reveal the identity), and those an accepted referral shares with the user one by
        one, minus kinds their role may not open."""
        from cases.models.cases import cases_sharing_section, visible_case_of_row
        from cases.models.choices import CaseSection

        membership = membership_of(user)
        if membership is None:
            return self.none()
        roles = roles_of(user)
        shared = CaseDocumentUserObjectPermission.objects.filter(
            user=user, permission__codename="view_casedocument"
        ).values("content_object")
        # A shared photo also needs the identity section shared with the reader.
        shared_identity = cases_sharing_section(user, CaseSection.IDENTITY)
        shared_photo_ok = ~Q(kind=DocumentKind.PHOTO) | Q(case_id__in=shared_identity)
        documents = self.filter(
            Q(
                visible_case_of_row(user),
                _photos_open_to(user, roles),
                case__lead_agency_id=membership.agency_id,
            )
            | Q(Q(pk__in=shared), shared_photo_ok)
        )
        closed_kinds = [
            kind for kind, allowed in RESTRICTED_KINDS.items() if roles.isdisjoint(allowed)
        ]
        return documents.exclude(kind__in=closed_kinds)

    def editable_by(self, user):
        from cases.models.cases import Case

        return self.filter(case__in=Case.objects.editable_by(user).open())


class CaseDocument(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = EncryptedTextField(_("title"), blank=True)
    original_name = EncryptedTextField(_("original file name"), blank=True)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    file = models.FileField(storage=private_storage, upload_to=_random_name, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"

    def download_name(self) -> str:
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
        return f"{self.case.code}-{self.kind}-{self.pk}.{extension.get(self.content_type, 'bin')}"


class CaseDocumentUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants: a referral shares documents one by one."""

    content_object = models.ForeignKey(CaseDocument, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="document_user_grant_lookup")]
