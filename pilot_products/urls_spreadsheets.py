"""Portal spreadsheet URLs, included under portal/spreadsheets/."""

from django.urls import path

from pilot_products.views import spreadsheets

urlpatterns = [
    path("", spreadsheets.SpreadsheetHomeView.as_view(), name="spreadsheets"),
    path(
        "preview/<str:token>/",
        spreadsheets.PreviewView.as_view(),
        name="spreadsheet-preview",
    ),
    path("confirm/", spreadsheets.ConfirmView.as_view(), name="spreadsheet-confirm"),
    path("retry/", spreadsheets.RetryView.as_view(), name="spreadsheet-retry"),
    path(
        "listings.<str:file_format>",
        spreadsheets.ExportView.as_view(),
        name="spreadsheet-export",
    ),
    path(
        "exports/<str:token>/",
        spreadsheets.ExportJobView.as_view(),
        name="spreadsheet-export-job",
    ),
    path(
        "batches/",
        spreadsheets.BatchSpreadsheetView.as_view(),
        name="spreadsheet-batches",
    ),
    path(
        "batches/<str:resource>-template.xlsx",
        spreadsheets.BatchTemplateView.as_view(),
        name="spreadsheet-batch-template",
    ),
    path(
        "batches/<str:resource>.<str:file_format>",
        spreadsheets.BatchExportView.as_view(),
        name="spreadsheet-batch-export",
    ),
    path(
        "template.xlsx",
        spreadsheets.TemplateDownloadView.as_view(),
        name="spreadsheet-template",
    ),
]
