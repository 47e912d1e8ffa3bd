"""The steps shared by composite, weights, audit and uncertainty: checked values, missing
values, normalization with the spec's parameters, weights, and the two-level aggregation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    IndexWarning,
    IndicatorValueError,
    MethodError,
    MissingColumnError,
    MissingValuesError,
    StatisticsError,
    WeightError,
)
from ruhrgeo.index._frames import numeric_table
from ruhrgeo.index.aggregate import check_method, check_weight, scores
from ruhrgeo.index.impute import impute
from ruhrgeo.index.normalize import PARAMETERS, normalize
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.treat import treat

MISSING = ("error", "skip", "mean", "median")
TREATMENTS = (None, "winsorize", "log", "boxcox")
LEVELS = ("areas", "index")


def indicator_values(df: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """The spec's indicator columns of ``df`` as floats, checked (:func:`numeric_table`)."""
    if not isinstance(df, pd.DataFrame):
        raise IndicatorValueError(f"the indicator table must be a DataFrame, got {type(df)}")
    keys = [c for c in df.columns if str(c).lower() == "ags"]
    if keys and isinstance(df.index, pd.RangeIndex):
        raise IndicatorValueError(
            f"the indicator table has a column {keys[0]!r} but is indexed 0, 1, 2, ...; index "
            f"it by AGS first: df.set_index({keys[0]!r})"
        )
    doubled = sorted({str(c) for c in df.columns[df.columns.duplicated()] if c in spec.names()})
    if doubled:
        raise IndicatorValueError(f"the indicator table has the columns {doubled} more than once")
    absent = [n for n in spec.names() if n not in df.columns]
    if absent:
        raise MissingColumnError(
            f"the table lacks {len(absent)} indicator(s) of spec {spec.name!r}: {absent}; "
            f"its columns: {list(df.columns)[:20]}"
        )
    return numeric_table(df[spec.names()])


