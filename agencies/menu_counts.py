"""The menu's counts (referrals waiting, unread notifications), kept between pages.

Every signed-in page shows them, and counting them afresh cost two queries of every
page: a fifth of a cached dashboard's time. So a count is kept in the cache, per user,
beside the version of what it counts that it was taken under:

- the referrals waiting for an agency change only through ``referrals.services``, whose
  every step changes that agency's version;
- a user's notifications change only through ``agencies.notifications`` (one arrives, or
  is read), which changes that user's version.

A version changes after its transaction commits, and a count reads the version before
it counts, so a count taken while a change was committing is never used after it. A
kept count is used only while its version, the user's agency and roles are the same as
when it was taken; the expiry below is a net, not what keeps counts right.
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from agencies.roles import membership_of, roles_of

KEPT_SECONDS = 300


def kept_count(user, *, name: str, version_of: str, count: Callable[[], int]) -> int:
    """``count()``, or the count kept for ``user`` under the current ``version_of``."""
    kept_key = f"menu-count:{name}:{user.pk}"
    version_key = f"menu-version:{version_of}"
    found = cache.get_many([kept_key, version_key])
    version = found.get(version_key) or _new_version(version_key)
    membership = membership_of(user)
    agency_id = membership.agency_id if membership else None
    taken_as = (version, agency_id, tuple(sorted(roles_of(user))))
    kept = found.get(kept_key)
    if kept is not None and kept[0] == taken_as:
        return kept[1]
    value = count()
    cache.set(kept_key, (taken_as, value), KEPT_SECONDS)
    return value


def agency_referrals_version(agency_id: int) -> str:
    return f"agency-referrals:{agency_id}"


def user_notifications_version(user_id: int) -> str:
    return f"user-notifications:{user_id}"


def menu_counts_change(*, versions: list[str]) -> None:
    """Counts kept under these versions are counted again, once the transaction commits
    (a count taken before the commit would not yet see the change)."""
    keys = [f"menu-version:{version}" for version in versions]
    transaction.on_commit(
        lambda: cache.set_many({key: uuid.uuid4().hex for key in keys}, None), robust=True
    )


def _new_version(version_key: str) -> str:
    """A version nobody has counted under: a random token, never a reused number, so a
    cache that outlived its database cannot match an old count."""
    cache.add(version_key, uuid.uuid4().hex, None)
    return cache.get(version_key)
