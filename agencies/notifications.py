"""In-app notifications, mirrored by e-mail: codes and links only, never a name.

A notification's text is built from its kind when it is shown, in the reader's
language, so nothing but a record code is stored or sent.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agencies.menu_counts import kept_count, menu_counts_change, user_notifications_version
from agencies.models import Notification

MESSAGES = {
    "referral_received": _("New referral for case %(code)s."),
    "webhook_disabled": _(
        "Webhook endpoint %(code)s was disabled after repeated delivery failures."
    ),
    "referral_accepted": _("Referral of case %(code)s was accepted."),
    "referral_declined": _("Referral of case %(code)s was declined."),
    "referral_completed": _("Referral of case %(code)s was completed."),
    "referral_cancelled": _("Referral of case %(code)s was cancelled by the sender."),
    "referral_expiring": _("Referral of case %(code)s must be answered within 24 hours."),
    "referral_expired": _("Referral of case %(code)s expired without an answer."),
    "reminder_meeting_7d": _("Coordination meeting on %(code)s: one week to go."),
    "reminder_meeting_1d": _("Coordination meeting tomorrow, %(code)s."),
    "reminder_rsvp": _("Your agency has not answered the invitation to the meeting on %(code)s."),
    "reminder_minutes": _("The minutes of the meeting on %(code)s are not submitted yet."),
    "reminder_no_meeting": _("No coordination meeting is scheduled for %(code)s."),
    "reminder_actions": _("Your agency has %(code)s overdue action items."),
    "agreement_expiring_60": _("Joint agreement %(code)s expires within 60 days."),
    "agreement_expiring_30": _("Joint agreement %(code)s expires within 30 days."),
    "placement_overdue": _("A safe-house placement in case %(code)s is beyond its planned stay."),
}


def notification_text(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind, _("Update on %(code)s."))
    return str(template) % {"code": notification.subject_code}


def notification_send(
    *, recipients: Iterable, kind: str, subject_code: str, url: str, key: str
) -> list[Notification]:
    """Notify each recipient once per ``key``; e-mail after the transaction commits.

    Sending the same key twice (a task run twice, a retried request) adds nothing.
    """
    from agencies.tasks import notification_email_deliver

    if kind not in MESSAGES:
        raise ValueError(f"Unknown notification kind: {kind}")
    created = []
    for recipient in {user.pk: user for user in recipients if user.is_active}.values():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, kind=kind, subject_code=subject_code, url=url, key=key
                )
        except IntegrityError:
            continue  # already sent under this key
        created.append(notification)
        transaction.on_commit(
            lambda pk=notification.pk: notification_email_deliver.delay(pk), robust=True
        )
    menu_counts_change(versions=[user_notifications_version(n.recipient_id) for n in created])
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification at most once: claimed by a conditional UPDATE first.

    Returns False when there is nothing to do (already e-mailed, or no address).
    """
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.email:
        return False
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    recipient = notification.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        text = notification_text(notification)
        body = "\n\n".join([text, f"{settings.SITE_URL}{notification.url}", str(_("— Sinergi"))])
        try:
            send_mail(f"[Sinergi] {text}", body, None, [recipient.email])
        except Exception:
            # Unclaim so a retry can send it; the task retries with backoff.
            Notification.objects.filter(pk=notification_id).update(emailed_at=None)
            raise
    return True


def notifications_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    marked = unread.update(read_at=timezone.now())
    menu_counts_change(versions=[user_notifications_version(user.pk)])  # after the change
    return marked


def unread_notification_count(user) -> int:
    """The menu's count of unread notifications, kept between pages until one arrives
    or is read (agencies.menu_counts)."""
    return kept_count(
        user,
        name="unread-notifications",
        version_of=user_notifications_version(user.pk),
        count=lambda: Notification.objects.for_user(user).unread().count(),
    )
