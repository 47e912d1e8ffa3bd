"""Runners: where the tiles run. In this process, in processes of this machine (``workers=``)
or on a Dask cluster (``client=``); every runner gives the results in tile order, so that
their sum, and the shares, are identical whichever ran them.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from tqdm.auto import tqdm

from ruhrgeo.errors import ParameterError

__all__ = ["available_cores", "run"]


def available_cores() -> int:
    """The cores this process may use (its CPU affinity, where the platform tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run(
    function: functools.partial[Any],
    items: Sequence[Any],
    *,
    workers: int | None = None,
    client: Any = None,
    progress: bool | None = None,
    desc: str = "tiles",
) -> Iterator[Any]:
    """``function`` over ``items``, results in the order of ``items``.

    With ``client`` (a ``dask.distributed.Client``) the items run as Dask tasks; the large
    keyword arguments of ``function`` (geometries, cell tables, grids) go to every worker once.
    Else ``workers`` processes of this machine run them (default: the cores this process may
    use); a single item, or a single worker, runs here without starting any process.
    ``progress`` None shows a bar where stderr is a terminal.
    """
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ParameterError(f"`workers` must be a whole number >= 1, got {workers!r}")
    if client is not None:
        if workers is not None:
            raise ParameterError(
                "`workers` starts processes on this machine and `client` runs on a Dask "
                "cluster: give one of them"
            )
        results = _on_dask(client, function, items)
    else:
        processes = min(workers or available_cores(), len(items))
        results = (
            map(function, items) if processes <= 1 else _in_processes(function, items, processes)
        )
    disable = None if progress is None else not progress
    yield from tqdm(results, total=len(items), desc=desc, unit="tile", disable=disable)


def _in_processes(
    function: Callable[[Any], Any], items: Iterable[Any], workers: int
) -> Iterator[Any]:
    pool = mp.get_context(_start_method()).Pool(workers, initializer=_install, initargs=(function,))
    with pool:
        yield from pool.imap(_run_task, items)


def _start_method() -> str | None:
    """Fork where no other Python thread runs: no import cost, and the function's data are
    shared, not copied; else the platform's default (spawn on macOS and Windows, where a
    script needs the usual ``if __name__ == "__main__":`` guard)."""
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return None


_task: Callable[[Any], Any] | None = None  # the function of a worker process, set once


def _install(function: Callable[[Any], Any]) -> None:
    global _task
    _task = function


def _run_task(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def _on_dask(client: Any, function: functools.partial[Any], items: Sequence[Any]) -> Iterator[Any]:
    from dask.distributed import as_completed

    keywords = {
        key: client.scatter(value, broadcast=True) if _large(value) else value
        for key, value in function.keywords.items()
    }
    futures = client.map(function.func, list(items), pure=False, **keywords)
    position = {future.key: i for i, future in enumerate(futures)}
    done: dict[int, Any] = {}
    following = 0
    for future in as_completed(futures):
        done[position[future.key]] = future.result()
        future.release()
        while following in done:  # in tile order, as soon as the next one is there
            yield done.pop(following)
            following += 1


def _large(value: Any) -> bool:
    """Worth sending to the workers once rather than with every task."""
    return not isinstance(value, int | float | str | bool | tuple | type(None))
