"""Image files for the photo tests, made here: valid ones and hostile ones."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif=None, mode="RGB") -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 128)
    out = io.BytesIO()
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a camera model and a GPS position (Yiwu, 29.3N 120.1E)."""
    exif = Image.Exif()
    exif[0x0110] = "SecretCam 3000"  # Model
    gps = {1: "N", 2: (29.0, 18.0, 0.0), 3: "E", 4: (120.0, 4.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo IFD
    return exif


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(side: int = 15_000) -> bytes:
    """A valid grey PNG of side x side pixels (225 MB decoded) in about 200 KB."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(1)
    # Every row is its filter byte (0) and its pixels (0): all zeros.
    total = (side + 1) * side
    block = b"\x00" * (1 << 20)
    chunks = [compressor.compress(block) for _ in range(total // len(block))]
    chunks.append(compressor.compress(b"\x00" * (total % len(block))))
    data = b"".join(chunks) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(document.cookie)</script><rect width="10" '
    b'height="10"/></svg>'
)
#: The start of a Windows executable (MZ header and DOS stub), named like a photo.
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 50
    + (b"This program cannot be run in DOS mode.\r\r\n$")
)


def upload(data: bytes, name: str = "photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
