"""finder.lru: the one LRU behind the search, page and map-payload caches."""
import sys
import threading

from finder.lru import LRU


def test_entries_leave_in_least_recently_used_order():
    cache = LRU(max_entries=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"              # use order now: b, c, a
    cache.put("d", "D")                       # b goes
    cache.put("e", "E")                       # then c (a was used after it)
    assert [k for k in "abcde" if cache.get(k) is not None] == ["a", "d", "e"]
    cache.put("f", "F")                       # the reads above used a, d, e in that order
    assert cache.get("a") is None and cache.stats()["entries"] == 3


def test_putting_a_key_again_replaces_it_and_makes_it_recent():
    cache = LRU(max_entries=2, max_weight=10)
    cache.put("a", "A", 4)
    cache.put("b", "B", 4)
    cache.put("a", "A2", 5)                   # a: replaced, weight 4 -> 5, most recent
    assert cache.stats()["weight"] == 9
    cache.put("c", "C", 1)                    # over 2 entries: b (least recent) goes
    assert cache.get("b") is None and cache.get("a") == "A2" and cache.get("c") == "C"
    assert cache.stats()["weight"] == 6


def test_the_weight_bound_evicts_until_it_holds():
    cache = LRU(max_weight=100)
    for i in range(5):
        cache.put(i, str(i), 30)
    stats = cache.stats()
    assert stats["weight"] == 90 and stats["entries"] == 3
    assert [cache.get(i) for i in range(5)] == [None, None, "2", "3", "4"]
    cache.put("big", "B", 95)                 # pushes out everything else
    assert cache.stats()["entries"] == 1 and cache.get("big") == "B"


def test_both_bounds_hold_together():
    cache = LRU(max_entries=3, max_weight=10)
    for i in range(3):
        cache.put(i, i, 1)
    cache.put("x", "x", 1)                    # the entry bound bites
    assert cache.get(0) is None and cache.stats()["entries"] == 3
    cache.put("y", "y", 9)                    # 4 entries, then 1+1+9 > 10: two go
    assert cache.stats()["entries"] == 2 and cache.stats()["weight"] == 10
    assert cache.get("y") == "y" and cache.get("x") == "x"
    assert cache.get(1) is None and cache.get(2) is None


def test_a_value_heavier_than_the_bound_is_refused_and_evicts_nothing():
    cache = LRU(max_weight=10)
    cache.put("a", "A", 6)
    assert cache.put("huge", "H", 11) is False
    assert cache.get("huge") is None and cache.get("a") == "A"
    assert cache.stats()["weight"] == 6
    assert cache.put("exact", "E", 10) is True    # exactly the bound fits (alone)
    assert cache.get("exact") == "E" and cache.get("a") is None


def test_zero_entries_keeps_nothing():
    cache = LRU(max_entries=0)
    assert cache.put("a", "A") is False
    assert cache.get("a") is None and cache.stats()["entries"] == 0


def test_stats_count_hits_and_misses_and_clear_empties():
    cache = LRU(max_entries=5, max_weight=50)
    cache.put("a", "A", 7)
    cache.get("a"), cache.get("a"), cache.get("nope")
    assert cache.stats() == {"entries": 1, "weight": 7, "hits": 2, "misses": 1,
                             "max_entries": 5, "max_weight": 50}
    cache.clear()
    assert cache.get("a") is None
    assert cache.stats()["entries"] == 0 and cache.stats()["weight"] == 0


def test_several_threads_keep_the_bounds_and_the_counts():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)               # switch threads as often as possible
    cache = LRU(max_entries=50, max_weight=200)
    threads, rounds, errors = 8, 10000, []
    barrier = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(rounds):
                key = (n * 7 + i) % 120
                value = cache.get(key)
                if value is not None:
                    assert value == ("v", key)
                else:
                    cache.put(key, ("v", key), 1 + key % 5)
        except Exception as exc:                  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    stats = cache.stats()
    assert stats["hits"] + stats["misses"] == threads * rounds
    assert 0 < stats["entries"] <= 50 and stats["weight"] <= 200
    # The running weight matches what is really kept.
    kept = [key for key in range(120) if cache.get(key) is not None]
    assert len(kept) == stats["entries"]
    assert sum(1 + key % 5 for key in kept) == stats["weight"]
