"""How much the ranking depends on fixed alternatives: a grid of scenarios over any choices
of the index (by name: normalization, params, aggregation, p, weights, missing, treatment)
and the removal of each indicator in turn. The Monte Carlo version with variance-based
sensitivity is :func:`ruhrgeo.index.uncertainty`."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy import stats

from ruhrgeo.errors import IndexWarning, MethodError, SpecError
from ruhrgeo.index.choices import CHOICES, Choices
from ruhrgeo.index.composite_index import _spec, composite
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["SCENARIO_METHODS", "SensitivityResult", "remove_indicators", "sensitivity"]

# the normalizers that need no parameter and give different rankings under a mean
SCENARIO_METHODS: tuple[str, ...] = ("minmax", "fracmax", "zscore", "reference")


@dataclass(frozen=True)
class SensitivityResult:
    """Ranks under every scenario, their agreement, and each municipality's rank range.

    Attributes
    ----------
    ranks : pandas.DataFrame
        Units x scenarios: the ranks under each scenario.
    correlations : pandas.DataFrame
        Per scenario: Spearman's correlation with the baseline ranks, and the mean shift.
    rank_range : pandas.DataFrame
        Per unit: its best and worst rank over the scenarios and their range.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "y")))
    >>> table = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5],
    ...                       "c": [1.0, 3, 2, 5, 4]}, index=list("pqrst"))
    >>> from ruhrgeo.index import sensitivity
    >>> result = sensitivity(table, spec, vary={"normalization": ["minmax", "rank"]})
    >>> result.ranks.shape
    (5, 2)
    """

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
    vary: Mapping[str, Sequence[Any] | Mapping[str, Any]] | None = None,
    **choices: Any,
) -> SensitivityResult:
    """Recompute the index under every combination of alternatives of the choices named in
    ``vary`` and compare the ranks.

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec (default: the Digital-Index Ruhr's, :func:`load_spec`).
    vary
        Choice name (a field of :class:`~ruhrgeo.index.Choices`: ``normalization``,
        ``params``, ``aggregation``, ``p``, ``weights``, ``missing``, ``treatment``) -> its
        alternatives: a list of values, or a mapping label -> value (for values without a
        short name, e.g. weight sets). Default: the normalizers ``SCENARIO_METHODS``.
    **choices
        The fixed choices (as :func:`composite` takes them).

    Returns
    -------
    SensitivityResult
        ``ranks`` has one column per scenario, labeled by its alternatives joined with
        ``" / "``; the baseline is the first alternative of every varied choice.
        ``correlations``: Spearman's rho and Kendall's tau of every other scenario's ranks
        against the baseline; ``rank_range``: each unit's best and worst rank and their
        difference.

    Raises
    ------
    ruhrgeo.errors.MethodError
        A name that is no choice, an empty or repeated list of alternatives, or an
        alternative the choice does not take.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "y")))
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [4.0, 3, 2, 1.5]},
    ...                   index=pd.Index(list("pqrs"), name="ags"))
    >>> result = sensitivity(df, spec, vary={"normalization": ["minmax", "zscore"],
    ...                                      "weights": {"spec": None, "equal": "equal"}})
    >>> result.ranks.columns.tolist()[:2]
    ['minmax / spec', 'minmax / equal']
    """
    spec = _spec(spec)
    vary = {"normalization": list(SCENARIO_METHODS)} if vary is None else vary
    if not isinstance(vary, Mapping) or not vary:
        raise MethodError(f"`vary` must map choice names to alternatives, got {vary!r}")
    unknown = sorted(set(vary) - set(CHOICES)) + sorted(set(choices) - set(CHOICES))
    if unknown:
        raise MethodError(f"{unknown} are not choices of an index; choices: {list(CHOICES)}")
    both = sorted(set(vary) & set(choices))
    if both:
        raise MethodError(f"{both} are given both fixed and in `vary`; give each one way")
    options = {name: _alternatives(name, given) for name, given in vary.items()}
    base = Choices(**choices)
    ranks = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)  # reported once by the baseline below
        for combination in itertools.product(*(o.items() for o in options.values())):
            label = " / ".join(lb for lb, _ in combination)
            changed = base.replace(**{n: v for n, (_, v) in zip(options, combination, strict=True)})
            ranks[label] = composite(df, spec, **_as_kwargs(changed))["rank"].astype(float)
    first = {n: next(iter(o.values())) for n, o in options.items()}
    composite(df, spec, **_as_kwargs(base.replace(**first)))
    table = pd.DataFrame(ranks)
    baseline = table.iloc[:, 0]
    rows = [
        {
            "scenario": scenario,
            "spearman": stats.spearmanr(baseline, table[scenario]).statistic,
            "kendall": stats.kendalltau(baseline, table[scenario]).statistic,
        }
        for scenario in table.columns[1:]
    ]
    correlations = pd.DataFrame(rows, columns=["scenario", "spearman", "kendall"]).set_index(
        "scenario"
    )
    spread = pd.DataFrame({"best": table.min(axis=1), "worst": table.max(axis=1)})
    spread["range"] = spread["worst"] - spread["best"]
    return SensitivityResult(ranks=table, correlations=correlations, rank_range=spread)


def _alternatives(name: str, given: Any) -> dict[str, Any]:
    """Label -> value of a choice's alternatives."""
    if isinstance(given, Mapping):
        labeled = {str(k): v for k, v in given.items()}
    elif isinstance(given, str) or not isinstance(given, Sequence) or not len(given):
        raise MethodError(
            f"the alternatives of {name!r} must be a non-empty list or a mapping label -> "
            f"value, got {given!r}"
        )
    else:
        labeled = {}
        for value in given:
            label = "none" if value is None else str(value)
            if label in labeled:
                raise MethodError(f"the alternatives of {name!r} name {label!r} twice")
            labeled[label] = value
    if not labeled:
        raise MethodError(f"the alternatives of {name!r} are empty")
    for value in labeled.values():
        Choices(
            **{name: value, **({"p": 1.0} if name == "aggregation" and value == "genmean" else {})}
        )
    return labeled


def _as_kwargs(choices: Choices) -> dict[str, Any]:
    return {name: getattr(choices, name) for name in CHOICES}


def remove_indicators(
    df: pd.DataFrame, spec: IndicatorSpec | None = None, **choices: Any
) -> pd.DataFrame:
    """What if each indicator were left out? The rank shift of every municipality.

    Column ``c`` holds the nominal rank minus the rank without indicator ``c`` (its area's
    other weights renormalized; an area left empty drops out of the index): positive means
    the municipality moves up without ``c``. ``choices`` are :func:`composite`'s keyword
    arguments (method, params, aggregation, p, weights, missing, treatment).

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec (default: the Digital-Index Ruhr's, :func:`load_spec`).
    **choices
        The choices of the index, as for :func:`~ruhrgeo.index.composite`.

    Returns
    -------
    pandas.DataFrame
        Units x indicators: the unit's rank without the indicator minus its rank with all.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.IndicatorValueError
        An indicator column is not numeric, or holds infinite values.
    ruhrgeo.errors.MethodError
        A choice is unknown or its parameters do not fit.
    ruhrgeo.errors.MissingValuesError
        Values are missing and ``missing="error"``.
    ruhrgeo.errors.StatisticsError
        A normalizer cannot scale an indicator (one value, no spread).

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
