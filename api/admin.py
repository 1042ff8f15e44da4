"""The admin site's pages for webhooks: an agency's admin registers its endpoints, sees
each signing secret once, reads the delivery log, and re-enables a disabled endpoint.
Admins see their own agency's endpoints only (superusers see all).

The log shows the event, the outcome and the error, never the payload: the admin role
reads no case content, and a payload carries fields of shared case sections.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.admin import AdminRolePermissions
from agencies.api_client_admin import agencies_administered_by
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.endpoints import (
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_errors,
    webhook_endpoint_register,
)

RECENT_DELIVERIES = 10


def _events_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only events about records the agency may see are sent."),
    )


class WebhookEndpointRegistrationForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of the agency's system on the public internet."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = _events_field()

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class WebhookEndpointChangeForm(forms.ModelForm):
    events = _events_field()

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]

    def clean(self):
        data = super().clean()
        if "url" in data and "events" in data:
            for field, error in webhook_endpoint_errors(
                url=data["url"], events=data["events"]
            ).items():
                self.add_error(field, error)
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminRolePermissions, admin.ModelAdmin):
    form = WebhookEndpointChangeForm
    list_display = ["url", "agency", "event_list", "status", "consecutive_failures"]
    list_select_related = ["agency"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]
    actions = ["enable", "disable"]
    readonly_fields = [
        "agency",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
        "recent_deliveries",
    ]
    fields = ["url", "description", "events", *readonly_fields]

    def get_queryset(self, request):
        endpoints = super().get_queryset(request)
        return endpoints.filter(agency__in=agencies_administered_by(request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # the delivery log stays; an endpoint no longer wanted is disabled

    @admin.display(description=_("events"))
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description=_("status"))
    def status(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.is_active:
            return _("active")
        return _("disabled: %(reason)s") % {"reason": endpoint.disabled_reason or "—"}

    @admin.display(description=_("recent deliveries"))
    def recent_deliveries(self, endpoint: WebhookEndpoint) -> str:
        rows = endpoint.deliveries.all()[:RECENT_DELIVERIES]
        if not rows:
            return "—"
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Delivery"),
            _("Event"),
            _("Status"),
            _("Attempts"),
            _("Last error"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (d.pk, d.event, d.get_status_display(), d.attempts, d.last_error or "—")
                    for d in rows
                ),
            ),
        )

    @admin.action(description=_("Re-enable the selected endpoints"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_enable(endpoint=endpoint)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d endpoint enabled.", "%(n)d endpoints enabled.", count) % {"n": count},
        )

    @admin.action(description=_("Disable the selected endpoints"))
    def disable(self, request, queryset):
        reason = str(_("Disabled by an administrator."))
        count = sum(
            webhook_endpoint_disable(endpoint_id=endpoint.pk, reason=reason)
            for endpoint in queryset
        )
        self.message_user(
            request,
            ngettext("%(n)d endpoint disabled.", "%(n)d endpoints disabled.", count) % {"n": count},
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        agencies = agencies_administered_by(request.user)
        form = WebhookEndpointRegistrationForm(request.POST or None, agencies=agencies)
        if request.method == "POST" and form.is_valid():
            secret = self._register(request, form)
            if secret is not None:
                # Rendered once, straight into this response; never redirected or logged.
                return TemplateResponse(
                    request,
                    "admin/api/webhookendpoint/secret_once.html",
                    {
                        **self.admin_site.each_context(request),
                        "secret": secret,
                        "title": _("Signing secret of the new webhook endpoint"),
                        "opts": self.opts,
                    },
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Register a webhook endpoint"),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/agencies/apiclient/register.html", context)

    def _register(self, request, form) -> str | None:
        data = form.cleaned_data
        try:
            _endpoint, secret = webhook_endpoint_register(
                agency=data["agency"],
                url=data["url"],
                events=data["events"],
                description=data["description"],
                registered_by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
            return None
        messages.success(request, _("The endpoint is registered. Copy its secret now."))
        return secret

    def response_post_save_change(self, request, obj):
        return redirect("admin:api_webhookendpoint_changelist")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdminRolePermissions, admin.ModelAdmin):
    """The delivery log, read-only. Search by the id a receiver saw in Sinergi-Delivery."""

    list_display = [
        "id",
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_select_related = ["endpoint"]
    list_filter = ["status", "event"]
    search_fields = ["=id"]
    fields = [
        "endpoint",
        "event",
        "created_at",
        "status",
        "attempts",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        deliveries = super().get_queryset(request)
        return deliveries.filter(endpoint__agency__in=agencies_administered_by(request.user))

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
