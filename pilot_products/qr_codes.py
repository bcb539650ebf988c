"""QR codes that lead from a booth or a shelf back to the catalogue.

Each code encodes a public address built on natural keys (a booth's district,
floor, street and number; a wholesaler's credit code and a SKU), never a database
id, so a printed code keeps working after the data moves to another database.
Codes are SVG (segno), drawn in the page, sharp at any print size.
"""

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from pilot_products.models import Booth, Listing


def booth_path(booth: Booth) -> str:
    return reverse(
        "pilot_products:booth",
        args=[booth.district, booth.floor, booth.street, booth.number],
    )


def qr_svg(address: str, *, title: str = "") -> SafeString:
    """Return an inline SVG QR code of ``address`` (error correction M)."""
    code = segno.make(address, error="m", micro=False)
    # segno writes the SVG itself: only the address and the title come from data,
    # and it escapes both.
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, title=title
    )
    return mark_safe(svg)  # noqa: S308


def booth_code(request: HttpRequest, booth: Booth) -> tuple[str, SafeString]:
    address = request.build_absolute_uri(booth_path(booth))
    return address, qr_svg(address, title=booth.address)


def listing_code(request: HttpRequest, listing: Listing) -> tuple[str, SafeString]:
    address = request.build_absolute_uri(listing.get_absolute_url())
    return address, qr_svg(address, title=listing.sku)
