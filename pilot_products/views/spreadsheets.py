"""Portal spreadsheet pages: a wholesaler uploads, previews, confirms and downloads
its own listings, and on a page of their own its import batches and their lines.
The server decides the wholesaler; rows naming another one fail."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from pilot_products import access, security_log
from pilot_products.access import WholesalerPortalMixin
from pilot_products.filters import PortalListingFilter
from pilot_products.jobs import exports
from pilot_products.jobs.imports import import_retry
from pilot_products.spreadsheets.exporting import FORMATS, XLSX_CONTENT_TYPE
from pilot_products.spreadsheets.forms import UploadForm
from pilot_products.spreadsheets.previews import (
    MSG_PREVIEW_GONE,
    confirm_preview,
    error_workbook_response,
    load_preview,
    preview_upload,
)
from pilot_products.spreadsheets.progress import (
    job_status,
    latest_record,
    owns,
    recent_records,
    upload_page,
)
from pilot_products.spreadsheets.specs import (
    SPECS,
    ImportBatchesSpec,
    ImportBatchLinesSpec,
    ListingsSpec,
    Scope,
)
from pilot_products.spreadsheets.workbooks import template_workbook

RESOURCE = ListingsSpec.name
#: The batch files a wholesaler moves in and out, with their download names.
BATCH_RESOURCES = {
    ImportBatchesSpec.name: "import-batches",
    ImportBatchLinesSpec.name: "import-batch-lines",
}
#: Model label written to the security log for a preview of another wholesaler.
PREVIEW_LABEL = "pilot_products.ImportPreview"
EXPORT_LABEL = "pilot_products.ExportRecord"


def own_record(request, token: str, wholesaler):
    """The latest job of the user's own upload ``token``; anyone else's is a 404."""
    record = latest_record(token)
    if record is not None and owns(record, user=request.user, wholesaler=wholesaler):
        return record
    if record is not None and record.wholesaler_id != wholesaler.pk:
        security_log.cross_wholesaler_attempt(request, PREVIEW_LABEL, token)
    raise Http404


class SpreadsheetHomeView(WholesalerPortalMixin, TemplateView):
    """Upload form, downloads and the wholesaler's recent imports."""

    template_name = "pilot_products/spreadsheets/portal_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.get("form") or UploadForm(),
            wholesaler=self.wholesaler,
            recent_imports=recent_records(
                user=self.request.user, wholesaler=self.wholesaler
            ),
            recent_exports=exports.recent_exports(
                user=self.request.user, wholesaler=self.wholesaler
            ),
            export_columns=export_columns(),
        )

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, request=request)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token = preview_upload(
            RESOURCE,
            form.cleaned_data["file"],
            user=request.user,
            wholesaler=self.wholesaler,
            request=request,
            photos=form.cleaned_data.get("photos"),
        )
        return redirect("pilot_products:spreadsheet-preview", token=token)


class PreviewView(WholesalerPortalMixin, TemplateView):
    """An upload's page: its job's progress, then the preview or what it imported."""

    template_name = "pilot_products/spreadsheets/portal_preview.html"

    def get(self, request, *args, token, **kwargs):
        record = own_record(request, token, self.wholesaler)
        if request.GET.get("status"):
            return job_status(record)
        if request.GET.get("download") == "errors":
            preview = load_preview(token, user=request.user, wholesaler=self.wholesaler)
            if preview is None:
                raise Http404
            name = preview.meta.get("resource") or RESOURCE
            return error_workbook_response(preview, f"{name}-errors.xlsx")
        page = upload_page(
            record, request.GET, user=request.user, wholesaler=self.wholesaler
        )
        if not page:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect("pilot_products:spreadsheets")
        context = self.get_context_data(
            wholesaler=self.wholesaler,
            process_url=reverse("pilot_products:spreadsheet-confirm"),
            retry_url=reverse("pilot_products:spreadsheet-retry"),
            status_url=f"{request.path}?status=1",
            **page,
        )
        return self.render_to_response(context)


