"""The sizes a photo is kept in, and where each is served, without opening a file.

Every photo is stored once as uploaded (re-encoded) and once per rendition, made at
upload time from the same pixels: ``<hex>-card.jpg`` for catalogue cards and the
portal, ``<hex>-large.jpg`` for the listing's own page. A rendition's size follows
from the photo's width and height alone, so a page sets ``width`` and ``height`` on
every ``<img>`` from the row it already read (no file access, no extra query).
"""

from dataclasses import dataclass

from django.urls import reverse

#: Rendition name -> the square box (pixels) the picture is fitted into.
RENDITIONS = {"card": 400, "large": 1200}


def fit(width: int, height: int, box: int) -> tuple[int, int]:
    """Return the size of a ``width`` x ``height`` picture fitted into ``box``; never larger."""
    if width <= box and height <= box:
        return width, height
    scale = box / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def rendition_name(name: str, rendition: str) -> str:
    stem, _dot, extension = name.rpartition(".")
    return f"{stem}-{rendition}.{extension}"


@dataclass(frozen=True)
class PhotoRef:
    """A stored photo as pages need it: its name and its size in pixels."""

    name: str
    width: int
    height: int

    def url(self, rendition: str) -> str:
        return reverse(
            "pilot_products:photo-file", args=[rendition_name(self.name, rendition)]
        )

    def size(self, rendition: str) -> tuple[int, int]:
        return fit(self.width, self.height, RENDITIONS[rendition])

    @property
    def card_url(self) -> str:
        return self.url("card")

    @property
    def card_width(self) -> int:
        return self.size("card")[0]

    @property
    def card_height(self) -> int:
        return self.size("card")[1]

    @property
    def large_url(self) -> str:
        return self.url("large")

    @property
    def large_width(self) -> int:
        return self.size("large")[0]

    @property
    def large_height(self) -> int:
        return self.size("large")[1]
