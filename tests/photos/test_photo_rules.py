"""The photo upload rule (``photos.rules.clean_photo``) against every hostile file."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from pilot_products.photos.rules import (
    MSG_PHOTO_BROKEN,
    MSG_PHOTO_TYPE,
    clean_photo,
)

from .images import (
    EXECUTABLE,
    SVG_WITH_SCRIPT,
    gps_exif,
    image_bytes,
    png_bomb,
    upload,
)


def refusal(data: bytes, name="photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(data, name))
    return caught.value


@pytest.mark.parametrize(
    ("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_valid_photos_are_re_encoded_under_a_generated_name(fmt, extension):
    clean = clean_photo(upload(image_bytes(fmt), name="../../etc/passwd.exe"))
    assert clean.extension == extension
    assert (clean.width, clean.height) == (64, 48)
    assert clean.content.name.endswith(f".{extension}")
    assert "passwd" not in clean.content.name
    assert len(clean.content.name) == 32 + 1 + len(extension)
    reopened = Image.open(io.BytesIO(clean.content.read()))
    assert reopened.format == fmt
    assert reopened.size == (64, 48)


def test_the_type_follows_the_content_not_the_name():
    clean = clean_photo(upload(image_bytes("PNG"), name="holiday.jpg"))
    assert clean.extension == "png"


def test_renamed_executable_is_refused():
    error = refusal(EXECUTABLE, name="photo.jpg")
    assert error.code == "photo_type"
    assert error.message == MSG_PHOTO_TYPE


def test_svg_with_script_is_refused():
    error = refusal(SVG_WITH_SCRIPT, name="photo.svg")
    assert error.code == "photo_type"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    assert refusal(image_bytes(fmt, mode="L")).code == "photo_type"


def test_decompression_bomb_is_refused_before_decoding():
    data = png_bomb()
    assert len(data) < 2 * 1024 * 1024  # small on the wire, 225 MB decoded
    error = refusal(data, name="bomb.png")
    assert error.code == "photo_too_many_pixels"
    assert "40 megapixels" in str(error.messages[0])


def test_hundred_megapixel_image_is_refused():
    error = refusal(image_bytes("JPEG", size=(10_000, 10_000), mode="L"))
    assert error.code == "photo_too_many_pixels"


def test_image_just_above_the_cap_is_refused_not_warned(settings):
    # Between the cap and twice the cap Pillow only warns; the rule refuses.
    settings.PHOTO_MAX_PIXELS = 40_000_000
    error = refusal(image_bytes("PNG", size=(7_000, 6_000), mode="L"))
    assert error.code == "photo_too_many_pixels"


def test_truncated_file_is_refused():
    data = image_bytes("JPEG", size=(400, 300))
    error = refusal(data[: len(data) // 2])
    assert error.code == "photo_broken"
    assert error.message == MSG_PHOTO_BROKEN


def test_truncated_png_is_refused():
    data = image_bytes("PNG", size=(400, 300))
    assert refusal(data[: len(data) - 40], name="cut.png").code == "photo_broken"


def test_file_above_the_byte_cap_is_refused_unread(settings):
    settings.PHOTO_MAX_BYTES = 1024
    error = refusal(image_bytes("PNG", size=(300, 300)) + b"\x00" * 2048)
    assert error.code == "photo_too_large"


def test_empty_file_is_refused():
    assert refusal(b"").code == "photo_empty"


def test_gps_and_camera_exif_are_gone():
    data = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # GPS was there
    clean = clean_photo(upload(data))
    stored = clean.content.read()
    reopened = Image.open(io.BytesIO(stored))
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info
    assert b"SecretCam" not in stored


def test_exif_orientation_is_applied_then_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    clean = clean_photo(upload(image_bytes("JPEG", size=(64, 48), exif=exif)))
    assert (clean.width, clean.height) == (48, 64)
    assert dict(Image.open(io.BytesIO(clean.content.read())).getexif()) == {}
