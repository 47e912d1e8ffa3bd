"""Aggregators: weighted means and Copeland's pairwise majority (COINr's ``a_*``).

With weights w_j (normalized to sum 1 over the scores a municipality has; missing scores
are skipped and the weights renormalized, as COINr does):

- ``amean``: sum w_j x_j
- ``gmean``: exp(sum w_j log x_j)
- ``hmean``: 1 / sum(w_j / x_j)
- ``genmean``: (sum w_j x_j^p)^(1/p), p != 0 (p = 1 is ``amean``, p = -1 ``hmean``)
- ``copeland``: sum over the other municipalities k of sign(d_ik), d_ik = the weight of the
  indicators on which i beats k minus the weight of those on which k beats i (over the
  indicators both have): +1 for a pairwise majority win, -1 for a loss, 0 for a tie.
  Scores run from -(n - 1) to n - 1; the scale of the scores does not matter, only their
  order.

**Zeros and negatives.** ``gmean``, ``hmean`` and ``genmean`` need scores >= 0 (negative
scores raise :class:`AggregationError`: use a normalizer with non-negative scores, e.g.
``minmax`` with ``bounds=(1, 100)`` or ``zscore`` with ``mean_sd=(10, 2)``, COINr's choice).
A zero score makes ``gmean`` and ``hmean`` (and ``genmean`` with p < 0) zero, their limit as
the score goes to zero: a zero cannot be compensated. ``amean`` and ``copeland`` take any
score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias

import numpy as np
import pandas as pd

from ruhrgeo import _names
from ruhrgeo._params import number
from ruhrgeo.errors import AggregationError, MethodError, WeightError
from ruhrgeo.index._frames import numeric_table

__all__ = ["AGGREGATIONS", "AGGREGATORS", "Aggregator", "aggregate"]

Array: TypeAlias = np.ndarray
# (values, present, weights, the weight each unit has, p) -> the weighted mean of each unit
Mean: TypeAlias = Callable[
    [np.ndarray, np.ndarray, np.ndarray, np.ndarray, float | None], np.ndarray
]
# (r x n x k scores, r x k weights, p) -> r x n aggregated scores
Aggregator: TypeAlias = Callable[[np.ndarray, np.ndarray, float | None], np.ndarray]
TIE = 1e-12  # relative: pairwise weight differences below this are ties
CHUNK = 4_000_000  # pairwise comparisons held at once by Copeland (elements)


def aggregate(
    df: pd.DataFrame,
    method: str = "amean",
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    p: float | None = None,
) -> pd.Series:
    """Aggregate the columns of ``df`` (scores, NaN = missing) into one score per row.

    Parameters
    ----------
    df
        Normalized values, one column per indicator, indexed by the units' key.
    method
        One of :data:`AGGREGATIONS` (formulas in the module docstring).
    weights
        Column -> weight (finite, > 0); default equal.
    p
        The exponent of ``genmean`` (required there, refused elsewhere).

    Returns
    -------
    pandas.Series
        The aggregate of each row (NaN where a row holds no value).

    Raises
    ------
    ruhrgeo.errors.MethodError
        An unknown method, or ``p`` given to another method than ``genmean``.
    ruhrgeo.errors.WeightError
        Weights that are not finite and > 0, or name no column.
    ruhrgeo.errors.AggregationError
        Values an aggregator cannot take (``gmean`` or ``hmean`` of values <= 0).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 4.0], "b": [4.0, 1.0], "c": [16.0, 16.0]})
    >>> aggregate(df, "gmean").round(6).tolist()
    [4.0, 4.0]
    >>> aggregate(df, "copeland", weights={"a": 2, "b": 1, "c": 1}).tolist()
    [-1.0, 1.0]
    """
    check_method(method, p)
    df = numeric_table(df, "the table to aggregate")
    w = np.ones(df.shape[1])
    if weights is not None:
        weights = dict(weights)
        unknown = sorted(set(map(str, weights)) - set(map(str, df.columns)))
        if unknown:
            raise WeightError(f"`weights` names columns not in the table: {unknown}")
        w = np.array([weights.get(c, 1.0) for c in df.columns], dtype=object)
        for column, value in zip(df.columns, w, strict=True):
            check_weight(value, f"weights[{column!r}]")
        w = w.astype(float)
    x = df.to_numpy(dtype=float)
    return pd.Series(scores(x, w[None, :], method, p)[0], index=df.index, name=method)


def check_method(method: object, p: object) -> None:
    """Raise :class:`MethodError` for an unknown aggregator or a bad ``p``."""
    if method not in AGGREGATIONS:
        raise MethodError(f"`aggregation` must be one of {AGGREGATIONS}, got {method!r}")
    if method != "genmean":
        if p is not None:
            raise MethodError(f"`p` is the exponent of genmean; {method!r} takes none")
        return
    if number(p, "p (the exponent of genmean)", error=MethodError) == 0:
        raise MethodError("genmean with p = 0 is the geometric mean: use aggregation='gmean'")


def check_weight(value: object, what: str, *, indicator: bool = True) -> None:
    """Raise :class:`WeightError` unless ``value`` is a finite number > 0."""
    try:
        number(value, what, low=0, low_open=True, error=WeightError)
    except WeightError as exc:
        if not indicator:
            raise
        raise WeightError(
            f"{exc}; to leave an indicator out, use a spec without it (IndicatorSpec.subset)"
        ) from None


def scores(x: np.ndarray, w: np.ndarray, method: str, p: float | None = None) -> np.ndarray:
    """Aggregate ``x`` (n units x k scores, or r x n x k, NaN = missing) under each row of
    ``w`` (r x k weights >= 0) with the aggregator ``method`` (:data:`AGGREGATORS`): an r x n
    array; NaN where a unit has no score."""
    return AGGREGATORS[method](x if x.ndim == 3 else x[None], w, p)


def _weighted(name: str, core: Mean) -> Aggregator:
    """A weighted mean over the scores a unit has (weights renormalized over them)."""

    def aggregator(batch: np.ndarray, w: np.ndarray, p: float | None) -> np.ndarray:
        present = ~np.isnan(batch)
        x0 = np.where(present, batch, 0.0)
        weight = w[:, None, :]
        have = (present * weight).sum(axis=2)  # r x n: the weight a unit has
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if name != "amean" and (x0 < 0).any():
                rows = np.flatnonzero((x0 < 0).any(axis=(0, 2)))[:5].tolist()
                raise AggregationError(
                    f"{name} needs scores >= 0; negative scores in rows {rows}: normalize "
                    "with non-negative scores (e.g. minmax, or zscore with mean_sd=(10, 2))"
                )
            out = np.where(have > 0, core(x0, present, weight, have, p), np.nan)
        if not np.isfinite(out[have > 0]).all():
            raise AggregationError(
                f"{name}{f' with p = {p}' if p is not None else ''} overflows on these "
                "scores; use a smaller exponent or a normalizer with smaller scores"
            )
        return out

    return aggregator


def _amean(
    x0: np.ndarray, present: np.ndarray, weight: np.ndarray, have: np.ndarray, p: float | None
) -> np.ndarray:
    return (x0 * weight).sum(axis=2) / have


def _gmean(
    x0: np.ndarray, present: np.ndarray, weight: np.ndarray, have: np.ndarray, p: float | None
) -> np.ndarray:
    positive = np.where(present & (x0 > 0), x0, 1.0)
    out = np.exp((np.log(positive) * weight).sum(axis=2) / have)
    return np.where(_zero(x0, present, weight), 0.0, out)


def _hmean(
    x0: np.ndarray, present: np.ndarray, weight: np.ndarray, have: np.ndarray, p: float | None
) -> np.ndarray:
    positive = np.where(present & (x0 > 0), x0, 1.0)
    out = have / ((present / positive * weight).sum(axis=2))
    return np.where(_zero(x0, present, weight), 0.0, out)


def _genmean(
    x0: np.ndarray, present: np.ndarray, weight: np.ndarray, have: np.ndarray, p: float | None
) -> np.ndarray:
    exponent = float(p)  # type: ignore[arg-type]  # check_method ran
    positive = np.where(present & (x0 > 0), x0, 1.0)
    powered = positive**exponent if exponent < 0 else x0**exponent
    out = ((powered * present * weight).sum(axis=2) / have) ** (1 / exponent)
    return np.where(_zero(x0, present, weight), 0.0, out) if exponent < 0 else out


def _zero(x0: np.ndarray, present: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Units with a zero score of positive weight: their mean is 0 (the limit)."""
    return ((present & (x0 == 0)) * weight).sum(axis=2) > 0


