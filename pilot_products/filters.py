"""Filters of the public catalogue and of the portal's listing list (django-filter)."""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from pypinyin import lazy_pinyin

from pilot_products import facets, selectors
from pilot_products.catalogue_search import (
    MAX_QUERY_LENGTH,
    Matches,
    search,
    validate_search_query,
)
from pilot_products.models import ListingStatus, PilotProduct, Wholesaler
from pilot_products.models.i18n import pick_language

SORTS = {
    "newest": ("-created_at", "-pk"),
    "price": ("unit_price", "pk"),
    "-price": ("-unit_price", "-pk"),
    "moq": ("moq", "unit_price", "pk"),
}
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("newest", _("Newest first")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("moq", _("Minimum order: smallest first")),
]
DEFAULT_SORT = "newest"
RELEVANCE = "relevance"


def text_search(listings: QuerySet, words: str) -> QuerySet:
    """Keep listings whose zh/en title, brand, SKU or customs code holds every word."""
    for word in words.split():
        listings = listings.filter(
            Q(title_zh__icontains=word)
            | Q(title_en__icontains=word)
            | Q(brand__icontains=word)
            | Q(sku__icontains=word)
            | Q(customs_code__startswith=word)
        )
    return listings


#: Marks a subcategory's depth in a drop-down: browsers drop leading spaces there.
SUBCATEGORY_MARK = "\u2014 "


def category_choices() -> list[tuple[str, str]]:
    return [
        (node.category.code, SUBCATEGORY_MARK * node.depth + node.category.display_name)
        for node in selectors.category_tree()
    ]


def collation_key(name: str) -> tuple:
    """Sort Chinese names by their pinyin, as Chinese readers look for them."""
    name = name.strip()  # a name padded by its translator sorts by its letters
    if (get_language() or "zh-hans").startswith("zh"):
        return (" ".join(lazy_pinyin(name)).lower(), name)
    return (name.casefold(), name)


def sort_country_choices(field) -> None:
    """Order a country field's choices by their names in the page's language
    (in Chinese by pinyin, as Chinese readers look for a country); blank first."""
    blank = [choice for choice in field.choices if not choice[0]]
    named = [choice for choice in field.choices if choice[0]]
    field.choices = blank + sorted(named, key=lambda c: collation_key(str(c[1])))


def country_choices() -> list[tuple[str, str]]:
    names = [(code, countries.name(code)) for code in facets.listing_countries()]
    return sorted(names, key=lambda choice: collation_key(choice[1]))


def district_choices() -> list[tuple[str, str]]:
    return [
        (str(district), _("District %(district)s") % {"district": district})
        for district in selectors.booth_districts()
    ]


def pavilion_choices() -> list[tuple[str, str]]:
    return [(zh, pick_language(zh, en)) for zh, en in selectors.booth_pavilions()]


class PlainSelect(forms.Select):
    """A select built in Python: Django renders each option through a template,
    which made the filter form cost more than the listings it filters.

    ``counts`` (set by ``facets.add_counts``) maps option values to the offers each
    would show: the count goes beside the label, and an option that would show none
    is disabled unless it is the one chosen.
    """

    counts: dict[str, int] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        selected = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (self.option(str(key), label, selected) for key, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)

    def option(self, key: str, label, selected: set[str]) -> tuple:
        chosen = key in selected
        if self.counts is None or not key:
            return key, SELECTED if chosen else "", label
        count = self.counts.get(key, 0)
        label = _("%(option)s (%(count)s)") % {
            "option": label,
            "count": intcomma(count),
        }
        if chosen:
            return key, SELECTED, label
        return key, DISABLED if count == 0 else "", label


SELECTED = mark_safe(" selected")
DISABLED = mark_safe(" disabled")


class PilotProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PilotProduct) -> str:
        return f"{obj.code} {obj.display_name}"


class PilotProductFilter(django_filters.ModelChoiceFilter):
    field_class = PilotProductChoiceField


MSG_PRICE_RANGE_REVERSED = _(
    "The lowest price (%(low)s) is above the highest (%(high)s): no offer can be "
    "both. Swap the two prices or clear one of them."
)


class CatalogueFilterForm(forms.Form):
    """The catalogue's filter form: bounds that contradict each other are an error."""

    def clean(self):
        cleaned_data = super().clean()
        low, high = cleaned_data.get("price_min"), cleaned_data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "price_min",
                forms.ValidationError(
                    MSG_PRICE_RANGE_REVERSED,
                    code="price_range_reversed",
                    params={"low": low, "high": high},
                ),
            )
        return cleaned_data


