"""Admin for the catalogue search's synonyms, which staff keep."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pilot_products.catalogue_search import synonym_words
from pilot_products.models import SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["words", "word_count", "note", "updated_at"]
    search_fields = ["words", "note"]
    fields = ["words", "note"]

    @admin.display(description=_("words"))
    def word_count(self, synonym: SearchSynonym) -> int:
        return len(synonym_words(synonym.words))
