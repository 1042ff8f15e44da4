"""The naive case list: DRF's ``ModelViewSet`` filtered by guardian's
``get_objects_for_user``, as the DRF and guardian documentation show it.

Textbook choices, kept on purpose:
- ``get_objects_for_user`` with its default arguments (groups and global permissions
  on), over the generic grant table (see ``bench.baseline.models`` for why it is the
  generic one);
- ``PageNumberPagination`` (an exact ``COUNT`` on every page, then ``OFFSET``);
- ``select_related``/``prefetch_related`` of what the row shows, the one tuning every
  Django tutorial teaches, so the baseline is not slowed down by an N+1 that is not what
  it is here to show: the cost of deciding visibility from generic grants.

Authentication, throttling, rendering and errors are the project's ``REST_FRAMEWORK``
defaults, so a session cookie or a partner's Bearer token works here as on ``/api/v1/``.
The permission class is DRF's ``IsAuthenticated``: who sees what is the grants' job.
"""

from guardian.shortcuts import get_objects_for_user
from rest_framework import permissions, viewsets
from rest_framework.pagination import PageNumberPagination

from bench.baseline.models import Case
from bench.baseline.serializers import CaseSerializer

VIEW_CASE = "baseline.view_case"


class NaiveCasePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class NaiveCaseViewSet(viewsets.ModelViewSet):
    """Read-only in practice: the textbook ``ModelViewSet`` with only GET routed."""

    serializer_class = CaseSerializer
    pagination_class = NaiveCasePagination
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "head", "options"]
    lookup_field = "code"

    def get_queryset(self):
        cases = get_objects_for_user(self.request.user, VIEW_CASE, klass=Case)
        return cases.select_related("lead_agency", "lead_caseworker").prefetch_related(
            "violence_forms"
        )
