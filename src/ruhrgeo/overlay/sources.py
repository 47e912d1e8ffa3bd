"""The layers of a tiled overlay: their grid from the header, their unit, their scale."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import rasterio
from pyproj import CRS

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import CRSMissingError, FileFormatError, GridMismatchError, UnitError
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.io.grids import CSV_SUFFIXES, VECTOR_SUFFIXES, read_coverage

Source = Grid | str | os.PathLike[str]


@dataclass(frozen=True)
class Layer:
    """A coverage layer as the tiles see it: where to read it, its grid and unit."""

    source: Source
    spec: GridSpec
    unit: str | None  # binary or percent; None: a raster's, inferred from its cells


def scale(unit: str) -> float:
    """100 for binary layers (0/1 -> percent), 1 for percent layers."""
    return 100.0 if unit == "binary" else 1.0


def describe_layers(layers: Mapping[str, Source]) -> dict[str, Layer]:
    """Check the layers once (units, a shared grid) and keep what the tiles need.

    Rasters are not read here, only their headers: their unit is inferred from the values
    of the cells that lie in the municipalities as the tiles read them (binary when all are
    0 or 1, else percent; a value outside 0-100 raises
    :class:`~ruhrgeo.errors.ValueRangeError`). Grid CSVs and GeoPackages are read once into
    memory.
    """
    out: dict[str, Layer] = {}
    for name, given in layers.items():
        source, spec = open_source(given)
        layer = Layer(source, spec, source.unit if isinstance(source, Grid) else None)
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


def open_source(source: Source) -> tuple[Source, GridSpec]:
    """A source as the tiles read it, and its grid: rasters stay paths (only their header
    is read), grid CSVs and GeoPackages are read into a :class:`~ruhrgeo.grid.Grid`."""
    if isinstance(source, Grid):
        return source, source.spec
    if str(source).lower().endswith(CSV_SUFFIXES + VECTOR_SUFFIXES):
        grid = read_coverage(source)
        return grid, grid.spec
    return str(source), _raster_spec(str(source))


def _raster_spec(path: str) -> GridSpec:
    existing_path(path, "layers")
    try:
        with rasterio.open(path) as ds:
            if ds.crs is None:
                raise CRSMissingError(
                    f"raster {path!r} has no CRS; assign one (gdal_edit.py -a_srs)"
                )
            return GridSpec(ds.transform, (ds.height, ds.width), CRS.from_wkt(ds.crs.to_wkt()))
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(f"layer {path!r} cannot be read as a raster ({exc})") from None


def apply_units(sums: dict[str, np.ndarray], layers: Mapping[str, Layer]) -> dict[str, np.ndarray]:
    """Scale the summed layers whose unit was inferred: binary (x 100) when no tile found a
    value other than 0 and 1."""
    out = dict(sums)
    for name, layer in layers.items():
        if layer.unit is None:
            unit = "percent" if out.pop(f"{name}:nonbinary")[0] else "binary"
            out[f"{name}:covered"] = out[f"{name}:covered"] * scale(unit)
    return out
