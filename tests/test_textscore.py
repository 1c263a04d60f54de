"""bm25 computed in NumPy (textscore.py) gives SQLite's own bm25() for every matching
group: the relevance a person sees, and so the order of the results, does not change."""
from __future__ import annotations

import pytest

from finder.store import Store
from finder.textindex import TextIndex, _fts
from finder.textscore import Bm25
from tests.conftest import DEMO_INVENTORY, group_row, write_inventory
from tests.test_inventory import current, import_file

QUERIES = ("parkinson", "alzheimer", "deuil", "sclerose", "fibro", "alcool",
           "cancer du sein", "diabete", "mon fils boit", "proche aidant", "epilepsie",
           "alzh", "perdu mon bébé", "SEP", "autisme", "violences sexuelles",
           "sclérose en plaques", "groupe de parole pour les parents", "alzeimer", "a",
           "parents d'enfants autistes", "écoute téléphonique", "deuil périnatal")


def fts_queries(index: TextIndex, text: str) -> tuple[list, str, str]:
    """The phrases of a query, and the FTS5 expressions textindex asks: every concept,
    then (when no group has all of them) any."""
    concepts, _ = index.understand(text)
    ors = ["(" + " OR ".join(_fts(p) for p in alts) + ")" for alts in concepts]
    return [p for alts in concepts for p in alts], " AND ".join(ors), (
        " OR ".join(ors) if len(ors) > 1 else "")


def sqlite_scores(store: Store, index: TextIndex, text: str) -> dict[int, float]:
    """What store.text_matches (SQLite's bm25) gives for the query textindex builds."""
    phrases, every, some = fts_queries(index, text)
    if not phrases:
        return {}
    return dict(store.text_matches(every) or (store.text_matches(some) if some else []))


def numpy_scores(store: Store, index: TextIndex, text: str) -> dict[int, float]:
    phrases, every, some = fts_queries(index, text)
    if not phrases:
        return {}
    ids = store.text_match_ids(every) or (store.text_match_ids(some) if some else [])
    return dict(zip(ids, index.bm25.scores(phrases, ids).tolist()))


def check_same_scores(store: Store) -> int:
    index = TextIndex.build(store)
    compared = 0
    for text in QUERIES:
        expected, got = sqlite_scores(store, index, text), numpy_scores(store, index, text)
        assert got.keys() == expected.keys(), text
        for gid, score in expected.items():
            assert got[gid] == pytest.approx(score, rel=1e-9, abs=1e-12), (text, gid)
        compared += len(expected)
        best = max(expected.values(), default=0.0)
        if best > 0:          # the relevance shown: SQLite's score over the best one's
            shown = index.match(store, text).relevance
            assert shown.keys() == expected.keys(), text
            for gid, score in expected.items():
                assert abs(shown[gid] - score / best) <= 0.0005 + 1e-9, (text, gid)
    return compared


def test_the_demo_inventory_scores_as_sqlite_does(demo_app):
    store = current(demo_app).store()
    assert check_same_scores(store) > 100


def test_a_synthetic_inventory_scores_as_sqlite_does(app, tmp_path):
    """Many groups sharing words (every group for relatives, repeated themes)."""
    runner = app.test_cli_runner()
    csv_path = tmp_path / "synthetique.csv"
    result = runner.invoke(args=["generate-synthetic", "900", "-o", str(csv_path)])
    assert result.exit_code == 0, result.output
    import_file(app, csv_path)
    store = current(app).store()
    assert check_same_scores(store) > 300


def test_phrases_count_only_where_their_words_follow_each_other(app, tmp_path):
    import_file(app, write_inventory(tmp_path / "p.csv", [
        group_row(group_id="a", name="Sclérose en plaques"),
        group_row(group_id="b", name="Plaques et sclérose en tout genre", postcode="4000",
                  locality="Liège", commune="Liège"),
    ]))
    store = current(app).store()
    bm25 = TextIndex.build(store).bm25
    ids = [r[0] for r in store.db.execute("SELECT id FROM groups ORDER BY slug")]
    phrase = (("sclerose", "en", "plaques"), False)
    together, apart = bm25.scores([phrase], ids)
    assert together > 0 and apart == 0
    expected = dict(store.text_matches('"sclerose en plaques"'))
    assert list(expected) == [ids[0]] and together == pytest.approx(expected[ids[0]])


def test_an_empty_index_scores_nothing():
    bm25 = Bm25.build([], 0, (1.0,) * 6)
    assert bm25.scores([(("deuil",), True)], []).tolist() == []
    assert bm25.scores([(("deuil",), True)], [3]).tolist() == [0.0]