class ConfirmView(WholesalerPortalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("preview", "")
        own_record(request, token, self.wholesaler)
        preview = load_preview(token, user=request.user, wholesaler=self.wholesaler)
        record = (
            confirm_preview(
                preview,
                user=request.user,
                wholesaler=self.wholesaler,
                request=request,
                overwrite_stale=request.POST.get("overwrite_stale") == "1",
            )
            if preview
            else None
        )
        if record is None:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect("pilot_products:spreadsheets")
        return redirect("pilot_products:spreadsheet-preview", token=token)


class RetryView(WholesalerPortalMixin, View):
    """Run an interrupted or failed import again from its stored file."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("retry", "")
        record = own_record(request, token, self.wholesaler)
        if not import_retry(record, request=request):
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect("pilot_products:spreadsheets")
        return redirect("pilot_products:spreadsheet-preview", token=token)


class ExportView(WholesalerPortalMixin, View):
    """The wholesaler's own listings as a file: the listing list's filters (its
    query string) choose the rows, ``?fields=`` the columns, as in the admin."""

    http_method_names = ["get"]

    def get(self, request, *args, file_format, **kwargs):
        if file_format not in FORMATS:
            raise Http404
        filterset = PortalListingFilter(
            request.GET, queryset=access.own_listings(self.wholesaler)
        )
        if not filterset.is_valid():
            # The list shows what is wrong beside the filter; no file of wrong rows.
            listings = reverse("pilot_products:portal-listings")
            return redirect(f"{listings}?{request.GET.urlencode()}")
        spec = ListingsSpec(Scope(user=request.user, wholesaler=self.wholesaler))
        answer = exports.export_or_queue(
            spec,
            file_format,
            "listings",
            user=request.user,
            wholesaler=self.wholesaler,
            queryset=filterset.qs,
            keys=chosen_columns(spec, request.GET.getlist("fields")),
        )
        if isinstance(answer, HttpResponseBase):
            return answer
        return redirect("pilot_products:spreadsheet-export-job", token=answer.token)


def export_columns() -> list[tuple[str, str, bool]]:
    """(key, label in the page's language, always exported) of each listing column."""
    chinese = (translation.get_language() or "zh-hans").startswith("zh")
    return [
        (c.key, c.header_zh if chinese else c.key, c.key in KEY_COLUMNS)
        for c in ListingsSpec.columns
    ]


#: The natural key of a listing: always in the file, so that it imports back.
KEY_COLUMNS = frozenset({"wholesaler", "sku"})


def chosen_columns(spec, keys: list[str]) -> list[str] | None:
    """The known column keys asked for, in the file's order; None for every column.

    The natural key (wholesaler, SKU) always goes in, so the file imports back.
    """
    wanted = set(keys)
    if not wanted:
        return None
    chosen = [c.key for c in spec.columns if c.key in wanted | KEY_COLUMNS]
    return chosen if wanted & {c.key for c in spec.columns} else None


class ExportJobView(WholesalerPortalMixin, TemplateView):
    """A large export's page: its progress, then the download (the owner's only)."""

    template_name = "pilot_products/spreadsheets/portal_export_job.html"

    def get(self, request, *args, token, **kwargs):
        try:
            record = exports.own_export(
                token, user=request.user, wholesaler=self.wholesaler
            )
        except Http404:
            if exports.belongs_elsewhere(token, self.wholesaler):
                security_log.cross_wholesaler_attempt(request, EXPORT_LABEL, token)
            raise
        if request.GET.get("status"):
            return exports.export_status(record)
        if request.GET.get("download"):
            return exports.download(record)
        context = self.get_context_data(
            **exports.export_page(
                record,
                status_url=f"{request.path}?status=1",
                download_url=f"{request.path}?download=1",
            )
        )
        return self.render_to_response(context)


class TemplateDownloadView(WholesalerPortalMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            template_workbook(ListingsSpec(Scope(wholesaler=self.wholesaler))),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = (
            'attachment; filename="listings-template.xlsx"'
        )
        return response


class BatchUploadForm(UploadForm):
    """The portal's upload of a batch file: which of the two files it is."""

    resource = forms.ChoiceField(
        label=_("File"),
        choices=[
            (ImportBatchesSpec.name, _("Import batches (one row per declaration)")),
            (
                ImportBatchLinesSpec.name,
                _("Batch lines (one row per declaration and tariff line)"),
            ),
        ],
        initial=ImportBatchesSpec.name,
        widget=forms.RadioSelect,
        help_text=_("Upload the batches file first, then the file of their lines."),
    )
    field_order = ["resource", "file"]


class BatchSpreadsheetView(SpreadsheetHomeView):
    """The wholesaler's import batches and lines by spreadsheet: the same engine,
    preview and confirmation as listings, scoped to the wholesaler."""

    template_name = "pilot_products/spreadsheets/portal_batches.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or BatchUploadForm()
        context["batch_resources"] = [
            (ImportBatchesSpec.name, _("Your import batches")),
            (ImportBatchLinesSpec.name, _("Their lines")),
        ]
        return context

    def post(self, request, *args, **kwargs):
        form = BatchUploadForm(request.POST, request.FILES, request=request)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token = preview_upload(
            form.cleaned_data["resource"],
            form.cleaned_data["file"],
            user=request.user,
            wholesaler=self.wholesaler,
            request=request,
        )
        return redirect("pilot_products:spreadsheet-preview", token=token)


def batch_spec(resource: str):
    """The batch file ``resource`` names (a 404 for any other)."""
    if resource not in BATCH_RESOURCES:
        raise Http404
    return SPECS[resource]


class BatchExportView(WholesalerPortalMixin, View):
    """The wholesaler's own batches or lines as a file (inline, or a job if large)."""

    http_method_names = ["get"]

    def get(self, request, *args, resource, file_format, **kwargs):
        spec_class = batch_spec(resource)
        if file_format not in FORMATS:
            raise Http404
        answer = exports.export_or_queue(
            spec_class(Scope(user=request.user, wholesaler=self.wholesaler)),
            file_format,
            BATCH_RESOURCES[resource],
            user=request.user,
            wholesaler=self.wholesaler,
        )
        if isinstance(answer, HttpResponseBase):
            return answer
        return redirect("pilot_products:spreadsheet-export-job", token=answer.token)


class BatchTemplateView(WholesalerPortalMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, resource, **kwargs):
        spec_class = batch_spec(resource)
        response = HttpResponse(
            template_workbook(spec_class(Scope(wholesaler=self.wholesaler))),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{BATCH_RESOURCES[resource]}-template.xlsx"'
        )
        return response
