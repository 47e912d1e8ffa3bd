"""The one share kernel: per tile, per area, the sums every share is made of.

For the entries of a tile (cells touched by areas, with their exact fractions ``f``)
and a weight ``w`` per cell (1 for shares of the area), the kernel sums per area
``total = sum f*w``, and per layer ``with_data = sum f*w`` over the cells with data and
``covered = sum f*w*v`` over the cells' values ``v``. Sums of tiles add up, so tiles run in any
process or on any machine and the whole is their sum. Each layer's window is read once in its
own dtype. Without weights, the cells wholly inside an area (``f = 1``) are summed run by run
over the window (:mod:`ruhrgeo.overlay.runs`); the other entries' values are gathered,
multiplied and summed per area a chunk of entries at a time (:attr:`TileEntries.chunks`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from ruhrgeo.grid import GridSpec
from ruhrgeo.io.readers import Layer, Reader
from ruhrgeo.overlay.blocks import needed_parts
from ruhrgeo.overlay.fractions import TileEntries, locate, tile_entries
from ruhrgeo.overlay.runs import TileWork, WholeRuns
from ruhrgeo.overlay.tiles import Tile
from ruhrgeo.units import ValueSummary, check_range

__all__ = ["OVERLAP_TOLERANCE", "Placed", "Shapes", "Sums", "read_entries", "tile_sums"]

# A cell whose areas' fractions add up to more than 1 + this is overlapped twice:
# far above exactextract's single-precision error (about 1e-7), far below a real overlap.
OVERLAP_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Placed:
    """A reader and where the working window lies on its grid: window cell ``(r, c)`` is the
    reader's cell ``(r + offset[0], c + offset[1])``."""

    reader: Reader
    offset: tuple[int, int]

    @classmethod
    def on(cls, reader: Reader, window: GridSpec) -> Placed:
        return cls(reader, reader.spec.offset(window))


class Shapes:
    """The areas' geometries in the window's CRS and their search tree, built once per process
    (a worker receives the geometries and builds the tree on its first tile)."""

    def __init__(self, geometries: np.ndarray) -> None:
        self.geometries = geometries

    @functools.cached_property
    def tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.geometries)

    def __getstate__(self) -> dict[str, np.ndarray]:
        return {"geometries": self.geometries}


@dataclass
class Sums:
    """Per area: the total area (or weight), and per layer the part with data and the
    part covered; what the layers' values looked like (for a unit still to be inferred, the
    summary of the values under the areas; for a declared one, of values that all
    fit it: :func:`_run_summary`); overlapping areas found. A tile's sums hold only the
    areas it touches (``at``, their positions; None: every area), so that what a worker sends
    back follows the tile, not the count of areas."""

    total: np.ndarray
    with_data: dict[str, np.ndarray]
    covered: dict[str, np.ndarray]
    seen: dict[str, ValueSummary]
    overlaps: dict[tuple[int, int], float] = field(default_factory=dict)
    at: np.ndarray | None = None

    @classmethod
    def zeros(cls, n: int, names: list[str]) -> Sums:
        return cls(
            np.zeros(n),
            {name: np.zeros(n) for name in names},
            {name: np.zeros(n) for name in names},
            {name: ValueSummary() for name in names},
        )

    def only(self, at: np.ndarray) -> Sums:
        """These sums for the areas at positions ``at`` (sorted, unique) only."""
        return Sums(
            self.total[at],
            {name: values[at] for name, values in self.with_data.items()},
            {name: values[at] for name, values in self.covered.items()},
            self.seen,
            self.overlaps,
            at,
        )

    def add(self, other: Sums) -> Sums:
        """Add ``other`` in place (tile after tile, in one fixed order: the same result on every
        runner)."""
        at = slice(None) if other.at is None else other.at
        self.total[at] += other.total
        for name in self.covered:
            self.with_data[name][at] += other.with_data[name]
            self.covered[name][at] += other.covered[name]
            self.seen[name] = self.seen[name].merge(other.seen[name])
        for pair, area in other.overlaps.items():
            self.overlaps[pair] = self.overlaps.get(pair, 0.0) + area
        return self


