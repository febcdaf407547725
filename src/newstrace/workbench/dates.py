"""Dates the workbench accepts from users (filters, "what changed since"): YYYY-MM-DD only."""
from __future__ import annotations

import re
from datetime import date

from ..errors import OptionError

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: str | None, name: str) -> str | None:
    """`value` when it is a real YYYY-MM-DD date (None or blank: None); else an OptionError (E041,
    HTTP 400) naming the parameter and what it accepts."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise OptionError(f"{value[:40]!r} is not a date; give YYYY-MM-DD (like 2025-02-14)",
                          source=name) from None
    return value
