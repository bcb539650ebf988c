"""The catalogue's one search function: words in, matching listings out, best first.

A query is read into groups, one per word the buyer typed; a listing matches when
each group matches, and a group matches when one of its alternatives does: the word
itself, the words staff listed as its synonyms, and for an English word not in the
catalogue the nearest spellings (trigram similarity, pg_trgm on PostgreSQL). An
alternative is a set of index terms that must all be among the listing's terms.

PostgreSQL answers from GIN indexes over the terms each listing row carries, SQLite
from an FTS5 table of them; both test exact term membership, so both find the same
listings. Ranking is one SQL expression on both: how many groups the listing's own
title and brand match, then the newest first.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from pilot_products.models import Listing, SearchSynonym, SearchTerm
from pilot_products.search_terms import (
    CODE_PREFIX_MIN_DIGITS,
    PREFIX,
    bigrams,
    is_chinese,
    normalise,
    pinyin_forms,
    runs,
    segmenter,
    singular,
)

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
MSG_QUERY_TOO_LONG = _(
    "Search for at most %(limit)d characters; this search has %(length)d."
)
MSG_QUERY_TOO_MANY_WORDS = _(
    "Search for at most %(limit)d words at a time; this search has %(count)d."
)
MSG_SYNONYM_TWO_WORDS = _(
    "List at least two words that mean the same goods, separated by commas."
)
#: Spelling suggestions: words at least this long, at least this similar, this many.
SPELLING_MIN_LENGTH = 4
SPELLING_MIN_SIMILARITY = 0.4
SPELLING_SUGGESTIONS = 3
SYNONYM_SEPARATORS = re.compile(r"[,，、;；\n]+")

Alternative = tuple[str, ...]


@dataclass
class Group:
    """One word of the query: it matches when any alternative's terms are all there."""

    word: str
    alternatives: list[Alternative] = field(default_factory=list)

    def add(self, alternative: Alternative) -> None:
        if alternative and alternative not in self.alternatives:
            self.alternatives.append(alternative)


def synonym_words(text: str) -> list[str]:
    """Split a synonym row into its words (commas, 、 or semicolons between them)."""
    words = (normalise(word).strip() for word in SYNONYM_SEPARATORS.split(text))
    return list(dict.fromkeys(word for word in words if word))


def validate_synonym_words(text: str) -> None:
    """A synonym row names at least two words, none longer than a search may be."""
    words = synonym_words(text)
    if len(words) < 2:
        raise ValidationError(
            {"words": MSG_SYNONYM_TWO_WORDS}, code="synonym_two_words"
        )
    for word in words:
        try:
            validate_search_query(word)
        except ValidationError as error:
            raise ValidationError({"words": error.messages}) from error


def synonym_map() -> dict[str, set[str]]:
    """Return each word staff listed with the other words of its rows (one query)."""
    found: dict[str, set[str]] = {}
    for text in SearchSynonym.objects.values_list("words", flat=True):
        words = synonym_words(text)
        for word in words:
            found.setdefault(_key(word), set()).update(w for w in words if w != word)
            if is_chinese(word) and len(runs(word)) == 1:
                # Typed in pinyin (tongche for 童车): the row's words, this one too.
                spelt = pinyin_forms(word)[:1]
                for pinyin in spelt:
                    found.setdefault(pinyin, set()).update(words)
    return found


def _key(word: str) -> str:
    """The form a word is looked up by: English words folded to the singular."""
    return " ".join(
        singular(run) if run.isalpha() and not is_chinese(run) else run
        for run in runs(word)
    )


def chinese_alternatives(word: str) -> list[Alternative]:
    """Index terms a Chinese word matches: its bigrams, or the words it is made of."""
    found = [tuple(bigrams(word))]
    if len(word) >= 3:
        parts = [
            part
            for part in segmenter().cut_for_search(word)
            if len(part) > 1 and part != word
        ]
        if parts and set("".join(parts)) >= set(word):
            found.append(tuple(parts))
    return found


def phrase_alternatives(text: str) -> list[Alternative]:
    """Alternatives of a synonym, which may hold several words (baby stroller)."""
    terms: list[str] = []
    for run in runs(text):
        if is_chinese(run):
            terms += bigrams(run)
        elif run.isdigit():
            terms.append(run)
        else:
            terms.append(singular(run))
    return [tuple(dict.fromkeys(terms))] if terms else []


