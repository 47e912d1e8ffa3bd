"""The steps shared by composite, weights, audit, uncertainty and sensitivity: checked values,
missing values, treatment, normalization with the spec's parameters, the weight of every
node, and the aggregation level by level up the tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    IndexWarning,
    IndicatorValueError,
    MissingColumnError,
    MissingValuesError,
    StatisticsError,
    WeightError,
)
from ruhrgeo.index._frames import numeric_table
from ruhrgeo.index.aggregators import check_weight, scores
from ruhrgeo.index.choices import Choices
from ruhrgeo.index.imputation import impute
from ruhrgeo.index.normalizers import PARAMETERS, normalize
from ruhrgeo.index.spec import INDEX, IndicatorSpec
from ruhrgeo.index.treatment import treat

ABSORBING = ("gmean", "hmean")  # a zero score makes these means zero


def indicator_values(df: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """The spec's indicator columns of ``df`` as floats, checked (:func:`numeric_table`)."""
    if not isinstance(df, pd.DataFrame):
        raise IndicatorValueError(f"the indicator table must be a DataFrame, got {type(df)}")
    keys = [c for c in df.columns if str(c).lower() == "ags"]
    if keys and isinstance(df.index, pd.RangeIndex):
        raise IndicatorValueError(
            f"the indicator table has a column {keys[0]!r} but is indexed 0, 1, 2, ...; index "
            f"it by its key first: df.set_index({keys[0]!r})"
        )
    wanted = set(spec.names())
    doubled = sorted({str(c) for c in df.columns[df.columns.duplicated()] if c in wanted})
    if doubled:
        raise IndicatorValueError(f"the indicator table has the columns {doubled} more than once")
    absent = [n for n in spec.names() if n not in df.columns]
    if absent:
        raise MissingColumnError(
            f"the table lacks {len(absent)} indicator(s) of spec {spec.name!r}: {absent[:20]}; "
            f"its columns: {list(df.columns)[:20]}"
        )
    return numeric_table(df[spec.names()])


