"""Normalization of indicators onto a common scale, direction respected (COINr's set).

Every normalizer maps a column so that a higher score is better. For linear and rank
methods an indicator whose lower values are better is turned by normalizing ``-x``, as COINr
does; for the ratio methods (``fracmax``, ``reference``) the turned formula is given below.
Bounded scores are in points: COINr's fractions x 100.

============  =============================================  ==============================
method        higher is better                               lower is better
============  =============================================  ==============================
minmax        l + (u - l) (x - min) / (max - min)            l + (u - l) (max - x) / (max - min)
zscore        m + s (x - mean) / sd  (sample sd, ddof 1)     m + s (mean - x) / sd
scaled        scale (x - lo) / (hi - lo)                     scale (hi - x) / (hi - lo)
goalposts     scale (x - lo) / (hi - lo), cut to [0, scale]  scale (hi - x) / (hi - lo), cut
rank          rank of x (1 = lowest; ties ``min``)           rank of -x
borda         rank - 1                                       rank of -x, - 1
prank         100 (rank - 1) / (n - 1)                       on -x
fracmax       100 x / max  (fixed zero)                      100 (max - x) / max
dist2max      100 (1 - (max - x) / (max - min))              100 (1 - (x - min) / (max - min))
dist2ref      100 (x - min) / (x_ref - min)                  100 (max - x) / (max - x_ref)
dist2targ     100 (x - min) / (target - min)                 100 (max - x) / (max - target)
reference     100 x / ref  (ref = 100; IW)                   100 ref / x
============  =============================================  ==============================

Parameters (``params``, one value for all columns or a mapping column -> value):
``bounds`` (l, u) = (0, 100) for minmax; ``mean_sd`` (m, s) = (0, 1) for zscore; ``range``
(lo, hi) = (0, 100) and ``scale`` = 100 for scaled; ``goalposts`` (lo, hi), ``scale`` = 100
and ``cap`` = True for goalposts; ``ties`` = ``"min"`` for rank, borda, prank (pandas rank
methods); ``reference`` (the AGS of the reference municipality) and ``cap`` = False for
dist2ref; ``target`` and ``cap`` = False for dist2targ (``cap`` cuts scores at 100);
``reference`` for reference: None (the column mean), a number, an AGS, or a list of AGS
whose mean is 100. Columns a mapping does not name take the default. Missing values (NaN)
stay missing; the statistics use the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from ruhrgeo import _names
from ruhrgeo.errors import MethodError, MissingColumnError, StatisticsError
from ruhrgeo.index._frames import numeric_table

__all__ = ["METHODS", "NORMALIZERS", "PARAMETERS", "Method", "Normalizer", "normalize"]

Method = Literal[
    "minmax",
    "zscore",
    "scaled",
    "goalposts",
    "rank",
    "borda",
    "prank",
    "fracmax",
    "dist2max",
    "dist2ref",
    "dist2targ",
    "reference",
]
# (values, lower is better, parameters, column name, the table's index) -> scores
Normalizer: TypeAlias = Callable[[np.ndarray, bool, dict[str, Any], str, pd.Index], np.ndarray]
REQUIRED = object()  # a parameter without default
RANK = {"ties": "min"}
PARAMETERS: dict[str, dict[str, Any]] = {
    "minmax": {"bounds": (0.0, 100.0)},
    "zscore": {"mean_sd": (0.0, 1.0)},
    "scaled": {"range": (0.0, 100.0), "scale": 100.0},
    "goalposts": {"goalposts": REQUIRED, "scale": 100.0, "cap": True},
    "rank": RANK,
    "borda": RANK,
    "prank": RANK,
    "fracmax": {},
    "dist2max": {},
    "dist2ref": {"reference": REQUIRED, "cap": False},
    "dist2targ": {"target": REQUIRED, "cap": False},
    "reference": {"reference": None},
}
METHODS = _names.NORMALIZATIONS
TIES = ("average", "min", "max", "first", "dense")


def normalize(
    df: pd.DataFrame,
    method: Method = "minmax",
    *,
    directions: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Normalize every column of ``df`` (formulas and parameters in the module docstring).

    Parameters
    ----------
    df
        Indicator values (finite numbers or NaN), one column per indicator, indexed by AGS.
    method
        One of :data:`METHODS`.
    directions
        Column -> ``"higher"`` or ``"lower"`` (is better); default higher for all.
    params
        The method's parameters, each one value or a mapping column -> value.

    Returns
    -------
    pandas.DataFrame
        The normalized values, indexed and labeled like ``df``.

    Raises
    ------
    ruhrgeo.errors.MethodError
        An unknown method, or parameters it does not take or lacks.
    ruhrgeo.errors.IndicatorValueError
        Columns that are not numeric, or infinite values.
    ruhrgeo.errors.StatisticsError
        A column the method cannot scale (one value, no spread).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [10.0, 20.0, 30.0], "cost": [1.0, 2.0, 5.0]})
    >>> normalize(df, directions={"cost": "lower"}).round(1).to_dict("list")
    {'a': [0.0, 50.0, 100.0], 'cost': [100.0, 75.0, 0.0]}
    >>> normalize(df, "dist2targ", params={"target": {"a": 25, "cost": 2}, "cap": True},
    ...           directions={"cost": "lower"}).round(1).to_dict("list")
    {'a': [0.0, 66.7, 100.0], 'cost': [100.0, 100.0, 0.0]}
    """
    df = numeric_table(df, "the table to normalize")
    if not isinstance(method, str) or method not in PARAMETERS:
        raise MethodError(f"`method` must be one of {METHODS}, got {method!r}")
    given = dict(params or {})
    unknown = sorted(set(given) - set(PARAMETERS[method]))
    if unknown:
        raise MethodError(
            f"normalizer {method!r} takes the parameters {sorted(PARAMETERS[method]) or 'none'}; "
            f"unknown: {unknown}"
        )
    directions = dict(directions or {})
    bad = {c: d for c, d in directions.items() if d not in ("higher", "lower")}
    if bad:
        raise MethodError(f"`directions` must be 'higher' or 'lower', got {bad}")
    out = {}
    for column in df.columns:
        x = df[column].to_numpy()
        present = int(np.count_nonzero(~np.isnan(x)))
        if present == 0:
            raise StatisticsError(f"`{column}` has no values; a normalizer needs some")
        if present == 1 and method not in ("goalposts", "scaled", "reference", "dist2targ"):
            raise StatisticsError(
                f"`{column}` has one value only (a table of one unit?); {method} compares "
                "units and needs two or more (goalposts or scaled need none)"
            )
        p = {key: _value(given, key, default, column) for key, default in _defaults(method)}
        lower = directions.get(column, "higher") == "lower"
        with np.errstate(all="ignore"):  # overflow shows as non-finite scores, checked next
            scores = NORMALIZERS[method](x, lower, p, column, df.index)
        if not np.isfinite(scores[~np.isnan(x)]).all():
            raise StatisticsError(
                f"`{column}`: {method} gives non-finite scores (values too large or too close "
                "together to scale); rescale the indicator"
            )
        out[column] = scores
    return pd.DataFrame(out, index=df.index, columns=df.columns)