def _copeland_runs(batch: np.ndarray, w: np.ndarray, p: float | None) -> np.ndarray:
    if len(batch) == 1:  # one table of scores under every weight row
        return _copeland(batch[0], w)
    return np.concatenate([_copeland(batch[r], w[r : r + 1]) for r in range(len(w))])


def _copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """r x n Copeland scores of ``x`` (n x k) under the weight rows ``w`` (r x k); the pairwise
    comparisons in chunks of rows, so that large n stays within memory."""
    n, k = x.shape
    present = ~np.isnan(x)
    out = np.zeros((w.shape[0], n))
    tol = TIE * w.sum(axis=1)[:, None, None]
    step = max(1, CHUNK // max(1, n * k + n * w.shape[0]))
    for start in range(0, n, step):
        rows = slice(start, min(n, start + step))
        both = present[rows, None, :] & present[None, :, :]
        sign = np.where(both, np.sign(x[rows, None, :] - x[None, :, :]), 0.0)
        margin = np.einsum("ijk,rk->rij", sign, w)  # weight of wins minus losses
        vote = np.where(np.abs(margin) > tol, np.sign(margin), 0.0)
        out[:, rows] = vote.sum(axis=2)
    out[:, ~present.any(axis=1)] = np.nan
    return out


AGGREGATORS: dict[str, Aggregator] = {
    "amean": _weighted("amean", _amean),
    "gmean": _weighted("gmean", _gmean),
    "hmean": _weighted("hmean", _hmean),
    "genmean": _weighted("genmean", _genmean),
    "copeland": _copeland_runs,
}
AGGREGATIONS = _names.AGGREGATIONS
