"""ruhrgeo: how digital a region is, municipality by municipality, from geodata.

The packages follow the data's way: :mod:`ruhrgeo.io` reads boundaries, grids and tables;
:mod:`ruhrgeo.overlay` turns grids x municipalities into exact shares;
:mod:`ruhrgeo.index` builds the Digital Index; :mod:`ruhrgeo.spatial` and
:mod:`ruhrgeo.spillover` hold the spatial statistics; :mod:`ruhrgeo.maps` draws the results;
:mod:`ruhrgeo.cli` is the ``ruhrgeo`` command.

Examples
--------
>>> import ruhrgeo
>>> munis = ruhrgeo.datasets.ruhr_municipalities()
>>> len(munis)
53
"""

import importlib
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from ruhrgeo import datasets, errors
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.io import (
    read_areas,
    read_breitbandatlas,
    read_coverage,
    read_indicators,
    read_municipalities,
)
from ruhrgeo.overlay import GridSource, Overlay, coverage_share, regrid

try:
    __version__ = version("ruhrgeo")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Grid",
    "GridSource",
    "GridSpec",
    "Overlay",
    "__version__",
    "coverage_share",
    "datasets",
    "errors",
    "index",
    "maps",
    "read_areas",
    "read_breitbandatlas",
    "read_coverage",
    "read_indicators",
    "read_municipalities",
    "regrid",
    "spatial",
    "spillover",
]

# The analysis packages pull in esda, numba, folium and matplotlib: imported on first use, so
# that `import ruhrgeo` stays quick for an overlay.
_PACKAGES = ("cli", "index", "maps", "spatial", "spillover")


def __getattr__(name: str) -> ModuleType:
    if name in _PACKAGES:
        return importlib.import_module(f"ruhrgeo.{name}")
    raise AttributeError(f"module 'ruhrgeo' has no attribute {name!r}")
