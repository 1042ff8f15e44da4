"""The forms of the historical import: the upload and the confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.imports import MAX_FILE_BYTES, upload_format


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of past cases (CSV or XLSX, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload_format(upload.name) is None:
            raise forms.ValidationError(_("Only CSV (.csv) and Excel (.xlsx) files are accepted."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20}
            )
        return upload


class ImportConfirmForm(forms.Form):
    only_valid = forms.BooleanField(
        label=_("Import only the valid rows and leave out the rows with errors"),
        required=False,
    )
