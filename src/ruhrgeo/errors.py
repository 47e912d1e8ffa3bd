"""Exceptions and warnings raised by ruhrgeo.

Every exception subclasses :class:`RuhrgeoError` and the built-in it refines, so
``except ValueError`` keeps working for callers who do not know ruhrgeo. Messages name
the argument that was wrong and say how to fix it.

Examples
--------
>>> from ruhrgeo.errors import CRSMissingError, RuhrgeoError
>>> issubclass(CRSMissingError, RuhrgeoError) and issubclass(CRSMissingError, ValueError)
True
"""

from __future__ import annotations

# --- the base class and what every step checks at its edge (inputs, files, arguments) ---


class RuhrgeoError(Exception):
    """Base class of every error ruhrgeo raises on purpose."""


class RuhrgeoWarning(UserWarning):
    """Base class of ruhrgeo's warnings (turned into errors in ruhrgeo's own tests)."""


class CRSMissingError(RuhrgeoError, ValueError):
    """A dataset has no coordinate reference system."""


class UnusableCRSError(RuhrgeoError, ValueError):
    """A CRS cannot be parsed or cannot be used for the step (e.g. areas in degrees)."""


class InvalidGeometryError(RuhrgeoError, ValueError):
    """A geometry is invalid (self-intersecting, wrong type, ...)."""


class EmptyGeometryError(RuhrgeoError, ValueError):
    """A geometry is missing or empty."""


class DuplicateIdError(RuhrgeoError, ValueError):
    """The same identifier (AGS, grid cell id) occurs more than once."""


class MissingIdError(RuhrgeoError, ValueError):
    """An identifier is missing, malformed, or an id column cannot be found."""


class MissingColumnError(RuhrgeoError, KeyError):
    """A requested column does not exist."""

    def __str__(self) -> str:  # KeyError would print the message with quotes
        return str(self.args[0]) if self.args else ""


class FileFormatError(RuhrgeoError, ValueError):
    """A file cannot be read or is not in a format ruhrgeo knows."""


class DataFileNotFoundError(RuhrgeoError, FileNotFoundError):
    """An input file does not exist."""


class ParameterError(RuhrgeoError, ValueError):
    """An argument has an impossible value (a negative radius, an unknown kind, ...)."""


class FileEncodingError(FileFormatError):
    """A text file is not in the encoding it was read with (Windows-1252 read as UTF-8, ...)."""


class EmptyTableError(FileFormatError):
    """A table file is empty, or has a header but no rows."""


class NumberFormatError(FileFormatError):
    """Numbers in a table are written ambiguously or in two formats (decimal point or comma)."""


class TableLayoutError(FileFormatError):
    """A table is not laid out as expected (not a Breitbandatlas table, no key column, ...)."""


class CityDistrictsWarning(RuhrgeoWarning):
    """Rows with pseudo-AGS of city districts were left out of a Breitbandatlas table."""


class RegionMatchWarning(RuhrgeoWarning):
    """Members of a region have no data or no weight and were left out of its means."""


class TotalsRowWarning(RuhrgeoWarning):
    """Rows of totals (Germany, "Insgesamt") were left out of a table of municipalities."""


class DownloadError(RuhrgeoError, OSError):
    """A download failed, or its file is not the one expected (another SHA-256)."""


# --- reading and overlay: grids, units, values ---


class MissingDependencyError(RuhrgeoError, ImportError):
    """An optional package a function needs is not installed (the message names the extra:
    ``pip install 'ruhrgeo[dynamics]'``)."""


class NoOverlapError(RuhrgeoError, ValueError):
    """A grid does not overlap any of the municipalities."""


class GridMismatchError(RuhrgeoError, ValueError):
    """A layer does not lie on the grid an overlay was made for."""


class OverlayMismatchError(GridMismatchError):
    """A saved overlay was made for other boundaries or another grid."""


class ValueRangeError(RuhrgeoError, ValueError):
    """Values lie outside the range their unit allows."""


class UnitError(RuhrgeoError, ValueError):
    """A unit is unknown, ambiguous or cannot be used for the step."""


class OverlapError(RuhrgeoError, ValueError):
    """Municipalities overlap where a result would count the overlap twice."""


class GridExtentError(RuhrgeoError, ValueError):
    """A grid's extent is absurd for the cells it holds (a stray cell id far away)."""


class InputTypeError(RuhrgeoError, TypeError):
    """An argument is of a kind the function cannot take (a DataFrame without geometry, ...)."""


class OutputError(RuhrgeoError, OSError):
    """An output cannot be written where it was asked for."""


class UnitWarning(RuhrgeoWarning):
    """A layer's unit was inferred from values that allow another reading too."""


# --- spatial statistics and spill-over ---


class StatisticsError(RuhrgeoError, ValueError):
    """The data cannot support the statistic (constant values, no neighbors, ...)."""


class TooFewObservationsError(StatisticsError):
    """Fewer observations than the statistic needs."""


class MissingValuesError(StatisticsError):
    """Values are missing (NaN) where a statistic needs every one."""


class GraphMismatchError(RuhrgeoError, ValueError):
    """Spatial weights are indexed differently from the data."""


class InfiniteValuesError(StatisticsError):
    """Values are infinite (``inf``, ``-inf``) where a statistic needs finite ones."""


class ConstantValuesError(StatisticsError):
    """Values do not vary (relative to their scale): nothing to test or explain."""


class ModelError(StatisticsError):
    """A regression cannot be estimated (collinear covariates, too few units per regime)."""


# --- the index ---
# (errors and warnings of ruhrgeo.index: composite, treatment, audit, uncertainty)


class SpecError(ParameterError):
    """An indicator spec is inconsistent (names, areas, directions, weights, parameters)."""


class WeightError(ParameterError):
    """Weights are unusable: unknown names, NaN, infinite, zero or negative."""


class MethodError(ParameterError):
    """An unknown normalizer, aggregator, treatment or imputation, or a bad parameter of one."""


class IndicatorValueError(ParameterError):
    """Indicator values are unusable: not numeric, boolean, infinite, or no rows at all."""


class AggregationError(StatisticsError):
    """Scores an aggregator cannot take (a geometric mean of negative scores)."""


# --- maps ---
# (errors and warnings of ruhrgeo.maps: pages, assets, figures)


class MapDataError(RuhrgeoError, ValueError):
    """The data cannot be mapped: no rows, no values, values that are not numbers, ..."""


class MapTextError(RuhrgeoError, ValueError):
    """A text for a map or figure is not valid Unicode (a lone surrogate)."""


class MapAssetError(RuhrgeoError, RuntimeError):
    """The installed folium-offline lacks a file a page needs, or ships a changed one."""


# --- warnings of the steps above (turned into errors in ruhrgeo's own tests) ---


class NoDataWarning(RuhrgeoWarning):
    """Some municipalities have no data at all for a layer."""


class IslandWarning(RuhrgeoWarning):
    """Units without neighbors were joined to their nearest neighbor."""


class MissingValuesWarning(RuhrgeoWarning):
    """Cells marked as missing in a table were read as NaN."""


class IndexWarning(RuhrgeoWarning):
    """Weights were normalized, or missing values skipped or imputed."""


class SpilloverWarning(RuhrgeoWarning):
    """A source's kernel reaches no municipality; its value stays where it is."""
