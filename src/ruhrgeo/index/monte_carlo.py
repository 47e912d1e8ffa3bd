"""Uncertainty and sensitivity analysis of the ranking (OECD/JRC Handbook step 7; COINr's
get_sensitivity), with SALib's Saltelli design and estimators.

Each uncertain choice is an input factor: the normalizer, the aggregator (every level), the
imputation (only when values are missing), the treatment, and the weights, each weight (of
every indicator, and of every aggregate that has siblings) multiplied by 1 + u, u uniform in
[-``weight_noise``, +``weight_noise``] (COINr's noise; all weights one group). A discrete
choice takes each alternative with equal probability (COINr's uniform-to-discrete mapping).
The design is SALib's Saltelli scheme on a scrambled Sobol' sequence with N base samples
(``n`` rounded up to a power of two, as Sobol' sequences need): N x (G + 2) runs for G factor
groups. The output of a run is the mean absolute rank shift
from the nominal ranking (COINr's choice); SALib gives first-order indices (Saltelli 2010)
and total indices (Jansen's estimator) with bootstrap resamples, from which the confidence
intervals are percentiles. The rank intervals use the 2N independent runs of the A and B
matrices. The nominal ranking uses the first alternative of each choice and the spec's
weights; it equals :func:`composite` with those choices.

Memory is bounded: the runs are aggregated and ranked :data:`CHUNK_VALUES` values at a time
(about 0.2 GB of float64), and only the ranks of the 2N independent runs are kept, as the
smallest integers that hold them (2 bytes per unit and run up to 32,767 units: 0.5 GB at the
largest N for 2,000 units).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from scipy import stats

from ruhrgeo import _params
from ruhrgeo.errors import MethodError, MissingValuesError
from ruhrgeo.index._choices import all_scores, alternatives, check_compatible
from ruhrgeo.index._pipeline import assemble, indicator_values, node_weights, nodes, weight_matrix
from ruhrgeo.index.composite_index import _spec
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["UncertaintyResult", "uncertainty"]

DEFAULT_NormalizATIONS: tuple[Any, ...] = (
    ("minmax", {"bounds": (1, 100)}),
    ("zscore", {"mean_sd": (10, 2)}),
    "rank",
    "fracmax",
)
MAX_N = 2**16
CHUNK_VALUES = 25_000_000  # runs x units aggregated at a time


@dataclass(frozen=True)
class UncertaintyResult:
    """Rank statistics, sensitivity indices, removal shifts and the runs themselves.

    Attributes
    ----------
    rank_stats : pandas.DataFrame
        By unit: ``nominal_rank``, ``median_rank``, ``mean_rank``, ``rank_low`` and
        ``rank_high`` (the 5 and 95 % quantiles for ``level`` 0.9) and ``interval``.
    sensitivity : pandas.DataFrame
        By choice: ``S1`` and ``ST`` with their bootstrap intervals ``S1_low``, ``S1_high``,
        ``ST_low``, ``ST_high``.
    removal : pandas.DataFrame
        Unit x indicator: the nominal rank minus the rank without that indicator (<NA>
        where a unit has no value left).
    ranks : pandas.DataFrame
        Unit x the 2N independent runs (Saltelli's matrices A and B).
    samples : pandas.DataFrame
        One row per run: its ``matrix`` (A, B, or AB with one factor group from B), the
        alternatives taken, the weight factors and ``mean_rank_shift``.
    n : int
        The base sample size N.
    seed : int
        The seed of the runs.
    level : float
        The share of runs the rank interval covers.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "y")))
    >>> table = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5],
    ...                       "c": [1.0, 3, 2, 5, 4]}, index=list("pqrst"))
    >>> from ruhrgeo.index import uncertainty
    >>> result = uncertainty(table, spec, n=8, aggregations=["amean"], treatments=[None])
    >>> list(result.rank_stats.columns)[:3]
    ['nominal_rank', 'median_rank', 'mean_rank']
    """

    rank_stats: pd.DataFrame
    sensitivity: pd.DataFrame
    removal: pd.DataFrame
    ranks: pd.DataFrame
    samples: pd.DataFrame
    n: int
    seed: int
    level: float

    def summary(self, names: Mapping[str, str] | pd.Series | None = None, width: int = 2) -> str:
        """What drives the ranking and whose ranks are robust (interval <= ``width``)."""
        label = dict(names.items()) if names is not None else {}
        stats_ = self.rank_stats
        s = self.sensitivity.sort_values("ST", ascending=False)
        drivers = ", ".join(
            f"{c} (ST {r.ST:.2f} [{r.ST_low:.2f}-{r.ST_high:.2f}], S1 {r.S1:.2f})"
            for c, r in s.iterrows()
        )
        robust = stats_.index[stats_["interval"] <= width]
        shaky = stats_.sort_values("interval", ascending=False).head(3)
        shaky_text = ", ".join(
            f"{label.get(a, a)} (rank {int(r.nominal_rank)}, {r.rank_low:g}-{r.rank_high:g})"
            for a, r in shaky.iterrows()
        )
        return (
            f"{len(self.samples):,} runs (N = {self.n:,}, seed {self.seed}). Choices by total "
            f"effect on the ranks: {drivers}. {len(robust)} of {len(stats_)} municipalities "
            f"keep a {self.level:.0%} rank interval of at most {width} ranks"
            + (f": {', '.join(str(label.get(a, a)) for a in robust)}" if len(robust) else "")
            + f". Widest intervals: {shaky_text}."
        )


def uncertainty(
    df: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    n: int = 1024,
    seed: int = 0,
    normalizations: Sequence[Any] = DEFAULT_NormalizATIONS,
    aggregations: Sequence[Any] = ("amean", "gmean"),
    weight_noise: float = 0.25,
    imputations: Sequence[Any] = ("skip", "median", "mean"),
    treatments: Sequence[Any] = (None, "log"),
    bootstrap: int = 100,
    level: float = 0.9,
) -> UncertaintyResult:
    """Monte Carlo over the uncertain choices of the index, variance-based sensitivity of each
    choice on the ranks, and the removal of each indicator (method in the module docstring).

    Parameters
    ----------
    df
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    spec
        The indicator spec (default: the Digital-Index Ruhr's, :func:`load_spec`).
    n
        Base sample size N (rounded up to a power of two; at most 65,536).
    seed
        The seed of the Sobol' sequence and of the bootstrap: same seed, same result.
    normalizations, aggregations, imputations, treatments
        The alternatives of each choice: names, or (name, {parameter: value}) pairs, e.g.
        ``("genmean", {"p": 0.5})`` or ``("group_median", {"by": kreis})``. The first is
        the nominal one. Default normalizations follow COINr's example, so that the
        geometric mean can take them: ``minmax`` on [1, 100], ``zscore`` with mean 10 and
        sd 2, ``rank``, ``fracmax``.
    weight_noise
        The relative perturbation of every weight, in [0, 1).
    bootstrap
        Bootstrap resamples of the sensitivity indices.
    level
        The coverage of the rank intervals and of the indices' intervals (0.9: 5-95 %).

    Returns
    -------
    UncertaintyResult
        Rank statistics, sensitivity indices, removal shifts and the runs.

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
    >>> spec = IndicatorSpec("toy", (Indicator("a", "x"), Indicator("b", "x"), Indicator("c", "y")))
    >>> df = pd.DataFrame({"a": [1.0, 5, 3, 4, 2, 8], "b": [2.0, 1, 7, 3, 9, 4],
    ...                    "c": [5.0, 6, 1, 2, 8, 3]}, index=list("pqrstu"))
    >>> result = uncertainty(df, spec, n=64, seed=1, normalizations=["minmax", "rank"],
    ...                      aggregations=["amean"], treatments=[None])
    >>> result.sensitivity.index.tolist(), len(result.samples)
    (['normalization', 'weights'], 256)
    """
    spec = _spec(spec)
    n_base, seed = _check_numbers(n, seed, weight_noise, bootstrap, level)
    values = indicator_values(df, spec)
    gaps = values.isna().to_numpy()
    if gaps.all(axis=1).any():
        empty = list(values.index[gaps.all(axis=1)][:5])
        raise MissingValuesError(f"units {empty} have no indicator value at all")
    choices = {
        "normalization": alternatives(normalizations, "normalization"),
        "aggregation": alternatives(aggregations, "aggregation"),
        "imputation": alternatives(imputations, "imputation"),
        "treatment": alternatives(treatments, "treatment"),
    }
    if not gaps.any():  # without missing values the imputation changes nothing: no factor
        choices["imputation"] = alternatives(["skip"], "imputation")
    table = all_scores(
        values, spec, choices["imputation"], choices["treatment"], choices["normalization"]
    )
    check_compatible(table, choices["normalization"], choices["aggregation"])
    w0 = weight_matrix(spec, node_weights(spec, None))
    names = nodes(spec)
    weighted = [m for m in names if len(spec.children(spec.parent_of(m))) > 1 or m in spec.names()]
    weighted = weighted if weight_noise > 0 else []
    problem = _problem(choices, weighted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib's note on powers of two: N is one
        design = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    picks, factors = _decode(design, problem, choices, weighted, weight_noise)
    w = np.repeat(w0, len(design), axis=0)
    for j, m in enumerate(weighted):
        w[:, names.index(m)] *= factors[:, j]
    agg = choices["aggregation"][0]
    levels = range(2, spec.depth + 1)
    nominal_run = (table[(0, 0, 0)], spec, w0, dict.fromkeys(levels, agg.name), agg.params.get("p"))
    nominal = _ranks(assemble(*nominal_run)[:, :, -1])[0]
    step = len(set(problem["groups"])) + 2  # SALib's row order: A, AB_1..AB_G, B per sample
    independent = np.r_[np.arange(0, len(design), step), np.arange(step - 1, len(design), step)]
    shift, runs = _run_all(table, spec, w, picks, choices, nominal, independent, levels)
    return UncertaintyResult(
        rank_stats=_rank_stats(runs, nominal, values.index, level),
        sensitivity=_sobol(problem, shift, bootstrap, seed, level),
        removal=_removal(nominal_run, nominal, values.index),
        ranks=pd.DataFrame(runs.T, index=values.index, columns=pd.Index(independent, name="run")),
        samples=_samples(picks, factors, choices, weighted, shift, problem),
        n=n_base,
        seed=seed,
        level=level,
    )


def _run_all(
    table: dict,
    spec: IndicatorSpec,
    w: np.ndarray,
    picks: np.ndarray,
    choices: dict[str, list],
    nominal: np.ndarray,
    independent: np.ndarray,
    levels: range,
) -> tuple[np.ndarray, np.ndarray]:
    """Every run's mean absolute rank shift, and the ranks of the independent runs, computed
    a chunk of runs at a time (:data:`CHUNK_VALUES`)."""
    units = len(nominal)
    shift = np.empty(len(w))
    kept = np.empty((len(independent), units), np.int16 if units < 2**15 else np.int32)
    where = np.full(len(w), -1)
    where[independent] = np.arange(len(independent))
    keys, group = np.unique(picks, axis=0, return_inverse=True)
    group = group.ravel()
    per_chunk = max(1, CHUNK_VALUES // (units * (len(nodes(spec)) + 1)))
    for g, (i, t, m, a) in enumerate(keys):
        rows = np.flatnonzero(group == g)
        agg = choices["aggregation"][a]
        methods = dict.fromkeys(levels, agg.name)
        for start in range(0, rows.size, per_chunk):
            chunk = rows[start : start + per_chunk]
            index = assemble(table[(i, t, m)], spec, w[chunk], methods, agg.params.get("p"))
            ranks = _ranks(index[:, :, -1])
            shift[chunk] = np.abs(ranks - nominal).mean(axis=1)
            mine = where[chunk] >= 0
            kept[where[chunk][mine]] = ranks[mine]
    return shift, kept


CHOICES = ("imputation", "treatment", "normalization", "aggregation")


def _check_numbers(
    n: object, seed: object, noise: object, bootstrap: object, level: object
) -> tuple[int, int]:
    n = _params.whole_number(n, "n", low=4, high=MAX_N, error=MethodError)
    seed = _params.seed(seed, error=MethodError)
    _params.number(noise, "weight_noise", low=0, high=1, high_open=True, error=MethodError)
    _params.whole_number(bootstrap, "bootstrap", low=2, high=100_000, error=MethodError)
    _params.number(level, "level", low=0, high=1, low_open=True, high_open=True, error=MethodError)
    return 1 << (n - 1).bit_length(), seed


def _problem(choices: dict[str, list], weighted: list[str]) -> dict[str, Any]:
    names = [c for c in CHOICES if len(choices[c]) > 1]
    groups = list(names)
    names += [f"weight of {w}" for w in weighted]
    groups += ["weights"] * len(weighted)
    if not names:
        raise MethodError(
            "nothing is uncertain: give two or more alternatives for a choice or weight_noise > 0"
        )
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0, 1]] * len(names),
        "groups": groups,
    }


def _decode(
    design: np.ndarray, problem: dict, choices: dict[str, list], weighted: list[str], noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """The alternative of each choice (runs x 4, CHOICES order) and the weight factors."""
    names = problem["names"]
    picks = np.zeros((len(design), len(CHOICES)), dtype=int)
    for j, choice in enumerate(CHOICES):
        if choice in names:
            count = len(choices[choice])
            picks[:, j] = np.minimum(
                (design[:, names.index(choice)] * count).astype(int), count - 1
            )
    factors = np.ones((len(design), max(1, len(weighted))))
    for j, w in enumerate(weighted):
        factors[:, j] = 1 + noise * (2 * design[:, names.index(f"weight of {w}")] - 1)
    return picks, factors


def _ranks(index: np.ndarray) -> np.ndarray:
    return stats.rankdata(-index, method="min", axis=1).astype(int)


def _rank_stats(runs: np.ndarray, nominal: np.ndarray, ags: pd.Index, level: float):
    # ranks are whole numbers: the interval widens to the ranks around its quantiles
    low = np.quantile(runs, (1 - level) / 2, axis=0, method="lower").astype(int)
    high = np.quantile(runs, (1 + level) / 2, axis=0, method="higher").astype(int)
    out = pd.DataFrame(
        {
            "nominal_rank": nominal,
            "median_rank": np.median(runs, axis=0),
            "mean_rank": runs.mean(axis=0),
            "rank_low": low,
            "rank_high": high,
        },
        index=ags,
    )
    out["interval"] = out["rank_high"] - out["rank_low"]
    return out


def _sobol(problem: dict, y: np.ndarray, bootstrap: int, seed: int, level: float):
    factors = list(dict.fromkeys(problem["groups"]))
    columns = ["S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    if np.ptp(y) == 0:  # no run moves any rank: no choice matters
        return pd.DataFrame(0.0, index=pd.Index(factors, name="choice"), columns=columns)
    result = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=bootstrap,
        conf_level=level,
        keep_resamples=True,
        seed=seed + 1,  # SALib treats seed 0 as "no seed"
    )
    q = [(1 - level) / 2, (1 + level) / 2]
    s1 = np.quantile(result["S1_conf_all"], q, axis=0)
    st = np.quantile(result["ST_conf_all"], q, axis=0)
    return pd.DataFrame(
        {
            "S1": result["S1"],
            "S1_low": s1[0],
            "S1_high": s1[1],
            "ST": result["ST"],
            "ST_low": st[0],
            "ST_high": st[1],
        },
        index=pd.Index(factors, name="choice"),
    )


def _removal(nominal_run: tuple, nominal: np.ndarray, ags: pd.Index) -> pd.DataFrame:
    """Nominal rank minus the rank with each indicator's weight set to zero (the same as
    leaving it out: its siblings' weights are renormalized, an empty aggregate drops out)."""
    scores_, spec, w0, methods, p = nominal_run
    k = len(spec.names())
    w = np.repeat(w0, k, axis=0)
    w[np.arange(k), np.arange(k)] = 0.0
    index = assemble(scores_, spec, w, methods, p)[:, :, -1]
    # a municipality with no value left without the indicator has no rank: <NA>
    ranks = pd.DataFrame(index.T, index=ags, columns=spec.names()).rank(
        ascending=False, method="min"
    )
    return (-ranks).add(nominal, axis=0).round().astype("Int64")


def _samples(picks, factors, choices, weighted, shift, problem) -> pd.DataFrame:
    """One row per run: which Saltelli matrix it belongs to, the choices and the output."""
    groups = list(dict.fromkeys(problem["groups"]))
    matrix = ["A", *(f"AB {g}" for g in groups), "B"]
    out = pd.DataFrame({"matrix": np.tile(matrix, len(picks) // len(matrix))})
    for j, choice in enumerate(CHOICES):
        out[choice] = [choices[choice][i].label for i in picks[:, j]]
    for j, w in enumerate(weighted):
        out[f"weight of {w}"] = factors[:, j]
    out["mean_rank_shift"] = shift
    out.index.name = "run"
    return out
