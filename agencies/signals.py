import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from agencies.middleware import SESSION_LAST_SEEN, SESSION_STARTED


@receiver(user_logged_in, dispatch_uid="agencies.start_session_clock")
def start_session_clock(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now
