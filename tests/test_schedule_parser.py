"""The French schedule parser, on real phrasings (../shared/data/meetings.csv and the demo
inventory) and on the forms maintainers write. Each row says what the text means."""
from __future__ import annotations

import pytest

from finder.schedule import APPOINTMENT, EMPTY, RECURRING, UNKNOWN, parse_schedule
from finder.schedule.parser import normalize

MO, TU, WE, TH, FR, SA, SU = range(7)


def rules(text):
    s = parse_schedule(text)
    assert s.status == RECURRING, (text, s)
    return [(r.freq, r.weekdays, r.nths, r.start, r.end, r.part_of_day,
             r.skip_school_holidays, r.skip_months) for r in s.rules]


# (text, [(freq, weekdays, nths, start, end, part_of_day, skip school, skip months)])
UNDERSTOOD = [
    # weekly, one or several days
    ("le mardi de 15 à 17h", [("weekly", (TU,), (), "15:00", "17:00", "", False, ())]),
    ("le mercredi de 14h à 16h", [("weekly", (WE,), (), "14:00", "16:00", "", False, ())]),
    ("le vendredi de 10h30 à 12h30", [("weekly", (FR,), (), "10:30", "12:30", "", False, ())]),
    ("les lundis, mercredis et samedis", [("weekly", (MO, WE, SA), (), "", "", "", False, ())]),
    ("tous les lundis soirs", [("weekly", (MO,), (), "", "", "soir", False, ())]),
    ("chaque lundi", [("weekly", (MO,), (), "", "", "", False, ())]),
    ("mardi 14h-16h", [("weekly", (TU,), (), "14:00", "16:00", "", False, ())]),
    ("chaque mardi et jeudi de 14h à 16h",
     [("weekly", (TU, TH), (), "14:00", "16:00", "", False, ())]),
    ("le samedi matin", [("weekly", (SA,), (), "", "", "matin", False, ())]),
    ("du lundi au vendredi de 9h à 17h",
     [("weekly", (MO, TU, WE, TH, FR), (), "09:00", "17:00", "", False, ())]),
    ("le 1er et le 3e mercredi du mois à 20h",
     [("monthly", (WE,), (1, 3), "20:00", "", "", False, ())]),
    ("le mardi 19h30", [("weekly", (TU,), (), "19:30", "", "", False, ())]),
    ("le 2e mardi, 14 h", [("monthly", (TU,), (2,), "14:00", "", "", False, ())]),
    ("deux permanences: le mercredi de 9h à 12h30 et le jeudi de 15h à 19h",
     [("weekly", (WE,), (), "09:00", "12:30", "", False, ()),
      ("weekly", (TH,), (), "15:00", "19:00", "", False, ())]),
    # monthly, nth or last weekday
    ("une par mois, chaque 3e jeudi du mois (hors congés scolaires), de 14 à 16 heures",
     [("monthly", (TH,), (3,), "14:00", "16:00", "", True, ())]),
    ("chaque 3e jeudi du mois de 14 à 16 heures",
     [("monthly", (TH,), (3,), "14:00", "16:00", "", False, ())]),
    ("permanence 1er et 3ème mardi 13 à 17 h",
     [("monthly", (TU,), (1, 3), "13:00", "17:00", "", False, ())]),
    ("tous les derniers dimanches de chaque mois, de 16 à 23 heures",
     [("monthly", (SU,), (-1,), "16:00", "23:00", "", False, ())]),
    ("tous les derniers jeudis du mois", [("monthly", (TH,), (-1,), "", "", "", False, ())]),
    ("le troisième samedi de chaque mois", [("monthly", (SA,), (3,), "", "", "", False, ())]),
    ("tous les 3è lundis du mois", [("monthly", (MO,), (3,), "", "", "", False, ())]),
    ("tous les premiers mardis du mois, une séance de deux heures",
     [("monthly", (TU,), (1,), "", "", "", False, ())]),
    ("rencontres mensuelles prévues chaque premier lundi du mois",
     [("monthly", (MO,), (1,), "", "", "", False, ())]),
    ("une réunion par mois, sans réservation, chaque 4e lundi du mois de 14h à 16h",
     [("monthly", (MO,), (4,), "14:00", "16:00", "", False, ())]),
    ("une fois par mois, chaque 3e mercredi du mois (hors congés scolaires), de 14h00 à 16h00",
     [("monthly", (WE,), (3,), "14:00", "16:00", "", True, ())]),
    # said twice in one text: one rule, with its hours
    ("une fois par mois, le premier mardi, de 14h à 16h (chaque 1er mardi du mois, hors "
     "congés scolaires)", [("monthly", (TU,), (1,), "14:00", "16:00", "", True, ())]),
    ("1er mardi du mois, 14h-16h, hors congés scolaires",
     [("monthly", (TU,), (1,), "14:00", "16:00", "", True, ())]),
    ("premier lundi du mois de 15h à 17h",
     [("monthly", (MO,), (1,), "15:00", "17:00", "", False, ())]),
    # exceptions
    ("chaque 1er mardi du mois, sauf juillet et août",
     [("monthly", (TU,), (1,), "", "", "", False, (7, 8))]),
    ("le jeudi de 18h à 20h, à l'exception des mois de juillet et août",
     [("weekly", (TH,), (), "18:00", "20:00", "", False, (7, 8))]),
    ("le lundi à 19h30 hors vacances scolaires",
     [("weekly", (MO,), (), "19:30", "", "", True, ())]),
]


@pytest.mark.parametrize("text,expected", UNDERSTOOD, ids=[t for t, _ in UNDERSTOOD])
def test_understood_forms(text, expected):
    assert rules(text) == expected
    assert parse_schedule(text).unparsed == ()


