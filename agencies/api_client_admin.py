"""The admin site's pages for partner systems: an agency's admin registers its API
clients, sees each token once, and revokes them. Admins see their own agency's clients
only (superusers see all)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.admin import AdminRolePermissions
from agencies.api_clients import api_client_register, api_client_revoke
from agencies.models import API_CLIENT_ROLES, Agency, ApiClient, ApiScope
from agencies.roles import Role, agency_of
from api.models import ApiRequestLog


class ApiClientRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name of the partner system"), max_length=120)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    roles = forms.MultipleChoiceField(
        label=_("Acts with the roles"),
        choices=[(role, Role(role).label) for role in API_CLIENT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("It sees exactly what a person of the agency with these roles sees."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:  # an agency's own admin: nothing to choose
            self.fields["agency"].initial = agencies[0]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=365)


def agencies_administered_by(user):
    if user.is_superuser:
        return Agency.objects.filter(is_active=True)
    agency = agency_of(user)
    return Agency.objects.filter(pk=agency.pk) if agency else Agency.objects.none()


@admin.register(ApiClient)
class ApiClientAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["name", "agency", "token_prefix", "scope_list", "expires_at", "status"]
    list_select_related = ["agency"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "token_prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "agency",
        "user",
        "token_prefix",
        "scopes",
        "expires_at",
        "created_by",
        "created_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        clients = super().get_queryset(request)
        return clients.filter(agency__in=agencies_administered_by(request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # the account and its request log stay for the audit trail

    @admin.display(description=_("scopes"))
    def scope_list(self, client: ApiClient) -> str:
        return ", ".join(client.scopes)

    @admin.display(description=_("status"))
    def status(self, client: ApiClient) -> str:
        if client.revoked_at:
            return _("revoked")
        return _("active") if client.is_usable else _("expired")

    @admin.action(description=_("Revoke the selected clients"))
    def revoke(self, request, queryset):
        for client in queryset:
            api_client_revoke(client=client, revoked_by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d client revoked.", "%(n)d clients revoked.", count) % {"n": count},
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        agencies = agencies_administered_by(request.user)
        form = ApiClientRegistrationForm(request.POST or None, agencies=agencies)
        if request.method == "POST" and form.is_valid():
            token = self._register(request, form)
            if token is not None:
                # Rendered once, straight into this response; never stored or redirected.
                return TemplateResponse(
                    request,
                    "admin/agencies/apiclient/token_once.html",
                    {
                        **self.admin_site.each_context(request),
                        "token": token,
                        "authorization_header": f"Authorization: Bearer {token}",
                        "title": _("Token of the new API client"),
                        "opts": self.opts,
                    },
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Register an API client"),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/agencies/apiclient/register.html", context)

    def _register(self, request, form) -> str | None:
        data = form.cleaned_data
        expires_at = timezone.make_aware(
            timezone.datetime.combine(data["expires_on"], timezone.datetime.max.time())
        )
        try:
            _client, token = api_client_register(
                agency=data["agency"],
                name=data["name"],
                roles=data["roles"],
                scopes=data["scopes"],
                expires_at=expires_at,
                registered_by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("expires_on" if field == "expires_at" else field, errors)
            return None
        messages.success(request, _("The client is registered. Copy its token now."))
        return token

    def response_post_save_change(self, request, obj):
        return redirect("admin:agencies_apiclient_changelist")


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(AdminRolePermissions, admin.ModelAdmin):
    """Every request of the agency's partner systems: read-only, kept for the audit."""

    list_display = ["at", "client", "method", "path", "status_code", "ip_address"]
    list_filter = ["method", "status_code"]
    list_select_related = ["client"]
    search_fields = ["path", "client__name", "client__token_prefix"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        return entries.filter(agency__in=agencies_administered_by(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
