from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    Agency,
    AgencyService,
    Agreement,
    AgreementSignatory,
    Commitment,
    Membership,
    NetworkMember,
    PreventionTarget,
    Region,
    Unit,
    User,
)
from agencies.region_picker import RegionField
from agencies.roles import Role
from agencies.services import agency_services_seed, membership_set_roles


class AgencyForm(forms.ModelForm):
    regency = RegionField(level=Region.Level.REGENCY, label=_("Regency/city served"))

    class Meta:
        model = Agency
        fields = [
            "name",
            "nomenclature",
            "type",
            "regency",
            "address",
            "phone",
            "email",
            "time_zone",
            "is_active",
        ]


class AdminRolePermissions:
    """Everything on the admin site is open to the admin role (and superusers), nothing
    to anyone else: the role, not per-model permission rows, is the source of truth."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, *args):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)


class UnitInline(AdminRolePermissions, admin.TabularInline):
    model = Unit
    extra = 0


class AgencyServiceInline(AdminRolePermissions, admin.TabularInline):
    model = AgencyService
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AdminRolePermissions, admin.ModelAdmin):
    form = AgencyForm
    list_display = ["name", "nomenclature", "type", "regency", "time_zone", "is_active"]
    list_filter = ["type", "is_active", "time_zone"]
    list_select_related = ["regency"]
    search_fields = ["name", "nomenclature"]
    inlines = [UnitInline, AgencyServiceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a new agency starts with the default catalogue of its type
            agency_services_seed(agency=form.instance)


@admin.register(Unit)
class UnitAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["name", "agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency"]


class MembershipForm(forms.ModelForm):
    role_set = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Membership
        fields = ["user", "agency", "unit", "position", "network_statistics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role_set"].initial = [role.role for role in self.instance.roles.all()]


@admin.register(Membership)
class MembershipAdmin(AdminRolePermissions, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "agency", "unit", "role_list"]
    list_select_related = ["user", "agency", "unit"]
    list_filter = ["roles__role", "agency__type"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("roles"))
    def role_list(self, membership: Membership) -> str:
        return ", ".join(str(role) for role in membership.roles.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership_set_roles(membership=form.instance, roles=form.cleaned_data["role_set"])


class SinergiUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["username", "email", "full_name"]


class SinergiUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AdminRolePermissions, DjangoUserAdmin):
    form = SinergiUserChangeForm
    add_form = SinergiUserCreationForm
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    list_filter = ["is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "preferred_language"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "email", "full_name", "password1", "password2"],
            },
        )
    ]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        # A system administrator manages agency staff, never the emergency superusers.
        return users.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["is_superuser", "last_login", "date_joined"]


class RegionChildrenInline(AdminRolePermissions, admin.TabularInline):
    model = Region
    fields = ["code", "name", "kind", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    readonly_fields = ["level", "kind"]
    raw_id_fields = ["parent"]
    inlines = [RegionChildrenInline]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False  # records point at regions; a dropped code is retired on import


class SignatoryInline(AdminRolePermissions, admin.TabularInline):
    model = AgreementSignatory
    extra = 0
    raw_id_fields = ["agency"]


class CommitmentInline(AdminRolePermissions, admin.TabularInline):
    model = Commitment
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(Agreement)
class AgreementAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["number", "title", "regency", "valid_from", "valid_until"]
    list_filter = ["valid_until"]
    search_fields = ["number", "title"]
    raw_id_fields = ["regency"]
    readonly_fields = ["created_by"]
    inlines = [SignatoryInline, CommitmentInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NetworkMember)
class NetworkMemberAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["name", "type", "area", "coordinating_agency", "is_active"]
    list_filter = ["type", "is_active"]
    list_select_related = ["area", "coordinating_agency"]
    search_fields = ["name"]
    raw_id_fields = ["area", "coordinating_agency", "user"]


@admin.register(PreventionTarget)
class PreventionTargetAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["agency", "starts_on", "per_month"]
    raw_id_fields = ["agency", "set_by"]


from agencies import api_client_admin  # noqa: E402,F401  (registers ApiClientAdmin)
