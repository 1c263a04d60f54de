"""French schedule text → Schedule (rules + what was not understood).

Understood (see tests/test_schedule_parser.py for the table of real phrasings):
- weekly on one or several days: "le mardi de 15 à 17h", "les lundis, mercredis et
  samedis", "tous les lundis soirs", "chaque lundi", "mardi 14h-16h", "du lundi au
  vendredi de 9h à 17h";
- monthly on the nth or last weekday: "chaque 3e jeudi du mois de 14 à 16 heures",
  "1er et 3ème mardi 13 à 17 h", "tous les derniers dimanches de chaque mois";
- exceptions, for every rule of the text: "hors congés scolaires", "sauf juillet et
  août", "à l'exception des mois de juillet et août";
- "sur rendez-vous"; several schedules in one text ("le mercredi de 9h à 12h30 et le
  jeudi de 15h à 19h", or parts separated by ";").

Never a guess: a part that names dates ("prochaine séance ce vendredi 1er octobre") is an
announcement, not a rule; a frequency without a day ("groupes de paroles mensuels", "un
mercredi par mois") gives no rule; nor does every other week without a start ("un lundi
sur deux", "tous les quinze jours"), a cycle ("3 séances"), or phone hours ("entretiens
téléphoniques…": not a meeting); "le dernier vendredi" needs "du mois"; a truncated text
("[…]") gives nothing. What is left over is kept in `Schedule.unparsed`.
"""
from __future__ import annotations

import re
import unicodedata

from .model import (APPOINTMENT, EMPTY, RECURRING, UNKNOWN, Rule, Schedule)

MAX_LENGTH = 600            # a schedule is a sentence or two; longer is something else
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
           "septembre", "octobre", "novembre", "decembre")
_WD = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?"
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
_ORDINAL_WORDS = {
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "dernier": -1, "derniere": -1,
}
_ORD = (r"(?:\d\s*(?:er|re|ere|eme|e|nd|nde)\b|(?:premier|premiere|deuxieme|second|seconde"
        r"|troisieme|quatrieme|cinquieme|dernier|derniere)s?)")
_OF_MONTH = r"(?:du mois|de chaque mois|de tous les mois|de mois|par mois)"
_MONTHLY = re.compile(
    rf"\b(?P<ords>{_ORD}(?:\s*(?:,|et)\s*(?:le\s+|les\s+)?{_ORD})*)\s+(?P<days>{_WD})"
    rf"(?P<of>\s+{_OF_MONTH})?")
_WEEKLY = re.compile(rf"\b(?P<days>{_WD}(?:\s*(?:,|et)\s*(?:le\s+|les\s+)?{_WD})*)\b")
# A word before a weekday that makes it something else than "every such day".
_NOT_WEEKLY_BEFORE = {"un", "une", "deux", "trois", "quatre", "ce", "cette", "du", "au",
                      "prochain", "prochaine", "dernier", "derniers", "premier", "premiers"}
_PART = re.compile(r"\b(?P<p>soirs?|en soiree|matins?|en matinee|apres-midi)\b")
_HOUR = r"(\d{1,2})\s*(heures?|h|:)?\s*(\d{2})?"
_RANGE = re.compile(rf"(?:\b(?:de|entre)\s+)?(?<![\d/]){_HOUR}\s*(?:a|-|et|jusqu'a)\s*{_HOUR}"
                    r"(?![\d/])")
_START = re.compile(r"\b(?:a|des|vers)\s+(\d{1,2})\s*(heures?|h)\s*(\d{2})?(?![\d/])")
# "le 2e mardi, 14 h": an hour alone (not a duration: "séances de 2h", "pendant 2 h").
_BARE = re.compile(r"(?<![\d/])(\d{1,2})\s*h\s*(\d{2})?\b")
_NOT_A_START_BEFORE = {"de", "pendant", "durant", "environ", "sur"}
_SCHOOL = re.compile(r"\b(?:hors|sauf|excepte|pas)\s+(?:pendant\s+|durant\s+|en\s+)?"
                     r"(?:les\s+)?(?:conges|vacances)\s+scolaires\b")
