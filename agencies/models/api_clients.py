"""Partner systems: another agency's software calling Sinergi's REST API.

A client acts through a service account of its own, placed in the agency with the roles
the agency's administrator chose, so every visibility rule, section and audit row that
holds for a person with those roles holds for the client too. Its token is shown once
and only its SHA-256 digest is kept (the token is long and random, so a slow password
hash would buy nothing but latency on every request).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models.accounts import Agency
from agencies.roles import Role


class ApiScope(models.TextChoices):
    READ = "read", _("Read what the agency may see")
    CASES = "cases", _("Write cases, complaints and action items")
    REFERRALS = "referrals", _("Send and answer referrals")
    REPORTS = "reports", _("Read aggregate reports")


# Roles a partner system may act with. Never admin (the admin site is for people) and
# never community (a reporter's login, not an agency's).
API_CLIENT_ROLES = (
    Role.INTAKE,
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.HEAD,
    Role.DATA_OFFICER,
    Role.COORDINATOR,
)


class ApiClientQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked, not expired, with an active account in an active agency."""
        return self.filter(
            Q(revoked_at__isnull=True),
            expires_at__gt=timezone.now(),
            user__is_active=True,
            agency__is_active=True,
        )

    def of_agency(self, agency):
        return self.filter(agency=agency)


class ApiClient(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="api_clients"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    name = models.CharField(_("name of the partner system"), max_length=120)
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True, editable=False)
    token_digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def accepts_calls(self) -> bool:
        """``ApiClient.objects.usable()`` for one client: not revoked, not expired, with an
        active account in an active agency (load ``user`` and ``agency`` with it)."""
        return self.is_usable and self.user.is_active and self.agency.is_active
