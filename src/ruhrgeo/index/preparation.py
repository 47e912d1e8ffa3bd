"""Preparing indicator data as COINr does before an index: denomination (per capita, per
area, per employee) and screening of units and indicators by data availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ruhrgeo._params import choice, number
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MissingColumnError, MissingValuesError, ParameterError, StatisticsError
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["Screened", "denominate", "screen"]


def denominate(
    table: pd.DataFrame,
    denominators: pd.DataFrame,
    by: IndicatorSpec | Mapping[str, str],
    *,
    per: float | Mapping[str, float] = 1.0,
) -> pd.DataFrame:
    """Indicators divided by their denominators (COINr's ``Denominate``): counts become rates.

    Parameters
    ----------
    table
        Indicator values, indexed by the units' key.
    denominators
        Denominator columns (population, area_km2, employees), indexed by the same keys.
    by
        Indicator -> denominator column, or a spec whose indicators name theirs
        (``Indicator.denominator``); indicators without one stay as they are.
    per
        A factor (1000: per 1,000 inhabitants), one for all or per indicator.

    Returns
    -------
    pandas.DataFrame
        ``table`` with the denominated columns replaced; ``attrs["denominated"]`` maps each
        to its denominator.

    Raises
    ------
    ruhrgeo.errors.MissingValuesError
        A unit of ``table`` has no denominator value.
    ruhrgeo.errors.StatisticsError
        A denominator is 0, negative or not finite.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"startups": [12.0, 3.0], "fttbh": [40.0, 10.0]}, index=["a", "b"])
    >>> people = pd.DataFrame({"population": [60000.0, 5000.0]}, index=["a", "b"])
    >>> denominate(table, people, {"startups": "population"}, per=1000).to_dict("list")
    {'startups': [0.2, 0.6], 'fttbh': [40.0, 10.0]}
    """
    if not isinstance(table, pd.DataFrame) or not isinstance(denominators, pd.DataFrame):
        raise ParameterError("`table` and `denominators` must be tables indexed by the key")
    require_unique(table.index, "table", "give each unit one row")
    require_unique(denominators.index, "denominators", "give each unit one row")
    if isinstance(by, IndicatorSpec):
        pairs = {i.name: i.denominator for i in by.indicators if i.denominator}
    elif isinstance(by, Mapping):
        pairs = dict(by)
    else:
        raise ParameterError(
            f"`by` must be a spec or a mapping indicator -> denominator, got {by!r}"
        )
    if not pairs:
        raise ParameterError("nothing to denominate: no indicator names a denominator")
    absent = [c for c in pairs if c not in table.columns]
    missing_denominators = [d for d in set(pairs.values()) if d not in denominators.columns]
    if absent or missing_denominators:
        raise MissingColumnError(
            f"indicators {absent} are not in `table`; denominators {sorted(missing_denominators)} "
            f"are not in `denominators` (columns: {list(denominators.columns)[:20]})"
        )
    out = table.copy()
    for indicator, denominator in pairs.items():
        factor = per.get(indicator, 1.0) if isinstance(per, Mapping) else per
        factor = number(factor, f"per of {indicator}", low=0, low_open=True)
        base = pd.to_numeric(denominators[denominator], errors="coerce").reindex(table.index)
        lacking = base.index[base.isna()]
        if len(lacking):
            raise MissingValuesError(
                f"`{denominator}` has no value for {len(lacking)} units of the table (e.g. "
                f"{list(lacking[:5])}); give every unit a denominator"
            )
        bad = base.index[~np.isfinite(base) | (base <= 0)]
        if len(bad):
            raise StatisticsError(
                f"`{denominator}` must be > 0 and finite to divide by; not for {list(bad[:5])}"
            )
        values = pd.to_numeric(table[indicator], errors="coerce")
        out[indicator] = values / base * factor
    out.attrs["denominated"] = pairs
    return out


@dataclass(frozen=True)
class Screened:
    """What screening kept and removed.

    Attributes
    ----------
    table : pandas.DataFrame
        The table without the removed units and indicators.
    units, indicators : pandas.DataFrame
        Per unit and per indicator: ``availability`` (share of values present),
        ``nonzero`` (with ``min_nonzero``) and ``kept``.
    removed_units : list
        The keys of the removed units.
    removed_indicators : list of str
        The removed indicators.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> from ruhrgeo.index import screen
    >>> table = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, np.nan]}, index=["p", "q"])
    >>> screen(table, min_availability=0.5).removed_units
    ['q']
    """

    table: pd.DataFrame
    units: pd.DataFrame
    indicators: pd.DataFrame
    removed_units: list
    removed_indicators: list[str]


def screen(
    table: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    min_availability: float = 0.66,
    min_nonzero: float | None = None,
    by: str = "units",
) -> Screened:
    """Screen units (and/or indicators) by data availability (COINr's ``Screen``): those with
    less than ``min_availability`` of their values present are removed, and reported.

    Parameters
    ----------
    table
        Indicator values (the spec's columns, or every numeric column without a spec).
    spec
        The indicators to screen (default: every numeric column).
    min_availability
        The least share of present values (0 to 1) a unit or indicator keeps.
    min_nonzero
        Optionally also the least share of non-zero values (COINr's ``nonzero_thresh``).
    by
        ``"units"``, ``"indicators"`` or ``"both"`` (indicators first, then units).

    Returns
    -------
    Screened
        The kept table and the report of every unit's and indicator's availability.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.ParameterError
        A threshold outside 0 to 1, or an unknown ``by``.
    ruhrgeo.errors.StatisticsError
        Screening removes every unit or every indicator.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> table = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, np.nan, np.nan],
    ...                       "c": [2.0, 5.0, 1.0]}, index=["x", "y", "z"])
    >>> screened = screen(table, min_availability=0.5)
    >>> screened.removed_units, screened.units["availability"].round(2).tolist()
    (['y'], [1.0, 0.33, 0.67])
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"`table` must be a DataFrame, got {type(table).__name__}")
    require_unique(table.index, "table", "give each unit one row")
    names = spec.names() if spec is not None else list(table.select_dtypes("number").columns)
    absent = [c for c in names if c not in table.columns]
    if absent or not names:
        raise MissingColumnError(f"the table lacks the indicators {absent or 'all'}")
    threshold = number(min_availability, "min_availability", low=0, high=1)
    nonzero = None if min_nonzero is None else number(min_nonzero, "min_nonzero", low=0, high=1)
    by = choice(by, "by", ("units", "indicators", "both"))
    values = table[names].apply(pd.to_numeric, errors="coerce")
    indicators = _availability(values, 0, threshold, nonzero)
    kept_indicators = list(indicators.index[indicators["kept"]]) if by != "units" else names
    if not kept_indicators:
        raise StatisticsError("screening removes every indicator; lower `min_availability`")
    units = _availability(values[kept_indicators], 1, threshold, nonzero)
    if by == "indicators":
        units["kept"] = True
    if not units["kept"].any():
        raise StatisticsError("screening removes every unit; lower `min_availability`")
    removed_units = list(units.index[~units["kept"]])
    removed_indicators = [c for c in names if c not in kept_indicators]
    screened = table.drop(index=removed_units, columns=removed_indicators)
    return Screened(screened, units, indicators, removed_units, removed_indicators)


def _availability(
    values: pd.DataFrame, axis: int, threshold: float, nonzero: float | None
) -> pd.DataFrame:
    present = values.notna().mean(axis=axis)
    report = pd.DataFrame({"availability": present})
    kept = present >= threshold
    if nonzero is not None:
        report["nonzero"] = (values.fillna(0) != 0).mean(axis=axis)
        kept &= report["nonzero"] >= nonzero
    report["kept"] = kept
    return report
