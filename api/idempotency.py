"""``Idempotency-Key`` on POST: a partner's retry replays the first answer instead of
creating a second referral, case or complaint.

The key row is inserted in the same transaction as the work, so a retry arriving while
the first attempt is still running waits on the unique index, then replays the stored
answer; if the first attempt failed with a server error, nothing was kept and the retry
does the work. Keys are kept for KEY_LIFETIME, per caller.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from agencies.api_clients import api_client_for_token
from agencies.roles import membership_of
from api.errors import IdempotencyKeyReused
from api.models import IdempotencyKey
from cases.encryption import fernet

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class _ServerError(Exception):
    def __init__(self, response):
        self.response = response


def _principal(request) -> str | None:
    """Whose key space this is, read before DRF's authentication runs: a usable token's
    client, a session's user at their agency, or an anonymous address. None for a token that is not
    usable: a replay is the first answer itself, so the token must be checked whole
    (secret, revocation, expiry), not only its public prefix; such a call then goes to
    authentication, which refuses it."""
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        client = api_client_for_token(authorization.split()[-1])
        return None if client is None else f"client:{client.token_prefix}"
    if request.user.is_authenticated:
        # Per agency: someone the admin moved elsewhere gets no answer kept from their time
        # at the old agency (the call goes through the permission checks again).
        membership = membership_of(request.user)
        return f"user:{request.user.pk}@{membership.agency_id if membership else '-'}"
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    if request.content_type.startswith("multipart/"):
        # Uploads are not read twice into memory; their size stands in for their bytes.
        digest.update(request.META.get("CONTENT_LENGTH", "").encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> HttpResponse:
    """The stored bytes of the first answer, not a re-render of today's record."""
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    response = HttpResponse(
        fernet().decrypt(bytes(record.body)),
        status=record.status_code,
        content_type=record.content_type,
    )
    if record.location:
        response["Location"] = record.location
    if record.etag:
        response["ETag"] = record.etag
    response["Idempotent-Replayed"] = "true"
    return response


def _keep(record: IdempotencyKey, response) -> None:
    response.render()
    record.status_code = response.status_code
    # The answer may hold case text (a note, a chronology): kept encrypted, like the case.
    record.body = fernet().encrypt(response.content)
    record.content_type = response.get("Content-Type", "")
    record.location = response.get("Location", "")
    record.etag = response.get("ETag", "")
    record.save(update_fields=["status_code", "body", "content_type", "location", "etag"])


def idempotent(request, key: str, handle, on_error):
    """Run ``handle()`` once per (caller, key); replay its answer afterwards.

    ``on_error(exc)`` turns an API exception raised here into a response."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return handle()
    principal = _principal(request)
    if principal is None:
        return handle()
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        principal=principal, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                record = None
            if record is None:
                earlier = IdempotencyKey.objects.get(principal=principal, key=key)
                return _replay(earlier, fingerprint)
            response = handle()
            if response.status_code >= 500 or response.status_code in (409, 429):
                raise _ServerError(response)  # roll back: the retry must do the work
            _keep(record, response)
            return response
    except _ServerError as failure:
        return failure.response
    except IdempotencyKeyReused as exc:
        return on_error(exc)


def idempotency_keys_forget(*, now=None) -> int:
    """Drop keys older than KEY_LIFETIME; run periodically."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
    return deleted