_MONTHS_OFF = re.compile(
    rf"\b(?:sauf|hors|excepte|pas|relache|a l'exception)\s+(?:en\s+|des\s+|du\s+|d')?"
    rf"(?:(?:les\s+|le\s+)?mois\s+(?:de\s+|d')?)?(?P<months>(?:en\s+)?{_MONTH}"
    rf"(?:\s*(?:,|et|-)\s*(?:en\s+)?{_MONTH})*)")
_APPOINTMENT = re.compile(r"\bsur\s+(?:rendez[- ]vous|rdv)\b")
_DATE = re.compile(rf"\b\d{{1,2}}(?:er|re)?\s+{_MONTH}\b|\b\d{{1,2}}/\d{{1,2}}\b"
                   rf"|\b{_MONTH}\s+\d{{4}}\b")
# Every other week, every fortnight: no anchor date in the text, so no rule.
_BIWEEKLY = re.compile(r"\b(?:toutes les (?:deux|2|trois|3|quatre|4) semaines|tous les (?:15|quinze)"
                       r" jours|une semaine sur (?:deux|2)|un \w+ sur (?:deux|2)|quinzaine"
                       r"|bimensuel)")
_RANGE_DAYS = re.compile(rf"\bdu\s+(?P<a>{_WD})\s+au\s+(?P<b>{_WD})\b")
_PHONE = re.compile(r"\btelephon")
_CYCLE = re.compile(r"\b\d+\s+(?:seances|rencontres|reunions)\b|\bcycles?\b")
_TRUNCATED = re.compile(r"\[(?:…|\.\.\.)\]|…|\.\.\.")
_FREQUENCY = re.compile(r"\bmensuel|\bpar mois\b|\bpar semaine\b|\bhebdomadaire|\bchaque "
                        r"(?:semaine|quinzaine|mois)\b|\btous les (?:deux|trois|\d+) mois\b"
                        r"|\bune fois par\b|\bsemaines\b")
_IGNORED = re.compile(r"\b(?:d'environ\s+)?(?:une|deux|trois|\d)\s+heures?\b"
                      r"|\b(?:deux|trois|\d)\s+(?:permanences|seances|reunions|groupes)\b")
_FILLER = set("""
une un fois par mois chaque du de des le la les l d et a au aux en tous toutes ou
mensuel mensuelle mensuels mensuelles reunion reunions seance seances permanence
permanences rencontre rencontres session sessions sans reservation prevu prevue prevus
prevues groupe groupes parole paroles raison environ
""".split())


def normalize(text: str) -> str:
    """Lower case, accents and typographic marks folded, one character per character
    (so positions in the result are positions in the original)."""
    out = []
    for ch in text:
        if ch in "’‘`´":
            out.append("'")
            continue
        if ch in "–—‑":
            out.append("-")
            continue
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)) or " "
        out.append(base[0].lower() if len(base) >= 1 else " ")
    return "".join(out)


def _clauses(text: str, norm: str) -> list[tuple[str, str]]:
    """(original, normalized) parts, split on ";" and on the end of a sentence."""
    parts = []
    start = 0
    for m in re.finditer(r";|\.\s+(?=[a-z])", norm):
        parts.append((text[start:m.start()], norm[start:m.start()]))
        start = m.end()
    parts.append((text[start:], norm[start:]))
    return [(o.strip(" ,.:"), n.strip(" ,.:")) for o, n in parts if n.strip(" ,.:")]


