"""Run a function over tiles in processes of this machine (``workers=`` of the tiled overlay)."""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ruhrgeo.errors import ParameterError

__all__ = ["local_mapper", "processes"]


def local_mapper(workers: int) -> Callable[..., Iterable[Any]]:
    """``map`` for one worker, :func:`processes` for more."""
    return map if workers == 1 else processes(workers)


def processes(workers: int, start_method: str | None = None) -> Callable[..., Iterator[Any]]:
    """A ``mapper`` that runs a function over items in ``workers`` processes, in order.

    The function (with the geometries it carries) goes to each process once. By default
    the processes are forked where the platform allows it and no other Python thread runs
    (no import cost: about a second less per call); otherwise they start with
    multiprocessing's default method (spawn on macOS and Windows, where a script needs the
    usual ``if __name__ == "__main__":`` guard). ``start_method`` ("fork", "spawn",
    "forkserver") chooses it.

    Examples
    --------
    >>> list(processes(2)(abs, [-1, 2, -3]))
    [1, 2, 3]
    """
    if workers < 1:
        raise ParameterError(f"`workers` must be at least 1, got {workers}")

    def run(function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        # started here, before a progress bar's monitor thread exists
        context = mp.get_context(start_method or _default_start_method())
        pool = context.Pool(workers, initializer=_install, initargs=(function,))
        return _ordered(pool, items)

    return run


def _default_start_method() -> str | None:
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return None


def _ordered(pool: Any, items: Iterable[Any]) -> Iterator[Any]:
    with pool:
        yield from pool.imap(_run_task, items)


_task: Callable[[Any], Any] | None = None  # the function of a worker process, set once


def _install(function: Callable[[Any], Any]) -> None:
    global _task
    _task = function


def _run_task(item: Any) -> Any:
    assert _task is not None
    return _task(item)
