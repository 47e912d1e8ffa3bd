"""The one share kernel: per tile, per municipality, the sums every share is made of.

For the entries of a tile (cells touched by municipalities, with their exact fractions ``f``)
and a weight ``w`` per cell (1 for shares of the area), the kernel sums per municipality
``total = sum f*w``, and per layer ``with_data = sum f*w`` over the cells with data and
``covered = sum f*w*v`` over the cells' values ``v``. Sums of tiles add up, so tiles run in any
process or on any machine and the whole is their sum. Each layer's window is read once in its
own dtype; its values at the touched cells are gathered, multiplied and summed per
municipality a chunk of entries at a time (:attr:`TileEntries.chunks`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from ruhrgeo.grid import GridSpec
from ruhrgeo.io.sources import Layer, Reader
from ruhrgeo.overlay.tiles import Tile, TileEntries, locate, tile_entries
from ruhrgeo.units import ValueSummary, check_range

__all__ = ["OVERLAP_TOLERANCE", "Placed", "Sums", "read_entries", "tile_sums"]

# A cell whose municipalities' fractions add up to more than 1 + this is overlapped twice:
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


@dataclass
class Sums:
    """Per municipality: the total area (or weight), and per layer the part with data and the
    part covered; what the layers' values looked like; overlapping municipalities found."""

    total: np.ndarray
    with_data: dict[str, np.ndarray]
    covered: dict[str, np.ndarray]
    seen: dict[str, ValueSummary]
    overlaps: dict[tuple[int, int], float] = field(default_factory=dict)

    @classmethod
    def zeros(cls, n: int, names: list[str]) -> Sums:
        return cls(
            np.zeros(n),
            {name: np.zeros(n) for name in names},
            {name: np.zeros(n) for name in names},
            {name: ValueSummary() for name in names},
        )

    def add(self, other: Sums) -> Sums:
        """Add ``other`` in place (tile after tile, in one fixed order: the same result on every
        runner)."""
        self.total += other.total
        for name in self.covered:
            self.with_data[name] += other.with_data[name]
            self.covered[name] += other.covered[name]
            self.seen[name] = self.seen[name].merge(other.seen[name])
        for pair, area in other.overlaps.items():
            self.overlaps[pair] = self.overlaps.get(pair, 0.0) + area
        return self


def tile_sums(
    work: Tile | TileEntries,
    *,
    n: int,
    window: GridSpec,
    layers: Mapping[str, tuple[Layer, tuple[int, int]]],
    weights: Placed | None = None,
    geometries: np.ndarray | None = None,
    find_overlaps: bool = False,
) -> Sums:
    """The sums of one tile. ``work`` is a tile's stored entries, or a tile whose entries are
    computed here from ``geometries`` (the municipalities in the window's CRS). Pure: reads
    the sources, returns arrays."""
    if isinstance(work, Tile):
        assert geometries is not None
        entries = tile_entries(work, geometries, shapely.STRtree(geometries), window)
    else:
        entries = work
    sums = Sums.zeros(n, list(layers))
    if not entries.cells.size:
        return sums
    if weights is None:
        base = entries.fraction  # float32: widened chunk by chunk
        sums.total[entries.muni] = entries.areas
    else:
        w = read_entries(entries, weights, window, "count", "`weights`")[0]
        base = np.multiply(entries.fraction, w, dtype=np.float64)
        sums.total = entries.per_municipality(base, n)
    for name, (layer, offset) in layers.items():
        _add_layer(sums, name, layer, Placed(layer.reader, offset), entries, base, window)
    if find_overlaps:
        sums.overlaps = _overlaps(entries, entries.tile, window)
    return sums


def _add_layer(
    sums: Sums,
    name: str,
    layer: Layer,
    placed: Placed,
    entries: TileEntries,
    base: np.ndarray,
    window: GridSpec,
) -> None:
    """Add one layer's sums: its window read once, its values gathered chunk by chunk into
    buffers that stay in the CPU's cache (gathering a whole tile at once costs twice as long)."""
    reader_window, flat, beyond = locate(entries, placed.offset, placed.reader.spec.shape)
    with_data, covered = sums.with_data[name], sums.covered[name]
    if reader_window is None:  # the tile lies beyond the layer's grid: no data
        return
    values, nodata = placed.reader.read(reader_window)
    if nodata is not None and not nodata.any():
        nodata = None
    unit, reader = _check_as(layer), layer.reader
    spec, tile = entries.tile.spec(window), entries.tile
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
            with_data[muni] = entries.segment_sums(part, runs)
        else:
            with_data[muni] = sums.total[muni]
        where = functools.partial(_corner, spec, entries.cells[at], tile.cols)
        sums.seen[name] = sums.seen[name].merge(check_range(here, unit, reader.name, where))
        if layer.threshold is not None:
            here = here >= layer.threshold
        weighted = product[:k]
        np.copyto(weighted, part)  # widened first: numpy multiplies float64 by uint8 faster
        np.multiply(weighted, here, out=weighted)
        covered[muni] = entries.segment_sums(weighted, runs)


def _check_as(layer: Layer) -> str | None:
    return "count" if layer.threshold is not None else layer.reader.unit


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
    tile = entries.tile
    spec = tile.spec(window)
    where = functools.partial(_corner, spec, entries.cells, tile.cols)
    seen = check_range(values, unit, name, where)
    return values, nodata, seen


def _corner(spec: GridSpec, cells: np.ndarray, cols: int, i: int) -> str:
    """Where entry ``i`` of ``cells`` (cell numbers of a tile ``cols`` wide) lies, for messages."""
    return spec.corner(*divmod(int(cells[i]), cols))


def _overlaps(entries: TileEntries, tile: Tile, window: GridSpec) -> dict[tuple[int, int], float]:
    """Pairs of municipalities whose fractions of some cell add up to more than one, with the
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
