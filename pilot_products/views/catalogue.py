"""The public catalogue: home, browse, pilot product and wholesaler pages."""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.forms import ChoiceField, ModelChoiceField
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from pilot_products import facets, selectors
from pilot_products.catalogue_sync import catalogue_generation
from pilot_products.filters import CatalogueFilter
from pilot_products.models import (
    Booth,
    Listing,
    PilotList,
    PilotProduct,
    WholesalerStatus,
)

PAGE_SIZES = (20, 50, 100)
NEWEST_ON_HOME = 8


def page_size(request: HttpRequest) -> int:
    """Return the page size asked for in ``?per_page=``, if it is one we offer."""
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paginate(
    request: HttpRequest, queryset, per_page: int, count: int | None = None
) -> Page:
    """Return the asked page; a page number out of range gives the nearest page."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # already known: spare the COUNT query
    return paginator.get_page(request.GET.get("page"))


def query_without(query: QueryDict, *names: str) -> str:
    """Return the query string without these parameters (and without the page)."""
    kept = query.copy()
    for name in (*names, "page"):
        kept.pop(name, None)
    return kept.urlencode()


#: Cookies that do not change what a catalogue page shows (besides the language).
SHAREABLE_COOKIES = frozenset(
    {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
)


def page_cache_key(request: HttpRequest) -> str:
    """The cache key of this address in this language, in the current generation."""
    address = hashlib.sha256(
        repr((request.get_full_path(), get_language())).encode()
    ).hexdigest()
    return f"catalogue:{catalogue_generation()}:{address}"


def catalogue_page(
    request: HttpRequest,
    page_template: str,
    body_template: str,
    build_context: Callable[[], dict],
) -> HttpResponse:
    """Render a catalogue page, reusing renders until the catalogue next changes.

    The body (``body_template``) holds no per-user data, so every visitor shares it,
    keyed by path, query and language. A visitor with no session and no messages (no
    cookie besides the CSRF and language ones) also shares the whole page, with their
    own CSRF token put in. Every write to what the catalogue shows moves the
    generation in the key (``catalogue_sync``), so the next request renders anew on
    every server; ``CATALOGUE_PAGE_CACHE_SECONDS`` is only a safety net.
    ``build_context`` runs only on a miss; an Http404 it raises is not cached.
    """
    seconds = settings.CATALOGUE_PAGE_CACHE_SECONDS
    key = page_cache_key(request) if seconds > 0 else ""
    shareable = seconds > 0 and set(request.COOKIES) <= SHAREABLE_COOKIES
    if shareable:
        pieces = cache.get(f"{key}:page")
        if pieces is not None:
            return HttpResponse(get_token(request).join(pieces))

    parts = cache.get(f"{key}:body") if seconds > 0 else None
    if parts is None:
        context = build_context()
        parts = (
            render_to_string(body_template, context),
            str(context.get("page_title", "")),
        )
        if seconds > 0:
            cache.set(f"{key}:body", parts, seconds)
    body, title = parts
    context = {"body": mark_safe(body), "page_title": title}
    if not shareable:
        return render(request, page_template, context)
    # The page is cut where the CSRF token goes, at a marker no visitor can guess:
    # a fixed one would also stand in whatever a visitor typed that looks like it.
    marker = secrets.token_urlsafe(24)
    html = render_to_string(
        page_template, context | {"csrf_token": marker}, request=request
    )
    pieces = html.split(marker)
    cache.set(f"{key}:page", pieces, seconds)
    return HttpResponse(get_token(request).join(pieces))


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_query: str


def active_filters(filterset: CatalogueFilter, query: QueryDict) -> list[ActiveFilter]:
    """Describe each valid filter in use, with the query string that removes it."""
    form = filterset.form
    form.is_valid()
    found = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "sort" or value in (None, "", False):
            continue
        if isinstance(field, ModelChoiceField):
            shown = field.label_from_instance(value)
        elif isinstance(field, ChoiceField):
            shown = {str(key): label for key, label in field.choices}.get(
                str(value), value
            )
        elif value is True:
            shown = ""
        else:
            shown = value
        found.append(
            ActiveFilter(
                str(field.label), str(shown).strip(), query_without(query, name)
            )
        )
    return found


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the search box, the categories with their counts and the newest offers."""

    def build() -> dict:
        newest = selectors.visible_listings().order_by("-created_at", "-pk")
        return {
            "category_counts": facets.root_category_counts(),
            "newest": newest[:NEWEST_ON_HOME],
            "pilot_list": PilotList.objects.current(),
        }

    return catalogue_page(
        request,
        "pilot_products/home.html",
        "pilot_products/catalogue/_home_body.html",
        build,
    )


