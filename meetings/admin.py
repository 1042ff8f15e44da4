"""Forums and their schedules are set up on the admin site by the admin role; meetings,
minutes and action items live on the meeting pages, never here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from agencies.admin import AdminRolePermissions
from meetings.models import Forum, Schedule, ScheduleException


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "name",
            "kind",
            "regency",
            "time_zone",
            "member_agencies",
            "coordinators",
            "secretary",
            "default_place",
        ]

    def clean(self):
        """A forum is run from its member agencies: coordinators and a secretary elsewhere
        would see none of its meetings (``runs_meeting``)."""
        cleaned = super().clean()
        members = {agency.pk for agency in cleaned.get("member_agencies") or ()}
        runners = [*(cleaned.get("coordinators") or ()), cleaned.get("secretary")]
        outside = sorted(
            {
                str(person)
                for person in runners
                if person is not None
                and getattr(getattr(person, "membership", None), "agency_id", None) not in members
            }
        )
        if outside:
            raise forms.ValidationError(
                _(
                    "Coordinators and the secretary must work at a member agency of the "
                    "forum: %(people)s."
                )
                % {"people": ", ".join(outside)}
            )
        return cleaned


class ScheduleInline(AdminRolePermissions, admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Forum)
class ForumAdmin(AdminRolePermissions, admin.ModelAdmin):
    form = ForumForm
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
