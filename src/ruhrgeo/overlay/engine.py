"""Exact overlay of municipalities and a grid: fractions computed once, shares for any layer."""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm.auto import tqdm

from ruhrgeo._validate import require_projected
from ruhrgeo.errors import (
    GridMismatchError,
    MissingColumnError,
    MissingIdError,
    NoDataWarning,
    NoOverlapError,
    UnitError,
)
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.io import read_coverage, read_municipalities
from ruhrgeo.overlay.regrid import regrid
from ruhrgeo.overlay.runners import local_mapper
from ruhrgeo.overlay.tiles import Tile, combine, tile_fractions, tiles, window_cells

__all__ = ["Overlay", "coverage_share"]

LayerSource: TypeAlias = str | os.PathLike[str] | Grid
GroupBy: TypeAlias = str | pd.Series | None


class Overlay:
    """The exact fraction of every grid cell that lies in every municipality.

    Computing the fractions (with exactextract) is the expensive step; it is done once
    here, and :meth:`share` then applies them to any number of layers and weights on
    the same grid.

    Parameters
    ----------
    municipalities
        Polygons indexed by AGS (see :func:`~ruhrgeo.read_municipalities`); reprojected
        to the grid's CRS when they are in another one.
    grid
        A :class:`~ruhrgeo.grid.Grid`, its :class:`~ruhrgeo.grid.GridSpec`, or a path
        read with :func:`~ruhrgeo.read_coverage`. Only its geometry is used.
    workers
        Compute the fractions in this many processes (tiles in parallel; see
        :func:`ruhrgeo.tiles.processes`).
    progress
        Show a progress bar.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> from ruhrgeo.grid import Grid
    >>> grid = Grid(np.array([[1, 0], [1, 1]]), Affine(100, 0, 0, 0, -100, 200), 25832)
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]},
    ...                          geometry=[shapely.box(0, 0, 200, 200)], crs=25832)
    >>> Overlay(munis, grid).share({"5g": grid})
                5g  5g_nodata
    ags
    05913000  75.0        0.0
    """

    def __init__(
        self,
        municipalities: gpd.GeoDataFrame,
        grid: LayerSource | GridSpec,
        *,
        workers: int = 1,
        progress: bool = False,
    ) -> None:
        munis = read_municipalities(municipalities)
        spec = grid if isinstance(grid, GridSpec) else _as_grid(grid, "grid").spec
        require_projected(spec.crs, "grid")
        if munis.crs != spec.crs:
            munis = munis.to_crs(spec.crs)
        self.spec = spec
        self.ags = munis.index.copy()
        self._attributes = pd.DataFrame(munis.drop(columns=munis.geometry.name))
        self._weight_cache: dict[int, tuple[Grid, np.ndarray]] = {}
        check_overlap(spec, munis)
        # Work on the part of the grid's lattice under the municipalities; it may reach
        # beyond the grid, whose missing cells then count as nodata.
        self._window, row_off, col_off = spec.covering(tuple(munis.total_bounds))
        self._offsets = (row_off, col_off)
        self.fingerprint = fingerprint(munis)
        self._index_cells(*_fractions(munis, self._window, workers, progress))
        if not (self.fraction * self._inside).any():
            raise NoOverlapError(_no_overlap_message(spec, munis))

    def _index_cells(self, muni: np.ndarray, cells: np.ndarray, fraction: np.ndarray) -> None:
        """Keep the fractions and where each cell lies in the grid."""
        spec, (row_off, col_off) = self.spec, self._offsets
        self._muni, self._window_cell, self.fraction = muni, cells, fraction
        rows, cols = np.divmod(cells, self._window.shape[1])
        rows, cols = rows + row_off, cols + col_off
        self._inside = (rows >= 0) & (rows < spec.shape[0]) & (cols >= 0) & (cols < spec.shape[1])
        self._grid_cell = np.where(self._inside, rows * spec.shape[1] + cols, 0)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the overlay to ``path`` (``.npz``, format described in :mod:`ruhrgeo._persist`)
        so that a national overlay is computed once per boundary release."""
        from ruhrgeo.overlay.persist import save_overlay

        return save_overlay(self, path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        municipalities: gpd.GeoDataFrame | None = None,
        grid: LayerSource | GridSpec | None = None,
    ) -> Overlay:
        """Read an overlay saved with :meth:`save`; with ``municipalities`` or ``grid``,
        check that it was made for them (:class:`~ruhrgeo.errors.OverlayMismatchError`)."""
        from ruhrgeo.overlay.persist import load_overlay

        return load_overlay(cls, path, municipalities, grid)

    def share(
        self,
        layers: Mapping[str, LayerSource],
        *,
        weights: LayerSource | None = None,
        by: GroupBy = None,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Percent of each municipality's area (or weight) covered, per layer.

        Parameters
        ----------
        layers
            Name -> :class:`~ruhrgeo.grid.Grid` or path on this overlay's grid. Binary
            layers give the share of the area covered; percent layers the
            area-weighted mean of the cell percentages.
        weights
            A count grid (population, households) on any grid or CRS; it is moved
            onto this grid with :func:`~ruhrgeo.regrid.regrid` when it lies elsewhere.
            The result is then the share of the weight: ``sum(f*w*v) / sum(f*w)``.
        by
            A column of the municipalities or a Series indexed by AGS: aggregate the
            municipalities to these groups (e.g. a Kreis, or one label for a region)
            before dividing, giving the exact share of each group's union.
        progress
            Show a progress bar over the layers.

        Returns
        -------
        pandas.DataFrame
            Indexed by AGS (or group) with, per layer, ``<name>`` (percent covered of
            the area or weight with data, NaN without data) and ``<name>_nodata``
            (percent of the area or weight without data).
        """
        weight = self._weights(weights)
        codes, labels = self._group_codes(by)
        base = self.fraction * weight
        n = len(labels)
        sums = {"total": np.bincount(codes, base, minlength=n)}
        # one layer in memory at a time
        for name, source in tqdm(layers.items(), desc="layers", unit="layer", disable=not progress):
            grid = _as_grid(source, f"layers[{name!r}]")
            self._check_layer(name, grid)
            valid = self._inside & ~grid.nodata.ravel()[self._grid_cell]
            scale = 100.0 if grid.unit == "binary" else 1.0
            value = grid.values.ravel()[self._grid_cell].astype(np.float64)
            sums[f"{name}:with_data"] = np.bincount(codes, base * valid, minlength=n)
            sums[f"{name}:covered"] = np.bincount(
                codes, np.where(valid, base * value * scale, 0.0), minlength=n
            )
        index_name = "ags" if by is None else (by if isinstance(by, str) else by.name or "group")
        result = combine(sums, layers, pd.Index(labels, name=index_name))
        with_data = {name: sums[f"{name}:with_data"] for name in layers}
        warn_no_data(labels, sums["total"], with_data, weights is not None)
        return result

    def weighted_cells(self, weights: LayerSource | None = None) -> pd.DataFrame:
        """Every (municipality, cell) pair with the cell's centre and ``fraction * weight``.

        The building block for population-weighted quantities such as the mean distance
        of a municipality's inhabitants from a point.

        Returns
        -------
        pandas.DataFrame
            Columns ``ags``, ``x``, ``y`` (cell centre in the grid's CRS) and ``weight``.
        """
        rows, cols = np.divmod(self._window_cell, self._window.shape[1])
        x, y = self._window.transform @ (cols + 0.5, rows + 0.5)
        return pd.DataFrame(
            {
                "ags": self.ags.to_numpy()[self._muni],
                "x": x,
                "y": y,
                "weight": self.fraction * self._weights(weights),
            }
        )

    def _weights(self, weights: LayerSource | None) -> np.ndarray:
        if weights is None:
            return np.ones_like(self.fraction)
        grid = _as_grid(weights, "weights")
        cached = self._weight_cache.get(id(grid))
        if cached is None or cached[0] is not grid:
            on_window = regrid(grid, self._window).values.ravel()[self._window_cell]
            # keep the grid alive with its result so that its id cannot be reused
            cached = self._weight_cache[id(grid)] = (grid, on_window)
        return cached[1]

    def _group_codes(self, by: GroupBy) -> tuple[np.ndarray, np.ndarray]:
        if by is None:
            return self._muni, self.ags.to_numpy()
        if isinstance(by, str):
            if by not in self._attributes.columns:
                raise MissingColumnError(
                    f"`by={by!r}` is not a column of the municipalities "
                    f"({list(self._attributes.columns)}); pass a column name or a Series "
                    "indexed by AGS"
                )
            by = self._attributes[by]
        groups = pd.Series(by).reindex(self.ags)
        if groups.isna().any():
            missing = list(self.ags[groups.isna().to_numpy()][:10])
            raise MissingIdError(f"`by` has no group for the AGS {missing}; give every AGS one")
        codes, labels = pd.factorize(groups, sort=True)
        return codes[self._muni], np.asarray(labels)

    def _check_layer(self, name: str, grid: Grid) -> None:
        if grid.unit == "count":
            raise UnitError(
                f"layer {name!r} holds counts; give `threshold=` to turn them into coverage "
                "(e.g. nr_gesamt >= 1) or pass it as `weights`"
            )
        if not grid.spec.same_as(self.spec):
            raise GridMismatchError(
                f"layer {name!r} lies on {grid.spec.describe()}, not on this overlay's grid "
                f"({self.spec.describe()}); make another Overlay for it or regrid it"
            )


