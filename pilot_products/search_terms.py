"""Words of the catalogue's search: what a listing is indexed under, what a buyer typed.

Both sides go through the same normalisation, so a listing matches when every word
of the query is among its terms. Chinese text has no spaces: it is indexed by single
characters, character pairs (bigrams, for recall: 玩偶车 holds 玩偶 and 偶车) and the
words jieba finds, each word also in pinyin, in full and by initials (玩具: wanju, wj).
English words are folded to their singular (toys, brushes, batteries: toy, brush,
battery). A query's Chinese word becomes its bigrams, so a word jieba cuts otherwise
in the title still matches. A query's number of four digits or more is the start of
a code: 9503 finds every toy by its customs code.
"""

import re
import unicodedata
import warnings
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: A run of CJK ideographs, of Latin letters, or of digits; anything else separates.
RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z]+|[0-9]+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: A query's number this long or longer is a code, matched by its first digits.
CODE_PREFIX_MIN_DIGITS = 4
PREFIX = "*"


@lru_cache(maxsize=1)
def segmenter():
    """Load jieba and its dictionary once per process, on first use.

    jieba 0.42 has invalid escape sequences that warn when its modules compile; the
    warning is about jieba's source, not ours, and must not fail a strict test run.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, one form of every character (NFKC)."""
    return unicodedata.normalize("NFKC", text).lower()


def singular(word: str) -> str:
    """Fold an English plural onto its singular: toys, boxes, batteries, knives."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ves") and len(word) > 4:
        return word[:-3] + "f"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def runs(text: str) -> list[str]:
    return RUN.findall(normalise(text))


def is_chinese(run: str) -> bool:
    return bool(CJK.match(run))


def bigrams(run: str) -> list[str]:
    """Return the run's character pairs; a single character stands for itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def pinyin_forms(word: str) -> list[str]:
    """Return the word in pinyin, full and by initials: 玩具 -> wanju, wj."""
    syllables = lazy_pinyin(word, errors="ignore")
    if not syllables:
        return []
    initials = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
    return ["".join(syllables), "".join(initials)]


@lru_cache(maxsize=20_000)
def chinese_terms(run: str) -> tuple[str, ...]:
    """Index terms of a run of Chinese characters."""
    terms = list(run) + bigrams(run)
    words = [word for word in segmenter().cut_for_search(run) if len(word) > 1]
    if len(run) <= 6:
        words.append(run)
    terms += words
    for word in words:
        terms += pinyin_forms(word)
    return tuple(terms)


@lru_cache(maxsize=20_000)
def text_terms(text: str) -> tuple[str, ...]:
    """Index terms of a piece of text (a title, a brand, a product name)."""
    terms: list[str] = []
    for run in runs(text):
        if is_chinese(run):
            terms += chinese_terms(run)
        elif run.isdigit():
            terms.append(run)
        else:
            terms.append(singular(run))
    return tuple(terms)


def code_terms(code: str) -> list[str]:
    """A customs or tariff code; a query's digits match codes by their start."""
    code = code.strip()
    return [code] if code.isdigit() else list(text_terms(code))


def join_terms(terms) -> str:
    """Return the distinct terms, in first-seen order, separated by single spaces."""
    return " ".join(dict.fromkeys(term for term in terms if term))


def cut_query_word(run: str) -> list[str]:
    """Split a run of Chinese characters the buyer typed into words (jieba)."""
    return [word for word in segmenter().cut(run) if word.strip()]
