"""The one cache: a value lives for its seconds, until its stamp changes, or until it is invalidated."""
from __future__ import annotations

import threading

import pytest
from flask import Flask

from netralitas.core.cache import AppCache, TTLCache


class Loads:
    """A loader that counts its calls and returns the next number (or a fixed value)."""

    def __init__(self, value=None):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return self.calls if self.value is None else self.value


@pytest.fixture
def clock():
    now = [100.0]
    return now


def test_a_value_is_reused_until_its_seconds_are_up(clock):
    cache, load = TTLCache(2.0, clock=lambda: clock[0]), Loads()
    assert cache.get("k", load) == 1
    clock[0] += 1.9
    assert cache.get("k", load) == 1
    clock[0] += 0.1
    assert cache.get("k", load) == 2 and load.calls == 2


def test_seconds_of_the_call_win_and_zero_keeps_nothing(clock):
    cache, load = TTLCache(60.0, clock=lambda: clock[0]), Loads()
    assert cache.get("k", load, seconds=1.0) == 1
    clock[0] += 1.0
    assert cache.get("k", load, seconds=1.0) == 2
    assert cache.get("k", load, seconds=0) == 3
    assert cache.get("k", load, seconds=0) == 4 and len(cache) == 1  # the zero-second loads were not kept


def test_forever_lasts_until_the_stamp_changes(clock):
    cache, load = TTLCache(clock=lambda: clock[0]), Loads()
    assert cache.get("keys", load, stamp=1.5) == 1
    clock[0] += 1e9
    assert cache.get("keys", load, stamp=1.5) == 1
    assert cache.get("keys", load, stamp=2.5) == 2
    assert cache.get("keys", load, stamp=2.5) == 2


def test_invalidate_and_clear(clock):
    cache, load = TTLCache(60.0, clock=lambda: clock[0]), Loads()
    cache.get("a", load), cache.get("b", load)
    cache.invalidate("a")
    cache.invalidate("never there")
    assert (cache.get("a", load), cache.get("b", load)) == (3, 2)
    cache.clear()
    assert (cache.get("a", load), cache.get("b", load)) == (4, 5)


def test_none_is_never_kept():
    cache, calls = TTLCache(60.0), []
    assert cache.get("nobody", lambda: calls.append(1)) is None
    assert cache.get("nobody", lambda: calls.append(1)) is None
    assert len(calls) == 2 and len(cache) == 0


def test_too_many_keys_start_it_over():
    cache, load = TTLCache(60.0, max_entries=3), Loads()
    for key in "abc":
        cache.get(key, load)
    cache.get("a", load, stamp="new")  # a key already there replaces its value, nothing else goes
    assert len(cache) == 3
    cache.get("d", load)
    assert len(cache) == 1 and cache.get("d", load) == 5


def test_each_app_has_its_own(clock):
    shared = AppCache("test.cache", 60.0)
    first, second = Flask("first"), Flask("second")
    with first.app_context():
        assert shared.get("k", lambda: "first") == "first"
    with second.app_context():
        assert shared.get("k", lambda: "second") == "second"
        shared.clear()
        assert shared.get("k", lambda: "again") == "again"
    with first.app_context():
        assert shared.get("k", lambda: "not loaded") == "first"
        shared.invalidate("k")
        assert shared.get("k", lambda: "reloaded") == "reloaded"
    assert shared.of(first) is not shared.of(second)


def test_threads_share_one_cache():
    cache, load = TTLCache(60.0), Loads(value="v")
    results = []
    threads = [threading.Thread(target=lambda key=i % 5: results.append(cache.get(key, load))) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["v"] * 50 and len(cache) == 5
