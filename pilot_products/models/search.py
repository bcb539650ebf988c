"""What the catalogue's search reads besides the listing: its vocabulary and the
synonyms staff keep.

The listing carries its own terms (``Listing.search_terms`` and
``search_title_terms``), derived data written only by ``catalogue_sync`` in the
transaction that changed the listing, its wholesaler or its pilot product;
``manage.py catalogue_check`` proves them in step. PostgreSQL indexes them with GIN
indexes over public listings and SQLite with an FTS5 table kept by triggers
(migration 0019).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pilot_products.validators import validate_plain_text


class SearchTerm(models.Model):
    """A Latin-letter word some listing is indexed under, for spelling suggestions."""

    term = models.CharField(_("term"), max_length=100, unique=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class SearchSynonym(models.Model):
    """Words buyers use for the same goods: a search for one finds the others."""

    words = models.CharField(
        _("words"),
        max_length=500,
        unique=True,
        validators=[validate_plain_text],
        help_text=_(
            "Words that mean the same goods, separated by commas, e.g. "
            "童车, 婴儿车, 儿童推车, stroller, pram."
        ),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Why these words belong together, e.g. regional word in Yiwu."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.words

    def clean(self) -> None:
        from pilot_products.catalogue_search import validate_synonym_words

        validate_synonym_words(self.words)
