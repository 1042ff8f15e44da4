from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, ApiClient


class ApiRequestLog(models.Model):
    """Every request a partner system makes, as that client and its agency.

    What the request did to case data is in the case audit trail as well (its actor is
    the client's service account); this row also records reads and refusals. The path
    holds ids and codes only: identities never travel in URLs.
    """

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.PROTECT, related_name="requests"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    route = models.CharField(_("route"), max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"], name="api_request_client_recent")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.method} {self.path} {self.status_code}"
