"""Imputation of missing indicator values, each filled cell reported.

``mean`` and ``median`` fill a gap with the indicator's mean or median over all
municipalities; ``group_mean`` and ``group_median`` with that over the municipalities of the
same group (``by``, e.g. the Kreis). The alternative, leaving values missing and
re-weighting, is ``composite(..., missing="skip")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MethodError, MissingIdError, MissingValuesError
from ruhrgeo.index._frames import numeric_table

__all__ = ["IMPUTATIONS", "Imputed", "impute"]

IMPUTATIONS: tuple[str, ...] = ("mean", "median", "group_mean", "group_median")
REPORT_COLUMNS = ["ags", "indicator", "imputed", "method", "group"]


class Imputed(NamedTuple):
    """The filled values and one report row per filled cell (ags, indicator, imputed value,
    method, group).

    Attributes
    ----------
    values : pandas.DataFrame
        The table with every missing value filled.
    report : pandas.DataFrame
        One row per filled cell: ``ags``, ``indicator``, ``imputed``, ``method``, ``group``.

    Examples
    --------
    >>> import pandas as pd, numpy as np
    >>> from ruhrgeo.index import impute
    >>> filled = impute(pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=["p", "q", "r"]))
    >>> filled.values["a"].tolist(), len(filled.report)
    ([1.0, 2.0, 3.0], 1)
    """

    values: pd.DataFrame
    report: pd.DataFrame


def impute(
    df: pd.DataFrame,
    method: str = "median",
    *,
    by: pd.Series | Mapping[str, object] | None = None,
) -> Imputed:
    """Fill the missing values of every column of ``df``.

    Parameters
    ----------
    df
        Numeric indicator values indexed by AGS.
    method
        ``mean``, ``median``, ``group_mean`` or ``group_median``.
    by
        For the group methods: AGS -> group (a Series indexed like ``df`` or a mapping)
        for every row of ``df``.

    Returns
    -------
    Imputed
        ``values`` (the filled table) and ``report`` (one row per filled cell: ``ags``,
        ``indicator``, ``imputed``, ``method``, ``group``).

    Raises
    ------
    ruhrgeo.errors.MethodError
        An unknown method, or a group method without ``by``.
    ruhrgeo.errors.IndicatorValueError
        Columns that are not numeric.
    ruhrgeo.errors.MissingValuesError
        A column (or group) without any value to impute from.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"v": [1.0, None, 3.0, 10.0]}, index=["a", "b", "c", "d"])
    >>> kreis = {"a": "K1", "b": "K1", "c": "K1", "d": "K2"}
    >>> impute(df, "group_mean", by=kreis).values["v"].tolist()
    [1.0, 2.0, 3.0, 10.0]
    """
    if method not in IMPUTATIONS:
        raise MethodError(f"imputation `method` must be one of {IMPUTATIONS}, got {method!r}")
    df = numeric_table(df, "the table to impute")
    grouped = method.startswith("group_")
    if grouped != (by is not None):
        raise MethodError(
            f"imputation {method!r} "
            + ("needs `by` (AGS -> group)" if grouped else "takes no `by`; use group_mean")
        )
    statistic = method.removeprefix("group_")
    gaps = df.isna()
    values = df.copy()
    rows = []
    if grouped:
        groups = _groups(df.index, by)
        fill = df.groupby(groups).transform(statistic)
    else:
        groups = pd.Series("all", index=df.index)
        fill = pd.DataFrame({c: df[c].agg(statistic) for c in df.columns}, index=df.index)
    for column in df.columns:
        where = gaps[column]
        if not where.any():
            continue
        empty = where & fill[column].isna()
        if empty.any():
            raise MissingValuesError(
                f"`{column}` has no value to impute from for {list(df.index[empty][:5])} "
                f"(group {sorted(set(groups[empty].astype(str)))[:5]} is empty); fill them "
                "or impute by 'median'"
            )
        values.loc[where, column] = fill.loc[where, column]
        for ags in df.index[where]:
            rows.append((ags, column, float(fill.at[ags, column]), method, groups[ags]))
    return Imputed(values, pd.DataFrame(rows, columns=REPORT_COLUMNS))


def _groups(index: pd.Index, by: pd.Series | Mapping[str, object]) -> pd.Series:
    if isinstance(by, pd.Series):
        require_unique(by.index, "by", "give each AGS one group")
        groups = by.reindex(index)
    elif isinstance(by, Mapping):
        groups = pd.Series([by.get(a) for a in index], index=index, dtype=object)
    else:
        raise MethodError(f"`by` must be a Series or mapping AGS -> group, got {type(by)}")
    missing = groups.isna()
    if missing.any():
        raise MissingIdError(
            f"`by` has no group for {int(missing.sum())} AGS, e.g. {list(index[missing][:5])}; "
            "give every municipality its group"
        )
    return groups
