"""The moment a request computes "Prochaine réunion" from.

Now in Europe/Brussels to the hour (schedule.current_moment), unless the SCHEDULE_NOW
setting fixes it (an ISO datetime, read as Brussels time: tests, demonstrations).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..schedule import TZ, current_moment


SETTING = "FINDER_SCHEDULE_NOW"


def _parse(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)


def request_moment() -> datetime:
    fixed = current_app.config.get("SCHEDULE_NOW")
    return _parse(fixed) if fixed else current_moment()


def init_app(app) -> None:
    """Read SCHEDULE_NOW once: a value that is not a date-time stops start-up, clearly."""
    value = app.config.get("SCHEDULE_NOW")
    if not value:
        return
    try:
        app.config["SCHEDULE_NOW"] = _parse(value)
    except (TypeError, ValueError):
        from ..db import StartupError, startup_message
        raise StartupError(startup_message(
            f"{SETTING} : « {value} » n'est pas une date et heure (écrivez par exemple "
            f"2026-12-01T09:00, heure de Bruxelles), ou retirez ce réglage.", SETTING)) from None
