"""Layer sources: what to read for a layer or for count weights (a path, an open dataset, a
Grid) and how (column, threshold, unit, band, nodata). :mod:`ruhrgeo.io.readers` opens them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TypeAlias

import rasterio

from ruhrgeo import _params
from ruhrgeo.errors import ParameterError
from ruhrgeo.grid import Grid
from ruhrgeo.units import Unit, check_unit

__all__ = ["GridSource", "SourceLike", "as_source"]


@dataclass(frozen=True)
class GridSource:
    """A grid to read for a layer or for count weights, with its read options.

    Parameters
    ----------
    source
        A raster path (GeoTIFF, COG, anything GDAL reads), an open rasterio dataset, a grid
        CSV (BKG UTM or INSPIRE cell ids), a GeoPackage of cell polygons, or a
        :class:`~ruhrgeo.grid.Grid` in memory.
    column
        The value column of a grid CSV or GeoPackage. Layers naming several columns of one
        file read the file once.
    threshold
        Covered (1) where the value is ``>= threshold``: turns counts into coverage
        (Mobilfunk-Monitoring ``nr_gesamt >= 1`` is 5G). The values are checked as counts.
    unit
        ``"binary"``, ``"fraction"``, ``"percent"`` or ``"count"`` (see ``ruhrgeo.units``);
        default the file's own, else inferred by that module's one rule.
    band
        The raster band (1 is the first).
    layer
        The layer of a multi-layer GeoPackage.
    crs
        The CRS of a grid CSV whose ids carry none (default EPSG:25832).
    nodata
        A fill value meaning "no data" (e.g. -9999) where the file does not say so.

    Raises
    ------
    ruhrgeo.errors.UnitError
        ``unit`` is not one of the four units.
    ruhrgeo.errors.ParameterError
        ``threshold`` or ``nodata`` is not a finite number, ``band`` not a whole number >= 1.

    Examples
    --------
    >>> GridSource("mobilfunk.csv", column="nr_gesamt", threshold=1).threshold
    1.0
    """

    source: Any
    column: str | None = None
    threshold: float | None = None
    unit: Unit | None = None
    band: int = 1
    layer: str | None = None
    crs: Any = None
    nodata: float | None = None

    def __post_init__(self) -> None:
        check_unit(self.unit, "unit")
        if self.threshold is not None:
            object.__setattr__(self, "threshold", _params.number(self.threshold, "threshold"))
        if self.nodata is not None:
            object.__setattr__(self, "nodata", _params.number(self.nodata, "nodata"))
        object.__setattr__(self, "band", _params.whole_number(self.band, "band", low=1))
        for name in ("column", "layer"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ParameterError(f"`{name}` must be a non-empty text, got {value!r}")


SourceLike: TypeAlias = GridSource | Grid | str | os.PathLike[str] | tuple[Any, str] | Any


def as_source(value: SourceLike, name: str) -> GridSource:
    """Anything a layer may be given as, as a :class:`GridSource`; ``(path, column)`` is short
    for ``GridSource(path, column=column)``.

    Examples
    --------
    >>> as_source(("cells.gpkg", "down_fn_hh_ftthb_1000"), "layer").column
    'down_fn_hh_ftthb_1000'
    """
    if isinstance(value, GridSource):
        return value
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], str):
            raise ParameterError(
                f"{name}: a tuple must be (path, column), got {value!r}; or use GridSource"
            )
        return GridSource(value[0], column=value[1])
    if isinstance(value, Grid | str | os.PathLike | rasterio.io.DatasetReaderBase):
        return GridSource(value)
    raise ParameterError(
        f"{name} must be a path, an open rasterio dataset, a Grid, (path, column) or a "
        f"GridSource, got {type(value).__name__}"
    )
