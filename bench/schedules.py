"""Next meetings per request: what a result page pays to say "Prochaine réunion : …".

    python bench/schedules.py [--places 50] [--rounds 200]

Pages compute the next meeting of every listed place at each request (no cache that could
keep a past date; the page cache is keyed on the hour). This times, in the same run and on
the same schedules (the real phrasings of ../shared/data/meetings.csv, or the demo's):
  ours  — finder.schedule.schedule_view: dateutil rrule from today, stopped at the first
          date (school calendar and months off applied)
  naive — walk day by day from today and test each day against the rule (nth weekday
          counted from the 1st), as code without rrule would
Both must give the same next date for every schedule; the script checks it, then prints
the time per result page of `--places` places and the ratio naive / ours.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finder.schedule import TZ, next_occurrence, parse_schedule, schedule_view  # noqa: E402
from finder.schedule.school import SchoolCalendar  # noqa: E402


def texts() -> list[str]:
    shared = ROOT.parent / "shared" / "data" / "meetings.csv"
    if shared.is_file():
        with open(shared, encoding="utf-8") as f:
            return [r["schedule_fr"] for r in csv.DictReader(f)]
    with open(ROOT / "data" / "demo-inventory.csv", encoding="utf-8") as f:
        return [r["schedule"] for r in csv.DictReader(f)]


def naive_next(schedule, today: date):
    best = None
    for rule in schedule.rules:
        day = today
        for _ in range(400):
            if day.weekday() in rule.weekdays and day.month not in rule.skip_months:
                if rule.weekly:
                    break
                nth = (day.day - 1) // 7 + 1
                last = (day + timedelta(days=7)).month != day.month
                if nth in rule.nths or (last and -1 in rule.nths):
                    break
            day += timedelta(days=1)
        else:
            continue
        best = day if best is None or day < best else best
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    schedules = [parse_schedule(t) for t in texts()]
    page = (schedules * (args.places // len(schedules) + 1))[:args.places]
    calendar = SchoolCalendar()
    today = date(2026, 12, 1)
    moment = datetime(2026, 12, 1, 0, 0, tzinfo=TZ)
    for s in schedules:
        ours = next_occurrence([s], moment, calendar=calendar)
        assert (ours.day if ours else None) == naive_next(s, today), s.text
    timings = {"ours": [], "naive": []}
    for _ in range(args.rounds):
        start = time.perf_counter()
        for s in page:
            schedule_view(s, moment, calendar=calendar)
        timings["ours"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for s in page:
            naive_next(s, today)
        timings["naive"].append(time.perf_counter() - start)
    ours, naive = (statistics.median(timings[k]) * 1000 for k in ("ours", "naive"))
    dated = sum(1 for s in page if s.rules)
    print(f"{len(page)} places per page ({dated} with rules), {args.rounds} rounds, "
          f"same next dates: yes")
    print(f"ours  (rrule + French text): median {ours:.2f} ms per page")
    print(f"naive (day-by-day scan):     median {naive:.2f} ms per page")
    print(f"ratio naive / ours: {naive / ours:.2f}")


if __name__ == "__main__":
    main()
