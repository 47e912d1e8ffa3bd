""":class:`Overlay`: the exact fractions of areas on a grid, computed once and kept."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ruhrgeo.errors import OverlayMismatchError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io.areas import as_areas
from ruhrgeo.io.readers import open_layers, open_reader
from ruhrgeo.io.sources import SourceLike, as_source
from ruhrgeo.overlay.engine import MAX_CELLS, Plan, place_counts, shares_of
from ruhrgeo.overlay.fractions import TileEntries, tile_entries
from ruhrgeo.overlay.kernel import Shapes, read_entries
from ruhrgeo.overlay.persist import SavedOverlay, fingerprint, read_overlay, write_overlay
from ruhrgeo.overlay.runners import run
from ruhrgeo.overlay.runs import TileWork
from ruhrgeo.overlay.shares import GroupBy, Groups
from ruhrgeo.overlay.tiles import TILE, Tile

__all__ = ["Overlay"]


class Overlay:
    """The exact fraction of every grid cell that lies in every area, kept for reuse.

    Computing the fractions (exactextract) is the expensive step of an overlay; an Overlay does
    it once for a boundary release and a grid, and :meth:`~ruhrgeo.Overlay.share` then applies
    them to any number of layers and count weights on that grid's lattice, by the same path as
    :func:`~ruhrgeo.coverage_share` (identical results). :meth:`~ruhrgeo.Overlay.save` keeps
    them on disk.

    Parameters
    ----------
    areas
        Polygons indexed by a named, unique key (:func:`~ruhrgeo.read_municipalities`,
        :func:`~ruhrgeo.read_areas`); reprojected to the grid's CRS when they are in another.
    grid
        The grid: a :class:`~ruhrgeo.grid.GridSpec`, or any layer source (a raster path, an
        open dataset, a grid CSV or GeoPackage, a :class:`~ruhrgeo.grid.Grid`, a
        :class:`~ruhrgeo.GridSource`); only where its cells lie is used (a raster's header).
    workers, client, progress, tile_size, max_cells
        As in :func:`~ruhrgeo.coverage_share`.

    Raises
    ------
    ruhrgeo.errors.MissingIdError, ruhrgeo.errors.DuplicateIdError
        The areas have no named key, or a key is missing or repeated.
    ruhrgeo.errors.NoOverlapError
        The grid covers none of the areas.
    ruhrgeo.errors.ParameterError
        A bad option, or more than ``max_cells`` cells to visit.

    See Also
    --------
    ruhrgeo.coverage_share : the same shares in one call, without keeping the fractions.

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
        areas: gpd.GeoDataFrame,
        grid: SourceLike | GridSpec,
        *,
        workers: int | None = None,
        client: Any = None,
        progress: bool | None = None,
        tile_size: int = TILE,
        max_cells: int = MAX_CELLS,
    ) -> None:
        areas = as_areas(areas)
        lattice = _lattice(grid)
        plan = Plan.of(areas, lattice, tile_size, max_cells)
        compute = functools.partial(
            _entries, window=plan.window, shapes=Shapes(plan.areas.geometry.to_numpy())
        )
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
        attributes = pd.DataFrame(plan.areas.drop(columns=[plan.areas.geometry.name]))
        self._set(
            SavedOverlay(
                lattice, plan.window, plan.origin, attributes, fingerprint(plan.areas), entries
            )
        )

    def _set(self, saved: SavedOverlay) -> None:
        self._saved = saved
        self._work = [TileWork(e).prepare() for e in saved.entries]  # what every share needs
        self._plan = Plan(
            saved.attributes, saved.window, saved.origin, [w.tile for w in self._work]
        )

    @property
    def spec(self) -> GridSpec:
        """The lattice the fractions were computed on."""
        return self._saved.lattice

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the areas' keys and geometries in the grid's CRS."""
        return self._saved.fingerprint

    @property
    def index(self) -> pd.Index:
        """The areas' keys, in order (named like the areas' index)."""
        return self._saved.attributes.index

    def share(
        self,
        layers: Mapping[str, SourceLike],
        *,
        weighted_by: SourceLike | None = None,
        by: GroupBy = None,
        workers: int | None = None,
        client: Any = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Percent of each area (or counts) covered, per layer.

        The layers must lie on this overlay's lattice (their extents may differ); all
        options as in :func:`~ruhrgeo.coverage_share`, whose result this equals.

        Returns
        -------
        pandas.DataFrame
            Indexed by the areas' key (or group): ``<name>`` and ``<name>_nodata`` per layer.

        Raises
        ------
        ruhrgeo.errors.OverlayMismatchError
            A layer lies on another lattice.
        ruhrgeo.errors.NoOverlapError, ruhrgeo.errors.UnitError, ruhrgeo.errors.OverlapError
            As in :func:`~ruhrgeo.coverage_share`.

        Examples
        --------
        >>> import numpy as np, geopandas as gpd, shapely
        >>> from affine import Affine
        >>> from ruhrgeo.grid import Grid
        >>> grid = Grid(np.array([[1, 0]]), Affine(100, 0, 0, 0, -100, 100), 25832, unit="binary")
        >>> cells = gpd.GeoDataFrame({"cell": ["w", "e"]}, geometry=[shapely.box(0, 0, 100, 100),
        ...     shapely.box(100, 0, 200, 100)], crs=25832).set_index("cell")
        >>> Overlay(cells, grid).share({"5g": grid})["5g"].to_dict()
        {'w': 100.0, 'e': 0.0}
        """
        opened = open_layers(layers)
        for layer in opened.values():
            if not layer.reader.spec.same_lattice(self.spec):
                raise OverlayMismatchError(
                    f"{layer.reader.name} lies on {layer.reader.spec.describe()}, not on this "
                    f"overlay's grid ({self.spec.describe()}); make another Overlay for it, or "
                    "use coverage_share"
                )
        return shares_of(
            self._plan,
            opened,
            self._work,
            Groups.of(self._saved.attributes, by),
            weighted_by=None if weighted_by is None else as_source(weighted_by, "`weighted_by`"),
            workers=workers,
            client=client,
            progress=progress,
        )

    def weighted_cells(self, weighted_by: SourceLike | None = None) -> pd.DataFrame:
        """Every (area, cell) pair with the cell's center and ``fraction * count``.

        The building block for count-weighted quantities such as the mean distance of an
        area's inhabitants from a point.

        Returns
        -------
        pandas.DataFrame
            Columns: the areas' key (named like their index), ``x``, ``y`` (cell center in
            the grid's CRS) and ``weight``.

        Examples
        --------
        >>> import numpy as np, geopandas as gpd, shapely
        >>> from affine import Affine
        >>> from ruhrgeo.grid import Grid
        >>> grid = Grid(np.array([[1, 0]]), Affine(100, 0, 0, 0, -100, 100), 25832, unit="binary")
        >>> area = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(0, 0, 150, 100)],
        ...                         crs=25832).set_index("id")
        >>> Overlay(area, grid).weighted_cells()[["x", "weight"]].to_dict("list")
        {'x': [50.0, 150.0], 'weight': [1.0, 0.5]}
        """
        window = self._plan.window
        placed = None
        if weighted_by is not None:
            placed = place_counts(as_source(weighted_by, "`weighted_by`"), window)
        key = self.index.name or "key"
        parts = []
        for work in self._work:
            entries = work.entries
            tile = entries.tile
            rows, cols = np.divmod(entries.cells, tile.cols)
            x, y = tile.spec(window).transform @ (cols + 0.5, rows + 0.5)
            weight = entries.fraction.astype(np.float64)
            if placed is not None:
                weight *= read_entries(entries, placed, window, "count", "`weighted_by`")[0]
            area = np.repeat(entries.muni, entries.lengths)
            parts.append(
                pd.DataFrame({key: self.index.to_numpy()[area], "x": x, "y": y, "weight": weight})
            )
        if not parts:
            return pd.DataFrame(columns=[key, "x", "y", "weight"])
        return pd.concat(parts, ignore_index=True)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the overlay to ``path`` (``.npz``, the versioned, checksummed format of
        ``ruhrgeo.overlay.persist``), so that a national overlay is computed once per
        boundary release.

        Raises
        ------
        ruhrgeo.errors.OutputError
            ``path`` cannot be written.

        Examples
        --------
        >>> import tempfile, pathlib, numpy as np, geopandas as gpd, shapely
        >>> from affine import Affine
        >>> from ruhrgeo.grid import Grid
        >>> grid = Grid(np.array([[1, 0]]), Affine(100, 0, 0, 0, -100, 100), 25832, unit="binary")
        >>> area = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(0, 0, 150, 100)],
        ...                         crs=25832).set_index("id")
        >>> path = Overlay(area, grid).save(pathlib.Path(tempfile.mkdtemp()) / "a.npz")
        >>> Overlay.load(path).share({"5g": grid})["5g"].round(4).tolist()
        [66.6667]
        """
        return write_overlay(path, self._saved)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        areas: gpd.GeoDataFrame | None = None,
        grid: SourceLike | GridSpec | None = None,
    ) -> Overlay:
        """Read an overlay saved with :meth:`~ruhrgeo.Overlay.save`, checked whole; with
        ``areas`` or ``grid``, check that it was made for them.

        Raises
        ------
        ruhrgeo.errors.FileFormatError
            The file is not a saved overlay of this version, or is damaged (every array is
            checked for shape, range, duplicates, finiteness and its checksum).
        ruhrgeo.errors.OverlayMismatchError
            It was made for other areas or another grid.

        Examples
        --------
        See :meth:`~ruhrgeo.Overlay.save`.
        """
        saved = read_overlay(path)
        name = Path(path).name
        overlay = cls.__new__(cls)
        overlay._set(saved)
        if grid is not None:
            other = _lattice(grid)
            if not other.same_lattice(saved.lattice):
                raise OverlayMismatchError(
                    f"{name} was made for {saved.lattice.describe()}, not for "
                    f"{other.describe()}; make a new Overlay for this grid"
                )
        if areas is not None:
            checked = as_areas(areas)
            if fingerprint(checked.to_crs(saved.lattice.crs)) != saved.fingerprint:
                raise OverlayMismatchError(
                    f"{name} was made for other boundaries (other keys or geometries); make a "
                    "new Overlay for these areas"
                )
        return overlay


def _lattice(grid: SourceLike | GridSpec) -> GridSpec:
    if isinstance(grid, GridSpec):
        return grid
    return open_reader(as_source(grid, "`grid`"), "`grid`").spec


def _entries(tile: Tile, *, window: GridSpec, shapes: Shapes) -> TileEntries:
    return tile_entries(tile, shapes.geometries, shapes.tree, window)
