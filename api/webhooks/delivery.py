"""Sending one attempt of one delivery: sign, POST, record, and schedule the retry.

At most one worker sends a given attempt: it claims the row first (``_claim``), which
pushes ``next_attempt_at`` past the request's timeout, so a second run of the task for
the same delivery finds nothing due and sends nothing. A worker that dies mid-request
leaves the row due again once that lease has passed; the sweep then queues it again.
Receivers may still see a delivery twice (a reply lost on the way back counts as a
failure), which is why each request names its delivery for them to deduplicate.
"""

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import WebhookDelivery
from api.webhooks.endpoints import (
    webhook_endpoint_record_failure,
    webhook_endpoint_record_success,
)
from api.webhooks.targets import Target, UnsafeTarget, webhook_target

# Wait before the 2nd, 3rd, ... attempt; the last step repeats until WEBHOOK_MAX_ATTEMPTS.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
# How long a claimed attempt belongs to its worker beyond the request's own timeout.
LEASE_MARGIN = timedelta(seconds=30)
# A row queued this long ago and still due was lost on the way to a worker.
REQUEUE_AFTER = timedelta(minutes=5)
# Read (and discard) at most this much of an answer: only its status matters.
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "Sinergi-Webhooks/1"

logger = logging.getLogger(__name__)


def backoff_after(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts (1 → one minute, ...)."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``: the timestamp is signed with
    the body, so a captured request cannot be replayed later with a fresh time."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def request_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "agency": delivery.endpoint.agency_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def request_headers(delivery: WebhookDelivery, body: bytes, *, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Sinergi-Event": delivery.event,
        "Sinergi-Delivery": str(delivery.pk),
        "Sinergi-Signature": signature_header(
            secret=delivery.endpoint.secret, timestamp=timestamp, body=body
        ),
    }


class _PinnedConnectionMixin:
    """Connects to the address that was checked, while the Host header and the TLS
    name (SNI and certificate check) stay the endpoint's host name."""

    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        # http.client opens its socket through this attribute; aim it at the checked IP.
        self._create_connection = lambda target, timeout=None, source_address=None: (
            socket.create_connection((address, target[1]), timeout, source_address)
        )


class _PinnedHTTPConnection(_PinnedConnectionMixin, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, http.client.HTTPSConnection):
    pass


def _post(target: Target, body: bytes, headers: dict[str, str]) -> int:
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host,
            target.port,
            timeout=timeout,
            context=ssl.create_default_context(),
            address=target.address,
        )
    else:
        connection = _PinnedHTTPConnection(
            target.host, target.port, timeout=timeout, address=target.address
        )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_ANSWER_BYTES)
        return response.status
    finally:
        connection.close()


def _failure_text(error: Exception) -> str:
    """A few words on what went wrong: never the payload or the receiver's answer."""
    if isinstance(error, UnsafeTarget):
        return str(error)
    if isinstance(error, TimeoutError):
        return _("No answer within %(seconds)d seconds.") % {
            "seconds": settings.WEBHOOK_TIMEOUT_SECONDS
        }
    if isinstance(error, ssl.SSLError):
        return _("The TLS connection failed: %(reason)s") % {"reason": error.reason or "?"}
    if isinstance(error, ConnectionRefusedError):
        return _("The connection was refused.")
    return f"{type(error).__name__}: {error}"[:200]


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    """Take the next attempt of a due delivery, or None if it is not due (delivered,
    given up, waiting for its retry, or being sent by another worker right now)."""
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + LEASE_MARGIN
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk=delivery_id,
                status__in=WebhookDelivery.DUE_STATES,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease
        delivery.queued_at = None
        delivery.last_attempt_at = now
        delivery.save(update_fields=["attempts", "next_attempt_at", "queued_at", "last_attempt_at"])
    return WebhookDelivery.objects.select_related("endpoint__agency").get(pk=delivery_id)


