"""The composite index: values -> missing values -> treatment -> normalization -> weighted
aggregation into area sub-indices -> aggregation into the index -> ranks.

Documented choices (the Digital-Index Ruhr does not publish its own):

- **Missing values** (``missing``): ``error`` (default) names them; ``skip`` leaves them out
  and renormalizes the weights over what a municipality has (within its area, and over areas
  if an area is empty), with an :class:`IndexWarning`; ``mean``/``median`` impute the
  indicator's mean or median before normalizing, with a warning (group imputation:
  :func:`ruhrgeo.index.impute` first).
- **Treatment** (``treatment``): None (default), ``winsorize``, ``log`` or ``boxcox``
  (:func:`ruhrgeo.index.treat`, the skew/kurtosis rule).
- **Normalization** (``method``, ``params``): :func:`ruhrgeo.index.normalize`; the spec's
  per-indicator ``target`` and ``goalposts`` are used unless ``params`` gives them.
- **Weights**: indicator weights are relative within their area, area weights within the
  total; ``weights`` overrides them by name (indicators and/or areas), ``"equal"`` sets all
  to 1, ``"pca"`` uses the squared first-component loadings of each area's normalized
  indicators (:func:`ruhrgeo.index.pca_weights`); optimized weights come from
  :func:`ruhrgeo.index.optimize_weights`. Every weight must be finite and > 0.
- **Aggregation** (``aggregation``): one aggregator for both levels or ``{"areas": ...,
  "index": ...}`` (:mod:`ruhrgeo.index.aggregate`: amean, gmean, hmean, genmean with ``p``,
  copeland).
- **Ranks**: 1 is best; ties share the best rank of the tie (1, 2, 2, 4);
  ``above_average``: the index is above the unweighted mean of the municipalities' indices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._params import whole_number
from ruhrgeo.errors import MethodError, SpecError
from ruhrgeo.index._pipeline import frame, indicator_values, run
from ruhrgeo.index.normalize import Method
from ruhrgeo.index.spec import IndicatorSpec, load_spec

__all__ = ["composite", "indicator_values", "need_ranking"]


def composite(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    method: Method = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[str, str] = "amean",
    p: float | None = None,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    missing: str = "error",
    treatment: str | None = None,
) -> pd.DataFrame:
    """The index: sub-index per area, ``index``, ``rank`` and ``above_average``, by AGS.

    Parameters
    ----------
    df
        One column per indicator of ``spec`` (other columns are ignored), indexed by AGS.
    spec
        The indicator spec; default the Digital-Index Ruhr spec (:func:`load_spec`).
    method, params
        The normalizer and its parameters (:func:`ruhrgeo.index.normalize`).
    aggregation, p
        The aggregator of both levels, or ``{"areas": ..., "index": ...}``; ``p`` for genmean.
    weights
        None (the spec's), ``"equal"``, ``"pca"``, or name -> weight for indicators and/or
        areas; an area whose overriding indicator weights do not sum to 1 is normalized with
        an :class:`IndexWarning`.
    missing, treatment
        See the module docstring.

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
    >>> composite(df, spec, params={"bounds": (1, 100)}, aggregation="gmean")["rank"].tolist()
    [3, 2, 1]
    """
    spec = _spec(spec)
    result = run(
        df,
        spec,
        method=method,
        params=params,
        aggregation=aggregation,
        p=p,
        weights=weights,
        missing=missing,
        treatment=treatment,
    )
    return frame(result.area_scores, result.index, spec, result.values.index)


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
    spec = _spec(spec)
    if not isinstance(area, str) or area not in spec.areas:
        raise SpecError(f"`area` must be one of {spec.area_names()}, got {area!r}")
    top = whole_number(top, "top", low=1, error=MethodError)
    score = composite(df, spec.subset(spec.names(area)), method=method)[area]
    out = pd.DataFrame({area: score})
    out["rank_best"] = score.rank(ascending=False, method="min").astype(int)
    out["rank_need"] = score.rank(ascending=True, method="min").astype(int)
    out["gap_to_best"] = score.max() - score
    out["group"] = np.where(
        out["rank_best"] <= top, "best", np.where(out["rank_need"] <= top, "largest need", "")
    )
    return out.sort_values("rank_best", kind="stable")


def _spec(spec: IndicatorSpec | None) -> IndicatorSpec:
    if spec is None:
        return load_spec()
    if not isinstance(spec, IndicatorSpec):
        raise SpecError(f"`spec` must be an IndicatorSpec (load_spec), got {type(spec)}")
    return spec
