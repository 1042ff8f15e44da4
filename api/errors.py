"""One JSON shape for every error, in the caller's language:

    {"error": {"code": "invalid", "message": "...", "fields": {"risk_level": ["..."]}}}

``fields`` appears only for input errors; it never quotes a submitted value.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from cases.services import StaleVersionError


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _("Send If-Match with the ETag of the version you are changing.")
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone changed this record since you read it. Read it again and reapply your change."
    )
    default_code = "precondition_failed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


class NotFound(exceptions.NotFound):
    """The one answer for records that do not exist and records the caller may not see."""

    default_detail = _("Not found.")


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            field: [
                str(message) for message in (messages if isinstance(messages, list) else [messages])
            ]
            for field, messages in detail.items()
        }
    messages = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(message) for message in messages]}


def _from_django(exc):
    if isinstance(exc, Http404):
        return NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, StaleVersionError):
        return PreconditionFailed()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return exc


def api_exception_handler(exc, context):
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real fault: a 500, logged by Django, with no detail to the caller
    body = {"code": _code_of(exc), "message": _message_of(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _field_errors(exc.detail)
    response.data = {"error": body}
    return response


def _code_of(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    return codes if isinstance(codes, str) else "error"


def _message_of(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return str(_("Some fields are not valid."))
    return str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)


def unknown_route(request, *args, **kwargs) -> JsonResponse:
    body = {"error": {"code": "not_found", "message": str(NotFound.default_detail)}}
    return JsonResponse(body, status=404)
