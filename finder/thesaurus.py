"""The thesaurus of lay words (data/thesaurus.csv): what people say → what the inventory says.

A maintainer edits the CSV (see data/README.md). Each row maps an `expression` (one or
more words, compared folded: case, accents, hyphens and apostrophes ignored) to
`search_for`: words or phrases looked for in the inventory's text, prefix-matched
("alcool" finds "alcool", "alcoolisme", "alcooliques"), `;`-separated. A thesaurus never
makes a group match by itself: it only widens what is looked for in the groups' own text.
`chapter` (optional) is the chapter to propose when no group matches at all.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .models import CHAPTER_SLUGS
from .text import fold, words as text_words

THESAURUS_NAME = "thesaurus.csv"
COLUMNS = ("expression", "search_for", "chapter", "note")


class ThesaurusError(ValueError):
    """The file cannot be used; the message (French) names the line."""


@dataclass(frozen=True)
class Entry:
    words: tuple[str, ...]              # the expression, folded, as words
    search_for: tuple[str, ...]         # folded phrases
    chapter: Optional[str] = None
    label: str = ""                     # the expression as the file writes it
    search_for_labels: tuple[str, ...] = ()   # the phrases as the file writes them

    @property
    def expression(self) -> str:
        return self.label or " ".join(self.words)


@dataclass(frozen=True)
class Thesaurus:
    entries: tuple[Entry, ...] = ()

    def __post_init__(self):
        by_first: dict[str, list[Entry]] = {}
        for e in self.entries:
            by_first.setdefault(e.words[0], []).append(e)
        for v in by_first.values():
            v.sort(key=lambda e: -len(e.words))     # longest expression first
        object.__setattr__(self, "_by_first", by_first)

    def find(self, words: list[str], start: int) -> Optional[Entry]:
        """The longest entry whose expression starts at words[start], if any."""
        for e in self._by_first.get(words[start], ()):
            if tuple(words[start:start + len(e.words)]) == e.words:
                return e
        return None

    def targets(self) -> list[str]:
        return sorted({t for e in self.entries for t in e.search_for})


def read_thesaurus(path: str | Path) -> Thesaurus:
    entries: list[Entry] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS[:2] if c not in (reader.fieldnames or [])]
        if missing:
            raise ThesaurusError(f"{path} : colonnes manquantes : {', '.join(missing)}.")
        for line, row in enumerate(reader, start=2):
            words = tuple(text_words(row.get("expression") or ""))
            targets = tuple(t for t in (" ".join(text_words(x))
                                        for x in (row.get("search_for") or "").split(";")) if t)
            chapter = (row.get("chapter") or "").strip() or None
            if not words or not targets:
                raise ThesaurusError(f"{path}, ligne {line} : « expression » et « search_for »"
                                     " sont obligatoires.")
            if chapter and chapter not in CHAPTER_SLUGS:
                raise ThesaurusError(f"{path}, ligne {line} : chapitre inconnu « {chapter} ».")
            labels = tuple(x.strip() for x in (row.get("search_for") or "").split(";")
                           if text_words(x))
            entries.append(Entry(words, targets, chapter,
                                 " ".join((row.get("expression") or "").split()), labels))
    return Thesaurus(tuple(entries))
