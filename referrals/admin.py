"""Referral settings on the admin site; never referral content (admins see no cases)."""

from django.contrib import admin

from agencies.admin import AdminRolePermissions
from referrals.models import ResponseDeadline


@admin.register(ResponseDeadline)
class ResponseDeadlineAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["urgency", "hours"]
    list_editable = ["hours"]

    def has_delete_permission(self, request, obj=None):
        return False  # every urgency keeps a deadline
