"""Portal spreadsheet pages: a wholesaler uploads, previews, confirms and downloads
its own listings. The server decides the wholesaler; rows naming another one fail."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from pilot_products import security_log
from pilot_products.access import WholesalerPortalMixin
from pilot_products.models import ImportOutcome
from pilot_products.spreadsheets.exporting import (
    FORMATS,
    XLSX_CONTENT_TYPE,
    export_response,
)
from pilot_products.spreadsheets.forms import UploadForm
from pilot_products.spreadsheets.previews import (
    MSG_PREVIEW_GONE,
    confirm_preview,
    error_workbook_response,
    imported_message,
    load_preview,
    preview_pages,
    preview_upload,
    preview_wholesaler_id,
)
from pilot_products.spreadsheets.specs import ListingsSpec, Scope
from pilot_products.spreadsheets.workbooks import template_workbook

RESOURCE = ListingsSpec.name
#: Model label written to the security log for a preview of another wholesaler.
PREVIEW_LABEL = "pilot_products.ImportPreview"


def own_preview(request, token: str, wholesaler):
    """Return the user's own preview, or None; another wholesaler's token is a 404."""
    preview = load_preview(token, user=request.user, wholesaler=wholesaler)
    if preview is None:
        owner = preview_wholesaler_id(token)
        if owner is not None and owner != wholesaler.pk:
            security_log.cross_wholesaler_attempt(request, PREVIEW_LABEL, token)
            raise Http404
    return preview


class SpreadsheetHomeView(WholesalerPortalMixin, TemplateView):
    """Upload form and downloads."""

    template_name = "pilot_products/spreadsheets/portal_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.get("form") or UploadForm(), wholesaler=self.wholesaler
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
        )
        return redirect("pilot_products:spreadsheet-preview", token=token)


class PreviewView(WholesalerPortalMixin, TemplateView):
    template_name = "pilot_products/spreadsheets/portal_preview.html"

    def get(self, request, *args, token, **kwargs):
        preview = own_preview(request, token, self.wholesaler)
        if preview is None:
            raise Http404
        if request.GET.get("download") == "errors":
            return error_workbook_response(preview, "listings-errors.xlsx")
        context = self.get_context_data(
            wholesaler=self.wholesaler,
            process_url=reverse("pilot_products:spreadsheet-confirm"),
            **preview_pages(preview, request.GET),
        )
        return self.render_to_response(context)


class ConfirmView(WholesalerPortalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        preview = own_preview(request, request.POST.get("preview", ""), self.wholesaler)
        result = (
            confirm_preview(
                preview, user=request.user, wholesaler=self.wholesaler, request=request
            )
            if preview
            else None
        )
        if result is None:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect("pilot_products:spreadsheets")
        if result.outcome != ImportOutcome.IMPORTED:
            messages.error(request, result.message)
            return redirect("pilot_products:spreadsheet-preview", token=preview.token)
        messages.success(request, imported_message(result))
        return redirect("pilot_products:spreadsheets")


class ExportView(WholesalerPortalMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, file_format, **kwargs):
        if file_format not in FORMATS:
            raise Http404
        spec = ListingsSpec(Scope(user=request.user, wholesaler=self.wholesaler))
        return export_response(spec, file_format, "listings")


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
