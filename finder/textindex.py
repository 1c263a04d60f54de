"""Free-text search over the inventory: what a person types → matching groups, by relevance.

One `TextIndex` per inventory version (built on first use by inventory.Inventory, and
dropped with it after an import), holding
what a query needs besides the FTS5 index in the store: the index's vocabulary (prefix
checks, spelling suggestions by rapidfuzz), the thesaurus (data/thesaurus.csv), each
group's filters (for whom, what it offers, free of charge) and the suggestion list.

How a query is understood (the same for the page, the embed, the API and the CLI):
1. its words are folded (case, accents, hyphens, apostrophes: text.words);
2. thesaurus expressions are found, longest first ("perdu mon bébé" → "deuil perinatal");
   each becomes one concept: its own words OR what it maps to;
3. every other word that is not a stop word is a concept, prefix-matched ("fibro",
   "alzh"); a word that starts no word of the inventory is replaced by the closest one
   (rapidfuzz, similarity ≥ 80: "alzeimer" → "alzheimer") and the page says so;
4. a group matches when its text holds every concept; when no group does, groups holding
   some of them are given, and the page says so (`partial`);
5. relevance is FTS5's bm25 with column weights (store_text.TEXT_WEIGHTS), divided by the
   best group's: 1 is the best match of this query. FTS5 finds the matching groups; their
   bm25 is computed in NumPy from the index's instances (textscore.py: the same figures,
   without SQLite's per-row cost).
"""
from __future__ import annotations

import bisect
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from rapidfuzz import fuzz, process

from .audience import AUDIENCES
from .config import data_file
from .models import SERVICE_LABELS, TextMatch
from .store import Store
from .store_text import TEXT_WEIGHTS
from .text import fold, words
from .textscore import Bm25, Phrase
from .thesaurus import THESAURUS_NAME, Thesaurus, ThesaurusError, read_thesaurus

log = logging.getLogger(__name__)

MAX_WORDS = 12
SPELLING_MIN_SCORE = 80
SUGGESTIONS = 8

STOPWORDS = frozenset("""
a ai au aux avec c ca ce ces cet cette d dans de des du elle elles en es est et etre eu
il ils j je l la le les leur leurs lui m ma me mes moi mon n ne nos notre nous on ou par
pas pour qu que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous y
suis sont ont avoir fait cherche trouver groupe groupes entraide soutien asbl association
""".split())

_FREE = re.compile(r"(?<!quasi )(?<!presque )\bgratuit")


def is_free(cost: str) -> bool:
    """True only where the source's cost text says free ("gratuit", not "quasi gratuit")."""
    return bool(_FREE.search(fold(cost)))


_TOKEN = re.compile(r"[^\W_]+")       # what FTS5's unicode61 keeps of folded words


def _phrase(ws, prefix: bool) -> Phrase:
    return tuple(_TOKEN.findall(" ".join(ws))), prefix


def _fts(phrase: Phrase) -> str:
    """A phrase in FTS5's query syntax."""
    tokens, prefix = phrase
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


@dataclass
class Suggestion:
    label: str
    kind: str           # "theme" | "group"
    count: int = 0      # groups with this theme


