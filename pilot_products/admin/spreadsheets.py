"""Admin import and export through the spreadsheet engine.

django-import-export supplies the buttons, URLs, permission checks (import_<model>
and export_<model>), the export form with field choice and the changelist filters;
this mixin replaces its row-by-row import with the engine's dry run, paginated
preview and all-or-nothing confirm, and its export with the streaming, escaped one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from pilot_products.models import ImportOutcome
from pilot_products.spreadsheets.exporting import XLSX_CONTENT_TYPE, export_response
from pilot_products.spreadsheets.forms import UploadForm
from pilot_products.spreadsheets.previews import (
    MSG_PREVIEW_GONE,
    confirm_preview,
    error_workbook_response,
    imported_message,
    load_preview,
    preview_pages,
    preview_upload,
)
from pilot_products.spreadsheets.specs import Scope
from pilot_products.spreadsheets.workbooks import template_workbook


class SpreadsheetAdminMixin(ImportExportMixin, ExportActionMixin):
    """Import with preview and confirm, export of the filtered changelist."""

    formats = [XLSX, CSV]
    import_template_name = "pilot_products/spreadsheets/admin_import.html"

    @property
    def spreadsheet_spec(self):
        return self.resource_classes[0].spec_class

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if "template" in request.GET:
            response = HttpResponse(
                template_workbook(self.spreadsheet_spec()),
                content_type=XLSX_CONTENT_TYPE,
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{self.spreadsheet_spec.name}-template.xlsx"'
            )
            return response
        token = request.GET.get("preview") or ""
        if token:
            return self._show_preview(request, token)
        form = UploadForm(request.POST or None, request.FILES or None, request=request)
        if request.method == "POST" and form.is_valid():
            token = preview_upload(
                self.spreadsheet_spec.name,
                form.cleaned_data["file"],
                user=request.user,
                request=request,
            )
            return redirect(f"{request.path}?preview={token}")
        return self._render(request, {"form": form})

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            raise Http404
        preview = load_preview(request.POST.get("preview", ""), user=request.user)
        result = (
            confirm_preview(preview, user=request.user, request=request)
            if preview
            else None
        )
        if result is None:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect(self._import_url())
        if result.outcome != ImportOutcome.IMPORTED:
            messages.error(request, result.message)
            return redirect(f"{self._import_url()}?preview={preview.token}")
        messages.success(request, imported_message(result))
        for notice in result.notices:
            messages.warning(request, notice)
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def _show_preview(self, request, token):
        preview = load_preview(token, user=request.user)
        if preview is None:
            raise Http404
        if request.GET.get("download") == "errors":
            return error_workbook_response(
                preview, f"{preview.meta['resource']}-errors.xlsx"
            )
        return self._render(request, preview_pages(preview, request.GET))

    def _render(self, request, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import %(name)s")
            % {"name": self.model._meta.verbose_name_plural},
            "process_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}"
                "_process_import"
            ),
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template_name, context)

    def _import_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        keys = self.get_export_resource_fields_from_form(export_form)
        spec = self.spreadsheet_spec(Scope(user=request.user))
        file_type = "csv" if isinstance(file_format, CSV) else "xlsx"
        return export_response(spec, file_type, spec.name, queryset=queryset, keys=keys)
