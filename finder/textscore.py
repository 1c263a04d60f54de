"""FTS5's bm25, computed in NumPy for the rows a MATCH found.

SQLite's bm25() costs microseconds per matching row: it decodes every phrase's positions
and reads the row's size, row by row. A query most groups match ("proche aidant": every
group for relatives) spent tens of milliseconds there. The same figures come from the
index's own instances (the fts5vocab table group_text_instances: term, row, column,
token offset), held here in arrays sorted by term, once per inventory version (TextIndex
builds one): a phrase's instances are one slice of them (a prefix too: its terms are
contiguous), and the score of every matching row is a few vectorised operations.

The formula is fts5_aux.c's, so the scores are SQLite's (tests/test_textscore.py checks
them against bm25() on the demonstration and synthetic inventories):
    score(row) = Σ over the query's phrases p of IDF(p) · f·(k1+1) / (f + k1·(1−b+b·D/avgdl))
    f    = Σ over p's instances in the row of the weight of their column
    D    = the row's tokens, avgdl = all tokens / rows
    IDF  = ln((rows − hits + 0.5) / (hits + 0.5)), 1e-6 when ≤ 0 (hits: rows holding p)
Higher is better (this is −bm25(), as store_text.text_matches returns it).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

K1, B = 1.2, 0.75
_OFFSET_BITS = 24                     # token offset inside a column: < 16 million
_COLUMN_BITS = 4                      # up to 16 columns

Phrase = tuple[tuple[str, ...], bool]   # (tokens, last token is a prefix)


@dataclass
class Bm25:
    terms: list[str]          # sorted, distinct
    starts: np.ndarray        # instances of terms[i]: starts[i]:starts[i + 1]
    row: np.ndarray           # int64, per instance (sorted by term, then row, column, offset)
    weight: np.ndarray        # float64, the weight of the instance's column
    key: np.ndarray           # int64: (row, column, offset) in one number (phrases)
    row_tokens: np.ndarray    # float64, tokens per rowid
    rows: int                 # rows in the index
    avgdl: float

    @classmethod
    def build(cls, instances: Iterable[tuple[str, int, int, int]], rows: int,
              weights: Sequence[float]) -> "Bm25":
        """instances: (term, rowid, column number, offset), sorted."""
        found = list(instances)
        n = len(found)
        row = np.fromiter((i[1] for i in found), dtype=np.int64, count=n)
        col = np.fromiter((i[2] for i in found), dtype=np.int64, count=n)
        off = np.fromiter((i[3] for i in found), dtype=np.int64, count=n)
        terms, starts = [], []
        previous = None
        for position, (term, *_rest) in enumerate(found):
            if term != previous:
                terms.append(term)
                starts.append(position)
                previous = term
        starts.append(n)
        size = int(row.max()) + 1 if n else 1
        row_tokens = np.bincount(row, minlength=size).astype(np.float64)
        return cls(terms, np.asarray(starts, dtype=np.int64), row,
                   np.asarray(weights, dtype=np.float64)[col] if n else np.zeros(0),
                   (((row << _COLUMN_BITS) | col) << _OFFSET_BITS) | off,
                   row_tokens, rows, (n / rows) if rows else 0.0)

    def _slice(self, token: str, prefix: bool) -> slice:
        lo = bisect.bisect_left(self.terms, token)
        if prefix:
            hi = bisect.bisect_left(self.terms, token + "\U0010ffff", lo)
        else:
            hi = lo + 1 if lo < len(self.terms) and self.terms[lo] == token else lo
        return slice(int(self.starts[lo]), int(self.starts[hi]))

    def _instances(self, phrase: Phrase) -> tuple[np.ndarray, np.ndarray]:
        """(rowid, column weight) of every instance of the phrase."""
        tokens, prefix = phrase
        last = len(tokens) - 1
        if last < 0:
            return self.row[:0], self.weight[:0]
        if last == 0:
            s = self._slice(tokens[0], prefix)
            return self.row[s], self.weight[s]
        starts = None
        for j, token in enumerate(tokens):
            s = self._slice(token, prefix and j == last)
            at = self.key[s] - j              # where a phrase would start
            starts = at if starts is None else np.intersect1d(starts, at, assume_unique=True)
            if not len(starts):
                break
        s = self._slice(tokens[0], False)
        hit = np.isin(self.key[s], starts, assume_unique=True)
        return self.row[s][hit], self.weight[s][hit]

    def scores(self, phrases: Sequence[Phrase], rowids: Sequence[int]) -> np.ndarray:
        """−bm25() of each rowid for a query made of these phrases (in any order)."""
        ids = np.asarray(rowids, dtype=np.int64)
        if not len(ids):
            return np.zeros(0)
        size = len(self.row_tokens)
        inside = ids < size
        safe = np.where(inside, ids, 0)
        length = np.where(inside, self.row_tokens[safe], 0.0)
        norm = K1 * (1 - B + B * length / self.avgdl) if self.avgdl else K1 * (1 - B)
        total = np.zeros(len(ids))
        for phrase in phrases:
            row, weight = self._instances(phrase)
            hits = int(np.count_nonzero(np.bincount(row, minlength=size)))
            idf = math.log((self.rows - hits + 0.5) / (hits + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            freq = np.bincount(row, weights=weight, minlength=size)
            f = np.where(inside, freq[safe], 0.0)
            total += idf * (f * (K1 + 1.0)) / (f + norm)
        return total