class CatalogueFilter(django_filters.FilterSet):
    """Everything a buyer can narrow the catalogue by; every value lives in the URL."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        validators=[validate_search_query],
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Title, brand, pinyin, SKU or code"),
                "maxlength": MAX_QUERY_LENGTH,
            }
        ),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=category_choices,
        method="filter_category",
        empty_label=_("All categories"),
        widget=PlainSelect,
    )
    product = PilotProductFilter(
        label=_("Pilot product"),
        field_name="pilot_product",
        queryset=PilotProduct.objects.approved(),
        to_field_name="code",
        empty_label=_("All pilot products"),
        widget=PlainSelect,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country of origin"),
        field_name="country_of_origin",
        choices=country_choices,
        empty_label=_("All countries"),
        widget=PlainSelect,
    )
    price_min = django_filters.NumberFilter(
        label=_("Lowest unit price (CNY)"),
        field_name="unit_price",
        lookup_expr="gte",
        min_value=Decimal("0"),
    )
    price_max = django_filters.NumberFilter(
        label=_("Highest unit price (CNY)"),
        field_name="unit_price",
        lookup_expr="lte",
        min_value=Decimal("0"),
    )
    moq_max = django_filters.NumberFilter(
        label=_("Minimum order at most"),
        field_name="moq",
        lookup_expr="lte",
        min_value=1,
    )
    in_stock = django_filters.BooleanFilter(
        label=_("In stock only"),
        method="filter_in_stock",
        widget=forms.CheckboxInput,
    )
    district = django_filters.ChoiceFilter(
        label=_("Booth district"),
        field_name="booth__district",
        choices=district_choices,
        empty_label=_("All districts"),
        widget=PlainSelect,
    )
    pavilion = django_filters.ChoiceFilter(
        label=_("Country pavilion"),
        field_name="booth__pavilion_zh",
        choices=pavilion_choices,
        empty_label=_("All pavilions"),
        widget=PlainSelect,
    )
    wholesaler = django_filters.ModelChoiceFilter(
        label=_("Wholesaler"),
        queryset=Wholesaler.objects.active(),
        widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=None,
        widget=PlainSelect,
    )

    class Meta:
        form = CatalogueFilterForm

    def filter_queryset(self, queryset):
        """Every filter, the search last; keep the listings before it (``unsearched``).

        ``results`` reads the title matches from those, by the title condition alone.
        """
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        self.unsearched = queryset
        if "q" in data:
            queryset = self.filters["q"].filter(queryset, data["q"])
        return queryset

    def filter_search(self, queryset, _name, value):
        matches = search(queryset, value)
        self.title_condition = matches.title
        return matches.listings

    def filter_category(self, queryset, _name, value):
        category_ids = selectors.category_with_descendants(value)
        return queryset.filter(
            pilot_product_id__in=selectors.pilot_product_ids_in_categories(category_ids)
        )

    def filter_in_stock(self, queryset, _name, value):
        # In stock means a buyer can order it: at least the minimum order is there.
        return queryset.filter(stock__gte=F("moq")) if value else queryset

    def filter_sort(self, queryset, _name, value):
        # Sorting is applied once in ``qs`` so the default sort holds without a value.
        return queryset

    #: What ranks a search's matches first (title matches), set by ``filter_search``.
    title_condition = None
    #: The listings every filter but the search keeps, set by ``filter_queryset``.
    unsearched = None

    @property
    def qs(self):
        """Filtered and sorted (a search by best match sorts newest first here, and
        ``results`` puts the title matches first).

        A query that fails its bound (length, words) finds nothing: the form says why.
        """
        queryset = super().qs
        if not self.is_bound:
            return queryset.order_by(*SORTS[DEFAULT_SORT])
        if "q" in self.form.errors:
            return queryset.none()
        return queryset.order_by(*SORTS[self.sort_in_effect()])

    def sort_in_effect(self) -> str:
        """The sort in effect: the one asked for, else best match when searching."""
        if self.is_bound and self.form.is_valid() and self.data.get("sort"):
            chosen = self.form.cleaned_data.get("sort") or DEFAULT_SORT
        else:
            searching = self.is_bound and bool(self.data.get("q", "").strip())
            chosen = RELEVANCE if searching else DEFAULT_SORT
        return DEFAULT_SORT if chosen == RELEVANCE else chosen

    def best_match_first(self) -> bool:
        chosen = self.data.get("sort") if self.is_bound else None
        return self.title_condition is not None and chosen in (None, "", RELEVANCE)

    def results(self):
        """The listings to page through: best match first when that is the sort."""
        listings = self.qs
        if self.best_match_first():
            return Matches(listings, self.title_condition, self.unsearched).ranked(
                SORTS[DEFAULT_SORT]
            )
        return selectors.IdsFirst(listings)


PORTAL_ATTENTION_CHOICES = [
    ("low_stock", _("Low stock")),
    ("unconfirmed", _("Stock not confirmed for 30 days")),
]


class PortalListingFilter(django_filters.FilterSet):
    """Filters of a wholesaler's own listings; the queryset is already scoped."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        validators=[validate_search_query],
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ListingStatus.choices, empty_label=_("Any status")
    )
    product = PilotProductFilter(
        label=_("Pilot product"),
        field_name="pilot_product",
        queryset=PilotProduct.objects.all(),
        to_field_name="code",
        empty_label=_("All pilot products"),
        widget=PlainSelect,
    )
    attention = django_filters.ChoiceFilter(
        label=_("Needs attention"),
        choices=PORTAL_ATTENTION_CHOICES,
        method="filter_attention",
        empty_label=_("All listings"),
    )

    def filter_text(self, queryset, _name, value):
        return text_search(queryset, value)

    def filter_attention(self, queryset, _name, value):
        if value == "low_stock":
            return queryset.filter(stock__lt=selectors.LOW_STOCK_THRESHOLD)
        return queryset.filter(selectors.stock_unconfirmed_q())
