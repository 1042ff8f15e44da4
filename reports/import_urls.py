"""The historical import, under /dasbor/impor/ (included by reports.urls)."""

from django.urls import path

from reports import import_views

urlpatterns = [
    path("", import_views.import_upload, name="import-upload"),
    path("templat.<str:file_format>", import_views.import_template, name="import-template"),
    path("<int:pk>/", import_views.import_detail, name="import-detail"),
    path("<int:pk>/impor/", import_views.import_confirm, name="import-confirm"),
    path("<int:pk>/hapus/", import_views.import_delete, name="import-delete"),
]
