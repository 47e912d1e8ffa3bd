"""The composite index: values -> missing values -> treatment -> normalization -> weighted
aggregation level by level up the spec's tree -> the index -> ranks.

Documented choices (the Digital-Index Ruhr does not publish its own), each a field of
:class:`~ruhrgeo.index.Choices` and a keyword argument of :func:`composite`:

- **Missing values** (``missing``): ``error`` (default) names them; ``skip`` leaves them out
  and renormalizes the weights over what a unit has (among its siblings, and upwards if an
  aggregate is empty), with an :class:`~ruhrgeo.errors.IndexWarning`; ``mean``/``median`` impute the
  indicator's mean or median before normalizing, with a warning (group imputation:
  :func:`ruhrgeo.index.impute` first).
- **Treatment** (``treatment``): None (default), ``winsorize``, ``log`` or ``boxcox``
  (:func:`ruhrgeo.index.treat`, the skew/kurtosis rule).
- **Normalization** (``normalization``, ``params``): :func:`ruhrgeo.index.normalize`; the
  spec's per-indicator ``target`` and ``goalposts`` are used unless ``params`` gives them.
- **Weights**: every weight is relative among its siblings; ``weights`` overrides them by
  name (indicators and/or aggregates), ``"equal"`` sets all to 1, ``"pca"`` uses the squared
  first-component loadings of each aggregate's normalized indicators
  (:func:`ruhrgeo.index.pca_weights`); optimized weights come from
  :func:`ruhrgeo.index.optimize_weights`. Every weight must be finite and > 0.
- **Aggregation** (``aggregation``): one aggregator for every level or a mapping level ->
  aggregator (levels named as in ``spec.levels``, e.g. ``{"areas": ..., "index": ...}``, or
  numbered; :mod:`ruhrgeo.index.aggregators`: amean, gmean, hmean, genmean with ``p``,
  copeland).
- **Ranks**: 1 is best; ties share the best rank of the tie (1, 2, 2, 4);
  ``above_average``: the index is above the unweighted mean of the units' indices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._params import whole_number
from ruhrgeo.errors import MethodError, SpecError
from ruhrgeo.index._pipeline import frame, indicator_values, run
from ruhrgeo.index.choices import Choices
from ruhrgeo.index.normalizers import Method
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.spec_files import load_spec

__all__ = ["composite", "indicator_values", "need_ranking"]


def composite(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    normalization: Method = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[int | str, str] = "amean",
    p: float | None = None,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    missing: str = "error",
    treatment: str | None = None,
) -> pd.DataFrame:
    """The index: one column per aggregate of every level, ``index``, ``rank`` and
    ``above_average``, indexed like ``df``.

    Parameters
    ----------
    df
        One column per indicator of ``spec`` (other columns are ignored), indexed by the
        units' key (the AGS for municipalities).
    spec
        The indicator spec (a tree of any depth); default the Digital-Index Ruhr spec
        (:func:`load_spec`).
    normalization, params, aggregation, p, weights, missing, treatment
        The choices of the index (:class:`~ruhrgeo.index.Choices`; the module docstring
        says what each does). An aggregate whose overriding indicator weights do not sum
        to 1 is normalized with an :class:`~ruhrgeo.errors.IndexWarning`.

    Returns
    -------
    pandas.DataFrame
        The aggregates level by level from the bottom, ``index``, ``rank`` (Int64, 1 best)
        and ``above_average``.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.IndicatorValueError
        Values that are not numbers, infinite, or a table without rows.
    ruhrgeo.errors.MissingValuesError
        Missing values under ``missing="error"``, or a unit without any value.
    ruhrgeo.errors.MethodError, ruhrgeo.errors.WeightError, ruhrgeo.errors.SpecError
        A choice that does not exist or does not fit the spec.
    ruhrgeo.errors.StatisticsError, ruhrgeo.errors.AggregationError
        Values a normalizer or aggregator cannot take (a constant indicator, negative scores
        for a geometric mean).

    See Also
    --------
    audit, uncertainty, sensitivity : the same choices, examined.

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
    choices = Choices(normalization, params, aggregation, p, weights, missing, treatment)
    result = run(df, spec, choices)
    return frame(result.aggregated, spec, result.values.index)


def need_ranking(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    aggregate: str = "infrastructure",
    normalization: Method = "minmax",
    top: int = 3,
) -> pd.DataFrame:
    """Best and largest improvement need in one aggregate (the study's infrastructure
    comparison), from its indicators alone.

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec (default: the Digital-Index Ruhr's, :func:`load_spec`).
    aggregate
        The aggregate whose weakest indicators are listed (e.g. ``"infrastructure"``).
    normalization
        The normalizer (:func:`~ruhrgeo.index.normalize`).
    top
        How many indicators per unit.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``df``: the aggregate's score, ``rank_best`` (1 = best), ``rank_need``
        (1 = largest need, the lowest score), ``gap_to_best`` (points behind the best) and
        ``group``: ``best`` for the ``top`` best, ``largest need`` for the ``top`` lowest,
        else empty.

    Raises
    ------
    ruhrgeo.errors.SpecError
        ``aggregate`` is not an aggregate of the spec.
    ruhrgeo.errors.MethodError
        ``top`` is not a whole number >= 1.

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
    if not isinstance(aggregate, str) or aggregate not in spec.aggregate_names():
        raise SpecError(f"`aggregate` must be one of {spec.aggregate_names()}, got {aggregate!r}")
    top = whole_number(top, "top", low=1, error=MethodError)
    score = composite(df, spec.subset(spec.names(aggregate)), normalization=normalization)
    score = score[aggregate]
    out = pd.DataFrame({aggregate: score})
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
