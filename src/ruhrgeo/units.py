"""One rule for units and nodata, the same on every path (in memory, by tiles, in processes, on
Dask).

Units of a grid:

- ``"binary"``: 0 or 1 per cell (covered or not); the share is the percent of the area (or
  weight) whose cells are 1.
- ``"fraction"``: 0 to 1, the covered fraction of each cell; the share is 100 x the mean.
- ``"percent"``: 0 to 100; the share is the (area- or weight-weighted) mean.
- ``"count"``: >= 0 (inhabitants, households, antennas): the unit of weights; a coverage layer
  of counts needs ``threshold=`` (covered where the value is >= the threshold).

Where the unit comes from, first match wins:

1. ``unit=`` given by the caller (``GridSource``, ``Grid``, ``read_coverage``);
2. ``threshold=``: the values are counts, checked as counts, and the layer becomes binary;
3. the file: a GeoTIFF band's unit metadata (``%``/``percent``, ``binary``, ``fraction``,
   ``count``) or an official column name (Breitbandatlas ``down_*``/``up_*``: percent;
   Mobilfunk-Monitoring ``nr_*``, ``lte``, Zensus ``Einwohner``: count);
4. inferred from the values the overlay reads (the cells under the municipalities, so the
   same cells on every path): some value above 1 (and none outside 0-100): percent; only 0
   and 1 stored as integers (a byte raster, the commonest input): binary; only 0 and 1
   stored as floats: binary, with a :class:`~ruhrgeo.errors.UnitWarning` (a percent layer
   could hold only 0.0 and 1.0: declare the unit to be sure); values between 0 and 1 other
   than 0 and 1: a :class:`~ruhrgeo.errors.UnitError` (fractions or small percentages?
   declare it).

A value outside its unit's range (negative, above 100 for percent, not finite) raises
:class:`~ruhrgeo.errors.ValueRangeError` naming the cell: a fill value such as -9999 is never
counted as "not covered", with or without a threshold; declare it with ``nodata=``.

Nodata: a cell has no data when the file says so (its nodata value, mask band or alpha), when
it is NaN, when it equals the source's declared ``nodata=``, when it is missing from a grid CSV
or GeoPackage, or when it lies beyond the grid. Cells without data leave the denominator of a
layer's share and ``<layer>_nodata`` reports their part; as weights they count as 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ruhrgeo._warn import warn
from ruhrgeo.errors import UnitError, UnitWarning, ValueRangeError

__all__ = [
    "RANGES",
    "UNITS",
    "Unit",
    "ValueSummary",
    "check_range",
    "check_unit",
    "resolve_unit",
    "scale",
    "unit_of_name",
]

Unit = Literal["binary", "fraction", "percent", "count"]
UNITS: tuple[str, ...] = ("binary", "fraction", "percent", "count")
RANGES: dict[str, tuple[float, float]] = {
    "binary": (0.0, 1.0),
    "fraction": (0.0, 1.0),
    "percent": (0.0, 100.0),
    "count": (0.0, np.inf),
}
_SCALE = {"binary": 100.0, "fraction": 100.0, "percent": 1.0}

# Unit names as files write them (GeoTIFF band units) and the official schemas' columns.
_UNIT_WORDS = {
    "%": "percent",
    "percent": "percent",
    "pct": "percent",
    "binary": "binary",
    "0/1": "binary",
    "fraction": "fraction",
    "count": "count",
}
_COUNT_COLUMNS = re.compile(
    r"^(einwohner|population|ewz|haushalte|households|lte|nr_\w+|mobilesbb_anzahlmnb)$", re.I
)
_PERCENT_COLUMNS = re.compile(r"^(down|up)_(fn|mf)_", re.I)


def check_unit(unit: str | None, name: str) -> str | None:
    """``unit`` itself when it is one of :data:`UNITS` (or None), else a UnitError."""
    if unit is not None and unit not in UNITS:
        raise UnitError(f"`{name}` must be one of {UNITS}, got {unit!r}")
    return unit


def check_range(
    values: np.ndarray, unit: str | None, name: str, where: Callable[[int], str]
) -> ValueSummary:
    """Raise :class:`~ruhrgeo.errors.ValueRangeError` when a valid value lies outside
    ``unit``'s range (any value outside 0-100 when ``unit`` is None, still undeclared); else
    return the values' summary. ``where(i)`` names the place of value ``i`` for the message.
    """
    seen = ValueSummary.of(values)
    if seen.fits(unit):
        return seen
    low, high = RANGES[unit or "percent"]
    with np.errstate(invalid="ignore"):
        bad = (values < low) | (values > high) | ~np.isfinite(values)
        if unit == "binary":
            bad |= (values != 0) & (values != 1)
    first = int(np.flatnonzero(bad)[0])
    allowed = "0 or 1" if unit == "binary" else f"{low:g} to {high:g}"
    what = f"unit {unit!r}" if unit else "a coverage layer (0 to 100)"
    hint = "declare a fill value with `nodata=`, or give the right `unit`" + (
        " (or `threshold=` for counts)" if unit != "count" else ""
    )
    raise ValueRangeError(
        f"{name}: {int(bad.sum())} cell(s) lie outside the range of {what} ({allowed}), e.g. "
        f"value {float(values[first]):g} in {where(first)}; {hint}"
    )


def scale(unit: str) -> float:
    """The factor that turns a layer's mean into percent: 100 for binary and fraction, 1 for
    percent.

    Examples
    --------
    >>> scale("binary"), scale("percent")
    (100.0, 1.0)
    """
    if unit not in _SCALE:
        raise UnitError(
            f"a coverage layer must be binary, fraction or percent, not {unit!r}; give "
            "`threshold=` to turn counts into coverage (e.g. nr_gesamt >= 1), or pass the "
            "counts as `weights`"
        )
    return _SCALE[unit]


def unit_of_name(text: str | None) -> str | None:
    """The unit a file's metadata word or an official column name declares, else None.

    Examples
    --------
    >>> unit_of_name("%"), unit_of_name("down_fn_hh_ftthb_1000"), unit_of_name("Einwohner")
    ('percent', 'percent', 'count')
    """
    if not text:
        return None
    word = _UNIT_WORDS.get(text.strip().lower())
    if word:
        return word
    if _COUNT_COLUMNS.match(text):
        return "count"
    return "percent" if _PERCENT_COLUMNS.match(text) else None


@dataclass(frozen=True)
class ValueSummary:
    """What the overlay saw of a layer's valid values: their range and whether all are 0 or 1.

    Summaries of tiles add up (:meth:`merge`), so the unit inferred from them does not depend
    on how the work was cut.
    """

    low: float = np.inf
    high: float = -np.inf
    only_01: bool = True
    integers: bool = True  # stored as integers (a 0/1 byte raster is binary beyond doubt)

    @classmethod
    def of(cls, values: np.ndarray) -> ValueSummary:
        """The summary of ``values`` (valid cells only, native dtype)."""
        if values.size == 0:
            return cls()
        low = 0.0 if values.dtype.kind in "ub" else float(values.min())
        high = float(values.max())
        only_01 = low >= 0 and high <= 1
        if only_01 and values.dtype.kind == "f":
            only_01 = bool(((values == 0) | (values == 1)).all())
        return cls(low, high, only_01, values.dtype.kind in "uib")

    def fits(self, unit: str | None) -> bool:
        """Whether every value summarized lies in ``unit``'s range (0 to 100 when None)."""
        if self.low > self.high:  # nothing summarized
            return True
        low, high = RANGES[unit or "percent"]
        fine = self.low >= low and self.high <= high and bool(np.isfinite(self.high))
        return fine and (unit != "binary" or self.only_01)

    def merge(self, other: ValueSummary) -> ValueSummary:
        return ValueSummary(
            min(self.low, other.low),
            max(self.high, other.high),
            self.only_01 and other.only_01,
            self.integers and other.integers,
        )


def resolve_unit(declared: str | None, seen: ValueSummary, name: str) -> str:
    """The unit of a coverage layer: the declared one, else the one ``seen`` values allow
    without ambiguity (see the module's rule).

    Examples
    --------
    >>> resolve_unit(None, ValueSummary(0.0, 87.0, False), "fttbh")
    'percent'
    >>> resolve_unit("percent", ValueSummary(0.0, 1.0, True), "fttbh")
    'percent'
    """
    if declared is not None:
        return declared
    if seen.high > 1:
        return "percent"
    if seen.only_01 and seen.integers:
        return "binary"  # the commonest input: a byte raster of 0 and 1
    if seen.only_01:
        warn(
            f"layer {name!r} holds only 0 and 1 in the municipalities: read as binary "
            "(covered or not); if it is percent, say unit='percent' (unit='binary' silences "
            "this warning)",
            UnitWarning,
        )
        return "binary"
    raise UnitError(
        f"layer {name!r} holds values between 0 and 1 (largest {seen.high:g}): fractions of "
        "each cell or small percentages? say unit='fraction' or unit='percent'"
    )
