"""Base views that fetch records only through their model's visibility rule.

Every list and detail page of a confidential record builds on these. A record the
user may not see is a 404, exactly like one that does not exist. Subclasses narrow
the scoped queryset in ``narrow()``; they never replace it.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from agencies.views.paging import LookaheadPaginator


class ScopedQuerysetMixin(LoginRequiredMixin):
    model = None

    def get_queryset(self):
        return self.narrow(self.model.objects.visible_to(self.request.user))

    def narrow(self, queryset):
        """Filters, ordering and prefetching on top of the visibility rule."""
        return queryset


class ScopedListView(ScopedQuerysetMixin, ListView):
    paginate_by = 25
    paginator_class = LookaheadPaginator  # Previous/Next without counting every row


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    pass


def get_visible_or_404(queryset, user, **lookup):
    """One record through the model's visibility rule; missing and forbidden look alike."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(queryset.visible_to(user), **lookup)
