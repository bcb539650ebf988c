"""An upload cap that holds before a byte is kept: not in memory, not on disk.

Django keeps a small upload in memory and a large one in a temporary file, however
large it is. This handler runs first: once a file passes ``IMPORT_MAX_FILE_BYTES``
(the largest file any form takes), it swallows the rest of it, so the later handlers
never see those bytes, and hands the form an empty stand-in that only knows the size.
The form then refuses it with the usual message. The request body is still read to
its end (in small chunks), so the browser gets the page instead of a reset
connection; a proxy in front (``client_max_body_size``) refuses such bodies sooner.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

#: Room in a request for the form's other fields and the multipart boundaries.
ENVELOPE_BYTES = 64 * 1024


def max_upload_bytes() -> int:
    return int(settings.IMPORT_MAX_FILE_BYTES)


class OversizedUpload(SimpleUploadedFile):
    """What is left of a refused file: its name and how many bytes arrived, no bytes."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(name, b"", content_type)
        self.size = size


class SizeCapUploadHandler(FileUploadHandler):
    """Stop keeping a file once it is larger than the cap (FILE_UPLOAD_HANDLERS[0])."""

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        self.request_length = content_length

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        #: What the client said it sends, when that alone is over the cap.
        self.announced = max(self.request_length, self.content_length or 0)
        self.oversized = self.announced > max_upload_bytes() + ENVELOPE_BYTES
        if self.oversized:
            # The later handlers never open a buffer or a temporary file for it.
            raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if not self.oversized and self.received > max_upload_bytes():
            self.oversized = True
            self._drop_later_buffers()
        return None if self.oversized else raw_data

    def _drop_later_buffers(self) -> None:
        """Free what the later handlers kept of this file (memory, temporary file)."""
        for handler in self.request.upload_handlers:
            kept = getattr(handler, "file", None) if handler is not self else None
            if kept is not None:
                kept.close()

    def file_complete(self, file_size):
        if not self.oversized:
            return None
        # All of it arrived and was counted, unless the client stopped sending.
        size = self.received if self.received > max_upload_bytes() else self.announced
        return OversizedUpload(self.file_name, size, self.content_type)
