"""Log lines for people (`LOG_FORMAT=text`) or for log pipelines (`LOG_FORMAT=json`)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the traceback of
    an exception as one string field, so a multi-line traceback stays one record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Their INFO lines say nothing an operator needs ("setup plugin ...", "Context impl ...");
# the bot logs which migrations it applies itself.
QUIETED = ("alembic",)


def configure_logging(log_format: str) -> None:
    """Root logging at INFO to stdout, in the chosen format (replacing any earlier set-up).

    stdout, as twelve-factor apps log (Heroku collects it); stderr is kept for the one line
    that says why the process could not start.
    """
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIETED:
        logging.getLogger(name).setLevel(logging.WARNING)