def query_words(
    text: str, keep: frozenset[str] = frozenset()
) -> list[tuple[str, bool]]:
    """The words of a query, each with whether it is Chinese.

    A run of Chinese characters is cut into words by jieba, unless it is one of the
    words in ``keep`` (the synonyms staff listed: 卷发棒 stays whole).
    """
    words: list[tuple[str, bool]] = []
    for run in runs(text):
        if is_chinese(run) and run in keep:
            words.append((run, True))
        elif is_chinese(run):
            words += [(word, True) for word in segmenter().cut(run) if word.strip()]
        elif run.isdigit():
            words.append((run, False))
        else:
            words.append((singular(run), False))
    return list(dict.fromkeys(words))


def validate_search_query(text: str) -> None:
    """Refuse a query too long or with too many words to answer quickly."""
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            MSG_QUERY_TOO_LONG,
            code="search_too_long",
            params={"limit": MAX_QUERY_LENGTH, "length": len(text)},
        )
    count = len(query_words(text))
    if count > MAX_QUERY_WORDS:
        raise ValidationError(
            MSG_QUERY_TOO_MANY_WORDS,
            code="search_too_many_words",
            params={"limit": MAX_QUERY_WORDS, "count": count},
        )


def parse_query(text: str) -> list[Group]:
    """Read a query into groups (synonyms: one query; spellings: one per odd word)."""
    synonyms = synonym_map()
    words = query_words(text, keep=frozenset(synonyms))
    if not words:
        return []
    latin = [word for word, chinese in words if not chinese and word.isalpha()]
    known = set(
        SearchTerm.objects.filter(term__in=latin).values_list("term", flat=True)
    )
    groups = []
    for word, chinese in words:
        group = Group(word)
        if chinese:
            for alternative in chinese_alternatives(word):
                group.add(alternative)
        elif word.isdigit() and len(word) >= CODE_PREFIX_MIN_DIGITS:
            group.add((word + PREFIX,))
        else:
            group.add((word,))
        for synonym in sorted(synonyms.get(_key(word), ())):
            for alternative in (
                chinese_alternatives(synonym)
                if is_chinese(synonym) and len(runs(synonym)) == 1
                else phrase_alternatives(synonym)
            ):
                group.add(alternative)
        if (
            not chinese
            and word.isalpha()
            and len(word) >= SPELLING_MIN_LENGTH
            and word not in known
        ):
            for suggestion in similar_terms(word):
                group.add((suggestion,))
        groups.append(group)
    return groups


def trigrams(word: str) -> set[str]:
    """The trigrams pg_trgm takes of one word: padded by two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity`` of two single words: shared over all trigrams."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second)


def similar_terms(word: str) -> list[str]:
    """The catalogue's words spelt most like ``word``, most similar first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM pilot_products_searchterm "
                "WHERE term %% %s AND similarity(term, %s) >= %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [word, word, SPELLING_MIN_SIMILARITY, word, SPELLING_SUGGESTIONS],
            )
            return [term for (term,) in cursor.fetchall()]
    scored = [
        (score, term)
        for term in SearchTerm.objects.values_list("term", flat=True).iterator()
        if (score := trigram_similarity(word, term)) >= SPELLING_MIN_SIMILARITY
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _score, term in scored[:SPELLING_SUGGESTIONS]]


def _tsquery(groups: list[Group]) -> str:
    def quoted(term: str) -> str:
        if term.endswith(PREFIX):
            return "'" + term[: -len(PREFIX)] + "':*"
        return "'" + term + "'"

    return " & ".join(
        "("
        + " | ".join(
            "(" + " & ".join(quoted(t) for t in alternative) + ")"
            for alternative in group.alternatives
        )
        + ")"
        for group in groups
    )


def _fts5_query(groups: list[Group]) -> str:
    def quoted(term: str) -> str:
        if term.endswith(PREFIX):
            return '"' + term[: -len(PREFIX)] + '"*'
        return '"' + term + '"'

    return " AND ".join(
        "("
        + " OR ".join(
            "(" + " AND ".join(quoted(t) for t in alternative) + ")"
            for alternative in group.alternatives
        )
        + ")"
        for group in groups
    )


