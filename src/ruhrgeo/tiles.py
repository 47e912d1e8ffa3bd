"""Work by tiles: exact fractions and coverage sums per tile, so memory follows the tile.

A tile is a block of cells of the working window (the grid's lattice under the
municipalities). :func:`tile_fractions` gives the exact cell fractions of one tile;
:func:`tile_sums` reads the layers' windows of that tile from their files and returns the
per-municipality sums that :func:`combine` turns into shares. The sums of all tiles add up
to the whole, so tiles can run in any order, in one process or on a Dask cluster
(:mod:`ruhrgeo.distributed`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import scipy.sparse
import shapely
from affine import Affine
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource
from pyproj import CRS
from rasterio.enums import Resampling
from rasterio.windows import Window
from tqdm.auto import tqdm

from ruhrgeo._validate import existing_path, require_projected
from ruhrgeo.boundaries import read_municipalities
from ruhrgeo.coverage import CSV_SUFFIXES, VECTOR_SUFFIXES, read_coverage
from ruhrgeo.errors import CRSMissingError, FileFormatError, GridMismatchError, UnitError
from ruhrgeo.grid import Grid, GridSpec, check_range, infer_unit

TILE = 2048  # cells per side: 4 M cells, a few tens of MB per layer and tile

Source = Grid | str | os.PathLike[str]


@dataclass(frozen=True)
class Tile:
    """A block of cells of a window: rows ``row0 .. row0 + rows``, cols ``col0 .. col0 + cols``."""

    row0: int
    col0: int
    rows: int
    cols: int

    def spec(self, window: GridSpec) -> GridSpec:
        """The tile as a grid of its own."""
        transform = window.transform @ Affine.translation(self.col0, self.row0)
        return GridSpec(transform, (self.rows, self.cols), window.crs)


def tiles(window: GridSpec, size: int = TILE) -> list[Tile]:
    """The tiles covering ``window``, row by row.

    Examples
    --------
    >>> from affine import Affine
    >>> window = GridSpec(Affine(100, 0, 0, 0, -100, 500), (5, 3), 25832)
    >>> [(t.row0, t.col0, t.rows, t.cols) for t in tiles(window, size=2)][:3]
    [(0, 0, 2, 2), (0, 2, 2, 1), (2, 0, 2, 2)]
    """
    rows, cols = window.shape
    return [
        Tile(r, c, min(size, rows - r), min(size, cols - c))
        for r in range(0, rows, size)
        for c in range(0, cols, size)
    ]


def tile_fractions(
    geometries: np.ndarray, tree: shapely.STRtree, window: GridSpec, tile: Tile
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(municipality number, cell number in the tile, fraction) of the cells of one tile.

    ``geometries`` are the municipalities in the window's CRS, ``tree`` their STRtree.
    """
    spec = tile.spec(window)
    hits = np.sort(tree.query(shapely.box(*spec.bounds), predicate="intersects"))
    if hits.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    raster = NumPyRasterSource(
        np.zeros(spec.shape, dtype=np.uint8), *spec.bounds, srs_wkt=spec.crs.to_wkt()
    )
    frame = gpd.GeoDataFrame(geometry=geometries[hits], crs=spec.crs)
    out = exact_extract(raster, frame, ["cell_id", "coverage"], output="pandas")
    cells = out["cell_id"].to_numpy()
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    muni = np.repeat(hits.astype(np.int64), lengths)
    local = np.concatenate(cells).astype(np.int64)
    return muni, local, np.concatenate(out["coverage"].to_numpy()).astype(np.float64)


def window_cells(local: np.ndarray, tile: Tile, window: GridSpec) -> np.ndarray:
    """Cell numbers in the tile -> cell numbers in the window."""
    rows, cols = np.divmod(local, tile.cols)
    return (rows + tile.row0) * window.shape[1] + cols + tile.col0


