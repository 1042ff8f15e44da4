"""The public statistics page: anyone, signed in or not, no drill-down below kab/kota."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.public import presented_series, presented_tables, public_page
from reports.suppression import HIDDEN, SMALL


@require_safe
def public_statistics(request):
    """De-identified figures of one kab/kota and year (GET ``regency`` and ``year``).

    Unknown or malformed parameters fall back to the first regency and its latest year.
    """
    page = public_page(request.GET.get("regency"), request.GET.get("year"))
    context = {"page": page, "small_marker": SMALL, "hidden_marker": HIDDEN}
    if page.statistics is not None:
        context["tables"] = presented_tables(page.statistics)
        context["series"] = presented_series(page.statistics)
    return render(request, "reports/public_statistics.html", context)
