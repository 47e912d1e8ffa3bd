"""The statistical audit of an index (OECD/JRC Handbook step 4; COINr's get_corr,
get_cronbach, get_PCA): correlations within and across levels, Cronbach's alpha and
principal components per area, and flags for indicators that pull against their area or
dominate it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo.errors import MethodError
from ruhrgeo.index._pipeline import run
from ruhrgeo.index.composite import _spec
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["DOMINANCE", "AuditResult", "audit"]

CORRELATIONS = ("pearson", "spearman", "kendall")
DOMINANCE = 1.5  # importance share >= 1.5 x weight share: the indicator dominates its area


@dataclass(frozen=True)
class AuditResult:
    """The audit of one index (see :func:`audit`)."""

    correlations: pd.DataFrame
    cronbach: pd.Series
    pca: pd.DataFrame
    flags: pd.DataFrame
    correlation: str = "pearson"

    def summary(self) -> str:
        """One paragraph: reliability, first components, flagged indicators."""
        alpha = ", ".join(f"{a} {v:.2f}" for a, v in self.cronbach.dropna().items())
        pc1 = ", ".join(f"{a} {v:.0%}" for a, v in self.pca["pc1_explained"].dropna().items())
        flagged = self.flags[self.flags["flag"] != ""]
        flags = "; ".join(f"{i}: {r}" for i, r in flagged["reason"].items()) or "none"
        return (
            f"Cronbach's alpha: {alpha or 'no area with two indicators'}. First principal "
            f"component explains {pc1 or '-'}. Flags: {flags}."
        )


def audit(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    method: str = "minmax",
    params: Mapping[str, Any] | None = None,
    aggregation: str | Mapping[str, str] = "amean",
    p: float | None = None,
    weights: Mapping[str, float] | pd.Series | str | None = None,
    missing: str = "error",
    treatment: str | None = None,
    correlation: str = "pearson",
) -> AuditResult:
    """Audit the index that :func:`composite` computes with the same arguments.

    Returns
    -------
    AuditResult
        ``correlations``: the normalized indicators (direction applied, so a negative
        correlation means pulling the other way), the area scores and ``index``, each with
        each (``correlation``: pearson, spearman or kendall; pairwise complete rows).
        ``cronbach``: Cronbach's alpha of each area's normalized indicators (NaN for an area
        of one) and, as ``index``, of the area scores. ``pca``: per area the number of
        indicators, the share of variance the first principal component of their correlation
        matrix explains (``pc1_explained``) and how many components have an eigenvalue
        above 1 (``components_over_1``, Kaiser). ``flags``: per indicator its ``area``,
        ``weight_share`` within the area, correlations with its area and the index,
        ``importance_share`` (its squared correlation with the area over the sum of those of
        the area's indicators, the first-order effect of a linear aggregate) and ``flag``:
        ``negative`` (correlation with its own area < 0), ``dominant`` (importance share
        >= :data:`DOMINANCE` x weight share) or ``constant`` (one score for all), with the
        ``reason``. Statistics that a constant indicator leaves undefined are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [1.0, 2, 3, 5, 4], "c": [5.0, 4, 3, 2, 1]})
    >>> audit(df, spec).flags["flag"].to_dict()
    {'a': '', 'b': '', 'c': 'negative'}
    """
    if correlation not in CORRELATIONS:
        raise MethodError(f"`correlation` must be one of {CORRELATIONS}, got {correlation!r}")
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
    scores = result.scores
    table = scores.copy()
    for j, area in enumerate(spec.area_names()):
        table[area] = result.area_scores[:, j]
    table["index"] = result.index
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant column: NaN, flagged
        corr = table.corr(method=correlation)
        cronbach = {a: _cronbach(scores[spec.names(a)]) for a in spec.area_names()}
        cronbach["index"] = _cronbach(table[spec.area_names()])
        pca = _pca(scores, spec)
    return AuditResult(
        correlations=corr,
        cronbach=pd.Series(cronbach, name="cronbach_alpha"),
        pca=pca,
        flags=_flags(corr, spec, result.ind),
        correlation=correlation,
    )


def _cronbach(items: pd.DataFrame) -> float:
    k = items.shape[1]
    if k < 2:
        return float("nan")
    cov = items.cov().to_numpy()
    total = cov.sum()
    return float(k / (k - 1) * (1 - np.trace(cov) / total)) if total > 0 else float("nan")


def _pca(scores: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    rows = {}
    for area in spec.area_names():
        names = spec.names(area)
        data = scores[names].dropna()
        if len(names) < 2 or len(data) <= len(names):
            rows[area] = (len(names), np.nan, np.nan)
            continue
        matrix = np.corrcoef(data.to_numpy().T)
        if not np.isfinite(matrix).all():  # a constant indicator
            rows[area] = (len(names), np.nan, np.nan)
            continue
        eigen = np.linalg.eigvalsh(matrix)[::-1]
        rows[area] = (len(names), eigen[0] / len(names), int((eigen > 1).sum()))
    out = pd.DataFrame.from_dict(
        rows, orient="index", columns=["indicators", "pc1_explained", "components_over_1"]
    )
    out.index.name = "area"
    return out


def _flags(corr: pd.DataFrame, spec: IndicatorSpec, ind: Mapping[str, float]) -> pd.DataFrame:
    rows = []
    for area in spec.area_names():
        names = spec.names(area)
        with_area = corr.loc[names, area]
        total_w = sum(ind[n] for n in names)
        importance = with_area**2 / (with_area**2).sum()
        for name in names:
            share, imp, r = ind[name] / total_w, importance[name], with_area[name]
            flag, reason = "", ""
            if np.isnan(r):
                flag = "constant"
                reason = "has one score for every municipality: it cannot inform its area"
            elif len(names) > 1 and r < 0:
                flag = "negative"
                reason = f"correlates {r:.2f} with its area {area!r}: it pulls the other way"
            elif len(names) > 1 and imp >= DOMINANCE * share:
                flag = "dominant"
                reason = (
                    f"carries {imp:.0%} of area {area!r}'s squared correlations for a "
                    f"{share:.0%} weight"
                )
            rows.append(
                (name, area, share, r, corr.loc[name, "index"], imp, flag, reason),
            )
    columns = ["indicator", "area", "weight_share", "corr_area", "corr_index"]
    out = pd.DataFrame(rows, columns=[*columns, "importance_share", "flag", "reason"])
    return out.set_index("indicator")
