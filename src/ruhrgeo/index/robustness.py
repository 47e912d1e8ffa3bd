"""How much the ranking depends on fixed alternatives: a grid of scenarios (normalizers x
aggregators x weight sets) and the removal of each indicator in turn. The Monte Carlo
version with variance-based sensitivity is :func:`ruhrgeo.index.uncertainty`."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy import stats

from ruhrgeo.errors import IndexWarning, MethodError, SpecError, WeightError
from ruhrgeo.index.composite import _spec, composite
from ruhrgeo.index.normalize import METHODS
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["SCENARIO_METHODS", "SensitivityResult", "remove_indicators", "sensitivity"]

# the normalizers that need no parameter and give different rankings under a mean
SCENARIO_METHODS: tuple[str, ...] = ("minmax", "fracmax", "zscore", "reference")


@dataclass(frozen=True)
class SensitivityResult:
    """Ranks under every scenario, their agreement, and each municipality's rank range."""

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
            f"Across {self.ranks.shape[1]} scenarios the ranking agrees with the baseline at "
            f"Spearman rho {rho.min():.2f}-{rho.max():.2f} (Kendall tau "
            f"{self.correlations['kendall'].min():.2f}-{self.correlations['kendall'].max():.2f}). "
            f"{stable} of {len(spread)} municipalities move by at most 2 ranks; the largest "
            f"move is {int(spread.max())} ranks ({spread.idxmax()}). "
            f"In the top 3 in every scenario: {', '.join(always) or 'none'}."
        )


def sensitivity(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    methods: Sequence[str] = SCENARIO_METHODS,
    aggregations: Sequence[str] = ("amean",),
    weight_sets: Mapping[str, Mapping[str, float]] | None = None,
    missing: str = "error",
) -> SensitivityResult:
    """Recompute the index under every normalizer x aggregator x weight set, compare ranks.

    The baseline is the first scenario (first method, first aggregator, the spec's
    weights). ``ranks`` has one column per scenario, labeled ``"method / aggregation /
    weights"``; ``correlations`` Spearman's rho and Kendall's tau of every other scenario's
    ranks against the baseline; ``rank_range`` each municipality's best and worst rank and
    their difference.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "y")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1.5]},
    ...                   index=pd.Index(list("pqrs"), name="ags"))
    >>> sensitivity(df, spec, methods=["minmax", "zscore"]).ranks.columns.tolist()
    ['minmax / amean / spec weights', 'zscore / amean / spec weights']
    """
    spec = _spec(spec)
    for name, given, known in (("methods", methods, METHODS), ("aggregations", aggregations, None)):
        if isinstance(given, str) or not len(given) or len(set(given)) != len(given):
            raise MethodError(
                f"`{name}` must be a non-empty list without repeats, got {given!r}"
                + (f"; choose from {known}" if known else "")
            )
    if weight_sets is not None and not isinstance(weight_sets, Mapping):
        raise WeightError("`weight_sets` must map a label to a weights mapping")
    sets: dict[str, Any] = {"spec weights": None, **(weight_sets or {})}
    ranks = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)  # reported once by the baseline below
        for method, aggregation, (label, weights) in itertools.product(
            methods, aggregations, sets.items()
        ):
            result = composite(
                df, spec, method=method, aggregation=aggregation, weights=weights, missing=missing
            )
            ranks[f"{method} / {aggregation} / {label}"] = result["rank"].astype(float)
    composite(df, spec, method=methods[0], aggregation=aggregations[0], missing=missing)
    table = pd.DataFrame(ranks)
    base = table.iloc[:, 0]
    rows = [
        {
            "scenario": scenario,
            "spearman": stats.spearmanr(base, table[scenario]).statistic,
            "kendall": stats.kendalltau(base, table[scenario]).statistic,
        }
        for scenario in table.columns[1:]
    ]
    correlations = pd.DataFrame(rows, columns=["scenario", "spearman", "kendall"]).set_index(
        "scenario"
    )
    spread = pd.DataFrame({"best": table.min(axis=1), "worst": table.max(axis=1)})
    spread["range"] = spread["worst"] - spread["best"]
    return SensitivityResult(ranks=table, correlations=correlations, rank_range=spread)


def remove_indicators(
    df: pd.DataFrame, spec: IndicatorSpec | None = None, **choices: Any
) -> pd.DataFrame:
    """What if each indicator were left out? The rank shift of every municipality.

    Column ``c`` holds the nominal rank minus the rank without indicator ``c`` (its area's
    other weights renormalized; an area left empty drops out of the index): positive means
    the municipality moves up without ``c``. ``choices`` are :func:`composite`'s keyword
    arguments (method, params, aggregation, p, weights, missing, treatment).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 1.5]}, index=list("pqr"))
    >>> remove_indicators(df, spec).to_dict("list")
    {'a': [1, 0, -1], 'b': [-1, 1, 0]}
    """
    spec = _spec(spec)
    if len(spec.indicators) < 2:
        raise SpecError(f"spec {spec.name!r} has one indicator; nothing to remove")
    nominal = composite(df, spec, **choices)["rank"]
    shifts = {}
    weights = choices.get("weights")
    for name in spec.names():
        kept = spec.subset(n for n in spec.names() if n != name)
        if isinstance(weights, Mapping | pd.Series):  # overrides of what is left
            left = set(kept.names()) | set(kept.areas)
            choices["weights"] = {k: v for k, v in dict(weights).items() if k in left}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IndexWarning)  # the nominal run reported them
            without = composite(df, kept, **choices)["rank"]
        shifts[name] = (nominal - without).astype(int)
    return pd.DataFrame(shifts, index=nominal.index)
