"""The photo upload rule: every door that takes an image calls ``clean_photo``.

The type is decided by the content (Pillow opens only JPEG, PNG and WebP), the bytes
and the pixels are capped before anything is decoded, a truncated file is refused,
and what is kept is a new file re-encoded from the pixels alone: no EXIF (GPS,
camera), no comment, no ICC trick, nothing of the uploaded bytes but the picture.
The name is generated; the user's file name is never used.
"""

import io
import uuid
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from pilot_products.photos.renditions import RENDITIONS, fit, rendition_name

#: Formats accepted, as Pillow names them, with the extension of the stored file.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

# Pillow's own decompression-bomb guard, set deliberately to the same cap: an image
# above it warns (turned into a refusal below), one above twice it is an error.
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
# A truncated file is refused, never padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

MSG_PHOTO_EMPTY = _("The file is empty: choose a photo.")
MSG_PHOTO_TOO_LARGE = _(
    "The photo is larger than %(limit)s MB: export it smaller (a phone's "
    "“medium” size is enough) and upload it again."
)
MSG_PHOTO_TYPE = _(
    "This file is not a JPEG, PNG or WebP photo (whatever its name says): "
    "upload a photo in one of these formats."
)
MSG_PHOTO_TOO_MANY_PIXELS = _(
    "The photo has more than %(limit)s megapixels: resize it and upload it again."
)
MSG_PHOTO_BROKEN = _(
    "The photo is damaged or incomplete (perhaps the upload was cut off): "
    "upload it again."
)
MSG_PHOTO_ONE_MAIN = _(
    "A listing has one main photo: mark another photo as main instead."
)
MSG_PHOTO_LIMIT = _("A listing has at most %(limit)s photos: remove one first.")


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as it is stored: new bytes, a generated name, its size in pixels,
    and its renditions (``renditions.RENDITIONS``) under names derived from it."""

    content: ContentFile
    extension: str
    width: int
    height: int
    renditions: dict[str, ContentFile] = field(default_factory=dict)

    def files(self) -> list[ContentFile]:
        return [self.content, *self.renditions.values()]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def too_large_error() -> ValidationError:
    """The refusal of a photo over ``PHOTO_MAX_BYTES``."""
    limit = settings.PHOTO_MAX_BYTES // (1024 * 1024)
    return ValidationError(
        MSG_PHOTO_TOO_LARGE, code="photo_too_large", params={"limit": limit}
    )


def _too_many_pixels() -> ValidationError:
    limit = settings.PHOTO_MAX_PIXELS // 1_000_000
    return ValidationError(
        MSG_PHOTO_TOO_MANY_PIXELS,
        code="photo_too_many_pixels",
        params={"limit": limit},
    )


def _read_capped(upload) -> bytes:
    """Read at most one byte more than the cap, so a huge file is never held whole."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        raise too_large_error()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(settings.PHOTO_MAX_BYTES + 1)
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise too_large_error()
    if not data:
        raise ValidationError(MSG_PHOTO_EMPTY, code="photo_empty")
    return data


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(MSG_PHOTO_TYPE, code="photo_type") from None
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(MSG_PHOTO_TYPE, code="photo_type")
        if image.width * image.height > settings.PHOTO_MAX_PIXELS:
            raise _too_many_pixels()
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(MSG_PHOTO_BROKEN, code="photo_broken") from None
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """Turn by the EXIF orientation, then keep the pixels and nothing else."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "A" in upright.getbands() or "transparency" in upright.info
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    return Image.frombytes(upright.mode, upright.size, upright.tobytes())


def _encode(image: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif extension == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def clean_photo(upload) -> CleanPhoto:
    """Check an uploaded image and return it re-encoded, or raise ``ValidationError``."""
    data = _read_capped(upload)
    image = _open(data)
    extension = ACCEPTED_FORMATS[image.format]
    name = f"{uuid.uuid4().hex}.{extension}"
    try:
        pixels = _pixels_only(image)
        encoded = _encode(pixels, extension)
        renditions = {
            rendition: ContentFile(
                _encode(_resized(pixels, box), extension),
                name=rendition_name(name, rendition),
            )
            for rendition, box in RENDITIONS.items()
        }
    except (OSError, ValueError):
        raise ValidationError(MSG_PHOTO_BROKEN, code="photo_broken") from None
    return CleanPhoto(
        content=ContentFile(encoded, name=name),
        extension=extension,
        width=pixels.width,
        height=pixels.height,
        renditions=renditions,
    )


def _resized(pixels: Image.Image, box: int) -> Image.Image:
    size = fit(pixels.width, pixels.height, box)
    if size == pixels.size:
        return pixels
    return pixels.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def photo_count_error(*, existing: int) -> ValidationError | None:
    """Say why one more photo cannot join a listing that has ``existing`` photos."""
    if existing >= settings.PHOTO_MAX_PER_LISTING:
        return ValidationError(
            MSG_PHOTO_LIMIT,
            code="photo_limit",
            params={"limit": settings.PHOTO_MAX_PER_LISTING},
        )
    return None
