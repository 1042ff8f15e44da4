"""The base classes every API endpoint builds on.

They fix what no endpoint may forget: who the caller is and what scope it holds, the
caller's language, records fetched only through ``visible_to``/``editable_by`` (anything
else is a 404), versions on reads and writes, idempotent POSTs, no caching of answers,
and a log row for every request a partner system makes.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from agencies.auth import client_address
from api.authentication import client_of
from api.conditional import etag_of
from api.idempotency import idempotent
from api.models import ApiRequestLog


def api_language(request) -> str:
    """The first language of Accept-Language that Sinergi speaks; Indonesian otherwise.
    (The web UI ignores Accept-Language; partner systems have no other way to ask.)"""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _with_answer_headers(response):
    """What every answer of the API carries: its language, and no cache may keep it
    (case data)."""
    response["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language", "Authorization"))
    add_never_cache_headers(response)
    return response


class ApiBehaviour:
    """Mixed in front of every DRF view of the API."""

    def dispatch(self, request, *args, **kwargs):
        translation.activate(api_language(request))
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            response = idempotent(
                request,
                key,
                lambda: super(ApiBehaviour, self).dispatch(request, *args, **kwargs),
                on_error=self._error_outside_dispatch,
            )
            # A replayed answer or a reused key's refusal never passed finalize_response.
            return _with_answer_headers(response)
        return super().dispatch(request, *args, **kwargs)

    def _error_outside_dispatch(self, exc):
        body = {"error": {"code": exc.default_code, "message": str(exc.detail)}}
        return JsonResponse(body, status=exc.status_code)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        _with_answer_headers(response)
        self._log_partner_request(request, response)
        return response

    def _log_partner_request(self, request, response) -> None:
        client = client_of(request)
        if client is None:
            return
        match = request.resolver_match
        ApiRequestLog.objects.create(
            client=client,
            agency_id=client.agency_id,
            method=request.method,
            path=request.path[:300],
            route=(match.view_name if match else "")[:100],
            status_code=response.status_code,
            ip_address=client_address(request),
        )


class ApiViewSet(ApiBehaviour, viewsets.GenericViewSet):
    """For endpoints over records everyone in an agency may read (regions, agencies)."""


class VisibleViewSet(ApiBehaviour, viewsets.GenericViewSet):
    """For endpoints over records with a visibility rule. Set ``model``; narrow or
    prefetch in ``scope(queryset)``. A record outside ``visible_to`` is a 404; one the
    caller sees but may not change is a 403 on writes."""

    model = None

    def get_queryset(self):
        return self.scope(self.model.objects.visible_to(self.request.user))

    def scope(self, queryset):
        return queryset

    def get_editable_object(self):
        record = self.get_object()
        if not self.model.objects.editable_by(self.request.user).filter(pk=record.pk).exists():
            raise PermissionDenied
        return record

    def versioned_response(self, record, data, status=200, headers=None) -> Response:
        """A response carrying the record's ETag, for the next If-Match."""
        response = Response(data, status=status, headers=headers)
        response["ETag"] = etag_of(record)
        return response


class VisibleRetrieveMixin(mixins.RetrieveModelMixin):
    """GET one record, with its ETag."""

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        return self.versioned_response(record, self.get_serializer(record).data)


class VisibleListMixin(mixins.ListModelMixin):
    """GET a cursor-paginated list of visible records."""
