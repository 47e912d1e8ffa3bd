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
)
from ruhrgeo.index.normalise import Method, normalize
from ruhrgeo.index.spec import IndicatorSpec, load_spec

__all__ = ["composite", "indicator_values", "need_ranking"]

MissingPolicy = Literal["error", "skip", "impute"]


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
    values = indicator_values(df, spec)
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


def indicator_values(df: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """The spec's indicator columns of ``df`` as floats, checked (unique AGS, numeric)."""
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
