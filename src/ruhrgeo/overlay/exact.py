"""exactextract as the source of exact cell fractions."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import NumPyRasterSource

from ruhrgeo.grid import GridSpec


def cell_fractions(
    geometries: np.ndarray, spec: GridSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per geometry the number of cells it covers, then all (cell number, fraction) pairs
    on the grid ``spec``, geometry after geometry (cells in row-major order, int32; fractions
    float32)."""
    if len(geometries) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.float32)
    raster = NumPyRasterSource(
        np.zeros(spec.shape, dtype=np.uint8), *spec.bounds, srs_wkt=spec.crs.to_wkt()
    )
    features = _WKBFeatures(shapely.to_wkb(geometries), spec.crs.to_wkt())
    out = exact_extract(raster, features, ["cell_id", "coverage"], output="pandas")
    cells = out["cell_id"].to_numpy()
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    # exactextract's fractions are single-precision values (exact as float32); a tile's cell
    # numbers fit int32: half the memory, and the kernel streams half the bytes
    local = np.concatenate(cells, dtype=np.int32, casting="same_kind")
    fraction = np.concatenate(out["coverage"].to_numpy(), dtype=np.float32, casting="same_kind")
    return lengths, local, fraction


class _WKBFeatures(FeatureSource):
    """Geometries handed to exactextract as WKB: a quarter faster than a GeoDataFrame,
    which exactextract serializes to GeoJSON feature by feature."""

    def __init__(self, wkb: np.ndarray, srs_wkt: str) -> None:
        super().__init__()
        self._wkb, self._srs_wkt = wkb, srs_wkt

    def count(self) -> int:
        return len(self._wkb)

    def __iter__(self) -> Iterator[_WKBFeature]:
        return map(_WKBFeature, self._wkb)

    def srs_wkt(self) -> str:
        return self._srs_wkt


class _WKBFeature(Feature):
    def __init__(self, wkb: bytes) -> None:
        Feature.__init__(self)
        self._wkb = wkb

    def geometry(self) -> bytes:
        return self._wkb

    def fields(self) -> list[str]:
        return []

    def set_geometry_format(self) -> str:
        return "wkb"