def coverage_share(
    municipalities: gpd.GeoDataFrame,
    layers: Mapping[str, LayerSource],
    *,
    weights: LayerSource | None = None,
    by: GroupBy = None,
    workers: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Exact percent of each municipality covered by each layer.

    A cell half inside a municipality counts half (exact fractions by exactextract).
    Layers may lie on different grids and CRSs: one :class:`Overlay` is made per grid.

    Parameters
    ----------
    municipalities
        Polygons indexed by AGS (:func:`~ruhrgeo.read_municipalities`).
    layers
        Name -> path or :class:`~ruhrgeo.grid.Grid` (see :func:`~ruhrgeo.read_coverage`).
    weights
        Optional count grid (population, households), any grid or CRS.
    by
        A column of ``municipalities`` or a Series indexed by AGS to aggregate to.
    workers
        Processes for the exact fractions (see :class:`Overlay`).
    progress
        Show progress bars.

    Returns
    -------
    pandas.DataFrame
        See :meth:`Overlay.share`.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> from ruhrgeo.grid import Grid
    >>> covered = Grid(np.array([[1, 1], [0, 0]]), Affine(100, 0, 0, 0, -100, 200), 25832)
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]},
    ...                          geometry=[shapely.box(50, 0, 200, 200)], crs=25832)
    >>> coverage_share(munis, {"fttbh": covered}).round(6)
              fttbh  fttbh_nodata
    ags
    05913000   50.0           0.0
    """
    munis = read_municipalities(municipalities)
    grids = {name: _as_grid(source, f"layers[{name!r}]") for name, source in layers.items()}
    by_spec: dict[int, list[str]] = {}
    overlays: list[Overlay] = []
    for name, grid in grids.items():
        idx = next((i for i, o in enumerate(overlays) if o.spec.same_as(grid.spec)), None)
        if idx is None:
            overlays.append(Overlay(munis, grid, workers=workers, progress=progress))
            idx = len(overlays) - 1
        by_spec.setdefault(idx, []).append(name)
    parts = [
        overlays[i].share({n: grids[n] for n in names}, weights=weights, by=by, progress=progress)
        for i, names in by_spec.items()
    ]
    order = [c for name in grids for c in (name, f"{name}_nodata")]
    return pd.concat(parts, axis=1)[order]


def _as_grid(source: LayerSource, name: str) -> Grid:
    if isinstance(source, Grid):
        return source
    return read_coverage(source)


def fingerprint(munis: gpd.GeoDataFrame) -> str:
    """A hash of the AGS and geometries (in the grid's CRS): which boundaries an overlay fits."""
    digest = hashlib.sha256()
    for ags, wkb in zip(munis.index, shapely.to_wkb(munis.geometry.to_numpy()), strict=True):
        digest.update(str(ags).encode())
        digest.update(wkb)
    return digest.hexdigest()


def _fractions(
    munis: gpd.GeoDataFrame, window: GridSpec, workers: int, progress: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(municipality number, cell number in ``window``, fraction) of every touched cell,
    computed tile by tile so that memory follows the tile, not the window."""
    work = tiles(window)
    parts = local_mapper(workers)(
        functools.partial(_window_fractions, geometries=munis.geometry.to_numpy(), window=window),
        work,
    )
    parts = tqdm(parts, total=len(work), desc="overlay", unit="tile", disable=not progress)
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))  # type: ignore[return-value]


def _window_fractions(
    tile: Tile, *, geometries: np.ndarray, window: GridSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    muni, local, fraction = tile_fractions(geometries, shapely.STRtree(geometries), window, tile)
    return muni, window_cells(local, tile, window), fraction


def check_overlap(spec: GridSpec, munis: gpd.GeoDataFrame) -> None:
    """Raise :class:`NoOverlapError` when the grid's extent misses every municipality."""
    gx0, gy0, gx1, gy1 = spec.bounds
    mx0, my0, mx1, my1 = munis.total_bounds
    if gx0 >= mx1 or mx0 >= gx1 or gy0 >= my1 or my0 >= gy1:
        raise NoOverlapError(_no_overlap_message(spec, munis))


def _no_overlap_message(spec: GridSpec, munis: gpd.GeoDataFrame) -> str:
    bounds = ", ".join(f"{v:.0f}" for v in munis.total_bounds)
    return (
        f"the grid ({spec.describe()}) overlaps none of the {len(munis)} "
        f"municipalities (bounds {bounds} in the grid's CRS); check that both cover "
        "the same region and that each file declares the right CRS"
    )


def warn_no_data(
    labels: Sequence[object], total: np.ndarray, with_data: Mapping[str, np.ndarray], weighted: bool
) -> None:
    """One warning for municipalities without weight, one for those without any data."""
    labels = np.asarray(labels)
    weightless = labels[total <= 0]
    if len(weightless):
        what = "zero weight (e.g. no inhabitants)" if weighted else "no area on the grid"
        warnings.warn(
            f"{len(weightless)} municipalities have {what}; their shares are NaN: "
            f"{', '.join(map(str, weightless[:10]))}",
            NoDataWarning,
            stacklevel=3,
        )
    empty = {
        name: [str(label) for label in labels[(data <= 0) & (total > 0)]]
        for name, data in with_data.items()
    }
    empty = {name: found for name, found in empty.items() if found}
    if empty:
        text = "; ".join(f"{k}: {', '.join(v[:10])}" for k, v in empty.items())
        warnings.warn(
            f"no data at all (share NaN, 100 % nodata) for these municipalities: {text}",
            NoDataWarning,
            stacklevel=3,
        )
