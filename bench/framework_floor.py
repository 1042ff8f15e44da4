"""The framework's floor: a signed-in API request that reads no record.

It goes through everything ``/api/v1/cases/`` goes through before and after its own
work (the middleware, the session, the signed-in user with membership and roles, DRF's
authentication, permission and throttle, the API's language and headers, JSON
rendering) and answers an empty page. Its throughput is the most any signed-in API page
could reach on this machine with this stack; served only by ``bench.settings``.
"""

from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import ApiBehaviour


class FrameworkFloorView(ApiBehaviour, APIView):
    def get(self, request):
        return Response({"next": None, "previous": None, "results": []})
