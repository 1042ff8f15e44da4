from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership, Region, Unit, User
from agencies.region_picker import RegionField
from agencies.roles import Role
from agencies.services import membership_set_roles


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


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = ["name", "nomenclature", "type", "regency", "time_zone", "is_active"]
    list_filter = ["type", "is_active", "time_zone"]
    list_select_related = ["regency"]
    search_fields = ["name", "nomenclature"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
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
        fields = ["user", "agency", "unit", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role_set"].initial = [role.role for role in self.instance.roles.all()]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
class UserAdmin(DjangoUserAdmin):
    form = SinergiUserChangeForm
    add_form = SinergiUserCreationForm
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "preferred_language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
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
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request, obj=None):
        # Access follows the admin role (membership_set_roles); a system administrator
        # must not be able to raise anyone, including themselves, to superuser.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["is_staff", "is_superuser", "groups", "last_login", "date_joined"]


class RegionChildrenInline(admin.TabularInline):
    model = Region
    fields = ["code", "name", "kind", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    readonly_fields = ["level", "kind"]
    raw_id_fields = ["parent"]
    inlines = [RegionChildrenInline]
    show_full_result_count = False
