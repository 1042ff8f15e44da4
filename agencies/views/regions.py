from django.http import Http404, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from agencies.models import Region
from agencies.region_picker import region_options


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def region_children(request, code: str):
    """Regions one level below ``code`` (``ROOT`` for provinces). Public reference data."""
    parent = None if code == "ROOT" else code
    if parent and not Region.objects.filter(code=parent, is_active=True).exists():
        raise Http404
    regions = [{"code": code, "name": name} for code, name in region_options(parent)]
    return JsonResponse({"regions": regions})