def read_tile(
    source: Source, grid: GridSpec, row_off: int, col_off: int, tile: Tile
) -> tuple[np.ndarray, np.ndarray]:
    """Values and nodata mask of ``source`` (on ``grid``) under ``tile`` of ``window``.

    ``grid`` cell ``(r + row_off, c + col_off)`` is window cell ``(r, c)``; cells beyond the
    grid are nodata. Rasters are read by window, other sources in full.
    """
    r0, c0 = tile.row0 + row_off, tile.col0 + col_off
    rr0, cc0 = max(r0, 0), max(c0, 0)
    rr1 = min(r0 + tile.rows, grid.shape[0])
    cc1 = min(c0 + tile.cols, grid.shape[1])
    values = np.zeros((tile.rows, tile.cols))
    nodata = np.ones((tile.rows, tile.cols), dtype=bool)
    if rr1 <= rr0 or cc1 <= cc0:
        return values, nodata
    target = (slice(rr0 - r0, rr1 - r0), slice(cc0 - c0, cc1 - c0))
    if isinstance(source, Grid):
        values[target] = source.values[rr0:rr1, cc0:cc1]
        nodata[target] = source.nodata[rr0:rr1, cc0:cc1]
    else:
        with rasterio.open(source) as ds:
            data = ds.read(1, window=Window(cc0, rr0, cc1 - cc0, rr1 - rr0), masked=True)
        values[target] = np.asarray(data.data, dtype=np.float64)
        nodata[target] = np.ma.getmaskarray(data) | ~np.isfinite(values[target])
    return values, nodata


@dataclass(frozen=True)
class Layer:
    """A coverage layer as the tiles see it: where to read it, its grid and scale."""

    source: Source
    spec: GridSpec
    unit: str  # binary or percent; checked again on every tile's values

    @property
    def scale(self) -> float:
        """100 for binary layers (0/1 -> percent), 1 for percent layers."""
        return 100.0 if self.unit == "binary" else 1.0


def describe_layers(layers: Mapping[str, Source]) -> dict[str, Layer]:
    """Check the layers once (units, a shared grid) and keep what the tiles need.

    Rasters are not read here: their grid comes from the file's header and their unit from
    a 1/16 overview (nearest cells); every tile then checks its own values against that
    unit, so an out-of-range cell still raises :class:`~ruhrgeo.errors.ValueRangeError`.
    Grid CSVs and GeoPackages are read once into memory.
    """
    out: dict[str, Layer] = {}
    for name, source in layers.items():
        if isinstance(source, Grid):
            layer = Layer(source, source.spec, source.unit)
        elif str(source).lower().endswith(CSV_SUFFIXES + VECTOR_SUFFIXES):
            grid = read_coverage(source)
            layer = Layer(grid, grid.spec, grid.unit)
        else:
            layer = _raster_layer(str(source))
        if layer.unit == "count":
            raise UnitError(f"layer {name!r} holds counts; give `threshold=` first")
        out[name] = layer
    first = next(iter(out.values())).spec
    for name, layer in out.items():
        if not layer.spec.same_as(first):
            raise GridMismatchError(
                f"layer {name!r} lies on {layer.spec.describe()}, not on {first.describe()}; "
                "tiled processing needs one grid: group the layers by grid"
            )
    return out


