"""The historical import pages: upload, the batch with its progress and report, confirm,
delete, and the template to fill in. For an agency's data officers and heads only."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from agencies.auth import client_ip
from reports import imports
from reports.exports import XLSX_TYPE
from reports.import_forms import ImportConfirmForm, ImportUploadForm
from reports.models import ImportBatch

# While a task works on the batch, its page reloads itself (no script: the CSP forbids
# inline ones, and a meta refresh needs none).
REFRESH_SECONDS = 3
RECENT_BATCHES = 20


def _agency_or_403(user):
    agency = imports.import_agency(user)
    if agency is None:
        raise PermissionDenied
    return agency


def _batch(request, pk: int) -> ImportBatch:
    # Another agency's batch, or anyone without the role: missing, not forbidden.
    return get_object_or_404(
        ImportBatch.objects.visible_to(request.user).select_related("uploaded_by"), pk=pk
    )


@login_required
def import_upload(request):
    agency = _agency_or_403(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_upload(
                uploaded_by=request.user,
                agency=agency,
                upload=form.cleaned_data["file"],
                ip_address=client_ip(request) or None,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("import-detail", pk=batch.pk)
    batches = ImportBatch.objects.visible_to(request.user).select_related("uploaded_by")
    return render(
        request,
        "reports/import/upload.html",
        {
            "form": form,
            "agency": agency,
            "batches": batches[:RECENT_BATCHES],
            "columns": imports.COLUMNS,
            "max_rows": imports.MAX_ROWS,
        },
    )


def _render_detail(request, batch: ImportBatch, form: ImportConfirmForm, status: int = 200):
    report = [
        {"row": error["row"], "column": error["column"], "message": imports.error_message(error)}
        for error in batch.errors
    ]
    return render(
        request,
        "reports/import/detail.html",
        {
            "batch": batch,
            "form": form,
            "report": report,
            "more_errors": max(batch.error_count - len(report), 0),
            "refresh_seconds": REFRESH_SECONDS if batch.is_running else None,
        },
        status=status,
    )


@login_required
def import_detail(request, pk: int):
    batch = _batch(request, pk)
    return _render_detail(request, batch, ImportConfirmForm())


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk)
    form = ImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            imports.import_confirm(
                batch=batch,
                confirmed_by=request.user,
                only_valid=form.cleaned_data["only_valid"],
                ip_address=client_ip(request) or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The import has started."))
            return redirect("import-detail", pk=batch.pk)
    return _render_detail(request, batch, form, status=400)


@login_required
@require_POST
def import_delete(request, pk: int):
    batch = _batch(request, pk)
    try:
        removed = imports.import_delete(
            batch=batch, deleted_by=request.user, ip_address=client_ip(request) or None
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import-detail", pk=batch.pk)
    messages.success(
        request,
        _("Import #%(number)s was deleted with its %(rows)s rows.")
        % {"number": pk, "rows": removed},
    )
    return redirect("import-upload")


def _template_csv() -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    # ";" is the list separator of spreadsheet programs set to Indonesian; "," works too.
    csv.writer(buffer, delimiter=";").writerow([column.header for column in imports.COLUMNS])
    return HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")


def _template_xlsx() -> HttpResponse:
    workbook = Workbook()
    data = workbook.active
    data.title = "Data"
    data.append([column.header for column in imports.COLUMNS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    guide = workbook.create_sheet(_("Instructions")[:31])
    guide.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for column in imports.COLUMNS:
        guide.append(
            [
                column.header,
                _("yes") if column.required else _("no"),
                str(column.description),
                column.example,
            ]
        )
    codes = workbook.create_sheet(_("Codes")[:31])
    codes.append([_("Column"), _("Code"), _("Meaning")])
    for column in imports.COLUMNS:
        for value, label in column.choices:
            codes.append([column.header, value, str(label)])
    for sheet in (guide, codes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)


@login_required
def import_template(request, file_format: str):
    _agency_or_403(request.user)
    if file_format == ImportBatch.Format.CSV:
        response = _template_csv()
    elif file_format == ImportBatch.Format.XLSX:
        response = _template_xlsx()
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="templat-impor-kasus.{file_format}"'
    return response
