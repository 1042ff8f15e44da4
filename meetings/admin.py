"""Forums and their schedules are set up on the admin site by the admin role; meetings,
minutes and action items live on the meeting pages, never here."""

from django.contrib import admin

from agencies.admin import AdminRolePermissions
from meetings.models import Forum, Schedule, ScheduleException


class ScheduleInline(AdminRolePermissions, admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Forum)
class ForumAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["name", "kind", "regency", "time_zone", "secretary"]
    list_filter = ["kind", "time_zone"]
    search_fields = ["name"]
    filter_horizontal = ["member_agencies", "coordinators"]
    raw_id_fields = ["regency"]
    inlines = [ScheduleInline]


class ScheduleExceptionInline(AdminRolePermissions, admin.TabularInline):
    model = ScheduleException
    extra = 1


@admin.register(Schedule)
class ScheduleAdmin(AdminRolePermissions, admin.ModelAdmin):
    list_display = ["forum", "rule", "first_date", "start_time", "is_active"]
    inlines = [ScheduleExceptionInline]
