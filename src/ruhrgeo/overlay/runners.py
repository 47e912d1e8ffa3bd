"""Runners: where the tiles run. In this process, in processes of this machine (``workers=``)
or on a Dask cluster (``client=``); every runner gives the results in the order of its items,
so that their sum, and the shares, are identical whichever ran them.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from tqdm.auto import tqdm

from ruhrgeo import _params
from ruhrgeo.errors import ParameterError
from ruhrgeo.overlay.tiles import Tile

__all__ = ["SMALL_JOB_CELLS", "available_cores", "run"]

# Below this many cells of work a job runs in this process unless workers are asked for: a
# process costs tens of milliseconds to start, such a job a few hundred to run.
SMALL_JOB_CELLS = 8_000_000


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
    cells: int | None = None,
    threads: bool = False,
    desc: str = "tiles",
) -> Iterator[Any]:
    """``function`` over ``items``, results in the order of ``items``.

    With ``client`` (a ``dask.distributed.Client``) the items run as Dask tasks; the large
    keyword arguments of ``function`` (geometries, cell tables, grids) go to every worker once,
    large items to the worker that runs them. Else ``workers`` processes of this machine run
    them (default: the cores this process may use, unless the job covers fewer than
    :data:`SMALL_JOB_CELLS` ``cells``), or as many threads with ``threads=True`` (for work on
    data in memory whose heavy steps release the GIL: no process to start, nothing copied);
    a single item, or a single worker, runs here.
    ``progress`` None shows a bar where stderr is a terminal.
    """
    if workers is not None:
        workers = _params.whole_number(workers, "workers", low=1)
    if client is not None and workers is not None:
        raise ParameterError(
            "`workers` starts processes on this machine and `client` runs on a Dask "
            "cluster: give one of them"
        )
    if progress is None:
        progress = sys.stderr is not None and sys.stderr.isatty()
    with ExitStack() as pools:
        if client is not None:
            results = _on_dask(client, function, items)
        else:
            small = workers is None and cells is not None and cells < SMALL_JOB_CELLS
            parallel = 1 if small else min(workers or available_cores(), len(items))
            if parallel <= 1:
                results = map(function, items)
            elif threads:
                results = _in_threads(pools, function, items, parallel)
            else:
                results = _in_processes(pools, function, items, parallel)
        yield from _Bar(results, total=len(items), desc=desc, unit="tile") if progress else results


def _in_threads(
    pools: ExitStack, function: Callable[[Any], Any], items: Sequence[Any], workers: int
) -> Iterator[Any]:
    """``function`` over ``items`` in this thread and ``workers - 1`` more, results in order.
    This thread works too instead of waiting: it has read a raster already, and a thread's
    first GeoTIFF costs GDAL about 15 ms of projection set-up."""
    lock, ready, stop = threading.Lock(), threading.Condition(), threading.Event()
    tasks = iter(enumerate(items))
    done: dict[int, tuple[bool, Any]] = {}

    def take() -> tuple[int, Any] | None:
        with lock:
            return None if stop.is_set() else next(tasks, None)

    def work(task: tuple[int, Any], catch: type[BaseException] = Exception) -> None:
        number, item = task
        try:
            outcome = (True, function(item))
        except catch as exc:  # raised in this thread, in order
            outcome = (False, exc)
        with ready:
            done[number] = outcome
            ready.notify_all()

    def helper() -> None:
        while (task := take()) is not None:
            work(task, BaseException)  # a helper that died would leave its task undone

    pool = pools.enter_context(ThreadPoolExecutor(workers - 1))
    pools.callback(stop.set)  # a caller that stops early: helpers take nothing more
    for _ in range(workers - 1):
        pool.submit(helper)
    for following in range(len(items)):
        while following not in done:
            task = take()
            if task is None:
                with ready:
                    ready.wait_for(functools.partial(done.__contains__, following))
            else:
                work(task)
        ok, value = done.pop(following)
        if not ok:
            stop.set()
            raise value
        yield value


class _Bar(tqdm):
    """A bar without tqdm's monitor thread: tqdm starts it with the first bar, even a disabled
    one, and keeps it for the life of the process; fork is safe only where no thread runs."""

    monitor_interval = 0


def _in_processes(
    pools: ExitStack, function: Callable[[Any], Any], items: Sequence[Any], workers: int
) -> Iterator[Any]:
    # the items go with the function, once per process (forked: not even copied); the tasks
    # are their numbers
    context = mp.get_context(_start_method())
    pool = context.Pool(workers, initializer=_install, initargs=(function, list(items)))
    return pools.enter_context(pool).imap(_run_task, range(len(items)))


def _start_method() -> str | None:
    """Fork where no other Python thread runs: no import cost, and the function's data are
    shared, not copied; else the platform's default (spawn on macOS and Windows, where a
    script needs the usual ``if __name__ == "__main__":`` guard)."""
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return None


_task: tuple[Callable[[Any], Any], list[Any]] | None = None  # a worker process's work, set once


def _install(function: Callable[[Any], Any], items: list[Any]) -> None:
    global _task
    _task = (function, items)


def _run_task(number: int) -> Any:
    assert _task is not None
    function, items = _task
    return function(items[number])


def _on_dask(client: Any, function: functools.partial[Any], items: Sequence[Any]) -> Iterator[Any]:
    from dask.distributed import as_completed

    # hash=False: keys of their own, so that data an earlier call scattered and is now
    # releasing (same content, same hashed key) cannot vanish under this call's tasks
    keywords = {
        key: client.scatter([value], broadcast=True, hash=False)[0] if _large(value) else value
        for key, value in function.keywords.items()
    }
    large = bool(items) and _large(items[0])
    tasks = client.scatter(list(items), hash=False) if large else list(items)
    futures = client.map(function.func, tasks, pure=False, **keywords)
    position = {future.key: i for i, future in enumerate(futures)}
    done: dict[int, Any] = {}
    following = 0
    for future in as_completed(futures):
        done[position[future.key]] = future.result()
        future.release()
        while following in done:  # in order, as soon as the next one is there
            yield done.pop(following)
            following += 1


def _large(value: Any) -> bool:
    """Worth sending once (keywords: to every worker; items: to the worker that runs them)."""
    return not isinstance(value, int | float | str | bool | tuple | type(None) | Tile)
