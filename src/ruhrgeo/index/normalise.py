"""Normalisation of indicators onto a common scale, direction respected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd

from ruhrgeo.errors import MissingColumnError, ParameterError, StatisticsError

__all__ = ["METHODS", "Method", "normalize"]

Method = Literal["minmax", "minmax_zero", "zscore", "reference"]
METHODS: tuple[str, ...] = ("minmax", "minmax_zero", "zscore", "reference")


def normalize(
    df: pd.DataFrame,
    method: Method = "minmax",
    *,
    directions: Mapping[str, str] | None = None,
    reference: float | Mapping[str, float] | pd.Index | list[str] | None = None,
) -> pd.DataFrame:
    """Normalise every column of ``df`` (see the module docstring for the formulas).

    Parameters
    ----------
    df
        Indicator values, one column per indicator, indexed by AGS.
    method
        ``minmax``, ``minmax_zero``, ``zscore`` or ``reference``.
    directions
        Column -> ``"higher"`` or ``"lower"`` (is better); default higher for all.
    reference
        For ``reference``: None (the column mean = 100), a value per column (mapping) or
        for all (float), or the AGS of a reference group whose mean = 100.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [10.0, 20.0, 30.0], "cost": [1.0, 2.0, 5.0]})
    >>> normalize(df, directions={"cost": "lower"}).round(1).to_dict("list")
    {'a': [0.0, 50.0, 100.0], 'cost': [100.0, 75.0, 0.0]}
    """
    if method not in METHODS:
        raise ParameterError(f"`method` must be one of {METHODS}, got {method!r}")
    directions = directions or {}
    out = {}
    for column in df.columns:
        x = pd.to_numeric(df[column], errors="raise").astype(float)
        lower = directions.get(column, "higher") == "lower"
        out[column] = _scale(
            x, method, lower, _reference(x, column, reference) if method == "reference" else None
        )
    return pd.DataFrame(out, index=df.index)


def _scale(x: pd.Series, method: str, lower: bool, ref: float | None) -> pd.Series:
    lo, hi = x.min(), x.max()
    if method == "minmax":
        if hi == lo:
            raise StatisticsError(f"`{x.name}` is constant ({lo}); min-max cannot scale it")
        return 100 * ((hi - x) if lower else (x - lo)) / (hi - lo)
    if method == "minmax_zero":
        if hi <= 0 or lo < 0:
            raise StatisticsError(f"`{x.name}` needs values >= 0 and a positive maximum")
        return 100 * ((hi - x) if lower else x) / hi
    if method == "zscore":
        sd = x.std(ddof=0)
        if sd == 0:
            raise StatisticsError(f"`{x.name}` is constant ({lo}); a z-score cannot scale it")
        return ((x.mean() - x) if lower else (x - x.mean())) / sd
    if ref is None or ref <= 0:
        raise StatisticsError(f"`{x.name}`: the reference must be positive, got {ref}")
    if lower and (x <= 0).any():
        raise StatisticsError(f"`{x.name}`: lower-is-better with reference needs values > 0")
    return 100 * ref / x if lower else 100 * x / ref


def _reference(x: pd.Series, column: str, reference: object) -> float:
    if reference is None:
        return float(x.mean())
    if isinstance(reference, int | float):
        return float(reference)
    if isinstance(reference, Mapping):
        if column not in reference:
            raise ParameterError(f"`reference` has no value for {column!r}")
        return float(reference[column])
    group = pd.Index(reference)  # a reference group of AGS
    unknown = group.difference(x.index)
    if len(unknown):
        raise MissingColumnError(f"`reference` names AGS not in the table: {list(unknown[:5])}")
    return float(x.loc[group].mean())
