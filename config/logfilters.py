"""Logging filters (no Django imports: settings load them before the apps)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refusal (403) is an answer, not a failure: log its one line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (400, 403, 404, 405):
            record.exc_info = None
            record.exc_text = None
        return True