def handle_missing(values: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Apply the missing-value policy: error, skip (keep NaN), mean or median imputation."""
    if policy not in MISSING:
        raise MethodError(f"`missing` must be one of {MISSING}, got {policy!r}")
    gaps = values.isna()
    if not gaps.any().any():
        return values
    listing = "; ".join(
        f"{c}: {', '.join(map(str, values.index[gaps[c]][:5]))}"
        for c in values.columns
        if gaps[c].any()
    )
    empty = list(values.index[gaps.all(axis=1)][:5])
    if policy == "error":
        raise MissingValuesError(
            f"{int(gaps.sum().sum())} indicator values are missing ({listing}); fill them or "
            "pass missing='skip', 'mean' or 'median'"
        )
    if policy == "skip":
        if empty:
            raise MissingValuesError(f"municipalities {empty} have no indicator value at all")
        warn(f"missing values skipped, weights renormalized: {listing}", IndexWarning)
        return values
    warn(f"missing values replaced by the indicator's {policy}: {listing}", IndexWarning)
    return impute(values, policy).values


def apply_treatment(values: pd.DataFrame, treatment: str | None) -> pd.DataFrame:
    if treatment not in TREATMENTS:
        raise MethodError(f"`treatment` must be one of {TREATMENTS}, got {treatment!r}")
    if treatment is None:
        return values
    return treat(values, transform=None if treatment == "winsorize" else treatment).values


def spec_params(spec: IndicatorSpec, method: str, params: Mapping[str, Any] | None) -> dict:
    """The normalizer's parameters: the spec's targets and goalposts unless given."""
    out = dict(params or {})
    if not isinstance(method, str) or method not in PARAMETERS:
        return out  # normalize names the allowed methods
    for key in ("target", "goalposts"):
        from_spec = {i.name: getattr(i, key) for i in spec.indicators if getattr(i, key)}
        if key in PARAMETERS[method] and key not in out and from_spec:
            out[key] = from_spec
    return out


def normalized(
    values: pd.DataFrame, spec: IndicatorSpec, method: str, params: Mapping[str, Any] | None
) -> pd.DataFrame:
    return normalize(
        values, method, directions=spec.directions(), params=spec_params(spec, method, params)
    )


def levels(aggregation: str | Mapping[str, str], p: float | None) -> tuple[str, str]:
    """The aggregator of the areas and of the index."""
    if isinstance(aggregation, Mapping):
        unknown = sorted(set(aggregation) - set(LEVELS))
        missing = [lv for lv in LEVELS if lv not in aggregation]
        if unknown or missing:
            raise MethodError(
                f"`aggregation` per level needs the keys {list(LEVELS)}, got {list(aggregation)}"
            )
        pair = (aggregation["areas"], aggregation["index"])
    else:
        pair = (aggregation, aggregation)
    for method in pair:
        check_method(method, p if method == "genmean" else None)
    if p is not None and "genmean" not in pair:
        raise MethodError(f"`p` is the exponent of genmean; the aggregation is {pair}")
    return pair


def base_weights(
    spec: IndicatorSpec, weights: Mapping[str, float] | pd.Series | str | None
) -> tuple[dict[str, float], dict[str, float]]:
    """Indicator and area weights from the spec, ``"equal"``, or overrides naming indicators
    and/or areas (``"pca"`` is resolved by the caller, which has the scores)."""
    ind = {i.name: i.weight for i in spec.indicators}
    areas = dict(spec.areas)
    if weights is None:
        return ind, areas
    if isinstance(weights, str):
        if weights != "equal":
            raise WeightError(
                f"`weights` must be a mapping, 'equal' or 'pca', got {weights!r}; "
                "optimized weights come from optimize_weights()"
            )
        return dict.fromkeys(ind, 1.0), dict.fromkeys(areas, 1.0)
    if not isinstance(weights, Mapping | pd.Series):
        raise WeightError(f"`weights` must be a mapping name -> weight, got {type(weights)}")
    overrides = dict(weights.items())
    unknown = sorted(map(str, set(overrides) - set(ind) - set(areas)))
    if unknown:
        raise WeightError(
            f"`weights` names indicators not in the spec: {unknown}; known: {spec.names()} "
            f"and the areas {spec.area_names()}"
        )
    for name, value in overrides.items():
        check_weight(value, f"weights[{name!r}]")
    for name, value in overrides.items():
        (ind if name in ind else areas)[name] = float(value)
    for area in spec.area_names():
        names = spec.names(area)
        if any(n in overrides for n in names):
            total = sum(ind[n] for n in names)
            if abs(total - 1) > 1e-9:
                warn(f"weights of area {area!r} sum to {total:g}; normalized to 1", IndexWarning)
    return ind, areas


def pca_loadings(scores_: pd.DataFrame, spec: IndicatorSpec) -> dict[str, float]:
    """Squared loadings of the first principal component of each area's standardized scores
    (complete rows): non-negative, summing to 1 per area."""
    out = {}
    for area in spec.area_names():
        names = spec.names(area)
        if len(names) == 1:
            out[names[0]] = 1.0
            continue
        data = scores_[names].dropna()
        if len(data) <= len(names):
            raise StatisticsError(
                f"PCA weights of area {area!r} need more than {len(names)} complete rows, "
                f"got {len(data)}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(data.to_numpy().T)
        if not np.isfinite(corr).all():
            raise StatisticsError(f"PCA weights of area {area!r}: an indicator is constant")
        _, vectors = np.linalg.eigh(corr)
        loadings = vectors[:, -1] ** 2
        for name, weight in zip(names, loadings, strict=True):
            if not weight > 1e-12:
                raise WeightError(
                    f"PCA gives {name!r} no weight (it is uncorrelated with the rest of "
                    f"area {area!r}); use other weights or drop it"
                )
            out[name] = float(weight)
    return out


def assemble(
    scores_: np.ndarray,
    spec: IndicatorSpec,
    ind_w: np.ndarray,
    area_w: np.ndarray,
    aggregation: tuple[str, str],
    p: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Areas (r x n x a) and index (r x n) of the normalized ``scores_`` (n x k, spec order)
    under r weight rows (``ind_w`` r x k, ``area_w`` r x a)."""
    names = spec.names()
    areas = np.stack(
        [
            scores(scores_[:, idx], ind_w[:, idx], aggregation[0], p)
            for idx in ([names.index(n) for n in spec.names(area)] for area in spec.area_names())
        ],
        axis=2,
    )
    return areas, scores(areas, area_w, aggregation[1], p)


def frame(areas: np.ndarray, index: np.ndarray, spec: IndicatorSpec, ags: pd.Index) -> pd.DataFrame:
    """One composite result: areas, index, rank (1 best, ties share the best), above_average."""
    out = pd.DataFrame(areas, index=ags, columns=spec.area_names())
    out["index"] = index
    out["rank"] = out["index"].rank(ascending=False, method="min").astype("Int64")
    out["above_average"] = out["index"] > out["index"].mean()
    return out


def weight_arrays(
    spec: IndicatorSpec, ind: Mapping[str, float], areas: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([[ind[n] for n in spec.names()]], dtype=float),
        np.array([[areas[a] for a in spec.area_names()]], dtype=float),
    )


class Run(NamedTuple):
    """Every stage of one composite computation."""

    values: pd.DataFrame
    scores: pd.DataFrame
    ind: dict[str, float]
    areas: dict[str, float]
    area_scores: np.ndarray
    index: np.ndarray


def run(
    df: pd.DataFrame,
    spec: IndicatorSpec,
    *,
    method: str,
    params: Mapping[str, Any] | None,
    aggregation: str | Mapping[str, str],
    p: float | None,
    weights: Mapping[str, float] | pd.Series | str | None,
    missing: str,
    treatment: str | None,
) -> Run:
    """values -> missing -> treatment -> normalization -> weights -> areas -> index."""
    pair = levels(aggregation, p)
    values = apply_treatment(handle_missing(indicator_values(df, spec), missing), treatment)
    scores_ = normalized(values, spec, method, params)
    if isinstance(weights, str) and weights == "pca":
        ind, areas = base_weights(spec, pca_loadings(scores_, spec))
    else:
        ind, areas = base_weights(spec, weights)
    ind_w, area_w = weight_arrays(spec, ind, areas)
    area_scores, index = assemble(scores_.to_numpy(), spec, ind_w, area_w, pair, p)
    absorbing = [lv for lv, agg in zip(LEVELS, pair, strict=True) if _absorbs_zeros(agg, p)]
    if absorbing:
        inputs = {"areas": scores_, "index": pd.DataFrame(area_scores[0], index=scores_.index)}
        zero = pd.concat([inputs[lv].eq(0).any(axis=1) for lv in absorbing], axis=1).any(axis=1)
        if zero.any():
            warn(
                f"{int(zero.sum())} municipalit{'y has' if zero.sum() == 1 else 'ies have'} a "
                "zero score, which makes their "
                f"{' and '.join(dict.fromkeys(agg for agg in pair if _absorbs_zeros(agg, p)))}"
                f" zero (it cannot be compensated): "
                f"{', '.join(map(str, zero.index[zero][:5]))}; normalize with "
                "params={'bounds': (1, 100)} if that is not meant",
                IndexWarning,
            )
    return Run(values, scores_, ind, areas, area_scores[0], index[0])


def _absorbs_zeros(aggregation: str, p: float | None) -> bool:
    return aggregation in ("gmean", "hmean") or (aggregation == "genmean" and (p or 0) < 0)
