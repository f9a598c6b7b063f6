"""The one way a hot read keeps a value it computed: a TTL cache with explicit invalidation and an optional stamp.

The event behind a slug, the board's counts and bytes, and the key files are cheap to compute once but asked for
thousands of times a minute. Each keeps its value for some seconds, until the stamp it was computed at changes (a
file's mtime, the second on the clock), or until the code that changed its source says so. Per process
(TTLCache) or per Flask app (AppCache: tests build a new app and database for every test, and each starts empty).
Reads take no lock (one dict lookup is atomic under the GIL); writes do, so gthread workers may share a cache.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import Flask, current_app

V = TypeVar("V")
#: Keep a value until its stamp changes or it is invalidated.
FOREVER = math.inf


class TTLCache(Generic[V]):
    """Values by key, each reused while younger than `seconds` and computed at the same stamp; thread-safe."""

    def __init__(self, seconds: float = FOREVER, *, max_entries: int | None = None,
                 clock: Callable[[], float] | None = None):
        self.seconds = seconds
        #: More keys than this (someone probing URLs) and the cache starts over: memory stays bounded.
        self.max_entries = max_entries
        #: None: time.monotonic, looked up at each call so a test can move it.
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, Hashable, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], V], *, stamp: Hashable = None,
            seconds: float | None = None) -> V:
        """The kept value when fresh and of the same stamp, else load()'s, kept unless it is None.

        seconds: this call's lifetime instead of the cache's own (a setting that may change while the app runs);
        0 keeps nothing. None is never kept, so unknown keys cannot fill memory.
        """
        ttl = self.seconds if seconds is None else seconds
        now = self.clock() if self.clock is not None else time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < ttl and hit[1] == stamp:
            return hit[2]
        value = load()
        if value is not None and ttl > 0:
            with self._lock:
                if self.max_entries is not None and len(self._entries) >= self.max_entries \
                        and key not in self._entries:
                    self._entries.clear()
                self._entries[key] = (now, stamp, value)
        return value

    def invalidate(self, key: Hashable) -> None:
        """Forget one key (its next get loads again)."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget every key."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class AppCache(Generic[V]):
    """A TTLCache per Flask app, kept in app.extensions[name]; the methods act on the current app's."""

    def __init__(self, name: str, seconds: float = FOREVER, *, max_entries: int | None = None):
        self.name, self.seconds, self.max_entries = name, seconds, max_entries

    def of(self, app: Flask) -> TTLCache[V]:
        """This app's cache, made on first use."""
        cache = app.extensions.get(self.name)
        if cache is None:
            cache = app.extensions.setdefault(self.name, TTLCache(self.seconds, max_entries=self.max_entries))
        return cache

    def get(self, key: Hashable, load: Callable[[], V], *, stamp: Hashable = None,
            seconds: float | None = None) -> V:
        """TTLCache.get on the current app's cache."""
        return self.of(current_app).get(key, load, stamp=stamp, seconds=seconds)

    def invalidate(self, key: Hashable) -> None:
        """Forget one key in the current app's cache."""
        self.of(current_app).invalidate(key)

    def clear(self) -> None:
        """Forget every key in the current app's cache."""
        self.of(current_app).clear()
