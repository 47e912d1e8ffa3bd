"""Reading and writing: municipal boundaries, coverage grids, indicator tables, Breitbandatlas
tables; atomic outputs.

Everything a file becomes inside ruhrgeo starts here: boundaries become a GeoDataFrame
indexed by AGS, grids a :class:`~ruhrgeo.grid.Grid`, tables a DataFrame indexed by AGS.
"""

from ruhrgeo.io.boundaries import read_municipalities
from ruhrgeo.io.breitbandatlas import read_breitbandatlas
from ruhrgeo.io.grids import read_coverage
from ruhrgeo.io.tables import read_indicators

__all__ = ["read_breitbandatlas", "read_coverage", "read_indicators", "read_municipalities"]