def tile_sums(
    work: Tile | TileWork,
    *,
    n: int,
    window: GridSpec,
    layers: Mapping[str, tuple[Layer, tuple[int, int]]],
    weights: Placed | None = None,
    shapes: Shapes | None = None,
    find_overlaps: bool = False,
) -> Sums:
    """The sums of one tile. ``work`` is a tile's kept entries, or a tile whose entries are
    computed here from ``shapes`` (the areas in the window's CRS). Pure: reads the sources,
    returns arrays."""
    if isinstance(work, Tile):
        assert shapes is not None
        work = TileWork(tile_entries(work, shapes.geometries, shapes.tree, window))
    entries = work.entries
    sums = Sums.zeros(n, list(layers))
    if not entries.cells.size:
        return sums.only(np.empty(0, np.intp))
    if weights is None:
        base = entries.fraction  # widened chunk by chunk
        runs, rest = work.split  # the areas from the runs' lengths and the rest's fractions
        sums.total += np.bincount(runs.muni, runs.lengths, minlength=n)
        sums.total[rest.muni] += rest.areas
    else:
        w = read_entries(entries, weights, window, "count", "`weighted_by`")[0]
        base = np.multiply(entries.fraction, w, dtype=np.float64)
        sums.total[entries.muni] = entries.segment_sums(base)
    where = _Where(entries.tile.spec(window), entries.tile.cols)
    for name, (layer, offset) in layers.items():
        reader_window, flat, beyond = locate(entries, offset, layer.reader.spec.shape)
        if reader_window is None:  # the tile lies beyond the layer's grid: no data
            continue
        whole = weights is None and beyond is None  # whole cells run by run, the rest one by one
        parts = None
        if whole and layer.reader.blocks is not None:  # blocks without entries are not read
            parts = needed_parts(work.occupied, reader_window, layer.reader.blocks)
        values, nodata = layer.reader.read(reader_window, parts=parts)
        if nodata is not None and not nodata.any():
            nodata = None
        read = _Read(name, layer, values, nodata, where)
        if whole:
            runs, rest = work.split
            _add_runs(sums, read, runs)
            _gather(sums, read, rest, rest.cells, None, rest.fraction, rest.areas)
        else:
            base_sums = entries.areas if weights is None else sums.total[entries.muni]
            _gather(sums, read, entries, flat, beyond, base, base_sums)
    if find_overlaps:
        sums.overlaps = _overlaps(entries, entries.tile, window)
    return sums.only(np.sort(entries.muni))


@dataclass(frozen=True)
class _Where:
    """Where a cell of a tile (row-major cell number) lies, for messages."""

    spec: GridSpec
    cols: int

    def __call__(self, cell: int) -> str:
        return self.spec.corner(*divmod(int(cell), self.cols))


@dataclass(frozen=True)
class _Read:
    """A layer's window as read for one tile: values in the source's dtype, nodata (None:
    none)."""

    name: str
    layer: Layer
    values: np.ndarray
    nodata: np.ndarray | None
    where: _Where

    @property
    def check_as(self) -> str | None:
        return "count" if self.layer.threshold is not None else self.layer.reader.unit


def _add_runs(sums: Sums, read: _Read, runs: WholeRuns) -> None:
    """Add the sums of the whole runs: the window's values (nodata set to 0) summed run by run
    (:meth:`WholeRuns.sums`), and added per area."""
    if not runs.starts.size:
        return
    values, nodata, layer = read.values, read.nodata, read.layer
    valid = runs.lengths
    if nodata is not None:
        values = np.where(nodata, values.dtype.type(0), values)
        valid = valid - runs.count(np.flatnonzero(nodata))
    if layer.threshold is None:
        summed = runs.sums(values)
        seen = _run_summary(read, values, runs, summed, valid)
    else:  # counts, checked as such, then covered where they reach the threshold
        seen = _run_summary(read, values, runs, None, valid)
        covered = values >= layer.threshold
        if nodata is not None:
            covered &= ~nodata
        summed = runs.sums(covered)
    sums.seen[read.name] = sums.seen[read.name].merge(seen)
    n = sums.total.size
    sums.with_data[read.name] += np.bincount(runs.muni, valid, minlength=n)
    sums.covered[read.name] += np.bincount(runs.muni, summed, minlength=n)


def _run_summary(
    read: _Read,
    values: np.ndarray,
    runs: WholeRuns,
    summed: np.ndarray | None,
    valid: np.ndarray,
) -> ValueSummary:
    """The values in the runs (``values``: the window's, nodata set to 0) summarized and
    checked (:func:`~ruhrgeo.units.check_range`), from the whole window where that is
    enough: for a declared unit, every value of the window fits it; for a unit still to be
    inferred, the window holds only 0 and 1, and the runs' sums of their ``valid`` cells
    (``summed``) tell whether a 1 lies in them. Else from the runs' own values."""
    unit = read.check_as
    window = ValueSummary.of(values)
    if window.fits(unit):
        if unit is not None:
            return window  # only whether the values fit counts
        if window.high <= 1 and window.only_01 and summed is not None:
            if not valid.any():
                return ValueSummary()
            return ValueSummary(0.0, 1.0 if summed.any() else 0.0, True, window.integers)
    cells = runs.cells()
    return check_range(
        values.take(cells), unit, read.layer.reader.name, lambda i: read.where(cells[i])
    )


