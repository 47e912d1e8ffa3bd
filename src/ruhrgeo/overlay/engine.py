"""The engine: the work of one lattice (:class:`Plan`) and the one path from layers to shares
(:func:`shares_of`), taken by :func:`~ruhrgeo.coverage_share` and :meth:`Overlay.share`.

A plan holds the areas in the lattice's CRS, the window of the lattice under them and its
tiles; :func:`shares_of` places the count weights on the window, runs the kernel over the work
(tiles still to cut, or an Overlay's kept entries) on a runner, refuses overlaps within a group
and turns the sums into shares.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ruhrgeo import _params
from ruhrgeo._validate import require_projected
from ruhrgeo.errors import NoOverlapError, ParameterError, UnitError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io.readers import Layer, open_reader
from ruhrgeo.io.sources import GridSource
from ruhrgeo.overlay.kernel import Placed, Shapes, Sums, tile_sums
from ruhrgeo.overlay.regridding import RegriddedReader, SourceCounts
from ruhrgeo.overlay.runners import run
from ruhrgeo.overlay.runs import TileWork
from ruhrgeo.overlay.shares import Groups, refuse_overlaps, shares
from ruhrgeo.overlay.tiles import TILE, Tile, tiles

__all__ = ["MAX_CELLS", "Plan", "place_counts", "shares_of"]

# The cells an overlay may visit before it is refused up front (about half an hour on two
# cores at 100 m); `max_cells=` raises it.
MAX_CELLS = 10_000_000_000
_CELLS_PER_SECOND = 5_000_000  # for the estimate in the message: exactextract, one core


@dataclass(frozen=True, eq=False)
class Plan:
    """The work of one lattice: the areas in its CRS, the window of the lattice under them and
    its tiles (aligned with the lattice's blocks)."""

    areas: gpd.GeoDataFrame
    window: GridSpec
    origin: tuple[int, int]
    tiles: list[Tile]

    @classmethod
    def of(
        cls,
        areas: gpd.GeoDataFrame,
        lattice: GridSpec,
        tile_size: int = TILE,
        max_cells: int = MAX_CELLS,
    ) -> Plan:
        tile_size = _params.whole_number(tile_size, "tile_size", low=1)
        require_projected(lattice.crs, "the grid")
        if areas.crs != lattice.crs:
            areas = areas.to_crs(lattice.crs)
        _require_overlap(lattice, areas)
        check_work(areas, lattice, max_cells)
        window, row_off, col_off = lattice.covering(tuple(areas.total_bounds))
        return cls(areas, window, (row_off, col_off), tiles(window, tile_size, (row_off, col_off)))

    def sums(
        self,
        layers: Mapping[str, Layer],
        counts: Placed | None,
        work: Sequence[Tile | TileWork],
        *,
        find_overlaps: bool,
        workers: int | None,
        client: Any,
        progress: bool | None,
    ) -> Sums:
        """The kernel over ``work`` (tiles to cut, or kept entries), added in the fixed order
        of :func:`_largest_first`: the same sums on every runner."""
        cold = any(isinstance(item, Tile) for item in work)  # fractions still to compute
        kernel = functools.partial(
            tile_sums,
            n=len(self.areas),
            window=self.window,
            layers={
                name: (layer, layer.reader.spec.offset(self.window))
                for name, layer in layers.items()
            },
            weights=counts,
            shapes=Shapes(self.areas.geometry.to_numpy()) if cold else None,
            find_overlaps=find_overlaps,
        )
        total = Sums.zeros(len(self.areas), list(layers))
        parts = run(
            kernel,
            _largest_first(work),
            workers=workers,
            client=client,
            progress=progress,
            cells=self.window.cells,
            threads=not cold,  # exactextract holds the GIL; reading and numpy do not
        )
        for part in parts:
            total.add(part)
        return total


def _largest_first(work: Sequence[Tile | TileWork]) -> list[Tile | TileWork]:
    """The tiles by decreasing size (ties in tile order): workers then finish together. The
    order is fixed, so the sums add up alike on every runner."""

    def cells(item: Tile | TileWork) -> int:
        if isinstance(item, TileWork):
            return item.tile.cells if item.entries.cells.size else 0
        return item.cells

    return sorted(work, key=cells, reverse=True)


def shares_of(
    plan: Plan,
    layers: Mapping[str, Layer],
    work: Sequence[Tile | TileWork],
    groups: Groups,
    *,
    weighted_by: GridSource | None,
    workers: int | None,
    client: Any,
    progress: bool | None,
) -> pd.DataFrame:
    """The one path from layers on the plan's lattice to shares: count weights placed, the
    kernel run over ``work``, overlaps within a group refused, layers without any data
    refused, sums turned into shares."""
    require_coverage_units(layers)
    placed = None if weighted_by is None else place_counts(weighted_by, plan.window)
    sums = plan.sums(
        layers,
        placed,
        work,
        find_overlaps=groups.codes is not None,
        workers=workers,
        client=client,
        progress=progress,
    )
    refuse_overlaps(sums.overlaps, plan.areas, groups)
    if not any(sums.with_data[name].any() for name in layers):
        raise NoOverlapError(
            f"the grid of {', '.join(map(repr, layers))} ({plan.window.describe()}) overlaps "
            f"none of the {len(plan.areas)} areas, or has no data under any of them; check "
            "that both cover the same region and that each file declares the right CRS"
        )
    return shares(sums, layers, groups, weighted=weighted_by is not None)


def place_counts(source: GridSource, window: GridSpec) -> Placed:
    """The count weights read on the window's lattice: directly where they lie on it, else
    moved onto it tile by tile (:mod:`ruhrgeo.overlay.regridding`)."""
    reader = open_reader(source, "`weighted_by`")
    if reader.unit not in (None, "count"):
        raise UnitError(
            f"`weighted_by` must hold counts (inhabitants, households), not {reader.unit!r}"
        )
    reader.unit = "count"
    if reader.spec.same_lattice(window):
        return Placed.on(reader, window)
    return Placed(RegriddedReader.onto(SourceCounts.of(reader), window), (0, 0))


def require_coverage_units(layers: Mapping[str, Layer]) -> None:
    for layer in layers.values():
        if layer.unit == "count":
            raise UnitError(
                f"{layer.reader.name} holds counts; give `threshold=` to turn them into coverage "
                "(e.g. nr_gesamt >= 1), or pass the counts as `weighted_by`"
            )


def check_work(areas: gpd.GeoDataFrame, lattice: GridSpec, max_cells: int) -> None:
    """Refuse up front an overlay whose areas' bounding boxes hold more than ``max_cells``
    cells of the lattice: exactextract visits each of them."""
    max_cells = _params.whole_number(max_cells, "max_cells", low=1)
    width, height = lattice.cell_size
    bounds = areas.bounds.to_numpy()
    cells = np.ceil((bounds[:, 2] - bounds[:, 0]) / width + 1) * np.ceil(
        (bounds[:, 3] - bounds[:, 1]) / height + 1
    )
    total = float(cells.sum())
    if total > max_cells:
        hours = total / _CELLS_PER_SECOND / 3600
        biggest = areas.index[int(np.argmax(cells))]
        raise ParameterError(
            f"the overlay would visit about {total:,.0f} cells of the {width:g} x {height:g} "
            f"grid ({_duration(hours)} of exactextract on one core; the largest area, "
            f"{biggest}, alone {cells.max():,.0f}), more than `max_cells` = {max_cells:,}; use "
            "a coarser grid, fewer or smaller areas, or raise `max_cells` if that is meant"
        )


def _duration(hours: float) -> str:
    if hours >= 1:
        return f"about {hours:,.0f} hours"
    return f"about {math.ceil(hours * 60)} minutes"


def _require_overlap(spec: GridSpec, areas: gpd.GeoDataFrame) -> None:
    """Raise :class:`NoOverlapError` when the grid's extent misses every area."""
    gx0, gy0, gx1, gy1 = spec.bounds
    mx0, my0, mx1, my1 = areas.total_bounds
    if not all(map(math.isfinite, (mx0, my0, mx1, my1))):
        raise NoOverlapError(
            f"the areas' coordinates are not finite in the grid's CRS ({spec.describe()}); "
            "check that the areas declare the right CRS"
        )
    if gx0 >= mx1 or mx0 >= gx1 or gy0 >= my1 or my0 >= gy1:
        bounds = ", ".join(f"{v:.0f}" for v in areas.total_bounds)
        raise NoOverlapError(
            f"the grid ({spec.describe()}) overlaps none of the {len(areas)} areas "
            f"(bounds {bounds} in the grid's CRS); check that both cover the same region and "
            "that each file declares the right CRS"
        )
