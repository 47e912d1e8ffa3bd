"""The statistical audit of an index (OECD/JRC Handbook step 4; COINr's get_corr,
get_cronbach, get_PCA): correlations within and across levels, Cronbach's alpha and
principal components per aggregate, and flags for indicators that pull against their parent
or dominate it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._params import choice
from ruhrgeo.errors import MethodError
from ruhrgeo.index._pipeline import run
from ruhrgeo.index.choices import Choices
from ruhrgeo.index.composite_index import _spec
from ruhrgeo.index.spec import INDEX, IndicatorSpec

__all__ = ["DOMINANCE", "AuditResult", "audit"]

CORRELATIONS = ("pearson", "spearman", "kendall")
DOMINANCE = 1.5  # importance share >= 1.5 x weight share: the indicator dominates its parent


@dataclass(frozen=True)
class AuditResult:
    """The audit of one index (see :func:`audit`).

    Attributes
    ----------
    correlations : pandas.DataFrame
        Correlations among the indicators, aggregates and the index (oriented: higher is
        better).
    cronbach : pandas.Series
        Cronbach's alpha per aggregate with at least two children.
    pca : pandas.DataFrame
        Per aggregate: the share the first principal component explains and its loadings.
    flags : pandas.DataFrame
        Per indicator: ``parent``, ``flag`` and ``reason`` (weak or negative correlation).
    correlation : str
        The correlation used.
    reversed : tuple of str
        The indicators where lower is better, whose sign was turned for the correlations.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "y")))
    >>> table = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5],
    ...                       "c": [1.0, 3, 2, 5, 4]}, index=list("pqrst"))
    >>> from ruhrgeo.index import audit
    >>> type(audit(table, spec)).__name__
    'AuditResult'
    """

    correlations: pd.DataFrame
    cronbach: pd.Series
    pca: pd.DataFrame
    flags: pd.DataFrame
    correlation: str = "pearson"
    reversed: tuple[str, ...] = ()

    def summary(self) -> str:
        """One paragraph: reliability, first components, flagged indicators."""
        alpha = ", ".join(f"{a} {v:.2f}" for a, v in self.cronbach.dropna().items())
        pc1 = ", ".join(f"{a} {v:.0%}" for a, v in self.pca["pc1_explained"].dropna().items())
        flagged = self.flags[self.flags["flag"] != ""]
        flags = "; ".join(f"{i}: {r}" for i, r in flagged["reason"].items()) or "none"
        return (
            f"Cronbach's alpha: {alpha or 'no aggregate with two children'}. First principal "
            f"component explains {pc1 or '-'}. Flags: {flags}."
        )


def audit(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    normalization: str = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[int | str, str] = "amean",
    p: float | None = None,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    missing: str = "error",
    treatment: str | None = None,
    correlation: str = "pearson",
) -> AuditResult:
    """Audit the index that :func:`composite` computes with the same arguments.

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec (default: the Digital-Index Ruhr's, :func:`load_spec`).
    normalization, params, aggregation, p, weights, missing, treatment
        The choices of the index, as for :func:`~ruhrgeo.index.composite`.
    correlation
        ``"pearson"``, ``"spearman"`` or ``"kendall"``.

    Returns
    -------
    AuditResult
        ``correlations``: the normalized indicators (direction applied, so a negative
        correlation means pulling the other way), every aggregate and ``index``, each with
        each (``correlation``: pearson, spearman or kendall; pairwise complete rows).
        ``cronbach``: Cronbach's alpha of each aggregate's children (NaN for an aggregate of
        one) and, as ``index``, of the index's children. ``pca``: per aggregate the number of
        children, the share of variance the first principal component of their correlation
        matrix explains (``pc1_explained``) and how many components have an eigenvalue
        above 1 (``components_over_1``, Kaiser). ``flags``: per indicator its ``parent``,
        ``weight_share`` among its siblings, correlations with its parent and the index,
        ``importance_share`` (its squared correlation with the parent over the sum of those
        of its siblings, the first-order effect of a linear aggregate) and ``flag``:
        ``negative`` (correlation with its parent < 0), ``dominant`` (importance share
        >= ``DOMINANCE`` x weight share) or ``constant`` (one score for all), with the
        ``reason``. Statistics that a constant indicator leaves undefined are NaN.

    Raises
    ------
    ruhrgeo.errors.MethodError
        ``correlation`` is not pearson, spearman or kendall, or a choice does not exist.
    ruhrgeo.errors.MissingColumnError, ruhrgeo.errors.IndicatorValueError
        As in :func:`composite`.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [1.0, 2, 3, 5, 4], "c": [5.0, 4, 3, 2, 1]})
    >>> audit(df, spec).flags["flag"].to_dict()
    {'a': '', 'b': '', 'c': 'negative'}
    """
    choice(correlation, "correlation", CORRELATIONS, error=MethodError)
    spec = _spec(spec)
    choices = Choices(normalization, params, aggregation, p, weights, missing, treatment)
    result = run(df, spec, choices)
    scores = result.scores
    table = pd.concat(
        [
            scores,
            pd.DataFrame(
                result.aggregated, index=scores.index, columns=[*spec.aggregate_names(), INDEX]
            ),
        ],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant column: NaN, flagged
        corr = table.corr(method=correlation)
        parents = [*spec.aggregate_names(), INDEX]
        cronbach = {a: _cronbach(table[spec.children(a)]) for a in parents}
        pca = _pca(table, spec)
    return AuditResult(
        correlations=corr,
        cronbach=pd.Series(cronbach, name="cronbach_alpha"),
        pca=pca,
        flags=_flags(corr, spec, result.weights),
        correlation=correlation,
        reversed=tuple(n for n, d in spec.directions().items() if d == "lower"),
    )


def _cronbach(items: pd.DataFrame) -> float:
    k = items.shape[1]
    if k < 2:
        return float("nan")
    cov = items.cov().to_numpy()
    total = cov.sum()
    return float(k / (k - 1) * (1 - np.trace(cov) / total)) if total > 0 else float("nan")


def _pca(table: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    rows = {}
    for parent in spec.aggregate_names():
        names = spec.children(parent)
        data = table[names].dropna()
        if len(names) < 2 or len(data) <= len(names):
            rows[parent] = (len(names), np.nan, np.nan)
            continue
        matrix = np.corrcoef(data.to_numpy().T)
        if not np.isfinite(matrix).all():  # a constant child
            rows[parent] = (len(names), np.nan, np.nan)
            continue
        eigen = np.linalg.eigvalsh(matrix)[::-1]
        rows[parent] = (len(names), eigen[0] / len(names), int((eigen > 1).sum()))
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["children", "pc1_explained", "components_over_1"]
    )
    out.index.name = "aggregate"
    return out


def _flags(corr: pd.DataFrame, spec: IndicatorSpec, weights: Mapping[str, float]) -> pd.DataFrame:
    rows = []
    for parent in spec.aggregates_at(2):
        names = spec.children(parent)
        with_parent = corr.loc[names, parent]
        total_w = sum(weights[n] for n in names)
        importance = with_parent**2 / (with_parent**2).sum()
        for name in names:
            share, imp, r = weights[name] / total_w, importance[name], with_parent[name]
            flag, reason = "", ""
            if np.isnan(r):
                flag = "constant"
                reason = "has one score for every unit: it cannot inform its parent"
            elif len(names) > 1 and r < 0:
                flag = "negative"
                reason = f"correlates {r:.2f} with its parent {parent!r}: it pulls the other way"
            elif len(names) > 1 and imp >= DOMINANCE * share:
                flag = "dominant"
                reason = (
                    f"carries {imp:.0%} of {parent!r}'s squared correlations for a "
                    f"{share:.0%} weight"
                )
            rows.append((name, parent, share, r, corr.loc[name, INDEX], imp, flag, reason))
    columns = ["indicator", "parent", "weight_share", "corr_parent", "corr_index"]
    out = pd.DataFrame(rows, columns=[*columns, "importance_share", "flag", "reason"])
    return out.set_index("indicator").reindex(spec.names())
