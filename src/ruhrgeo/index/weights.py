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
    base_weights,
    handle_missing,
    indicator_values,
    levels,
    normalized,
    pca_loadings,
    weight_arrays,
)
from ruhrgeo.index.aggregate import check_weight
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["optimize_weights", "pca_weights"]


def pca_weights(
    df: pd.DataFrame,
    spec: IndicatorSpec,
    *,
    method: str = "minmax",
    params: Mapping[str, Any] | None = None,
    missing: str = "error",
) -> dict[str, float]:
    """Indicator weights from principal components, per area.

    The squared loadings of the first principal component of each area's normalized
    indicators (their correlation matrix; complete rows): non-negative and summing to 1
    per area, so the area score carries as much of its indicators' common variance as one
    weighted mean can. Unlike COINr's raw loadings they cannot be negative; an indicator
    correlated negatively with the others still gets weight, which :func:`audit` flags.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [1.0, 2, 3, 5, 4], "c": [3.0, 1, 4, 1, 5]})
    >>> {k: round(v, 3) for k, v in pca_weights(df, spec).items()}
    {'a': 0.5, 'b': 0.433, 'c': 0.067}
    """
    values = handle_missing(indicator_values(df, spec), missing)
    return pca_loadings(normalized(values, spec, method, params), spec)


def optimize_weights(
    df: pd.DataFrame,
    spec: IndicatorSpec,
    *,
    level: str = "areas",
    importance: Mapping[str, float] | None = None,
    method: str = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[str, str] = "amean",
    p: float | None = None,
    missing: str = "error",
) -> pd.DataFrame:
    """Weights of one level chosen so that the correlations of its elements with the index
    match their intended importance (COINr's ``get_opt_weights``, "balance").

    The Pearson correlation of each element (indicator or area) with the index, divided by
    the sum of them, should equal its importance divided by the sum of importances; the
    weights (positive, through their logarithms) minimize the sum of squared differences
    (scipy's Nelder-Mead, started from the importances). The other level keeps the spec's
    weights.

    Parameters
    ----------
    level
        ``"areas"`` (area weights) or ``"indicators"`` (all indicator weights).
    importance
        Element -> intended importance (> 0); default equal.

    Returns
    -------
    pandas.DataFrame
        Indexed by element: ``weight`` (summing to 1; pass ``result["weight"]`` as
        ``composite(weights=...)``), ``target`` and ``achieved`` (correlation shares).

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
    if level not in ("areas", "indicators"):
        raise MethodError(f"`level` must be 'areas' or 'indicators', got {level!r}")
    elements = spec.area_names() if level == "areas" else spec.names()
    if len(elements) < 2:
        raise StatisticsError(f"optimizing weights needs two {level} or more, got {elements}")
    target = _importance(importance, elements, level)
    pair = levels(aggregation, p)
    values = handle_missing(indicator_values(df, spec), missing)
    scores = normalized(values, spec, method, params)
    ind, areas = base_weights(spec, None)
    x = scores.to_numpy()

    def shares(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.exp(theta - theta.max())
        w = w / w.sum()
        named = dict(zip(elements, w, strict=True))
        ind_w, area_w = weight_arrays(
            spec, {**ind, **named} if level == "indicators" else ind, {**areas, **named}
        )
        area_scores, index = assemble(x, spec, ind_w, area_w, pair, p)
        parts = area_scores[0] if level == "areas" else x
        corr = np.array([_corr(parts[:, j], index[0]) for j in range(parts.shape[1])])
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
    return pd.DataFrame(
        {"weight": weights, "target": target, "achieved": achieved},
        index=pd.Index(elements, name="indicator" if level == "indicators" else "area"),
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