@dataclass
class TextIndex:
    thesaurus: Thesaurus
    terms: list[str]                                  # sorted vocabulary
    chapter_of: dict[int, str]
    by_audience: dict[str, set[int]]
    by_service: dict[str, set[int]]
    free: set[int]
    themes: list[tuple[str, str, int]]                # (theme, chapter, groups)
    suggestions: list[Suggestion] = field(default_factory=list)
    _word_index: list[tuple[str, int]] = field(default_factory=list)
    _theme_count: int = 0
    _name_rank: Optional[np.ndarray] = None   # group id → its place in name order
    bm25: Optional[Bm25] = None               # scores of the matching groups (textscore)

    def name_rank(self, group_ids: np.ndarray) -> np.ndarray:
        """Each group's position in alphabetical order (ties: id), for sorting."""
        ranks = self._name_rank
        inside = group_ids < len(ranks)
        return np.where(inside, ranks[np.minimum(group_ids, len(ranks) - 1)], len(ranks))

    @classmethod
    def build(cls, store: Store, thesaurus: Optional[Thesaurus] = None) -> "TextIndex":
        if thesaurus is None:
            try:
                thesaurus = read_thesaurus(data_file(THESAURUS_NAME))
            except (OSError, ThesaurusError) as exc:   # checked at start-up; edited since
                log.error("thesaurus unusable, searching without it: %s", exc)
                thesaurus = Thesaurus()
        by_audience = {k: set() for k in AUDIENCES}
        by_service = {k: set() for k in SERVICE_LABELS}
        free: set[int] = set()
        chapter_of: dict[int, str] = {}
        names: list[str] = []
        facets = store.group_facets()           # in name order
        for gid, name, chapter, kinds, services, cost, _places, _themes in facets:
            chapter_of[gid] = chapter
            names.append(name)
            for k in json.loads(kinds):
                by_audience.setdefault(k, set()).add(gid)
            for s in json.loads(services):
                by_service.setdefault(s, set()).add(gid)
            if is_free(cost):
                free.add(gid)
        themes = store.theme_counts()
        index = cls(thesaurus, sorted(store.text_terms()), chapter_of, by_audience,
                    by_service, free, themes)
        counts: dict[str, int] = {}
        for theme, _chapter, n in themes:
            counts[theme] = counts.get(theme, 0) + n
        index.suggestions = (
            [Suggestion(t, "theme", n) for t, n in sorted(counts.items(), key=lambda x: -x[1])]
            + [Suggestion(n, "group") for n in dict.fromkeys(names)])
        index._theme_count = len(counts)
        index.bm25 = Bm25.build(store.text_instances(), store.text_rows(), TEXT_WEIGHTS)
        ranks = np.full(max((f[0] for f in facets), default=0) + 1, len(facets),
                        dtype=np.int64)
        for position, f in enumerate(facets):
            ranks[f[0]] = position
        index._name_rank = ranks
        index._word_index = sorted(
            (w, i) for i, s in enumerate(index.suggestions) for w in set(words(s.label)))
        return index

    # -- filters ---------------------------------------------------------------------------
    def allowed(self, audience: Optional[str], service: Optional[str],
                free: bool) -> Optional[set[int]]:
        """Groups passing the for-whom / offers / free filters; None when none is set."""
        sets = []
        if audience:
            sets.append(self.by_audience.get(audience, set()))
        if service:
            sets.append(self.by_service.get(service, set()))
        if free:
            sets.append(self.free)
        if not sets:
            return None
        return set.intersection(*sets)

    # -- text ------------------------------------------------------------------------------
    def _known_prefix(self, word: str) -> bool:
        i = bisect.bisect_left(self.terms, word)
        return i < len(self.terms) and self.terms[i].startswith(word)

    def _closest_term(self, word: str) -> Optional[str]:
        if len(word) < 4 or not self.terms:
            return None
        found = process.extractOne(word, self.terms, scorer=fuzz.ratio,
                                   score_cutoff=SPELLING_MIN_SCORE)
        return found[0] if found else None

    def understand(self, text: str) -> tuple[list[list[Phrase]], TextMatch]:
        """The concepts of a query (each a list of alternative phrases) and what to tell."""
        ws = words(text)[:MAX_WORDS * 3]
        concepts: list[list[Phrase]] = []
        expansions, corrections, searched = [], [], []
        chapter = None
        i = 0
        while i < len(ws) and len(concepts) < MAX_WORDS:
            entry = self.thesaurus.find(ws, i)
            if entry is not None:
                literal = any(w not in STOPWORDS for w in entry.words)
                alts = [_phrase(entry.words, prefix=False)] if literal else []
                alts += [_phrase(t.split(), prefix=True) for t in entry.search_for]
                concepts.append(alts)
                expansions.append((entry.expression, entry.search_for_labels))
                searched.append(entry.expression)
                chapter = chapter or entry.chapter
                i += len(entry.words)
                continue
            w = ws[i]
            i += 1
            if w in STOPWORDS or len(w) < 2:
                continue
            searched.append(w)
            alts = [_phrase([w], prefix=len(w) >= 3)]
            if not self._known_prefix(w):
                better = self._closest_term(w)
                if better is not None:
                    alts.append(_phrase([better], prefix=False))
                    corrections.append((w, better))
            concepts.append(alts)
        return concepts, TextMatch(text=text, words=tuple(searched),
                                   expansions=tuple(expansions),
                                   corrections=tuple(corrections), chapter=chapter)

    def match(self, store: Store, text: str) -> TextMatch:
        concepts, info = self.understand(text)
        if not concepts:
            return info
        ors = ["(" + " OR ".join(_fts(p) for p in alts) + ")" for alts in concepts]
        ids = store.text_match_ids(" AND ".join(ors))
        partial = False
        if not ids and len(ors) > 1:
            ids = store.text_match_ids(" OR ".join(ors))
            partial = bool(ids)
        scores = self.bm25.scores([p for alts in concepts for p in alts], ids)
        best = float(scores.max()) if len(scores) else 0.0
        relevance = (dict(zip(ids, np.round(scores / best, 3).tolist())) if best > 0
                     else dict.fromkeys(ids, 1.0))
        info.relevance = relevance
        info.partial = partial
        if not relevance:
            info.closest_themes = tuple(self.closest_themes(text, info.chapter))
            if info.chapter is None and info.closest_themes:
                info.chapter = self._chapter_of_theme(info.closest_themes[0])
        return info

    def _chapter_of_theme(self, theme: str) -> Optional[str]:
        return next((c for t, c, _ in self.themes if t == theme), None)

    def closest_themes(self, text: str, chapter: Optional[str] = None,
                       limit: int = 5) -> list[str]:
        """Themes of the inventory closest to a query that matched nothing."""
        names = list(dict.fromkeys(t for t, _, _ in self.themes))
        found = [m[0] for m in process.extract(fold(text), names, processor=fold,
                                               scorer=fuzz.WRatio, limit=limit,
                                               score_cutoff=60)]
        if chapter:
            found += [t for t, c, _ in self.themes if c == chapter and t not in found]
        return found[:limit]

    # -- suggestions while typing ------------------------------------------------------------
    def suggest(self, text: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
        """Themes, then group names, containing words that start with each word typed;
        a thesaurus expression typed ("sep") also suggests the themes it maps to."""
        ws = [w for w in words(text)[:MAX_WORDS]]
        if not ws or sum(len(w) for w in ws) < 2:
            return []
        chosen: Optional[set[int]] = None
        for w in ws:
            lo = bisect.bisect_left(self._word_index, (w,))
            hi = bisect.bisect_left(self._word_index, (w + "\uffff",))
            found = {i for _, i in self._word_index[lo:hi]}
            chosen = found if chosen is None else chosen & found
            if not chosen:
                break
        picked = sorted(chosen or ())
        out = [self.suggestions[i] for i in picked[:200]]
        entry = self.thesaurus.find(ws, 0) if len(ws) else None
        if entry is not None:
            targets = [t for t in entry.search_for]
            extra = [s for s in self.suggestions[:self._theme_count]
                     if any(fold(s.label).startswith(t) or f" {t}" in fold(s.label)
                             for t in targets)]
            out = extra + [s for s in out if s not in extra]
        out.sort(key=lambda s: (s.kind != "theme", -s.count))
        return out[:limit]