#: PostgreSQL: the listing's terms as stored vectors (generated columns, migration
#: 0019), each with a GIN index over public listings.
TERMS_VECTOR = "pilot_products_listing.search_vector"
TITLE_VECTOR = "pilot_products_listing.search_title_vector"


def matching_condition(groups: list[Group]):
    """The condition of listings whose terms match every group.

    PostgreSQL tests the listing row's own terms (a GIN index lookup, no second
    table); SQLite asks its FTS5 table of the same terms for the ids.
    """
    if connection.vendor == "postgresql":
        return RawSQL(
            f"{TERMS_VECTOR} @@ %s::tsquery",
            [_tsquery(groups)],
            output_field=BooleanField(),
        )
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM pilot_products_listing_fts "
            "WHERE pilot_products_listing_fts MATCH %s",
            [_fts5_query(groups)],
        )
    )


def title_condition(groups: list[Group]):
    """The listing's own title and brand match every group (ranked first).

    PostgreSQL tests the title's terms on the row (a second GIN index over public
    listings); SQLite tests the same terms with ``LIKE '% term %'`` on the padded
    title terms.
    """
    if connection.vendor == "postgresql":
        return RawSQL(
            f"{TITLE_VECTOR} @@ %s::tsquery",
            [_tsquery(groups)],
            output_field=BooleanField(),
        )

    def in_title(alternative: Alternative) -> Q:
        found = Q()
        for term in alternative:
            pattern = (
                f" {term[: -len(PREFIX)]}" if term.endswith(PREFIX) else f" {term} "
            )
            found &= Q(search_title_terms__contains=pattern)
        return found

    every = Q()
    for group in groups:
        matched = Q()
        for alternative in group.alternatives:
            matched |= in_title(alternative)
        every &= matched
    return every


@dataclass
class Matches:
    """A search's matching listings and the condition that ranks some first."""

    listings: QuerySet[Listing]
    title: object = None
    #: The listings before the match. A title match is a match, so PostgreSQL reads
    #: the title matches from these by the title condition alone: its planner then
    #: estimates one condition, not two it takes for independent, and walks the
    #: newest-first index for a common word instead of sorting all its matches.
    #: (SQLite's title test is a LIKE, which the FTS5 match must narrow first.)
    base: QuerySet[Listing] | None = None

    def ranked(self, order=("-created_at", "-pk")) -> "RankedListings":
        return RankedListings(self, order)


class RankedListings:
    """The matches best first: title matches newest first, then the others likewise.

    Two index-ordered reads that stop at the page instead of one sort of every match;
    a slice reads the ids of its rows, then the rows, for the paginator.
    """

    def __init__(self, matches: Matches, order):
        self.matches = matches
        listings = matches.listings.order_by(*order)
        if matches.title is None:
            self.first, self.rest = listings, listings.none()
        else:
            base = listings
            if matches.base is not None and connection.vendor == "postgresql":
                base = matches.base.order_by(*order)
            self.first = base.filter(matches.title)
            self.rest = listings.exclude(matches.title)
        self._first_count = None

    def first_count(self, cap: int) -> int:
        if self._first_count is None:
            # No order: any cap + 1 matches tell "at least", and need no sort.
            self._first_count = self.first.order_by().values("pk")[: cap + 1].count()
        return self._first_count

    def __getitem__(self, window: slice) -> list[Listing]:
        start, stop = window.start or 0, window.stop
        first = self.first_count(stop)
        ids = []
        if start < first:
            ids += self.first.values_list("pk", flat=True)[start : min(stop, first)]
        if stop > first:
            ids += self.rest.values_list("pk", flat=True)[
                max(0, start - first) : stop - first
            ]
        rows = self.matches.listings.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def search(listings: QuerySet[Listing], text: str) -> Matches:
    """Return the listings matching ``text`` and the condition ranking some first.

    ``text`` must have passed ``validate_search_query``. A query with no words keeps
    every listing, none of them ranked first.
    """
    groups = parse_query(text)
    if not groups:
        return Matches(listings)
    return Matches(
        listings.filter(matching_condition(groups)), title_condition(groups), listings
    )
