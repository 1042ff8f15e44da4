"""Page-by-page lists that never count their rows.

The list pages offer "Previous" and "Next", never a page count, yet Django's paginator
counts every row to validate a page number: for a supervisor that is every case of
the agency (50,000 in a national deployment, ~50 ms of counting on each page view).
This paginator fetches one row more than the page instead: that row says whether
there is a next page.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _


class LookaheadPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        if not self.more:
            raise EmptyPage(_("That page contains no results"))
        return self.number + 1

    def start_index(self) -> int:
        return 0 if not self.object_list else (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class LookaheadPaginator(Paginator):
    """A paginator for Previous/Next only. Asking for ``count`` or ``num_pages`` still
    counts every row: no list page of Sinergi does."""

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not an integer")) from error
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number) -> LookaheadPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        more = len(rows) > self.per_page
        return LookaheadPage(rows[: self.per_page], number, self, more=more)
