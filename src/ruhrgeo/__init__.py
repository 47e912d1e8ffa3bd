"""ruhrgeo: how digital is a region, municipality by municipality, from geodata.

Examples
--------
>>> import ruhrgeo
>>> munis = ruhrgeo.read_municipalities(ruhrgeo.datasets.demo_municipalities())
>>> len(munis)
53
"""

from importlib.metadata import PackageNotFoundError, version

from ruhrgeo import datasets, errors
from ruhrgeo.boundaries import read_municipalities
from ruhrgeo.coverage import read_coverage
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.overlay import Overlay, coverage_share
from ruhrgeo.regrid import regrid

try:
    __version__ = version("ruhrgeo")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Grid",
    "GridSpec",
    "Overlay",
    "__version__",
    "coverage_share",
    "datasets",
    "errors",
    "read_coverage",
    "read_municipalities",
    "regrid",
]