def _raster_layer(path: str) -> Layer:
    existing_path(path, "layers")
    try:
        with rasterio.open(path) as ds:
            if ds.crs is None:
                raise CRSMissingError(
                    f"raster {path!r} has no CRS; assign one (gdal_edit.py -a_srs)"
                )
            spec = GridSpec(ds.transform, (ds.height, ds.width), CRS.from_wkt(ds.crs.to_wkt()))
            shape = (max(1, ds.height // 16), max(1, ds.width // 16))
            sample = ds.read(1, out_shape=shape, masked=True, resampling=Resampling.nearest)
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(f"layer {path!r} cannot be read as a raster ({exc})") from None
    values = np.asarray(sample.data, dtype=np.float64)
    return Layer(path, spec, infer_unit(values, np.ma.getmaskarray(sample) | ~np.isfinite(values)))


def tile_sums(
    tile: Tile,
    *,
    geometries: np.ndarray,
    window: GridSpec,
    offsets: tuple[int, int],
    layers: Mapping[str, Layer],
    weights: Source | None = None,
) -> dict[str, np.ndarray]:
    """Per-municipality sums of one tile: ``total`` (area or weight) and, per layer,
    ``<name>:covered`` and ``<name>:with_data``. Pure: reads files, returns arrays."""
    n = len(geometries)
    tree = shapely.STRtree(geometries)
    muni, in_tile, fraction = tile_fractions(geometries, tree, window, tile)
    base = fraction
    first = next(iter(layers.values()))
    if weights is not None:
        w, w_nodata = read_tile(weights, first.spec, *offsets, tile)
        base = fraction * np.where(w_nodata, 0.0, w).ravel()[in_tile]
    # municipality x cell matrix of fraction (x weight): one product per layer
    weights_of = scipy.sparse.csr_matrix((base, (muni, in_tile)), shape=(n, tile.rows * tile.cols))
    sums = {"total": np.asarray(weights_of.sum(axis=1)).ravel()}
    for name, layer in layers.items():
        values, nodata = read_tile(layer.source, layer.spec, *offsets, tile)
        check_range(values, nodata, layer.unit, tile.spec(window))
        valid = ~nodata.ravel()
        sums[f"{name}:with_data"] = weights_of @ valid.astype(np.float64)
        sums[f"{name}:covered"] = weights_of @ np.where(valid, values.ravel() * layer.scale, 0.0)
    return sums


def add(parts: Iterable[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The element-wise sum of tile sums."""
    total: dict[str, np.ndarray] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total[key] + value if key in total else value.copy()
    return total


def combine(sums: Mapping[str, np.ndarray], names: Iterable[str], ags: pd.Index) -> pd.DataFrame:
    """Shares and nodata percentages from summed tiles (as :meth:`Overlay.share`)."""
    total = sums["total"]
    columns = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in names:
            with_data = sums[f"{name}:with_data"]
            columns[name] = np.where(with_data > 0, sums[f"{name}:covered"] / with_data, np.nan)
            columns[f"{name}_nodata"] = 100.0 * (1.0 - with_data / total)
    return pd.DataFrame(columns, index=ags)


def coverage_share_tiled(
    municipalities: gpd.GeoDataFrame,
    layers: Mapping[str, Source],
    *,
    weights: Source | None = None,
    tile_size: int = TILE,
    mapper: Callable[..., Iterable[dict[str, np.ndarray]]] = map,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`~ruhrgeo.coverage_share` by tiles, with memory bounded by the tile.

    All layers (and ``weights``) must lie on one grid; rasters are read window by window,
    so a national 25 m layer never has to fit in memory. ``mapper`` runs
    :func:`tile_sums` over the tiles (``map`` here; :mod:`ruhrgeo.distributed` passes a Dask
    client's). Results equal :meth:`~ruhrgeo.Overlay.share` to rounding.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = read_municipalities(datasets.demo_municipalities())
    >>> shares = coverage_share_tiled(munis, {"5g": datasets.demo_coverage()["5g"]},
    ...                               tile_size=256)
    >>> len(shares), bool(shares["5g"].between(0, 100).all())
    (53, True)
    """
    from ruhrgeo.overlay import check_overlap, warn_no_data

    munis = read_municipalities(municipalities)
    described = describe_layers(layers)
    spec = next(iter(described.values())).spec
    require_projected(spec.crs, "layers")
    if weights is not None:
        weight_spec = (weights if isinstance(weights, Grid) else read_coverage(weights)).spec
        if not weight_spec.same_as(spec):
            raise GridMismatchError(
                f"`weights` lie on {weight_spec.describe()}, not on the layers' grid; move them "
                "onto it first with ruhrgeo.regrid (or use ruhrgeo.Overlay)"
            )
    if munis.crs != spec.crs:
        munis = munis.to_crs(spec.crs)
    check_overlap(spec, munis)
    window, row_off, col_off = spec.covering(tuple(munis.total_bounds))
    geometries = munis.geometry.to_numpy()
    work = tiles(window, tile_size)
    parts = mapper(
        functools.partial(
            tile_sums,
            geometries=geometries,
            window=window,
            offsets=(row_off, col_off),
            layers=described,
            weights=weights,
        ),
        work,
    )
    # counted as results arrive, so that the bar is true on a cluster too
    parts = tqdm(parts, total=len(work), desc="tiles", unit="tile", disable=not progress)
    sums = add(parts)
    result = combine(sums, described, munis.index)
    with_data = {name: sums[f"{name}:with_data"] for name in described}
    warn_no_data(munis.index, sums["total"], with_data, weights is not None)
    return result
