"""Access given by referrals follows the person: a change of agency, roles or account
recomputes their grants in the same transaction as the change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agencies.models import Membership, MembershipRole, User
from referrals.grants import user_grants_resync


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance, **kwargs):
    _resync(instance.user_id)


@receiver([post_save, post_delete], sender=MembershipRole)
def membership_role_changed(sender, instance, **kwargs):
    membership = Membership.objects.filter(pk=instance.membership_id).first()
    if membership is not None:
        _resync(membership.user_id)


@receiver(post_save, sender=User)
def account_changed(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in changes no access
    if not created:
        _resync(instance.pk)


def _resync(user_id) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        user_grants_resync(user=user)
