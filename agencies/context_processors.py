from django.conf import settings
from django.utils.functional import SimpleLazyObject

from agencies.navigation import ROLE_DUTIES, sections_for
from agencies.roles import Role, membership_of, roles_of


def shell(request):
    """What the base layout needs: the menu, the user's agency and roles, the languages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"available_languages": settings.LANGUAGES}
    roles = roles_of(user)
    from agencies.notifications import unread_notification_count

    return {
        "available_languages": settings.LANGUAGES,
        "nav_sections": [
            (section, SimpleLazyObject(lambda s=section: s.badge_count(user)))
            for section in sections_for(user)
        ],
        # Counted only when a page shows it (and kept between pages: menu_counts).
        "unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user)),
        "user_membership": membership_of(user),
        "user_role_duties": [
            (label, ROLE_DUTIES[value]) for value, label in Role.choices if value in roles
        ],
    }
