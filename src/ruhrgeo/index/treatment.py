"""Outlier treatment by the skew/kurtosis rule (COINr's ``Treat``), reported per indicator.

An indicator fails when |skew| > ``skew`` and kurtosis > ``kurtosis`` (sample-adjusted
skewness G1 and excess kurtosis G2, as COINr and e1071 type 2; defaults 2 and 3.5). A failing
indicator is winsorized one extreme at a time, on the side of its skew (the largest value(s)
set to the next largest, or the smallest to the next smallest), until it passes or ``winmax``
values have been changed. If it still fails, the winsorization is undone and the original
values are transformed: ``log`` is COINr's ``log_CT_plus`` (positive skew: log(x - min + a),
negative skew: -log(max + a - x), a = 0.01 (max - min)); ``boxcox`` is scipy's Box-Cox of
x - min + 1 with the maximum-likelihood lambda; ``None`` keeps the winsorized values. Both
transforms keep the order of the values, so directions hold.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ruhrgeo._params import number, whole_number
from ruhrgeo.errors import MethodError, StatisticsError
from ruhrgeo.index._frames import numeric_table

__all__ = ["TRANSFORMS", "Treated", "treat"]

TRANSFORMS: tuple[str | None, ...] = ("log", "boxcox", None)
MIN_VALUES = 4  # the sample kurtosis needs four values


class Treated(NamedTuple):
    """The treated values and the report: one row per indicator saying what was done and why.

    Attributes
    ----------
    values : pandas.DataFrame
        The treated table.
    report : pandas.DataFrame
        Per indicator: what was done (winsorized values, transformation) and why.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import treat
    >>> treated = treat(pd.DataFrame({"a": [1.0, 2, 3, 4, 100]}))
    >>> sorted(treated.report.columns)[:2]
    ['action', 'changed']
    """

    values: pd.DataFrame
    report: pd.DataFrame


def treat(
    df: pd.DataFrame,
    *,
    transform: str | None = "log",
    winmax: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
) -> Treated:
    """Treat outliers in every column of ``df`` (the rule in the module docstring).

    Parameters
    ----------
    df
        Indicator values, indexed by the units' key.
    transform
        ``"log"``, ``"boxcox"`` or None: the transformation of columns that winsorizing
        ``winmax`` values does not bring within the thresholds.
    winmax
        The most values winsorized per column.
    skew, kurtosis
        The thresholds of absolute skewness and kurtosis above which a column is treated.

    Returns
    -------
    Treated
        ``values`` (a new DataFrame) and ``report`` indexed by indicator: ``skew``,
        ``kurtosis``, ``action`` (``none``, ``winsorized``, ``log``, ``boxcox``, ``untested``),
        ``changed`` (number of values changed), ``changed_ags``, ``skew_after``,
        ``kurtosis_after``, ``passes`` (after treatment) and ``reason``.

    Raises
    ------
    ruhrgeo.errors.MethodError
        An unknown transform, or thresholds that are not finite numbers.
    ruhrgeo.errors.IndicatorValueError
        Columns that are not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"v": [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 60]})
    >>> values, report = treat(df)
    >>> report.loc["v", "action"], int(report.loc["v", "changed"]), float(values["v"].max())
    ('winsorized', 1, 5.0)
    """
    if transform not in TRANSFORMS:
        raise MethodError(f"`transform` must be one of {TRANSFORMS}, got {transform!r}")
    winmax = whole_number(winmax, "winmax", low=0, error=MethodError)
    skew = number(skew, "skew", error=MethodError)
    kurtosis = number(kurtosis, "kurtosis", error=MethodError)
    df = numeric_table(df, "the table to treat")
    values = df.copy()
    rows = {}
    for column in df.columns:
        x = df[column].to_numpy()
        treated, row = _treat_column(x, column, df.index, transform, winmax, skew, kurtosis)
        values[column] = treated
        rows[column] = row
    report = pd.DataFrame.from_dict(rows, orient="index")
    report.index.name = "indicator"
    return Treated(values, report)


def _moments(x: np.ndarray) -> tuple[float, float]:
    present = x[~np.isnan(x)]
    present = present / np.abs(present).max()  # both moments are scale-free; no overflow
    return (
        float(stats.skew(present, bias=False)),
        float(stats.kurtosis(present, fisher=True, bias=False)),
    )


def _treat_column(
    x: np.ndarray,
    column: str,
    index: pd.Index,
    transform: str | None,
    winmax: int,
    skew: float,
    kurt: float,
) -> tuple[np.ndarray, dict[str, Any]]:
    present = x[~np.isnan(x)]
    row: dict[str, Any] = {"skew": np.nan, "kurtosis": np.nan, "action": "none", "changed": 0}
    row.update(changed_ags="", skew_after=np.nan, kurtosis_after=np.nan, passes=True)
    if len(present) < MIN_VALUES or np.ptp(present) == 0:
        why = "constant" if len(present) >= MIN_VALUES else f"{len(present)} values"
        return x, {**row, "action": "untested", "reason": f"{why}: skew/kurtosis not defined"}

    def fails(s: float, k: float) -> bool:
        return abs(s) > skew and k > kurt

    s0, k0 = _moments(x)
    row.update(skew=s0, kurtosis=k0)
    if not fails(s0, k0):
        limits = f"|skew| <= {skew:g} or kurtosis <= {kurt:g}"
        return x, {**row, "skew_after": s0, "kurtosis_after": k0, "reason": f"passes: {limits}"}
    y = x.copy()
    changed = np.zeros(len(x), dtype=bool)
    s, k = s0, k0
    while fails(s, k) and changed.sum() < winmax:
        finite = y[~np.isnan(y)]
        extreme = finite.max() if s >= 0 else finite.min()
        rest = finite[finite != extreme]
        if len(np.unique(rest)) < 2:  # winsorizing further would leave a constant
            break
        hit = y == extreme
        y[hit] = rest.max() if s >= 0 else rest.min()
        changed |= hit
        s, k = _moments(y)
    failing = f"|skew| {abs(s0):.2f} > {skew:g} and kurtosis {k0:.2f} > {kurt:g}"
    if not fails(s, k):
        ags = ", ".join(map(str, index[changed]))
        return y, {
            **row,
            "action": "winsorized",
            "changed": int(changed.sum()),
            "changed_ags": ags,
            "skew_after": s,
            "kurtosis_after": k,
            "reason": f"{failing}: winsorized {int(changed.sum())} value(s) ({ags}) to pass",
        }
    if transform is None:
        ags = ", ".join(map(str, index[changed]))
        return y, {
            **row,
            "action": "winsorized",
            "changed": int(changed.sum()),
            "changed_ags": ags,
            "skew_after": s,
            "kurtosis_after": k,
            "passes": False,
            "reason": f"{failing}: winsorized {winmax} value(s), still fails (no transform)",
        }
    with np.errstate(all="ignore"):
        z, detail = _transform(x, transform, s0)
    if not np.isfinite(z[~np.isnan(x)]).all():
        raise StatisticsError(
            f"`{column}`: the values are too large for {transform} ({detail}); rescale them"
        )
    s2, k2 = _moments(z)
    return z, {
        **row,
        "action": transform,
        "changed": len(present),
        "skew_after": s2,
        "kurtosis_after": k2,
        "passes": not fails(s2, k2),
        "reason": f"{failing}; {winmax} winsorized value(s) were not enough: {detail}",
    }


def _transform(x: np.ndarray, transform: str, skew: float) -> tuple[np.ndarray, str]:
    lo, hi = np.nanmin(x), np.nanmax(x)
    if transform == "log":
        a = 0.01 * (hi - lo)
        if skew > 0:
            return np.log(x - lo + a), "log(x - min + 0.01 (max - min))"
        return -np.log(hi + a - x), "-log(max + 0.01 (max - min) - x)"
    shifted = x - lo + 1
    out = np.full(len(x), np.nan)
    present = ~np.isnan(x)
    out[present], lam = stats.boxcox(shifted[present])
    return out, f"Box-Cox of x - min + 1, lambda {lam:.3f}"