def handle_missing(values: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Apply the missing-value policy: error, skip (keep NaN), mean or median imputation."""
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
            "choose another missing-value policy (missing='skip', missing='mean' or "
            "missing='median')"
        )
    if policy == "skip":
        if empty:
            raise MissingValuesError(f"units {empty} have no indicator value at all")
        warn(f"missing values skipped, weights renormalized: {listing}", IndexWarning)
        return values
    warn(f"missing values replaced by the indicator's {policy}: {listing}", IndexWarning)
    return impute(values, policy).values


def apply_treatment(values: pd.DataFrame, treatment: str | None) -> pd.DataFrame:
    if treatment is None:
        return values
    return treat(values, transform=None if treatment == "winsorize" else treatment).values


def spec_params(spec: IndicatorSpec, method: str, params: Mapping[str, Any] | None) -> dict:
    """The normalizer's parameters: the spec's targets and goalposts unless given."""
    out = dict(params or {})
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


def nodes(spec: IndicatorSpec) -> list[str]:
    """Every weighted node: the indicators, then the aggregates level by level."""
    return spec.names() + spec.aggregate_names()


def node_weights(
    spec: IndicatorSpec,
    weights: Mapping[str, float] | pd.Series | str | None,
    normalized_scores: pd.DataFrame | None = None,
) -> dict[str, float]:
    """The weight of every node: the spec's, ``"equal"``, ``"pca"`` (of the normalized
    scores) or overrides naming indicators and/or aggregates. A set of siblings whose
    overriding weights do not sum to 1 is normalized, with a warning."""
    base = spec.weights()
    if weights is None:
        return base
    if isinstance(weights, str):
        if weights == "equal":
            return dict.fromkeys(base, 1.0)
        assert normalized_scores is not None  # "pca": the caller has the scores
        return node_weights(spec, pca_loadings(normalized_scores, spec))
    overrides = dict(weights.items())
    unknown = sorted(map(str, set(overrides) - set(base)))
    if unknown:
        raise WeightError(
            f"`weights` names nodes not in the spec: {unknown[:10]}; known: the indicators "
            f"{spec.names()[:20]} and the aggregates {spec.aggregate_names()[:20]}"
        )
    for name, value in overrides.items():
        check_weight(value, f"weights[{name!r}]")
    out = base | {name: float(value) for name, value in overrides.items()}
    for parent in spec.aggregates_at(2):  # indicator weights given as shares of their parent
        siblings = spec.children(parent)
        if any(n in overrides for n in siblings):
            total = sum(out[n] for n in siblings)
            if abs(total - 1) > 1e-9:
                warn(f"weights under {parent!r} sum to {total:g}; normalized to 1", IndexWarning)
    return out


def pca_loadings(normalized_scores: pd.DataFrame, spec: IndicatorSpec) -> dict[str, float]:
    """Squared loadings of the first principal component of the standardized scores of each
    aggregate's indicators (complete rows): non-negative, summing to 1 per aggregate."""
    out = {}
    for parent in spec.aggregates_at(2):
        names = spec.children(parent)
        if len(names) == 1:
            out[names[0]] = 1.0
            continue
        data = normalized_scores[names].dropna()
        if len(data) <= len(names):
            raise StatisticsError(
                f"PCA weights of {parent!r} need more than {len(names)} complete rows, "
                f"got {len(data)}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(data.to_numpy().T)
        if not np.isfinite(corr).all():
            raise StatisticsError(f"PCA weights of {parent!r}: an indicator is constant")
        _, vectors = np.linalg.eigh(corr)
        loadings = vectors[:, -1] ** 2
        for name, weight in zip(names, loadings, strict=True):
            if not weight > 1e-12:
                raise WeightError(
                    f"PCA gives {name!r} no weight (it is uncorrelated with the rest of "
                    f"{parent!r}); use other weights or drop it"
                )
            out[name] = float(weight)
    return out


def weight_matrix(spec: IndicatorSpec, weights: Mapping[str, float]) -> np.ndarray:
    """One row of the nodes' weights in :func:`nodes` order."""
    return np.array([[weights[n] for n in nodes(spec)]], dtype=float)


def assemble(
    x: np.ndarray,
    spec: IndicatorSpec,
    w: np.ndarray,
    methods: Mapping[int, str],
    p: float | None,
) -> np.ndarray:
    """The aggregates and the index (r x n x (a + 1), in :func:`nodes` order after the
    indicators, the index last) of the normalized scores ``x`` (n x k, spec order) under r
    rows of node weights ``w`` (r x (k + a)), level by level with ``methods[level]``."""
    names = nodes(spec)
    k = len(spec.names())
    position = {name: j for j, name in enumerate(names)}
    position[INDEX] = len(names)
    out = np.empty((w.shape[0], x.shape[0], len(names) + 1 - k))
    for level in range(2, spec.depth + 1):
        for node in spec.aggregates_at(level):
            kids = [position[c] for c in spec.children(node)]
            # indicators (level 2's children) have the same scores under every weight row
            below = x[:, kids] if level == 2 else out[:, :, [j - k for j in kids]]
            out[:, :, position[node] - k] = scores(below, w[:, kids], methods[level], p)
    return out


def frame(aggregated: np.ndarray, spec: IndicatorSpec, keys: pd.Index) -> pd.DataFrame:
    """One composite result: every aggregate, index, rank (1 best, ties share the best rank),
    above_average."""
    out = pd.DataFrame(aggregated, index=keys, columns=[*spec.aggregate_names(), INDEX])
    out["rank"] = out[INDEX].rank(ascending=False, method="min").astype("Int64")
    out["above_average"] = out[INDEX] > out[INDEX].mean()
    return out


class Run(NamedTuple):
    """Every stage of one composite computation."""

    values: pd.DataFrame
    scores: pd.DataFrame
    weights: dict[str, float]
    aggregated: np.ndarray  # n x (a + 1): the aggregates in nodes() order, the index last

    @property
    def index(self) -> np.ndarray:
        return self.aggregated[:, -1]


def run(df: pd.DataFrame, spec: IndicatorSpec, choices: Choices) -> Run:
    """values -> missing -> treatment -> normalization -> weights -> aggregates -> index."""
    methods = choices.per_level(spec)
    values = apply_treatment(
        handle_missing(indicator_values(df, spec), choices.missing), choices.treatment
    )
    normal = normalized(values, spec, choices.normalization, choices.params)
    weights = node_weights(spec, choices.weights, normal)
    w = weight_matrix(spec, weights)
    aggregated = assemble(normal.to_numpy(), spec, w, methods, choices.p)[0]
    _warn_absorbed(normal, aggregated, spec, methods, choices.p)
    return Run(values, normal, weights, aggregated)


def _warn_absorbed(
    normal: pd.DataFrame,
    aggregated: np.ndarray,
    spec: IndicatorSpec,
    methods: Mapping[int, str],
    p: float | None,
) -> None:
    """Warn where a zero score makes a geometric or harmonic mean zero (no compensation)."""
    names = nodes(spec)
    position = {name: j for j, name in enumerate(names)}
    position[INDEX] = len(names)
    table = np.column_stack([normal.to_numpy(), aggregated])
    zero = np.zeros(len(normal), bool)
    absorbing = set()
    for level, method in methods.items():
        if method in ABSORBING or (method == "genmean" and (p or 0) < 0):
            absorbing.add(method)
            for node in spec.aggregates_at(level):
                kids = [position[c] for c in spec.children(node)]
                zero |= (table[:, kids] == 0).any(axis=1)
    if zero.any():
        units = normal.index[zero]
        warn(
            f"{len(units)} unit{' has' if len(units) == 1 else 's have'} a zero score, which "
            f"makes their {' and '.join(sorted(absorbing))} zero (it cannot be compensated): "
            f"{', '.join(map(str, units[:5]))}; normalize with params={{'bounds': (1, 100)}} "
            "if that is not meant",
            IndexWarning,
        )
