"""Show zh/en field pairs in the active language, falling back to the other one."""

from django.utils.translation import get_language


def pick_language(zh: str, en: str) -> str:
    """Return the text for the active language, or the other one when it is empty."""
    if (get_language() or "zh-hans").startswith("zh"):
        return zh or en
    return en or zh


class BilingualNameMixin:
    """For models with ``name_zh`` and ``name_en``."""

    @property
    def display_name(self) -> str:
        return pick_language(self.name_zh, self.name_en)
