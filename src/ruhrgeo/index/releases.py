"""Releases over time: how values, indices and ranks changed between two releases."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MissingColumnError, MissingIdError, MissingValuesError, ParameterError

__all__ = ["compare_releases"]

_COMPOSITE = {"index", "rank"}


def compare_releases(
    old: pd.DataFrame,
    new: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    directions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Change of values and ranks per municipality between two releases.

    Works on :func:`~ruhrgeo.index.composite` results (their ``index`` and ``rank``) and on
    indicator tables (e.g. two Breitbandatlas releases): each compared column ``c`` gives
    ``c_old``, ``c_new``, ``c_change`` (new minus old), ``c_rank_old``, ``c_rank_new`` and
    ``c_rank_change`` (positive when a municipality moved up: old rank minus new rank).

    Parameters
    ----------
    old, new
        Tables indexed by AGS, one row per municipality.
    columns
        The columns to compare. Default: ``["index"]`` when both are composite results (its
        ranks are the composite's own), else every numeric column the two have in common.
    directions
        Column -> ``"higher"`` (default) or ``"lower"``: which end ranks first; ranks are
        computed within each release over the municipalities that have a value (ties share
        the best rank, 1, 2, 2, 4), as :func:`~ruhrgeo.index.composite` ranks.

    Returns
    -------
    pandas.DataFrame
        Indexed by AGS (the union of both releases). ``in_both`` is False for municipalities
        in only one release (territorial reforms); their changes are NaN.

    Raises
    ------
    ruhrgeo.errors.MissingIdError
        The two releases share no key.
    ruhrgeo.errors.MissingColumnError
        A compared column is missing, or the releases have no numeric column in common.
    ruhrgeo.errors.ParameterError
        A column that is not numeric, or a direction other than ``higher``/``lower``.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"fttbh": [5.0, 40.0, 10.0]}, index=["a", "b", "c"])
    >>> new = pd.DataFrame({"fttbh": [60.0, 45.0, 10.0]}, index=["a", "b", "c"])
    >>> change = compare_releases(old, new)
    >>> change[["fttbh_change", "fttbh_rank_change"]].to_dict("list")
    {'fttbh_change': [55.0, 5.0, 0.0], 'fttbh_rank_change': [2.0, -1.0, -1.0]}
    """
    for name, frame in (("old", old), ("new", new)):
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(f"`{name}` must be a DataFrame indexed by AGS")
        require_unique(frame.index, name, "give each municipality one row per release")
    common = old.index.intersection(new.index)
    if common.empty:
        raise MissingIdError(
            f"`old` and `new` share no key (e.g. {list(old.index[:3])} vs {list(new.index[:3])}); "
            "both must be indexed by the same keys (8-digit AGS as text, e.g. '05913000')"
        )
    composite_mode = columns is None and _COMPOSITE <= set(old.columns) & set(new.columns)
    names = ["index"] if composite_mode else _columns(old, new, columns)
    directions = dict(directions or {})
    wrong = {c: d for c, d in directions.items() if d not in ("higher", "lower")}
    if wrong:
        raise ParameterError(f"`directions` must be 'higher' or 'lower', got {wrong}")
    parts = []
    for column in names:
        pair = {}
        for label, frame in (("old", old), ("new", new)):
            values = _values(frame, column, label)
            rank = (
                frame["rank"].astype(float)
                if composite_mode
                else values.rank(
                    ascending=directions.get(column, "higher") == "lower", method="min"
                )
            )
            pair[f"{column}_{label}"] = values
            pair[f"{column}_rank_{label}"] = rank
        both = pd.DataFrame(pair)
        both[f"{column}_change"] = both[f"{column}_new"] - both[f"{column}_old"]
        both[f"{column}_rank_change"] = both[f"{column}_rank_old"] - both[f"{column}_rank_new"]
        order = ["old", "new", "change", "rank_old", "rank_new", "rank_change"]
        parts.append(both[[f"{column}_{part}" for part in order]])
    out = pd.concat(parts, axis=1)
    out.index.name = old.index.name or new.index.name or "ags"
    out["in_both"] = out.index.isin(old.index) & out.index.isin(new.index)
    return out


def _columns(old: pd.DataFrame, new: pd.DataFrame, columns: list[str] | None) -> list[str]:
    if columns is None:
        numeric = set(old.select_dtypes("number").columns)
        names = [c for c in new.select_dtypes("number").columns if c in numeric]
        if not names:
            raise MissingColumnError(
                "`old` and `new` have no numeric column in common; give `columns`, or two "
                "composite() results (with 'index' and 'rank')"
            )
        return names
    if isinstance(columns, str) or not columns:
        raise ParameterError(f"`columns` must be a non-empty list of names, got {columns!r}")
    for label, frame in (("old", old), ("new", new)):
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise MissingColumnError(
                f"`{label}` has no column {absent} (columns: {list(frame.columns)[:20]})"
            )
    return list(columns)


def _values(frame: pd.DataFrame, column: str, label: str) -> pd.Series:
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ParameterError(f"`{label}`[{column!r}] is not numeric ({values.dtype})")
    values = values.astype(float)
    if np.isinf(values).any():
        raise MissingValuesError(
            f"`{label}`[{column!r}] is infinite for {list(values.index[np.isinf(values)][:5])}; "
            "fix those values first"
        )
    return values
