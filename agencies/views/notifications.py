from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.models import Notification
from agencies.notifications import notification_text, notifications_mark_read


@login_required
def notification_list(request):
    """The user's own notifications, newest first; they carry codes, never names."""
    notifications = list(Notification.objects.for_user(request.user)[:50])
    rows = [(notification, notification_text(notification)) for notification in notifications]
    return render(request, "agencies/notifications.html", {"rows": rows})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and follow its link (only the user's own)."""
    notification = Notification.objects.for_user(request.user).filter(pk=pk).first()
    if notification is None:
        return redirect("notification-list")
    notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(notification.url)


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notification-list")
