"""Weights from the data: PCA and optimization towards intended importance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from ruhrgeo.errors import MethodError, StatisticsError, WeightError
from ruhrgeo.index._pipeline import (
    assemble,
    handle_missing,
    indicator_values,
    node_weights,
    nodes,
    normalized,
    pca_loadings,
    weight_matrix,
)
from ruhrgeo.index.aggregators import check_weight
from ruhrgeo.index.choices import Choices
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["optimize_weights", "pca_weights"]


def pca_weights(
    df: pd.DataFrame,
    spec: IndicatorSpec,
    *,
    normalization: str = "minmax",
    params: Mapping[str, Any] | None = None,
    missing: str = "error",
) -> dict[str, float]:
    """Indicator weights from principal components, per parent aggregate.

    The squared loadings of the first principal component of each aggregate's normalized
    indicators (their correlation matrix; complete rows): non-negative and summing to 1
    per aggregate, so its score carries as much of its indicators' common variance as one
    weighted mean can. Unlike COINr's raw loadings they cannot be negative; an indicator
    correlated negatively with the others still gets weight, which :func:`audit` flags.

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec.
    normalization, params, missing
        The choices of the index, as for :func:`~ruhrgeo.index.composite`.

    Returns
    -------
    dict of str to float
        Indicator -> weight among its siblings (squared first-component loadings, each
        aggregate's summing to 1).

    Raises
    ------
    ruhrgeo.errors.StatisticsError
        Too few complete rows, or a constant indicator.
    ruhrgeo.errors.WeightError
        An indicator the first component gives no weight.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [1.0, 2, 3, 5, 4], "c": [3.0, 1, 4, 1, 5]})
    >>> {k: round(v, 3) for k, v in pca_weights(df, spec).items()}
    {'a': 0.5, 'b': 0.433, 'c': 0.067}
    """
    choices = Choices(normalization, params, missing=missing)
    values = handle_missing(indicator_values(df, spec), choices.missing)
    return pca_loadings(normalized(values, spec, choices.normalization, choices.params), spec)


def optimize_weights(
    df: pd.DataFrame,
    spec: IndicatorSpec,
    *,
    level: int | str = 2,
    importance: Mapping[str, float] | None = None,
    normalization: str = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[int | str, str] = "amean",
    p: float | None = None,
    missing: str = "error",
) -> pd.DataFrame:
    """Weights of one level chosen so that the correlations of its nodes with the index
    match their intended importance (COINr's ``get_opt_weights``, "balance").

    The Pearson correlation of each node of the level with the index, divided by the sum of
    them, should equal its importance divided by the sum of importances; the weights
    (positive, through their logarithms) minimize the sum of squared differences (scipy's
    Nelder-Mead, started from the importances). The other levels keep the spec's weights.

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec .
    level
        The level whose weights are optimized: ``1`` or ``"indicators"``, or an aggregation
        level below the index (``2`` or ``"areas"`` for the Digital-Index Ruhr), by number
        or by the name in ``spec.levels``.
    importance
        Node -> intended importance (> 0); default equal.
    normalization, params, aggregation, p, missing
        The choices of the index, as for :func:`~ruhrgeo.index.composite`.

    Returns
    -------
    pandas.DataFrame
        Indexed by node: ``weight`` (summing to 1; pass ``result["weight"]`` as
        ``composite(weights=...)``), ``target`` and ``achieved`` (correlation shares).

    Raises
    ------
    ruhrgeo.errors.MethodError
        ``level`` is not a level below the index.
    ruhrgeo.errors.StatisticsError
        Fewer than two nodes, or a node or the index is constant.
    ruhrgeo.errors.WeightError
        ``importance`` does not name every node once with a number > 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "y")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 9]})
    >>> result = optimize_weights(df, spec)
    >>> bool((result["achieved"] - result["target"]).abs().max() < 1e-3)
    True
    """
    depth = level if level in (1, "indicators") else None
    if depth is None:
        try:
            depth = spec.level_key(level)
        except Exception:
            raise MethodError(
                f"`level` must be 'indicators' (1) or a level of spec {spec.name!r} below the "
                f"index ({list(spec.levels[1:-1])} or 2 to {spec.depth - 1}), got {level!r}"
            ) from None
        if depth == spec.depth:
            raise MethodError(
                f"`level` {level!r} is the index, which has no weight; choose a level below it"
            )
    elements = spec.names() if depth in (1, "indicators") else spec.aggregates_at(depth)
    if len(elements) < 2:
        raise StatisticsError(f"optimizing weights needs two nodes or more, got {elements}")
    target = _importance(importance, elements, "nodes")
    choices = Choices(normalization, params, aggregation, p, missing=missing)
    methods = choices.per_level(spec)
    values = handle_missing(indicator_values(df, spec), choices.missing)
    scores = normalized(values, spec, choices.normalization, choices.params)
    base = node_weights(spec, None)
    x = scores.to_numpy()
    order = nodes(spec)

    def shares(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.exp(theta - theta.max())
        w = w / w.sum()
        weights = base | dict(zip(elements, w, strict=True))
        aggregated = assemble(x, spec, weight_matrix(spec, weights), methods, choices.p)[0]
        index = aggregated[:, -1]
        table = np.column_stack([x, aggregated])  # nodes() order, the index last
        parts = table[:, [order.index(e) for e in elements]]
        corr = np.array([_corr(parts[:, j], index) for j in range(parts.shape[1])])
        return w, corr / corr.sum()

    def loss(theta: np.ndarray) -> float:
        return float(((shares(theta)[1] - target) ** 2).sum())

    start = np.log(target)
    result = optimize.minimize(
        loss,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 4000 * len(elements)},
    )
    weights, achieved = shares(result.x)
    name = "indicator" if depth in (1, "indicators") else "aggregate"
    return pd.DataFrame(
        {"weight": weights, "target": target, "achieved": achieved},
        index=pd.Index(elements, name=name),
    )


def _importance(importance: Mapping[str, float] | None, elements: list[str], level: str):
    if importance is None:
        return np.full(len(elements), 1 / len(elements))
    if not isinstance(importance, Mapping | pd.Series):
        raise WeightError(f"`importance` must be a mapping {level[:-1]} -> number")
    unknown = sorted(map(str, set(importance) - set(elements)))
    absent = [e for e in elements if e not in importance]
    if unknown or absent:
        raise WeightError(
            f"`importance` must name every one of the {level} {elements}; unknown: {unknown}, "
            f"missing: {absent}"
        )
    for name, value in importance.items():
        check_weight(value, f"importance[{name!r}]", indicator=False)
    raw = np.array([float(importance[e]) for e in elements])
    return raw / raw.sum()


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        raise StatisticsError("an element or the index is constant: correlations undefined")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])
