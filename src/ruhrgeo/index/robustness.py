"""How much the ranking depends on the method and the weights."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from ruhrgeo.errors import IndexWarning, ParameterError
from ruhrgeo.index.composite import composite
from ruhrgeo.index.normalise import METHODS
from ruhrgeo.index.spec import IndicatorSpec, load_spec

__all__ = ["SensitivityResult", "sensitivity"]


@dataclass(frozen=True)
class SensitivityResult:
    """Ranks under every variant, their agreement, and each municipality's rank range."""

    ranks: pd.DataFrame
    correlations: pd.DataFrame
    rank_range: pd.DataFrame

    def summary(self) -> str:
        """A short text on how robust the ranking is."""
        rho = self.correlations["spearman"]
        spread = self.rank_range["range"]
        stable = int((spread <= 2).sum())
        always = [str(a) for a in self.rank_range.index[self.rank_range["worst"] <= 3]]
        return (
            f"Across {self.ranks.shape[1]} variants the ranking agrees with the baseline at "
            f"Spearman rho {rho.min():.2f}-{rho.max():.2f} (Kendall tau "
            f"{self.correlations['kendall'].min():.2f}-{self.correlations['kendall'].max():.2f}). "
            f"{stable} of {len(spread)} municipalities move by at most 2 ranks; the largest "
            f"move is {int(spread.max())} ranks ({spread.idxmax()}). "
            f"In the top 3 in every variant: {', '.join(always) or 'none'}."
        )


def sensitivity(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    methods: Sequence[str] = METHODS,
    weight_sets: Mapping[str, Mapping[str, float]] | None = None,
    missing: str = "error",
) -> SensitivityResult:
    """Recompute the index under every normalisation x weight set and compare the ranks.

    The baseline is the first method with the spec's own weights. ``correlations`` holds
    Spearman's rho and Kendall's tau of every variant's ranks against the baseline;
    ``rank_range`` each municipality's best and worst rank and their difference.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "y")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1.5]},
    ...                   index=pd.Index(list("pqrs"), name="ags"))
    >>> result = sensitivity(df, spec, methods=["minmax", "zscore"])
    >>> result.ranks.shape
    (4, 2)
    """
    spec = spec or load_spec()
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ParameterError(f"`methods` must be a non-empty subset of {METHODS}, got {methods}")
    sets = {"spec weights": None, **(weight_sets or {})}
    ranks = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)  # reported once by the baseline below
        for method, (label, weights) in itertools.product(methods, sets.items()):
            result = composite(df, spec, method=method, weights=weights, missing=missing)
            ranks[f"{method} / {label}"] = result["rank"].astype(float)
    table = pd.DataFrame(ranks)
    base = table.iloc[:, 0]
    rows = []
    for variant in table.columns[1:]:
        rows.append(
            {
                "variant": variant,
                "spearman": stats.spearmanr(base, table[variant]).statistic,
                "kendall": stats.kendalltau(base, table[variant]).statistic,
            }
        )
    correlations = pd.DataFrame(rows, columns=["variant", "spearman", "kendall"]).set_index(
        "variant"
    )
    spread = pd.DataFrame({"best": table.min(axis=1), "worst": table.max(axis=1)})
    spread["range"] = spread["worst"] - spread["best"]
    return SensitivityResult(ranks=table, correlations=correlations, rank_range=spread)
