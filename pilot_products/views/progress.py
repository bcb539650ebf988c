"""The public pilot progress page (试点进展) and its figures as a download."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pilot_products import pilot_progress, selectors
from pilot_products.models import OfficialFigure
from pilot_products.spreadsheets.exporting import export_response
from pilot_products.spreadsheets.specs import OfficialFiguresSpec, Scope

DOWNLOAD_FORMATS = ("csv", "xlsx")


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """Imports against the city's targets, every figure with its source.

    Rendered per request: the figures are a few dozen rows (two queries), so a
    figure saved in the admin shows at once; the offers per product scan every
    listing and are kept until the catalogue next changes.
    """
    products = selectors.cached_read(
        "pilot-progress:products", lambda: list(pilot_progress.products_on_offer())
    )
    return render(
        request,
        "pilot_products/catalogue/progress.html",
        {
            "page_title": _("Pilot progress"),
            "progress": pilot_progress.pilot_progress(),
            "products": products,
            "batches": selectors.cached_read(
                "pilot-progress:batches", pilot_progress.batch_totals
            ),
        },
    )


@require_GET
def figures_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """Every official figure, as the spreadsheet import reads them back."""
    if file_format not in DOWNLOAD_FORMATS:
        raise Http404
    return export_response(
        OfficialFiguresSpec(Scope()),
        file_format,
        "official-figures",
        OfficialFigure.objects.order_by("scope", "year", "month", "period_kind"),
    )
