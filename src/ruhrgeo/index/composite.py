"""The composite index: normalisation, weights, sub-indices, ranks, regions.

Method (documented choices, since the Digital-Index Ruhr does not publish its own):

- **Normalisation** per indicator, direction respected (for "lower is better" the scale is
  turned so that 100 or the top value is always best):
  ``minmax`` 100 (x - min) / (max - min) (Prognos); ``minmax_zero`` 100 x / max, fixed zero
  (Bitkom), lower-better 100 (max - x) / max; ``zscore`` (x - mean) / sd (population sd),
  sign flipped for lower-better; ``reference`` 100 x / ref (IW: reference = 100), ref the
  mean, a given value per indicator or the mean of a reference group, lower-better
  100 ref / x.
- **Weights**: indicator weights are relative within their area and normalised to sum 1
  there; the area sub-index is the weighted mean of its normalised indicators; the total is
  the weighted mean of the sub-indices with the area weights (equal by default).
- **Ranks**: 1 is best; ties share the best rank of the tie ("competition" ranking 1, 2, 2, 4).
- **above_average**: the total is above the unweighted mean of the municipalities' totals.
- **Missing values**: ``error`` (default) names them; ``skip`` renormalises the weights over
  the indicators a municipality has (within its area, and over areas if an area is
  empty), with a warning; ``impute`` replaces a missing value by the indicator's median
  before normalising, with a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from ruhrgeo._validate import require_unique
from ruhrgeo.errors import (
    IndexWarning,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    StatisticsError,
)
from ruhrgeo.index.spec import IndicatorSpec, load_spec

__all__ = ["METHODS", "compare_regions", "composite", "need_ranking", "normalize"]

Method = Literal["minmax", "minmax_zero", "zscore", "reference"]
METHODS: tuple[str, ...] = ("minmax", "minmax_zero", "zscore", "reference")
MissingPolicy = Literal["error", "skip", "impute"]


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


def composite(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    method: Method = "minmax",
    weights: Mapping[str, float] | None = None,
    missing: MissingPolicy = "error",
    reference: float | Mapping[str, float] | pd.Index | list[str] | None = None,
) -> pd.DataFrame:
    """The index: sub-index per area, total, rank and ``above_average``, indexed by AGS.

    Parameters
    ----------
    df
        One column per indicator of ``spec`` (other columns are ignored), indexed by AGS.
    spec
        The indicator spec; default the Digital-Index Ruhr spec (:func:`load_spec`).
    method
        The normalisation (see :func:`normalize`).
    weights
        Indicator -> weight, overriding the spec's; weights of an area that do not sum to
        1 are normalised with an :class:`IndexWarning`.
    missing
        ``"error"``, ``"skip"`` or ``"impute"`` (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "y")))
    >>> df = pd.DataFrame({"a": [0.0, 10.0, 5.0], "b": [0.0, 10.0, 10.0], "c": [1.0, 0.0, 2.0]},
    ...                   index=pd.Index(["05000001", "05000002", "05000003"], name="ags"))
    >>> composite(df, spec)[["x", "y", "index", "rank"]]
                  x      y  index  rank
    ags
    05000001    0.0   50.0  25.00     3
    05000002  100.0    0.0  50.00     2
    05000003   75.0  100.0  87.50     1
    """
    spec = spec or load_spec()
    if missing not in ("error", "skip", "impute"):
        raise ParameterError(f"`missing` must be 'error', 'skip' or 'impute', got {missing!r}")
    values = _indicator_values(df, spec)
    values = _handle_missing(values, missing)
    indicator_weights = _weights(spec, weights)
    normalised = normalize(values, method, directions=spec.directions(), reference=reference)
    present = normalised.notna()
    areas = {}
    for area in spec.area_names():
        names = [i.name for i in spec.in_area(area)]
        w = pd.Series({n: indicator_weights[n] for n in names})
        weight_here = present[names].mul(w, axis=1)
        total = weight_here.sum(axis=1)
        areas[area] = (normalised[names].fillna(0) * weight_here).sum(axis=1) / total.where(
            total > 0
        )
    out = pd.DataFrame(areas, index=values.index)
    area_w = pd.Series(spec.areas)
    have = out.notna().mul(area_w, axis=1)
    out["index"] = (out.fillna(0) * have).sum(axis=1) / have.sum(axis=1).where(have.sum(axis=1) > 0)
    out["rank"] = out["index"].rank(ascending=False, method="min").astype("Int64")
    out["above_average"] = out["index"] > out["index"].mean()
    return out


def need_ranking(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    area: str = "infrastructure",
    method: Method = "minmax",
    top: int = 3,
) -> pd.DataFrame:
    """Best and largest improvement need in one area (the study's infrastructure comparison).

    Returns
    -------
    pandas.DataFrame
        Indexed by AGS: the area's sub-index, ``rank_best`` (1 = best), ``rank_need``
        (1 = largest need, the lowest sub-index), ``gap_to_best`` (points behind the best)
        and ``group``: ``best`` for the ``top`` best, ``largest need`` for the ``top``
        lowest, else empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("fttbh", "infrastructure"),))
    >>> df = pd.DataFrame({"fttbh": [80.0, 10.0, 45.0]}, index=["a", "b", "c"])
    >>> need_ranking(df, spec, top=1)["group"].to_dict()
    {'a': 'best', 'c': '', 'b': 'largest need'}
    """
    spec = spec or load_spec()
    if area not in spec.areas:
        raise ParameterError(f"`area` must be one of {spec.area_names()}, got {area!r}")
    sub = IndicatorSpec(spec.name, tuple(spec.in_area(area)), {area: 1.0})
    score = composite(df, sub, method=method)[area]
    out = pd.DataFrame({area: score})
    out["rank_best"] = score.rank(ascending=False, method="min").astype(int)
    out["rank_need"] = score.rank(ascending=True, method="min").astype(int)
    out["gap_to_best"] = score.max() - score
    out["group"] = np.where(
        out["rank_best"] <= top, "best", np.where(out["rank_need"] <= top, "largest need", "")
    )
    return out.sort_values("rank_best")


def compare_regions(
    df: pd.DataFrame,
    region_of: Mapping[str, str] | pd.Series | str,
    spec: IndicatorSpec | None = None,
    *,
    weight: str | None = "population",
    method: Method = "minmax",
) -> pd.DataFrame:
    """The index of regions: indicators aggregated per region, then normalised across regions.

    Each indicator is the ``weight``-weighted mean of its municipalities' values (plain mean
    with ``weight=None``); the regions' values are then normalised and combined as in
    :func:`composite`, so regions are compared with each other, not with municipalities.

    Parameters
    ----------
    region_of
        AGS -> region, a column of ``df``, or 5-digit Kreis key -> region (mapped through
        the first five digits of the AGS).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("fttbh", "infrastructure"),))
    >>> df = pd.DataFrame({"fttbh": [80.0, 10.0, 40.0], "population": [1.0, 1.0, 2.0]},
    ...                   index=["05913000", "05911000", "09162000"])
    >>> regions = {"05913000": "Ruhr", "05911000": "Ruhr", "09162000": "München"}
    >>> compare_regions(df, regions, spec)["rank"].to_dict()  # Ruhr 45 % vs München 40 %
    {'Ruhr': 1, 'München': 2}
    """
    spec = spec or load_spec()
    values = _indicator_values(df, spec)
    regions = _regions(df, region_of)
    w = pd.Series(1.0, index=df.index) if weight is None else _column(df, weight)
    if (w < 0).any() or w.isna().any():
        raise MissingValuesError(f"`{weight}` must be present and >= 0 for every municipality")
    grouped = values.mul(w, axis=0).groupby(regions).sum().div(w.groupby(regions).sum(), axis=0)
    out = composite(grouped, spec, method=method)
    out.insert(0, "municipalities", regions.value_counts().reindex(out.index))
    out.index.name = "region"
    return out.sort_values("rank")


def _indicator_values(df: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    require_unique(df.index, "index", "give each municipality (AGS) one row")
    absent = [n for n in spec.names() if n not in df.columns]
    if absent:
        raise MissingColumnError(
            f"the table lacks {len(absent)} indicator(s) of spec {spec.name!r}: {absent}; "
            f"its columns: {list(df.columns)[:20]}"
        )
    values = df[spec.names()]
    bad = [c for c in values.columns if not pd.api.types.is_numeric_dtype(values[c])]
    if bad:
        raise ParameterError(f"indicator columns must be numeric; not numeric: {bad}")
    return values.astype(float)


def _handle_missing(values: pd.DataFrame, policy: str) -> pd.DataFrame:
    gaps = values.isna()
    if not gaps.any().any():
        return values
    listing = "; ".join(
        f"{c}: {', '.join(map(str, values.index[gaps[c]][:5]))}"
        for c in values.columns
        if gaps[c].any()
    )
    if policy == "error":
        raise MissingValuesError(
            f"{int(gaps.sum().sum())} indicator values are missing ({listing}); fill them or "
            "pass missing='skip' or missing='impute'"
        )
    if policy == "impute":
        warnings.warn(
            f"missing values replaced by the indicator's median: {listing}",
            IndexWarning,
            stacklevel=3,
        )
        return values.fillna(values.median())
    warnings.warn(
        f"missing values skipped, weights renormalised: {listing}", IndexWarning, stacklevel=3
    )
    return values


def _weights(spec: IndicatorSpec, overrides: Mapping[str, float] | None) -> dict[str, float]:
    weights = {i.name: i.weight for i in spec.indicators}
    if overrides:
        unknown = sorted(set(overrides) - set(weights))
        if unknown:
            raise ParameterError(
                f"`weights` names indicators not in the spec: {unknown}; known: {spec.names()}"
            )
        if any(not v >= 0 for v in overrides.values()):
            raise ParameterError(f"`weights` must be >= 0, got {dict(overrides)}")
        weights.update(overrides)
        for area in spec.area_names():
            total = sum(weights[i.name] for i in spec.in_area(area))
            if total <= 0:
                raise ParameterError(f"the weights of area {area!r} are all zero")
            if abs(total - 1) > 1e-9:
                warnings.warn(
                    f"weights of area {area!r} sum to {total:g}; normalised to 1",
                    IndexWarning,
                    stacklevel=3,
                )
    return weights


def _regions(df: pd.DataFrame, region_of: Mapping[str, str] | pd.Series | str) -> pd.Series:
    if isinstance(region_of, str):
        if region_of not in df.columns:
            raise MissingColumnError(f"the table has no column {region_of!r}")
        regions = df[region_of]
    else:
        mapping = pd.Series(region_of)
        by_kreis = bool((mapping.index.astype(str).str.len() == 5).all())
        keys = df.index.str[:5] if by_kreis else df.index
        regions = pd.Series(keys.map(mapping), index=df.index)
    if regions.isna().any():
        missing = list(df.index[regions.isna().to_numpy()][:10])
        raise MissingValuesError(f"no region for the AGS {missing}; extend `region_of`")
    return regions.rename("region")


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        raise MissingColumnError(f"the table has no column {name!r}")
    return pd.to_numeric(df[name], errors="coerce")
