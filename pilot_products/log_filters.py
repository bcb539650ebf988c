"""Logging filters (configured in ``settings.LOGGING``; no model imports here)."""

import logging


class OmitTracebackOfDenials(logging.Filter):
    """Keep Django's one-line "Forbidden" warning, drop the traceback it attaches.

    A 403 is an answer, not a fault: the security log already records who was refused
    where (``permission_denied``), and a traceback per refusal would bury real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