def _defaults(method: str) -> list[tuple[str, Any]]:
    return list(PARAMETERS[method].items())


def _value(given: dict[str, Any], key: str, default: Any, column: str) -> Any:
    value = given.get(key, default)
    if isinstance(value, Mapping):
        value = value.get(column, default)
    if value is REQUIRED:
        raise MethodError(
            f"the normalizer needs `{key}` for `{column}`; give params={{'{key}': {{...}}}} "
            f"or set `{key}` for the indicator in the spec"
        )
    return value


def _pair(value: Any, key: str, column: str, *, increasing: bool = True) -> tuple[float, float]:
    ok = (
        isinstance(value, Sequence | np.ndarray)
        and not isinstance(value, str)
        and len(value) == 2
        and all(_finite(v) for v in value)
    )
    if not ok or (increasing and not value[0] < value[1]):
        order = " with the first < the second" if increasing else ""
        raise MethodError(
            f"`{key}` for `{column}` must be two finite numbers{order}, got {value!r}"
        )
    return float(value[0]), float(value[1])


def _finite(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: Any, key: str, column: str) -> float:
    if not (_finite(value) and value > 0):
        raise MethodError(f"`{key}` for `{column}` must be a finite number > 0, got {value!r}")
    return float(value)


def _flag(value: Any, key: str, column: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise MethodError(f"`{key}` for `{column}` must be True or False, got {value!r}")
    return bool(value)


Scores = np.ndarray  # one score per value, NaN where the value is missing
Params = dict[str, Any]  # one value per parameter of the normalizer


def _minmax(x: np.ndarray, lower: bool, p: Params, column: str, index: pd.Index) -> Scores:
    low, up = _pair(p["bounds"], "bounds", column)
    return low + (up - low) * _fraction(x, lower, column, "minmax")


def _dist2max(
    x: np.ndarray, lower: bool, p: dict[str, Any], column: str, index: pd.Index
) -> Scores:
    return 100 * _fraction(x, lower, column, "dist2max")


def _fraction(x: np.ndarray, lower: bool, column: str, method: str) -> Scores:
    lo, hi = np.nanmin(x), np.nanmax(x)
    if hi == lo:
        raise StatisticsError(f"`{column}` is constant ({lo}); {method} cannot scale it")
    return ((hi - x) if lower else (x - lo)) / (hi - lo)


def _zscore(x: np.ndarray, lower: bool, p: Params, column: str, index: pd.Index) -> Scores:
    mean, sd = _pair(p["mean_sd"], "mean_sd", column, increasing=False)
    _positive(sd, "mean_sd's sd", column)
    spread = np.nanstd(x, ddof=1) if np.count_nonzero(~np.isnan(x)) > 1 else 0.0
    if not spread > 0:
        raise StatisticsError(f"`{column}` is constant ({np.nanmin(x)}); a z-score cannot scale it")
    return mean + sd * ((np.nanmean(x) - x) if lower else (x - np.nanmean(x))) / spread


def _scaled(x: np.ndarray, lower: bool, p: Params, column: str, index: pd.Index) -> Scores:
    start, end = _pair(p["range"], "range", column)
    frac = ((end - x) if lower else (x - start)) / (end - start)
    return _positive(p["scale"], "scale", column) * frac


def _goalposts(
    x: np.ndarray, lower: bool, p: dict[str, Any], column: str, index: pd.Index
) -> Scores:
    start, end = _pair(p["goalposts"], "goalposts", column)
    frac = ((end - x) if lower else (x - start)) / (end - start)
    if _flag(p["cap"], "cap", column):
        frac = np.clip(frac, 0, 1)
    return _positive(p["scale"], "scale", column) * frac


def _ranked(method: str) -> Normalizer:
    def normalizer(
        x: np.ndarray, lower: bool, p: dict[str, Any], column: str, index: pd.Index
    ) -> Scores:
        return _rank(x, method, lower, p["ties"], column)

    return normalizer


def _fracmax(x: np.ndarray, lower: bool, p: Params, column: str, index: pd.Index) -> Scores:
    lo, hi = np.nanmin(x), np.nanmax(x)
    if lo < 0 or not hi > 0:
        raise StatisticsError(
            f"`{column}`: fracmax (a fixed zero) needs values >= 0 and a positive maximum"
        )
    return 100 * ((hi - x) if lower else x) / hi


def _distance(method: str) -> Normalizer:
    def normalizer(
        x: np.ndarray, lower: bool, p: dict[str, Any], column: str, index: pd.Index
    ) -> Scores:
        if method == "dist2ref":
            good = _reference_value(x, p["reference"], column, index, single=True)
        elif _finite(p["target"]):
            good = float(p["target"])
        else:
            raise MethodError(f"`target` for `{column}` must be a finite number")
        worst = np.nanmax(x) if lower else np.nanmin(x)
        if not ((good < worst) if lower else (good > worst)):
            what = "reference municipality" if method == "dist2ref" else "target"
            raise StatisticsError(
                f"`{column}`: the {what} ({good:g}) must be better than the worst value "
                f"({worst:g}); otherwise every score is 0 or the scale turns over"
            )
        y = 100 * (x - worst) / (good - worst)
        return np.minimum(y, 100) if _flag(p["cap"], "cap", column) else y

    return normalizer


def _reference(
    x: np.ndarray, lower: bool, p: dict[str, Any], column: str, index: pd.Index
) -> Scores:
    ref = _reference_value(x, p["reference"], column, index, single=False)
    if lower and np.nanmin(x) <= 0:
        raise StatisticsError(f"`{column}`: lower-is-better with `reference` needs values > 0")
    return 100 * ref / x if lower else 100 * x / ref


NORMALIZERS: dict[str, Normalizer] = {
    "minmax": _minmax,
    "zscore": _zscore,
    "scaled": _scaled,
    "goalposts": _goalposts,
    "rank": _ranked("rank"),
    "borda": _ranked("borda"),
    "prank": _ranked("prank"),
    "fracmax": _fracmax,
    "dist2max": _dist2max,
    "dist2ref": _distance("dist2ref"),
    "dist2targ": _distance("dist2targ"),
    "reference": _reference,
}


def _rank(x: np.ndarray, method: str, lower: bool, ties: Any, column: str) -> np.ndarray:
    if ties not in TIES:
        raise MethodError(f"`ties` for `{column}` must be one of {TIES}, got {ties!r}")
    ranks = pd.Series(-x if lower else x).rank(method=ties).to_numpy()
    if method == "rank":
        return ranks
    if method == "borda":
        return ranks - 1
    present = np.count_nonzero(~np.isnan(x))
    if present < 2:
        raise StatisticsError(f"`{column}` has {present} value; a percentile rank needs two")
    return 100 * (ranks - 1) / (present - 1)


def _reference_value(
    x: np.ndarray, reference: Any, column: str, index: pd.Index, *, single: bool
) -> float:
    if reference is None and not single:
        value = float(np.nanmean(x))
    elif _finite(reference) and not single:
        value = float(reference)
    else:
        group = [reference] if single or isinstance(reference, str) else list(reference)
        if single and (reference is None or not isinstance(reference, str | int)):
            raise MethodError(f"`reference` for `{column}` must be the AGS of one municipality")
        unknown = [g for g in group if g not in index]
        if unknown or not group:
            raise MissingColumnError(
                f"`reference` names AGS not in the table: {unknown[:5] or group}; give AGS of "
                "the table's index"
            )
        value = float(np.nanmean(x[index.get_indexer(group)]))
    if not np.isfinite(value):
        raise StatisticsError(f"`{column}`: the reference value is missing (NaN)")
    if not single and not value > 0:
        raise StatisticsError(f"`{column}`: the reference must be positive, got {value:g}")
    return value
