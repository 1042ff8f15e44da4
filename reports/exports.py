"""Registers as CSV or XLSX downloads: audited, streamed, and safe to open in a spreadsheet.

Views pass rows they fetched through the model's visibility rule; this module only
writes them out. Neither the file name nor any cell names a child.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook

from agencies.auth import client_ip
from cases.models import AuditEvent
from cases.services import audit_record

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these runs as a formula in a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation, rendered in the reader's language
    value: Callable[[Any], Any]


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as it is: never a formula, never "None"."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def _csv_lines(rows: Iterable, columns: list[Column], language: str | None):
    # The rows are written while the response streams, after the view has returned and
    # the reader's language was deactivated: write them in that language all the same.
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow([str(column.header) for column in columns])
        for row in rows:
            yield writer.writerow([spreadsheet_safe(column.value(row)) for column in columns])


def _xlsx_bytes(rows: Iterable, columns: list[Column]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([str(column.header) for column in columns])
    for row in rows:
        sheet.append([spreadsheet_safe(column.value(row)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, request, rows: Iterable, columns: list[Column], basename: str, file_format: str, model
):
    """The download of ``rows``, with one audit row saying who exported what, from where."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format: {file_format}")
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            object_type=model._meta.label_lower,
            fields=[column.key for column in columns] + [f"format:{file_format}"],
            ip_address=client_ip(request) or None,
        )
    filename = f"{basename}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            _csv_lines(rows, columns, translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(_xlsx_bytes(rows, columns), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportableListMixin:
    """A list page whose filtered list also downloads whole: ``?format=csv`` or ``xlsx``.

    The rows come from the view's own scoped and filtered queryset, so an export never
    holds more than the pages would show.
    """

    export_columns: list[Column] = []
    export_basename = ""

    def export_rows(self, queryset) -> Iterable:
        return queryset.iterator(chunk_size=500)

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format")
        if file_format in FORMATS:
            return export_response(
                request=request,
                rows=self.export_rows(self.get_queryset()),
                columns=self.export_columns,
                basename=self.export_basename,
                file_format=file_format,
                model=self.model,
            )
        return super().get(request, *args, **kwargs)

    def filter_query(self) -> str:
        """The current filters, for pagination and download links to keep."""
        filters = self.request.GET.copy()
        filters.pop("page", None)
        filters.pop("format", None)
        return filters.urlencode()