def _gather(
    sums: Sums,
    read: _Read,
    entries: TileEntries,
    flat: np.ndarray,
    beyond: np.ndarray | None,
    base: np.ndarray,
    base_sums: np.ndarray,
) -> None:
    """Add the sums of ``entries`` (cells ``flat`` of the window, weights ``base`` summing
    to ``base_sums`` per run), gathered chunk by chunk into buffers that stay in the CPU's
    cache (gathering a whole tile at once costs twice as long)."""
    if not entries.cells.size:
        return
    values, nodata, layer = read.values, read.nodata, read.layer
    with_data, covered = sums.with_data[read.name], sums.covered[read.name]
    size = max(e.stop - e.start for _, e in entries.chunks)
    gathered, product = np.empty(size, values.dtype), np.empty(size)
    index = np.empty(size, np.intp)  # numpy gathers a third faster by native indices
    for runs, at in entries.chunks:
        k = at.stop - at.start
        cells = index[:k]
        np.copyto(cells, flat[at])
        here = np.take(values, cells, out=gathered[:k], mode="clip")  # flat lies inside
        missing = None if nodata is None else nodata.take(cells)
        if beyond is not None:
            missing = beyond[at] if missing is None else missing | beyond[at]
        muni, part = entries.muni[runs], base[at]
        if missing is not None and missing.any():
            if missing.all():
                continue  # neither data nor area with data here
            here[missing] = 0
            part = np.multiply(part, ~missing, dtype=np.float64)  # weightless in both sums
            with_data[muni] += entries.segment_sums(part, runs)
        else:
            with_data[muni] += base_sums[runs]
        where = functools.partial(_entry_cell, read.where, entries.cells[at])
        seen = check_range(here, read.check_as, layer.reader.name, where)
        sums.seen[read.name] = sums.seen[read.name].merge(seen)
        if layer.threshold is not None:
            here = here >= layer.threshold
        weighted = product[:k]
        np.copyto(weighted, part)  # widened first: numpy multiplies float64 by uint8 faster
        np.multiply(weighted, here, out=weighted)
        covered[muni] += entries.segment_sums(weighted, runs)


def _entry_cell(where: _Where, cells: np.ndarray, i: int) -> str:
    return where(cells[i])


def read_entries(
    entries: TileEntries, placed: Placed, window: GridSpec, unit: str | None, name: str
) -> tuple[np.ndarray, np.ndarray | None, ValueSummary]:
    """The entries' values from ``placed`` (nodata set to 0), their nodata and summary, values
    checked against ``unit`` (None: 0 to 100, the unit still to be inferred)."""
    reader_window, flat, beyond = locate(entries, placed.offset, placed.reader.spec.shape)
    if reader_window is None:
        values, nodata = np.zeros(flat.shape, np.uint8), beyond
    else:
        values, nodata = placed.reader.read(reader_window, flat)
        if beyond is not None:
            nodata = beyond if nodata is None else nodata | beyond
    if nodata is not None and not nodata.any():
        nodata = None
    if nodata is not None:
        if nodata.all():
            return np.zeros(flat.shape, np.uint8), nodata, ValueSummary()
        values = np.where(nodata, 0, values)
    where = _Where(entries.tile.spec(window), entries.tile.cols)
    seen = check_range(values, unit, name, functools.partial(_entry_cell, where, entries.cells))
    return values, nodata, seen


def _overlaps(entries: TileEntries, tile: Tile, window: GridSpec) -> dict[tuple[int, int], float]:
    """Pairs of areas whose fractions of some cell add up to more than one, with the
    overlapping area (in the grid's square units)."""
    cells = tile.rows * tile.cols
    summed = np.bincount(entries.cells, weights=entries.fraction, minlength=cells)
    over = np.flatnonzero(summed > 1 + OVERLAP_TOLERANCE)
    if not over.size:
        return {}
    hit = np.isin(entries.cells, over)
    here = pd.DataFrame(
        {"cell": entries.cells[hit], "muni": np.repeat(entries.muni, entries.lengths)[hit]}
    )
    pairs = here.merge(here, on="cell", suffixes=("_a", "_b"))
    pairs = pairs[pairs["muni_a"] < pairs["muni_b"]]
    width, height = window.cell_size
    per_cell = pd.Series(summed[over] - 1, index=over) * width * height
    k = here.groupby("cell")["muni"].size()
    split = per_cell / (k * (k - 1) / 2)  # a cell's excess shared by its pairs
    pairs = pairs.assign(area=split.reindex(pairs["cell"]).to_numpy())
    grouped = pairs.groupby(["muni_a", "muni_b"])["area"].sum()
    return {(int(a), int(b)): float(area) for (a, b), area in grouped.items()}
