"""The admin site holds settings only, never case content (DESIGN.md: admins see none)."""

from django.contrib import admin

from agencies.admin import AdminRolePermissions
from cases.models import ServiceDeadline


@admin.register(ServiceDeadline)
class ServiceDeadlineAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["service_type", "risk_level", "hours", "source"]
    list_filter = ["risk_level"]
    list_editable = ["hours"]
