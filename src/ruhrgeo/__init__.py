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
from typing import Any

try:
    __version__ = version("ruhrgeo")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

# Every name is imported on first use (PEP 562): `import ruhrgeo` and `ruhrgeo --help` load
# neither GDAL nor pandas, and the analysis packages pull in esda, numba, folium and
# matplotlib only when they are used.
_NAMES = {
    "Grid": "ruhrgeo.grid",
    "GridSpec": "ruhrgeo.grid",
    "GridSource": "ruhrgeo.overlay",
    "Overlay": "ruhrgeo.overlay",
    "coverage_share": "ruhrgeo.overlay",
    "regrid": "ruhrgeo.overlay",
    "read_areas": "ruhrgeo.io",
    "read_breitbandatlas": "ruhrgeo.io",
    "read_coverage": "ruhrgeo.io",
    "read_indicators": "ruhrgeo.io",
    "read_municipalities": "ruhrgeo.io",
}
_PACKAGES = ("cli", "datasets", "errors", "index", "maps", "spatial", "spillover")

__all__ = sorted([*_NAMES, *_PACKAGES, "__version__"], key=lambda n: (not n[0].isupper(), n))
__all__.remove("cli")


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
    elif name in _PACKAGES:
        value = importlib.import_module(f"ruhrgeo.{name}")
    else:
        raise AttributeError(f"module 'ruhrgeo' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES) | set(_PACKAGES))
