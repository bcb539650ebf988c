"""The staff dashboard (试点看板): the recorded import batches by month, pilot
product, category, origin and transport, and the offers of each pilot product
beside its batches; a chart and its table for each, every table downloadable as
XLSX and CSV through the exporter.

Staff who may view import batches or the official figures open it (reviewers,
operators, the pilot office's editors). Kept in the shared cache, per language,
until the catalogue next changes (a batch save changes it).
"""

import tempfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pilot_products import selectors
from pilot_products.spreadsheets.exporting import (
    CSV_CONTENT_TYPE,
    FORMATS,
    XLSX_CONTENT_TYPE,
    cell_value,
    csv_chunks,
    write_xlsx,
)
from pilot_products.staff_dashboard import Dashboard, bars, staff_dashboard
from pilot_products.templatetags.figures import cny_amount, signed_percent

PERMISSIONS = ("pilot_products.view_importbatch", "pilot_products.view_officialfigure")


def may_view(user) -> bool:
    return user.is_active and user.is_staff and any(map(user.has_perm, PERMISSIONS))


def _dashboard() -> Dashboard:
    return selectors.cached_read(f"staff-dashboard:{get_language()}", staff_dashboard)


def tables(dashboard: Dashboard) -> dict[str, tuple[list[str], list[list]]]:
    """Each table of the page as (headers, rows), in the page's language."""
    value, share, lines = _("Value (CNY)"), _("Share (%)"), _("Lines")
    return {
        "months": (
            [_("Month"), value, lines, _("Growth on a year before (%)")],
            [[m.label, m.value, m.lines, m.yoy_percent] for m in dashboard.months],
        ),
        "products": (
            [_("Pilot product"), value, lines, share],
            [[p.label, p.value, p.lines, p.of_total] for p in dashboard.by_product],
        ),
        "categories": (
            [_("Category"), value, lines, share],
            [[p.label, p.value, p.lines, p.of_total] for p in dashboard.by_category],
        ),
        "origins": (
            [_("Country of origin"), value, share],
            [[s.label, s.value, s.of_total] for s in dashboard.totals.by_origin],
        ),
        "transport": (
            [_("Transport mode"), value, share],
            [[s.label, s.value, s.of_total] for s in dashboard.totals.by_transport],
        ),
        "offers": (
            [
                _("Pilot product"),
                _("Offers"),
                _("Wholesalers"),
                _("Booths"),
                _("Lowest unit price"),
                _("Median unit price"),
                _("Highest unit price"),
                _("Batches"),
                lines,
                value,
            ],
            [
                [
                    f"{p.code} {p.name}",
                    p.offers,
                    p.wholesalers,
                    p.booths,
                    p.lowest,
                    p.median,
                    p.highest,
                    p.batches,
                    p.batch_lines,
                    p.batch_value,
                ]
                for p in dashboard.products
            ],
        ),
    }


def _download(name: str, file_format: str, headers, rows):
    cells = [list(map(cell_value, row)) for row in rows]
    filename = f"dashboard-{name}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_chunks(headers, cells), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
        write_xlsx(headers, cells, spooled, title=name)
        spooled.seek(0)
        response = FileResponse(
            spooled,
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


def dashboard_view(request, model_admin):
    if not may_view(request.user):
        raise PermissionDenied
    dashboard = _dashboard()
    named = tables(dashboard)
    download = request.GET.get("download")
    if download is not None:
        file_format = request.GET.get("format", "xlsx")
        if download not in named or file_format not in FORMATS:
            raise Http404
        return _download(download, file_format, *named[download])

    def chart(
        rows, value=lambda row: row.value, text=lambda row: cny_amount(row.value)
    ):
        drawn, height = bars(rows, value, text)
        return {"bars": drawn, "height": height}

    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import dashboard"),
        "dashboard": dashboard,
        "charts": {
            "months": chart(
                dashboard.months,
                text=lambda m: (
                    f"{cny_amount(m.value)} ({signed_percent(m.yoy_percent)})"
                    if m.yoy_percent is not None
                    else cny_amount(m.value)
                ),
            ),
            "products": chart(dashboard.by_product),
            "categories": chart(dashboard.by_category),
            "origins": chart(dashboard.totals.by_origin),
            "transport": chart(dashboard.totals.by_transport),
        },
        "downloads": list(named),
        "opts": model_admin.model._meta,
        "zero": Decimal(0),
    }
    return TemplateResponse(request, "admin/pilot_products/dashboard.html", context)
