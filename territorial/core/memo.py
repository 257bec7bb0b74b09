"""A process-wide memo for what every session shares: built once, kept while it is used.

Like ``st.cache_resource`` (same rule: parameters whose name starts with ``_`` are not part
of the key), but keyed by Python's own hashing of the arguments. An argument with a
``fingerprint`` attribute (a :class:`~territorial.model.programme.Programme`: the hash of its
content, definition and date) is keyed by that fingerprint, not by the object: two programmes
with the same content share an entry, so ``@shared() def regions(programme: Programme)`` needs
no token passed next to it. ``st.cache_resource`` hashes each argument
with its own recursive hasher and inspects the function's signature at every call: about
0.5 ms a call, a dozen calls in every page run: a fifth of the server's time per
visit when a hundred people open the overview at once (bench/deploy.py).

Each key is computed once, even when many sessions ask for it at the same moment (the
others wait for the first); the least recently used entries are dropped beyond
``max_entries``. What is returned is shared: callers never mutate it.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Shared(Generic[P, T]):
    """The memo of one function (see :func:`shared`)."""

    def __init__(self, func: Callable[P, T], max_entries: int | None) -> None:
        self._signature = inspect.signature(func)
        names = list(self._signature.parameters)
        self._keyed = tuple(i for i, name in enumerate(names) if not name.startswith("_"))
        kinds = [parameter.kind for parameter in self._signature.parameters.values()]
        self._n_positional = sum(kind is not inspect.Parameter.KEYWORD_ONLY for kind in kinds)
        self._keywords = tuple(names[self._n_positional :])  # keyword-only, after the others
        self._func = func
        self._max = max_entries
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        functools.update_wrapper(self, func)

    def _arguments(self, args: tuple, kwargs: dict) -> tuple:
        """Every argument, in the order of the parameters (defaults filled in)."""
        if kwargs or len(args) != len(self._signature.parameters):
            bound = self._signature.bind(*args, **kwargs)
            bound.apply_defaults()
            args = tuple(bound.arguments.values())
        return args

    def _key(self, args: tuple) -> Hashable:
        return tuple(getattr(args[i], "fingerprint", args[i]) for i in self._keyed)

    def has(self, *args: Any, **kwargs: Any) -> bool:
        """Whether the value for these arguments is already there (nothing is computed; the
        arguments that are not part of the key may be anything, None)."""
        key = self._key(self._arguments(args, kwargs))
        with self._lock:
            return key in self._entries

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        arguments = self._arguments(args, kwargs)
        key = self._key(arguments)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:  # one computation per key; the others wait for it
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
            try:
                value = self._call(arguments)
            except BaseException:
                self._done(key, computing)
                raise
            with self._lock:
                self._entries[key] = value
                while self._max is not None and len(self._entries) > self._max:
                    self._entries.popitem(last=False)
            self._done(key, computing)
        return value

    def _call(self, arguments: tuple) -> T:
        """The function on every argument (the keyword-only ones by name)."""
        n = self._n_positional
        keywords = dict(zip(self._keywords, arguments[n:], strict=True))
        return self._func(*arguments[:n], **keywords)

    def _done(self, key: Hashable, computing: threading.Lock) -> None:
        with self._lock:
            if self._computing.get(key) is computing:
                del self._computing[key]

    def clear(self) -> None:
        """Forget every entry (tests, and a storage that changed place)."""
        with self._lock:
            self._entries.clear()


def shared(max_entries: int | None = None) -> Callable[[Callable[P, T]], Shared[P, T]]:
    """Decorator: memoise a function of hashable arguments for the whole process."""

    def decorate(func: Callable[P, T]) -> Shared[P, T]:
        return Shared(func, max_entries)

    return decorate