def test_several_schedules_in_one_text_separated_by_semicolons():
    s = parse_schedule("le mardi de 14h à 16h; le 2e samedi du mois de 10h à 12h")
    assert [(r.freq, r.weekdays, r.nths, r.start) for r in s.rules] == [
        ("weekly", (TU,), (), "14:00"), ("monthly", (SA,), (2,), "10:00")]


def test_by_appointment_alone_and_with_a_rule():
    alone = parse_schedule("sur rendez-vous")
    assert alone.status == APPOINTMENT and alone.by_appointment and not alone.rules
    both = parse_schedule("le mercredi à 19h30, sur rendez-vous")
    assert both.status == RECURRING and both.by_appointment
    # the days are not determined: only the appointment is understood, the rest reported
    phone = parse_schedule("entretiens téléphoniques de 9H00 à 16h30 du lundi au vendredi; "
                           "entretien dans les locaux sur rendez-vous")
    assert phone.status == APPOINTMENT and not phone.rules, "phone hours are not meetings"
    assert phone.unparsed == ("entretiens téléphoniques de 9H00 à 16h30 du lundi au vendredi",)
    vague = parse_schedule("à raison d'un mercredi par mois, sur rendez-vous")
    assert vague.status == APPOINTMENT and not vague.rules and vague.unparsed


# Never a date from these: past one-off announcements, frequencies alone, vague days,
# truncated texts (all from ../shared/data/meetings.csv).
NOT_UNDERSTOOD = [
    "prochaine séance ce vendredi 1er octobre de 14 heures à 16 heures",
    "première permanence le jeudi 27 avril à 14h; ensuite les 25 mai, 22 juin, 28 septembre "
    "et 23 novembre",
    "une session mensuelle (la première a eu lieu le lundi 4 septembre)",
    "séance le 2 novembre, de 14h à 16h; ces réunions seront mensuelles",
    "3 séances de 2h: samedi 22/04, samedi 27/05, samedi 17/06, de 15h à 17h",
    "plusieurs fois par an, dans des communes différentes; première réunion le mercredi 1er "
    "février 2023 de 14 à 16h30",
    "à partir du 1er mars, à raison de deux fois par mois",
    "groupes de paroles mensuels",
    "permanences mensuelles",
    "chaque semaine",
    "séance hebdomadaire",
    "toutes les six à huit semaines",
    "tous les deux mois, une soirée d'échange",
    "une fois par mois, à l'exception des mois de juillet et août",
    "un mercredi par mois",
    "deux jeudis par mois",
    "Réunions: le dernier vendredi […]",
    "le dernier vendredi",
    "3 séances de 2h, le samedi",
    "un cycle de rencontres le jeudi",
    "toutes les deux semaines le mardi",
    "tous les quinze jours, le jeudi à 19h",
    "un lundi sur deux",
    "entretiens téléphoniques de 9H00 à 16h30 du lundi au vendredi",
    "le mardi, une semaine sur deux",
    "permanences médicales du vendredi (permanence médicale hebdomadaire)",
    "horaires d'ouverture volontairement étendus (non détaillés)",
]


@pytest.mark.parametrize("text", NOT_UNDERSTOOD)
def test_never_a_rule_from_announcements_frequencies_or_vague_days(text):
    s = parse_schedule(text)
    assert s.status == UNKNOWN, s
    assert s.rules == ()
    assert s.reason and s.unparsed
    assert s.text == text, "the original text is kept as written"


def test_reasons_say_why_in_french():
    assert "ponctuelles" in parse_schedule("prochaine séance ce vendredi 1er octobre").reason
    assert "fréquence" in parse_schedule("groupes de paroles mensuels").reason
    assert "tronqué" in parse_schedule("Réunions: le dernier vendredi […]").reason


def test_a_part_not_understood_is_reported_beside_the_rules():
    s = parse_schedule("chaque 2e mardi du mois de 14h à 16h; gym douce chaque quinzaine")
    assert s.status == RECURRING and len(s.rules) == 1
    assert s.unparsed == ("gym douce chaque quinzaine",)


def test_empty_text():
    assert parse_schedule("").status == EMPTY
    assert parse_schedule("   ").status == EMPTY


def test_every_real_phrasing_parses_without_error(tmp_path):
    """Every schedule of the sample: a structure or a reason, never an exception."""
    import csv
    from .conftest import DEMO_INVENTORY
    from finder.config import PROJECT_ROOT
    texts = [r["schedule"] for r in csv.DictReader(open(DEMO_INVENTORY, encoding="utf-8"))]
    shared = PROJECT_ROOT.parent / "shared" / "data" / "meetings.csv"
    if shared.is_file():
        texts += [r["schedule_fr"] for r in csv.DictReader(open(shared, encoding="utf-8"))]
    for text in texts:
        s = parse_schedule(text)
        assert s.status in (EMPTY, RECURRING, APPOINTMENT, UNKNOWN)
        assert s.status != UNKNOWN or s.reason
        for rule in s.rules:
            assert rule.weekdays and all(0 <= d <= 6 for d in rule.weekdays)
            assert rule.freq == "weekly" or rule.nths


def test_normalize_keeps_positions():
    text = "1ᵉʳ et 3ème mardi – 13 à 17 h"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "1er et 3eme mardi - 13 a 17 h"


def test_a_text_too_long_for_a_schedule_is_kept_as_text():
    text = "le mardi de 14h à 16h; " * 40
    s = parse_schedule(text)
    assert s.status == UNKNOWN and "trop long" in s.reason and not s.rules
