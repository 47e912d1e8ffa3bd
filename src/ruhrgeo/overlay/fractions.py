"""The exact fractions of municipalities on a grid, computed once and kept: :class:`Overlay`."""

from __future__ import annotations

import functools
import hashlib
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ruhrgeo.errors import OverlayMismatchError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io import read_municipalities
from ruhrgeo.io.sources import SourceLike, as_source, open_layers, open_reader
from ruhrgeo.overlay.engine import Plan, place_weights, require_coverage_units
from ruhrgeo.overlay.kernel import read_entries
from ruhrgeo.overlay.persist import read_overlay, spec_from_json, spec_to_json, write_overlay
from ruhrgeo.overlay.runners import run
from ruhrgeo.overlay.shares import GroupBy, Groups, refuse_overlaps, shares
from ruhrgeo.overlay.tiles import TILE, Tile, TileEntries, tile_entries

__all__ = ["Overlay"]


class Overlay:
    """The exact fraction of every grid cell that lies in every municipality, kept for reuse.

    Computing the fractions (exactextract) is the expensive step of an overlay; an Overlay
    does it once for a boundary release and a grid, and :meth:`share` then applies them to any
    number of layers and weights on that grid's lattice, by the same kernel as
    :func:`~ruhrgeo.coverage_share` (identical results). :meth:`save` keeps them on disk.

    Parameters
    ----------
    municipalities
        Polygons indexed by AGS (:func:`~ruhrgeo.read_municipalities`); reprojected to the
        grid's CRS when they are in another one.
    grid
        The grid: a :class:`~ruhrgeo.grid.GridSpec`, or any layer source (a raster path, an
        open dataset, a grid CSV or GeoPackage, a :class:`~ruhrgeo.grid.Grid`, a
        :class:`~ruhrgeo.GridSource`); only where its cells lie is used (a raster's header).
    workers, client, progress, tile_size
        As in :func:`~ruhrgeo.coverage_share`.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> from ruhrgeo.grid import Grid
    >>> grid = Grid(np.array([[1, 0], [1, 1]]), Affine(100, 0, 0, 0, -100, 200), 25832,
    ...             unit="binary")
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
        grid: SourceLike | GridSpec,
        *,
        workers: int | None = None,
        client: Any = None,
        progress: bool | None = None,
        tile_size: int = TILE,
    ) -> None:
        munis = read_municipalities(municipalities)
        lattice = (
            grid
            if isinstance(grid, GridSpec)
            else open_reader(as_source(grid, "`grid`"), "`grid`").spec
        )
        plan = Plan.of(munis, lattice, tile_size)
        compute = functools.partial(_entries, window=plan.window, geometries=plan.geometries)
        entries = list(
            run(
                compute,
                plan.tiles,
                workers=workers,
                client=client,
                progress=progress,
                cells=plan.window.cells,
            )
        )
        self._set(lattice, plan, entries, fingerprint(plan.munis))

    def _set(self, lattice: GridSpec, plan: Plan, entries: list[TileEntries], print_: str) -> None:
        for item in entries:  # what every share needs, computed once
            runs, rest = item.split
            item.areas, item.chunks, item.occupied, rest.areas, rest.chunks  # noqa: B018
            runs.bounds, runs.lengths  # noqa: B018
        self.spec = lattice
        self.fingerprint = print_
        self._plan = plan
        self._entries = entries
        munis = plan.munis
        geometry = [munis.geometry.name] if isinstance(munis, gpd.GeoDataFrame) else []
        self._attributes = pd.DataFrame(munis.drop(columns=geometry))

    @property
    def ags(self) -> pd.Index:
        """The municipalities' AGS, in order."""
        return self._attributes.index

    def share(
        self,
        layers: Mapping[str, SourceLike],
        *,
        weights: SourceLike | None = None,
        by: GroupBy = None,
        workers: int | None = None,
        client: Any = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Percent of each municipality's area (or weight) covered, per layer.

        The layers must lie on this overlay's lattice (their extents may differ); all
        options as in :func:`~ruhrgeo.coverage_share`, whose result this equals.

        Returns
        -------
        pandas.DataFrame
            Indexed by AGS (or group): ``<name>`` and ``<name>_nodata`` per layer.
        """
        opened = open_layers(layers)
        for layer in opened.values():
            if not layer.reader.spec.same_lattice(self.spec):
                raise OverlayMismatchError(
                    f"{layer.reader.name} lies on {layer.reader.spec.describe()}, not on this "
                    f"overlay's grid ({self.spec.describe()}); make another Overlay for it, or "
                    "use coverage_share"
                )
        require_coverage_units(opened)
        groups = Groups.of(self._attributes, by)
        placed = (
            None
            if weights is None
            else place_weights(as_source(weights, "`weights`"), self._plan.window)
        )
        sums = self._plan.sums(
            opened,
            placed,
            self._entries,
            find_overlaps=by is not None,
            workers=workers,
            client=client,
            progress=progress,
        )
        refuse_overlaps(sums.overlaps, self._attributes, groups)
        return shares(sums, opened, groups, weighted=weights is not None)

    def weighted_cells(self, weights: SourceLike | None = None) -> pd.DataFrame:
        """Every (municipality, cell) pair with the cell's center and ``fraction * weight``.

        The building block for population-weighted quantities such as the mean distance of a
        municipality's inhabitants from a point.

        Returns
        -------
        pandas.DataFrame
            Columns ``ags``, ``x``, ``y`` (cell center in the grid's CRS) and ``weight``.
        """
        window = self._plan.window
        placed = None if weights is None else place_weights(as_source(weights, "`weights`"), window)
        parts = []
        for entries in self._entries:
            tile = entries.tile
            rows, cols = np.divmod(entries.cells, tile.cols)
            x, y = tile.spec(window).transform @ (cols + 0.5, rows + 0.5)
            weight = entries.fraction.astype(np.float64)
            if placed is not None:
                weight *= read_entries(entries, placed, window, "count", "`weights`")[0]
            muni = np.repeat(entries.muni, entries.lengths)
            parts.append(
                pd.DataFrame({"ags": self.ags.to_numpy()[muni], "x": x, "y": y, "weight": weight})
            )
        return (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["ags", "x", "y", "weight"])
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the overlay to ``path`` (``.npz``, the format of :mod:`ruhrgeo.overlay.persist`),
        so that a national overlay is computed once per boundary release."""
        plan, entries = self._plan, self._entries
        meta = {
            "ags": [str(a) for a in self.ags],
            "lattice": spec_to_json(self.spec),
            "window": spec_to_json(plan.window),
            "origin": list(plan.origin),
            "fingerprint": self.fingerprint,
            "attributes": self._attributes.to_json(orient="split", date_format="iso"),
        }
        arrays = {
            "tiles": np.array(
                [[e.tile.row0, e.tile.col0, e.tile.rows, e.tile.cols] for e in entries], np.int64
            ).reshape(-1, 4),
            "runs": np.array([e.muni.size for e in entries], np.int64),
            "entries": np.array([e.cells.size for e in entries], np.int64),
            "muni": _concat([e.muni for e in entries], np.int32),
            "lengths": _concat([e.lengths for e in entries], np.int64),
            "cells": _concat([e.cells for e in entries], np.int32),
            "fraction": _concat([e.fraction for e in entries], np.float32),
        }
        return write_overlay(path, meta, arrays)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        municipalities: gpd.GeoDataFrame | None = None,
        grid: SourceLike | GridSpec | None = None,
    ) -> Overlay:
        """Read an overlay saved with :meth:`save`; with ``municipalities`` or ``grid``, check
        that it was made for them (:class:`~ruhrgeo.errors.OverlayMismatchError`)."""
        meta, arrays = read_overlay(path)
        name = Path(path).name
        lattice, window = spec_from_json(meta["lattice"]), spec_from_json(meta["window"])
        attributes = pd.read_json(io.StringIO(meta["attributes"]), orient="split", dtype=False)
        attributes.index = pd.Index(meta["ags"], name="ags")
        entries = _split(arrays)
        plan = Plan(attributes, window, tuple(meta["origin"]), [e.tile for e in entries])
        overlay = cls.__new__(cls)
        overlay._set(lattice, plan, entries, meta["fingerprint"])
        if grid is not None:
            other = (
                grid
                if isinstance(grid, GridSpec)
                else open_reader(as_source(grid, "`grid`"), "`grid`").spec
            )
            if not other.same_lattice(lattice):
                raise OverlayMismatchError(
                    f"{name} was made for {lattice.describe()}, not for {other.describe()}; "
                    "make a new Overlay for this grid"
                )
        if municipalities is not None:
            munis = read_municipalities(municipalities)
            if fingerprint(munis.to_crs(lattice.crs)) != overlay.fingerprint:
                raise OverlayMismatchError(
                    f"{name} was made for other boundaries (a different AGS list or geometry); "
                    "make a new Overlay for these municipalities"
                )
        return overlay


def _entries(tile: Tile, *, window: GridSpec, geometries: np.ndarray) -> TileEntries:
    return tile_entries(tile, geometries, shapely.STRtree(geometries), window)


def fingerprint(munis: gpd.GeoDataFrame) -> str:
    """A hash of the AGS and geometries (in the grid's CRS): which boundaries an overlay fits."""
    digest = hashlib.sha256()
    for ags, wkb in zip(munis.index, shapely.to_wkb(munis.geometry.to_numpy()), strict=True):
        digest.update(str(ags).encode())
        digest.update(wkb)
    return digest.hexdigest()


def _concat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.empty(0, dtype)


def _split(arrays: Mapping[str, np.ndarray]) -> list[TileEntries]:
    runs, counts = np.cumsum(arrays["runs"]), np.cumsum(arrays["entries"])
    out = []
    for i, (row0, col0, rows, cols) in enumerate(arrays["tiles"].tolist()):
        r = slice(runs[i - 1] if i else 0, runs[i])
        e = slice(counts[i - 1] if i else 0, counts[i])
        out.append(
            TileEntries(
                Tile(row0, col0, rows, cols),
                arrays["muni"][r],
                arrays["lengths"][r],
                arrays["cells"][e],
                arrays["fraction"][e],
            )
        )
    return out
