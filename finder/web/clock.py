"""The moment a request computes "Prochaine réunion" from.

Now in Europe/Brussels to the hour (schedule.current_moment), unless the SCHEDULE_NOW
setting fixes it (an ISO datetime, read as Brussels time: tests, demonstrations).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..schedule import TZ, current_moment


def request_moment() -> datetime:
    fixed = current_app.config.get("SCHEDULE_NOW")
    if fixed:
        moment = fixed if isinstance(fixed, datetime) else datetime.fromisoformat(str(fixed))
        return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)
    return current_moment()
