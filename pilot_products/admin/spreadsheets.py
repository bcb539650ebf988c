"""Admin import and export through the spreadsheet engine.

django-import-export supplies the buttons, URLs, permission checks (import_<model>
and export_<model>), the export form with field choice and the changelist filters;
this mixin replaces its row-by-row import with the engine's dry run, paginated
preview and all-or-nothing confirm (each a background job the page follows), and
its export with the streaming, escaped one.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from pilot_products.jobs import exports
from pilot_products.jobs.imports import import_retry
from pilot_products.spreadsheets.exporting import XLSX_CONTENT_TYPE
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
    upload_page,
)
from pilot_products.spreadsheets.specs import ListingsSpec, Scope
from pilot_products.spreadsheets.workbooks import template_workbook


def column_label(spec_class, key: str) -> str:
    """A column's name for the export page: its Chinese header on Chinese pages, the
    model field's verbose name on English ones (never "Title Zh")."""
    column = next(column for column in spec_class.columns if column.key == key)
    if (get_language() or "zh-hans").startswith("zh"):
        return column.header_zh
    try:
        field = spec_class.model._meta.get_field(column.field or column.key)
    except FieldDoesNotExist:
        return capfirst(column.key.replace("_", " "))
    return capfirst(str(field.verbose_name))


class ExportForm(SelectableFieldsExportForm):
    """django-import-export's export form with the columns named in the page's
    language; each checkbox still says which spreadsheet column it is."""

    def _get_field_label(self, resource, field_name: str) -> str:
        return f"{column_label(resource.spec_class, field_name)} ({field_name})"


class SpreadsheetAdminMixin(ImportExportMixin, ExportActionMixin):
    """Import with preview and confirm (background jobs), export of the filtered
    changelist."""

    formats = [XLSX, CSV]
    export_form_class = ExportForm
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
            return self._show_upload(request, token)
        form = UploadForm(
            request.POST or None,
            request.FILES or None,
            request=request,
            with_photos=self.spreadsheet_spec.name == ListingsSpec.name,
        )
        if request.method == "POST" and form.is_valid():
            token = preview_upload(
                self.spreadsheet_spec.name,
                form.cleaned_data["file"],
                user=request.user,
                request=request,
                photos=form.cleaned_data.get("photos"),
            )
            return redirect(f"{request.path}?preview={token}")
        return self._render(request, {"form": form})

    def process_import(self, request, **kwargs):
        """Confirm a preview (or retry a stopped import): queue the job, then follow
        it on the upload's page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            raise Http404
        if "retry" in request.POST:
            token = request.POST["retry"]
            record = self._own_record(request, token)
            queued = import_retry(record, request=request)
        else:
            token = request.POST.get("preview", "")
            preview = load_preview(token, user=request.user)
            queued = bool(
                preview
                and confirm_preview(
                    preview,
                    user=request.user,
                    request=request,
                    overwrite_stale=request.POST.get("overwrite_stale") == "1",
                )
            )
        if not queued:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect(self._import_url())
        return redirect(f"{self._import_url()}?preview={token}")

    def _own_record(self, request, token):
        record = latest_record(token)
        if record is None or not owns(record, user=request.user):
            raise Http404
        return record

    def _show_upload(self, request, token):
        record = self._own_record(request, token)
        if request.GET.get("status"):
            return job_status(record)
        if request.GET.get("download") == "errors":
            preview = load_preview(token, user=request.user)
            if preview is None:
                raise Http404
            return error_workbook_response(preview, f"{record.resource}-errors.xlsx")
        page = upload_page(record, request.GET, user=request.user)
        if not page:
            messages.error(request, MSG_PREVIEW_GONE)
            return redirect(self._import_url())
        return self._render(
            request,
            {
                **page,
                "status_url": f"{request.path}?preview={token}&status=1",
                "retry_url": self._process_url(),
            },
        )

    def _render(self, request, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import %(name)s")
            % {"name": self.model._meta.verbose_name_plural},
            "process_url": self._process_url(),
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template_name, context)

    def _process_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import")

    def _import_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "export/<str:token>/",
                self.admin_site.admin_view(self.export_job_view),
                name=f"{opts.app_label}_{opts.model_name}_export_job",
            ),
            *super().get_urls(),
        ]

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """The download at once, or (a large export) the page of its job."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        keys = self.get_export_resource_fields_from_form(export_form)
        spec = self.spreadsheet_spec(Scope(user=request.user))
        file_type = "csv" if isinstance(file_format, CSV) else "xlsx"
        answer = exports.export_or_queue(
            spec, file_type, spec.name, user=request.user, queryset=queryset, keys=keys
        )
        if isinstance(answer, HttpResponseBase):
            return answer
        return redirect(self._export_job_url(answer.token))

    def export_job_view(self, request, token):
        """A large export's page: its progress, then the download (owner only)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        record = exports.own_export(token, user=request.user)
        if record.resource != self.spreadsheet_spec.name:
            raise Http404
        if request.GET.get("status"):
            return exports.export_status(record)
        if request.GET.get("download"):
            return exports.download(record)
        url = self._export_job_url(token)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export %(name)s")
            % {"name": self.model._meta.verbose_name_plural},
            **exports.export_page(
                record, status_url=f"{url}?status=1", download_url=f"{url}?download=1"
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "pilot_products/spreadsheets/admin_export_job.html", context
        )

    def _export_job_url(self, token):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_export_job", args=[token]
        )
