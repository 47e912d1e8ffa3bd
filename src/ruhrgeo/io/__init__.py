"""Reading and writing: areas and municipal boundaries, coverage grids, indicator tables,
Breitbandatlas tables; atomic outputs.

Everything a file becomes inside ruhrgeo starts here: boundaries become a GeoDataFrame indexed
by their key (the AGS for municipalities), grids a :class:`~ruhrgeo.grid.Grid`, tables a
DataFrame indexed by the key.
"""

from ruhrgeo.io.areas import read_areas
from ruhrgeo.io.boundaries import read_municipalities
from ruhrgeo.io.breitbandatlas import read_breitbandatlas
from ruhrgeo.io.grids import read_coverage
from ruhrgeo.io.tables import read_indicators

__all__ = [
    "read_areas",
    "read_breitbandatlas",
    "read_coverage",
    "read_indicators",
    "read_municipalities",
]
