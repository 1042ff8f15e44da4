"""My action items, and one action item's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.roles import agency_of

# The menu offers the meeting pages to these roles (agencies/navigation.py).
from agencies.views.form_errors import add_form_errors
from agencies.views.mixins import RoleRequiredMixin
from agencies.views.scoped import ScopedListView, get_visible_or_404
from meetings.forms import (
    ActionItemStatusForm,
)
from meetings.models import ActionItem, Meeting
from meetings.notulen import (
    action_item_status_set,
)
from meetings.views.common import (
    MEETING_ROLES,
    ZONE_LABELS,
    meeting_roles_required,
    meeting_zone_name,
    released_to,
    user_zone_name,
)


class MyActionItemListView(RoleRequiredMixin, ScopedListView):
    """Action items for the user or the user's agency: open ones first, soonest due first."""

    required_roles = MEETING_ROLES
    model = ActionItem
    template_name = "meetings/action_item_list.html"
    context_object_name = "action_items"

    def narrow(self, queryset):
        user = self.request.user
        mine = Q(assignee=user) | Q(agency=agency_of(user))
        closed_last = models.Case(
            models.When(status__in=ActionItem.OPEN_STATES, then=models.Value(0)),
            default=models.Value(1),
        )
        return (
            released_to(queryset.filter(mine), user)
            .select_related("meeting__forum", "agency", "assignee")
            .annotate(closed_last=closed_last)
            .order_by("closed_last", "due_on", "pk")
        )

    def get_context_data(self, **kwargs):
        zone_name = user_zone_name(self.request.user)
        return super().get_context_data(
            user_zone=zone_name, zone_label=ZONE_LABELS.get(zone_name, zone_name), **kwargs
        )


def _action_item_page(request, item: ActionItem, form=None, status: int = 200):
    user = request.user
    agency = agency_of(user)
    may_change = (agency is not None and agency.pk == item.agency_id) or (
        Meeting.objects.editable_by(user).filter(pk=item.meeting_id).exists()
    )
    meeting_visible = Meeting.objects.visible_to(user).filter(pk=item.meeting_id).exists()
    zone_name = meeting_zone_name(item.meeting, user)
    form = form or ActionItemStatusForm(initial={"status": item.status, "reason": item.drop_reason})
    context = {
        "item": item,
        "form": form,
        "may_change": may_change,
        "meeting_visible": meeting_visible,
        "meeting_zone": zone_name,
        "zone_label": ZONE_LABELS.get(zone_name, zone_name),
    }
    return render(request, "meetings/action_item_detail.html", context, status=status)


def _visible_action_item(request, pk: int) -> ActionItem:
    queryset = released_to(
        ActionItem.objects.select_related("meeting__forum", "agency", "assignee", "agenda_item"),
        request.user,
    ).distinct()
    return get_visible_or_404(queryset, request.user, pk=pk)


@meeting_roles_required
def action_item_detail(request, pk: int):
    return _action_item_page(request, _visible_action_item(request, pk))


@meeting_roles_required
@require_POST
def action_item_status(request, pk: int):
    """Move an item along; dropping it needs a reason."""
    item = _visible_action_item(request, pk)
    form = ActionItemStatusForm(request.POST)
    if form.is_valid():
        try:
            action_item_status_set(item=item, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(request, form, error)
        else:
            messages.success(request, _("The action item is updated."))
            return redirect(item)
    return _action_item_page(request, item, form=form, status=400)