def _record(delivery: WebhookDelivery, **fields) -> bool:
    """Write the attempt's outcome unless the row moved on meanwhile (its lease ran out
    and another worker took the next attempt)."""
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery.pk,
            attempts=delivery.attempts,
            status__in=WebhookDelivery.DUE_STATES,
        ).update(**fields)
    )


def _record_success(delivery: WebhookDelivery, status_code: int, now) -> None:
    _record(
        delivery,
        status=WebhookDelivery.Status.DELIVERED,
        delivered_at=now,
        next_attempt_at=None,
        last_status_code=status_code,
        last_error="",
    )
    webhook_endpoint_record_success(endpoint_id=delivery.endpoint_id)


def _record_failure(delivery: WebhookDelivery, status_code: int | None, error: str, now) -> None:
    gives_up = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    _record(
        delivery,
        status=WebhookDelivery.Status.ABANDONED if gives_up else WebhookDelivery.Status.FAILED,
        next_attempt_at=None if gives_up else now + backoff_after(delivery.attempts),
        last_status_code=status_code,
        last_error=error[:200],
    )
    webhook_endpoint_record_failure(
        endpoint_id=delivery.endpoint_id, threshold=settings.WEBHOOK_DISABLE_AFTER_FAILURES
    )


def _refusal(delivery: WebhookDelivery) -> str:
    """Why this attempt is not even tried: the endpoint or its agency was switched off
    meanwhile, or earlier attempts ended without a result (their worker died) until none
    were left."""
    if not delivery.endpoint.is_active:
        return _("The endpoint was disabled.")
    if not delivery.endpoint.agency.is_active:
        return _("The agency was deactivated.")
    if delivery.attempts > settings.WEBHOOK_MAX_ATTEMPTS:
        return _("No attempts left.")
    return ""


def webhook_deliver(*, delivery_id: int) -> str:
    """Send the next attempt of one delivery if it is due. Returns what happened:
    "delivered", "failed", "abandoned" or "skipped" (nothing was due: safe to repeat)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    refusal = _refusal(delivery)
    if refusal:
        _record(
            delivery,
            status=WebhookDelivery.Status.ABANDONED,
            next_attempt_at=None,
            last_error=refusal,
        )
        return "abandoned"
    status_code, error = _attempt(delivery)
    done = timezone.now()
    if error:
        _record_failure(delivery, status_code, error, done)
        delivery.refresh_from_db(fields=["status"])
        return delivery.status
    _record_success(delivery, status_code, done)
    return "delivered"


def _attempt(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(HTTP status, error text); the error is empty when the receiver answered 2xx."""
    body = request_body(delivery)
    headers = request_headers(delivery, body, timestamp=int(time.time()))
    try:
        # Checked again now: the name may resolve elsewhere than at registration.
        status_code = _post(webhook_target(delivery.endpoint.url), body, headers)
    except (UnsafeTarget, OSError, http.client.HTTPException) as error:
        return None, _failure_text(error)
    except Exception as error:
        # Counted as a failed attempt like any other, so the retries still end; the log
        # names the delivery and the error's type, never the payload.
        logger.exception("Webhook delivery %s failed unexpectedly", delivery.pk)
        return None, type(error).__name__
    if 200 <= status_code < 300:
        return status_code, ""
    return status_code, _("The endpoint answered HTTP %(status)d.") % {"status": status_code}


def webhook_deliveries_requeue(*, now=None, limit: int = 500) -> int:
    """Queue the deliveries that are due and not on their way to a worker: retries whose
    wait is over, and rows whose queueing after commit was lost. Each row is claimed
    for queueing by a conditional UPDATE, so two sweeps queue it once."""
    from api.tasks import webhook_deliver_task

    now = now or timezone.now()
    not_queued = WebhookDelivery.objects.filter(
        status__in=WebhookDelivery.DUE_STATES, next_attempt_at__lte=now
    ).exclude(queued_at__gt=now - REQUEUE_AFTER)
    queued = 0
    for delivery_id in not_queued.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        if not_queued.filter(pk=delivery_id).update(queued_at=now):
            webhook_deliver_task.delay(delivery_id)
            queued += 1
    return queued