def without_empty_parameters(query: QueryDict) -> QueryDict | None:
    """The query without its empty values, or None when it has none.

    A filter form sends every field, filled or not; the address a buyer shares or
    bookmarks should say only what they chose.
    """
    if all(value != "" for _key, values in query.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        filled = [value for value in values if value != ""]
        if filled:
            kept.setlist(key, filled)
    return kept


@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    """List visible listings, filtered, sorted and paginated from the query string."""
    kept = without_empty_parameters(request.GET)
    if kept is not None:
        query = kept.urlencode()
        return HttpResponseRedirect(
            f"{request.path}?{query}" if query else request.path
        )

    def build() -> dict:
        filterset = CatalogueFilter(request.GET, queryset=selectors.visible_listings())
        per_page = page_size(request)
        # Counting every match costs a scan; past the cap the page says "1,000+" and
        # pages through the first 1,000 only (a later page answers the last one).
        counted = selectors.capped_count(filterset.qs)
        option_counts_shown = facets.add_counts(
            filterset,
            lambda: (
                CatalogueFilter(
                    facets.without_counted(request.GET),
                    queryset=Listing.objects.visible_to_buyers(),
                ).qs
            ),
            counted,
        )
        page = paginate(
            request,
            filterset.results(),
            per_page,
            count=min(counted, selectors.COUNT_CAP),
        )
        return {
            "filter": filterset,
            "option_counts_shown": option_counts_shown,
            "option_count_limit": facets.FACET_SCAN_LIMIT,
            "count_capped": counted > selectors.COUNT_CAP,
            "count_cap": selectors.COUNT_CAP,
            "page_obj": page,
            "listings": page.object_list,
            "active_filters": active_filters(filterset, request.GET),
            "page_query": query_without(request.GET),
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
        }

    return catalogue_page(
        request,
        "pilot_products/catalogue/browse.html",
        "pilot_products/catalogue/_browse_body.html",
        build,
    )


@require_GET
def pilot_product(request: HttpRequest, code: str) -> HttpResponse:
    """Show a pilot product, its tariff lines and every visible offer by price."""

    def build() -> dict:
        product = get_object_or_404(PilotProduct.objects.approved(), code=code)
        offers = selectors.visible_listings().filter(pilot_product=product)
        # Count, lowest, median and highest scan every offer: kept until a write.
        summary = selectors.cached_read(
            f"price-summary:{product.pk}", lambda: selectors.price_summary(offers)
        )
        page = paginate(
            request,
            selectors.with_import_lines(
                selectors.with_price_tiers(offers.order_by("unit_price", "pk"))
            ),
            page_size(request),
            count=summary.offers,
        )
        return {
            "page_title": product.display_name,
            "product": product,
            "tariff_lines": product.tariff_lines.order_by("code"),
            "summary": summary,
            "page_obj": page,
            "offers": page.object_list,
            "page_query": query_without(request.GET),
        }

    return catalogue_page(
        request,
        "pilot_products/catalogue/pilot_product.html",
        "pilot_products/catalogue/_pilot_product_body.html",
        build,
    )


@require_GET
def wholesaler(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a wholesaler's company, booths and visible listings."""

    def build() -> dict:
        company = selectors.visible_wholesaler(pk)
        if company is None:
            raise Http404
        listings = selectors.visible_listings().filter(wholesaler=company)
        page = paginate(
            request,
            listings.order_by("pilot_product__code", "unit_price", "pk"),
            page_size(request),
        )
        return {
            "page_title": company.display_name,
            "wholesaler": company,
            "booths": company.booths.all(),
            "page_obj": page,
            "listings": page.object_list,
            "page_query": query_without(request.GET),
        }

    return catalogue_page(
        request,
        "pilot_products/catalogue/wholesaler.html",
        "pilot_products/catalogue/_wholesaler_body.html",
        build,
    )


@require_GET
def offer(request: HttpRequest, credit_code: str, sku: str) -> HttpResponse:
    """Show one visible listing at its natural-key address (credit code and SKU).

    The address names no database id, so it survives an export and import into
    another database: printed codes and bookmarks keep working.
    """

    def build() -> dict:
        listing = (
            selectors.with_import_lines(
                selectors.with_price_tiers(selectors.visible_listings())
            )
            .filter(wholesaler__credit_code=credit_code, sku=sku)
            .first()
        )
        if listing is None:
            raise Http404
        return {
            "page_title": listing.title,
            "offer": listing,
            "photos": [photo.ref for photo in listing.photos.main_first()],
        }

    return catalogue_page(
        request,
        "pilot_products/catalogue/offer.html",
        "pilot_products/catalogue/_offer_body.html",
        build,
    )


@require_GET
def booth(
    request: HttpRequest, district: int, floor: int, street: int, number: str
) -> HttpResponse:
    """Show a booth and the offers at it, at the address its printed poster encodes."""

    def build() -> dict:
        stall = (
            Booth.objects.select_related("wholesaler")
            .filter(
                district=district,
                floor=floor,
                street=street,
                number=number,
                wholesaler__status=WholesalerStatus.ACTIVE,
            )
            .first()
        )
        if stall is None:
            raise Http404
        listings = selectors.visible_listings().filter(booth=stall)
        page = paginate(
            request,
            listings.order_by("pilot_product__code", "unit_price", "pk"),
            page_size(request),
        )
        return {
            "page_title": stall.address,
            "booth": stall,
            "page_obj": page,
            "listings": page.object_list,
            "page_query": query_without(request.GET),
        }

    return catalogue_page(
        request,
        "pilot_products/catalogue/booth.html",
        "pilot_products/catalogue/_booth_body.html",
        build,
    )
