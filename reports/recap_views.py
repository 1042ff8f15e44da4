"""The KLA cluster V report and the SIMFONI-style recap, on screen and as downloads.

Who reads which agencies is decided as on the trend page: one's own agency (heads,
supervisors, data officers), or with ``?scope=network`` the city's agencies for those who
may read the network's statistics. Everything shown is a sum of statistics cells; every
download is audited.
"""

import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from agencies.auth import client_ip
from agencies.models import Agency
from cases.models import AuditEvent
from cases.services import audit_record
from reports.dashboard import Scope, figure_scope
from reports.exports import FORMATS, XLSX_TYPE, Column, spreadsheet_safe
from reports.models import StatCell
from reports.recaps import Table, kla_cluster_v, simfoni_recap
from reports.stats import data_as_of

# The Act behind the AMPK categories (UU 35/2014) is the earliest year worth choosing.
FIRST_YEAR = 2014
_MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
# Characters a sheet name may not hold, and its length limit (Excel's rules).
SHEET_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})
SHEET_NAME_LENGTH = 31


class _ScopedForm(forms.Form):
    """A report filter; on the network scope, with one agency of the city to narrow to."""

    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, data=None, *, agencies=None):
        super().__init__(data or None, initial=self.defaults())
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies

    def defaults(self) -> dict:
        return {}

    def chosen_agency(self):
        return self.value("agency")

    def value(self, name: str):
        """The chosen value, or the default when the filters are missing or wrong."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get(name):
            return self.cleaned_data[name]
        return self.initial.get(name)


class KlaForm(_ScopedForm):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)

    def __init__(self, data=None, *, agencies=None):
        super().__init__(data, agencies=agencies)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (year, year) for year in range(this_year, FIRST_YEAR - 1, -1)
        ]

    def defaults(self) -> dict:
        return {"year": timezone.localdate().year}


class SimfoniForm(_ScopedForm):
    first_month = forms.DateField(
        label=gettext_lazy("From month"), input_formats=["%Y-%m"], widget=_MONTH, required=False
    )
    last_month = forms.DateField(
        label=gettext_lazy("To month"), input_formats=["%Y-%m"], widget=_MONTH, required=False
    )

    field_order = ["first_month", "last_month", "agency"]

    def defaults(self) -> dict:
        # As SIMFONI's own dashboard: since 1 January of this year.
        this_month = timezone.localdate().replace(day=1)
        return {"first_month": this_month.replace(month=1), "last_month": this_month}

    def clean(self):
        cleaned = super().clean()
        # A month left empty is the default one, so "from March" alone means March to now.
        first = cleaned.get("first_month") or self.initial["first_month"]
        last = cleaned.get("last_month") or self.initial["last_month"]
        if "first_month" not in self.errors and "last_month" not in self.errors:
            if first > last:
                self.add_error("last_month", _("The last month is before the first."))
            cleaned["first_month"], cleaned["last_month"] = first, last
        return cleaned

    def period(self):
        return self.value("first_month").replace(day=1), self.value("last_month").replace(day=1)


# --- downloads -----------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _flat(tables: list[Table]) -> tuple[list[str], list[list]]:
    """One table of all: a "table" column, then every column of any table, in order.

    Worked out whole, in the reader's language: a streamed response is written after the
    view has returned, when its language is no longer active.
    """
    columns: dict[str, Column] = {}
    for table in tables:
        for column in table.columns:
            columns.setdefault(column.key, column)
    header = [_("Table")] + [str(column.header) for column in columns.values()]
    rows = []
    for table in tables:
        for row in table.rows:
            values = {column.key: column.value(row) for column in table.columns}
            rows.append([table.title] + [spreadsheet_safe(values.get(key)) for key in columns])
    return header, rows


def _csv_lines(header: list[str], rows: list[list]):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _sheet_name(title: str, taken: set[str]) -> str:
    name = " ".join(title.translate(SHEET_FORBIDDEN).split())[:SHEET_NAME_LENGTH] or "Sheet"
    number = 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def _xlsx_bytes(tables: list[Table]) -> bytes:
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=_sheet_name(table.title, taken))
        sheet.append([str(column.header) for column in table.columns])
        for row in table.rows:
            sheet.append([spreadsheet_safe(column.value(row)) for column in table.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(request, *, report: str, tables: list[Table], basename: str, file_format, about):
    """The tables as CSV (one flat table, streamed) or XLSX (a sheet each), audited: who
    downloaded which report, of what, from where."""
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            object_type=StatCell._meta.label_lower,
            fields=[
                f"report:{report}",
                *about,
                *[f"table:{table.key}" for table in tables],
                f"format:{file_format}",
            ],
            ip_address=client_ip(request) or None,
        )
    filename = f"{basename}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            _csv_lines(*_flat(tables)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx_bytes(tables), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _scope_fields(scope: Scope) -> list[str]:
    agencies = scope.agencies if isinstance(scope.agencies, list) else []
    if scope.network and not agencies:
        return ["scope:network"]
    return [f"scope:{'network' if scope.network else 'agency'}"] + [
        f"agency:{agency.pk}" for agency in agencies
    ]


# --- pages ---------------------------------------------------------------------------------


@login_required
def kla_report(request):
    scope, form = figure_scope(request, KlaForm)
    year = form.value("year")
    report = kla_cluster_v(scope.agencies, year)
    file_format = request.GET.get("format")
    if file_format in FORMATS:
        return _download(
            request,
            report="kla",
            tables=report.tables(),
            basename=f"laporan-kla-klaster-v-{year}{'-jejaring' if scope.network else ''}",
            file_format=file_format,
            about=[f"year:{year}", *_scope_fields(scope)],
        )
    return render(
        request,
        "reports/kla.html",
        {
            "form": form,
            "scope": scope,
            "report": report,
            "data_as_of": data_as_of(),
        },
    )


@login_required
def simfoni_recap_page(request):
    scope, form = figure_scope(request, SimfoniForm)
    first_month, last_month = form.period()
    recap = simfoni_recap(scope.agencies, first_month, last_month)
    file_format = request.GET.get("format")
    if file_format in FORMATS:
        network = "-jejaring" if scope.network else ""
        return _download(
            request,
            report="simfoni",
            tables=recap.export_tables(),
            basename=f"rekap-simfoni-{first_month:%Y-%m}-{last_month:%Y-%m}{network}",
            file_format=file_format,
            about=[f"period:{first_month:%Y-%m}..{last_month:%Y-%m}", *_scope_fields(scope)],
        )
    this_month = timezone.localdate().replace(day=1)
    return render(
        request,
        "reports/simfoni.html",
        {
            "form": form,
            "scope": scope,
            "recap": recap,
            "unfinished_month": first_month <= this_month <= last_month,
            "data_as_of": data_as_of(),
        },
    )