def _days(words: str) -> tuple[int, ...]:
    return tuple(sorted({_DAYS.index(d) for d in re.findall(
        r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche", words)}))


def _nth(word: str) -> int:
    word = word.strip().rstrip("s")
    if word[0].isdigit():
        return int(word[0])
    return _ORDINAL_WORDS[word]


def _hhmm(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h % 24:02d}:{m:02d}"


def _times(norm: str) -> list[tuple[int, int, str, str]]:
    """(start, end position, "HH:MM" start, "HH:MM" end or "") of each time in the text."""
    found = []
    taken = []
    for m in _RANGE.finditer(norm):
        h1, mark1, min1, h2, mark2, min2 = m.groups()
        if not (mark1 or mark2):
            continue                         # "1 et 3", "6 à 8": numbers, not hours
        if min1 and not mark1 or min2 and not mark2:
            continue
        start, end = _hhmm(h1, min1), _hhmm(h2, min2)
        if start is None or end is None or end <= start:
            continue
        found.append((m.start(), m.end(), start, end))
        taken.append((m.start(), m.end()))
    for m in _START.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        start = _hhmm(m.group(1), m.group(3))
        if start:
            found.append((m.start(), m.end(), start, ""))
            taken.append((m.start(), m.end()))
    for m in _BARE.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before = re.findall(r"[a-z0-9']+", norm[max(0, m.start() - 30):m.start()])
        if before and before[-1] in _NOT_A_START_BEFORE:
            continue
        start = _hhmm(m.group(1), m.group(2))
        if start:
            found.append((m.start(), m.end(), start, ""))
    return sorted(found)


def _exceptions(norm: str) -> tuple[bool, tuple[int, ...], list[tuple[int, int]]]:
    spans = []
    school = False
    for m in _SCHOOL.finditer(norm):
        school = True
        spans.append(m.span())
    months: set[int] = set()
    for m in _MONTHS_OFF.finditer(norm):
        months.update(_MONTHS.index(x) + 1 for x in re.findall(_MONTH, m.group("months")))
        spans.append(m.span())
    return school, tuple(sorted(months)), spans


class _Clause:
    def __init__(self, original: str, norm: str):
        self.original, self.norm = original, norm
        self.spans: list[tuple[int, int]] = []
        self.rules: list[Rule] = []
        self.appointment = False
        self.dates = bool(_DATE.search(norm))
        self.indeterminate = False

    def covered(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.spans)

    def residue(self) -> list[str]:
        chars = list(self.norm)
        for a, b in self.spans:
            chars[a:b] = " " * (b - a)
        rest = _IGNORED.sub(" ", "".join(chars))
        words = re.findall(r"[a-z0-9]+", rest)
        return [w for w in words if w not in _FILLER]


def _parse_clause(clause: _Clause, school: bool, months_off: tuple[int, ...]) -> None:
    norm = clause.norm
    for m in _APPOINTMENT.finditer(norm):
        clause.appointment = True
        clause.spans.append(m.span())
    if clause.dates:
        return                                   # an announcement: no rule from it
    if _CYCLE.search(norm) or _BIWEEKLY.search(norm) or _PHONE.search(norm):
        clause.indeterminate = True              # "3 séances…", "un lundi sur deux", or
        return                                   # phone hours: not a meeting
    exprs: list[tuple[int, int, str, tuple[int, ...], tuple[int, ...]]] = []
    for m in _MONTHLY.finditer(norm):
        ords = re.findall(_ORD, m.group("ords"))
        nths = tuple(sorted({_nth(o) for o in ords}, key=lambda n: (n < 0, n)))
        if -1 in nths and not m.group("of"):
            clause.indeterminate = True          # "le dernier vendredi": of what?
            continue
        exprs.append((m.start(), m.end(), "monthly", _days(m.group("days")), nths))
        clause.spans.append(m.span())
    for m in _RANGE_DAYS.finditer(norm):        # "du lundi au vendredi"
        first, last = _days(m.group("a"))[0], _days(m.group("b"))[0]
        days = tuple(range(first, last + 1)) if first <= last else ()
        if days and not clause.covered(m.start()):
            exprs.append((m.start(), m.end(), "weekly", days, ()))
            clause.spans.append(m.span())
    monthly_context = bool(re.search(r"\bpar mois\b|\bmensuel|\bdu mois\b", norm))
    for m in _WEEKLY.finditer(norm):
        if clause.covered(m.start()):
            continue
        before = re.findall(r"[a-z0-9']+", norm[max(0, m.start() - 30):m.start()])
        previous = before[-1] if before else ""
        if previous in _NOT_WEEKLY_BEFORE or monthly_context:
            clause.indeterminate = True          # "un mercredi par mois", "du vendredi"
            continue
        exprs.append((m.start(), m.end(), "weekly", _days(m.group("days")), ()))
        clause.spans.append(m.span())
    exprs.sort()
    times = _times(norm)
    parts = [(m.start(), m.end(), m.group("p")) for m in _PART.finditer(norm)]
    assigned: dict[int, tuple[str, str]] = {}
    leading: tuple[str, str] | None = None
    for t_start, t_end, start, end in times:
        owner = max((i for i, e in enumerate(exprs) if e[0] < t_start), default=None)
        if owner is None:
            leading = leading or (start, end)
        elif owner not in assigned:
            assigned[owner] = (start, end)
        clause.spans.append((t_start, t_end))
    for i, (e_start, e_end, freq, days, nths) in enumerate(exprs):
        start, end = assigned.get(i) or leading or ("", "")
        part = ""
        if not start:
            for p_start, p_end, word in parts:
                if p_start >= e_start and (i + 1 == len(exprs) or p_start < exprs[i + 1][0]):
                    part = "soir" if "soir" in word else "matin" if "mat" in word else "apres-midi"
                    clause.spans.append((p_start, p_end))
                    break
        clause.rules.append(Rule(freq=freq, weekdays=days, nths=nths, start=start, end=end,
                                 part_of_day=part, skip_school_holidays=school,
                                 skip_months=months_off))


def _merge(rules: list[Rule]) -> tuple[Rule, ...]:
    """One rule per (frequency, days, nths): "le premier mardi, de 14h à 16h (chaque 1er
    mardi du mois)" says one thing twice."""
    merged: dict[tuple, Rule] = {}
    for rule in rules:
        key = (rule.freq, rule.weekdays, rule.nths, rule.start or None)
        same = next((k for k in merged if k[:3] == key[:3]
                     and (not k[3] or not rule.start)), None)
        if same is None:
            merged[key] = rule
        elif rule.start and not merged[same].start:
            del merged[same]
            merged[key] = rule
    return tuple(merged.values())


def parse_schedule(text: str) -> Schedule:
    """What `text` says, as far as it can be understood without guessing."""
    text = (text or "").strip()
    if not text:
        return Schedule(text="", status=EMPTY)
    if len(text) > MAX_LENGTH:
        return Schedule(text=text, status=UNKNOWN, unparsed=(text,),
                        reason=f"texte trop long pour un horaire ({len(text)} caractères, "
                               f"{MAX_LENGTH} au plus) : écrivez l'horaire seul.")
    norm = normalize(text)
    if _TRUNCATED.search(text):
        return Schedule(text=text, status=UNKNOWN, unparsed=(text,),
                        reason="texte tronqué : la suite de l'horaire manque.")
    school, months_off, exception_spans = _exceptions(norm)
    # Parentheses are asides inside one part ("chaque 3e jeudi (hors congés scolaires)").
    flat = re.sub(r"[()]", ",", norm)
    clauses = [_Clause(o, n) for o, n in _clauses(text, flat)]
    offset = 0
    for clause in clauses:
        start = flat.find(clause.norm, offset)
        offset = start + len(clause.norm)
        clause.spans.extend((max(a - start, 0), b - start) for a, b in exception_spans
                            if a < offset and b > start)
        _parse_clause(clause, school, months_off)
    rules = _merge([r for c in clauses for r in c.rules])
    appointment = any(c.appointment for c in clauses)
    # A part that says "sur rendez-vous" is understood whole ("entretiens individuels sur
    # rendez-vous"): its other words say what is by appointment, not when.
    unparsed = tuple(c.original for c in clauses
                     if c.dates or c.indeterminate or (c.residue() and not c.appointment))
    if rules:
        return Schedule(text=text, status=RECURRING, rules=rules, by_appointment=appointment,
                        unparsed=unparsed)
    if appointment:
        return Schedule(text=text, status=APPOINTMENT, by_appointment=True, unparsed=unparsed)
    return Schedule(text=text, status=UNKNOWN, unparsed=unparsed or (text,),
                    reason=_reason(clauses, norm))


def _reason(clauses: list[_Clause], norm: str) -> str:
    if any(c.dates for c in clauses):
        return ("des dates ponctuelles (une annonce), sans règle qui se répète : aucune "
                "prochaine date n'est calculée.")
    if any(c.indeterminate for c in clauses):
        return ("le jour n'est pas assez précis pour en tirer des dates (par exemple « un "
                "mercredi par mois » : lequel ?).")
    if _FREQUENCY.search(norm):
        return "une fréquence sans jour précis : aucune date ne peut en être tirée."
    return "horaire non compris."
