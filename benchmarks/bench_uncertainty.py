"""index.uncertainty (53 municipalities x 12 indicators, n = 1,000) vs the same analysis as
one composite() call per run, in one run.

    python benchmarks/bench_uncertainty.py [--runs 3] [--n 1000]

The table: the demo's 53 municipalities, its eight synthetic indicators and four seeded ones
(the twelve of the default spec), with 5 % of the values removed (seeded) so that all five
choices are factors: normalizer (4), aggregator (2), imputation (3), treatment (2), weights
(+-25 %). ruhrgeo evaluates the Saltelli design in groups of runs that share their choices;
the peer regenerates the whole index once per run with composite(), as COINr's
get_sensitivity does, on the same design (its ranks are checked equal to ruhrgeo's). The
peer's time leaves out the sampling, the SALib analysis and the removal runs that ruhrgeo's
includes (milliseconds), which favors the peer. Reports ruhrgeo's median over --runs, the
peer's single run (it takes minutes), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from importlib.metadata import version

import numpy as np
import pandas as pd

from ruhrgeo import datasets
from ruhrgeo.errors import IndexWarning
from ruhrgeo.index import composite, load_spec, uncertainty
from ruhrgeo.index._choices import alternatives
from ruhrgeo.index.monte_carlo import DEFAULT_NormalizATIONS

SETS = {
    "normalization": DEFAULT_NormalizATIONS,
    "aggregation": ("amean", "gmean"),
    "imputation": ("skip", "median", "mean"),
    "treatment": (None, "log"),
}


def table() -> pd.DataFrame:
    df = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str}).set_index("ags")
    rng = np.random.default_rng(0)
    n = len(df)
    df["it_graduates_per_1000_employees"] = rng.gamma(2, 2, n)
    df["5g_area_share"] = rng.uniform(90, 100, n)
    df["fttbh_household_share"] = rng.uniform(0, 90, n)
    df["gigabit_household_share"] = rng.uniform(10, 95, n)
    values = df[load_spec().names()].copy()
    gaps = rng.random(values.shape) < 0.05
    return values.mask(gaps)


def peer(df: pd.DataFrame, samples: pd.DataFrame) -> np.ndarray:
    """Ranks of every run by composite(), choices read back from the run's labels."""
    spec = load_spec()
    by_label = {c: {a.label: a for a in alternatives(SETS[c], c)} for c in SETS}
    ranks = np.empty((len(samples), len(df)), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)
        for i, row in enumerate(samples.itertuples(index=False)):
            run = row._asdict()
            norm = by_label["normalization"][run["normalization"]]
            agg = by_label["aggregation"][run["aggregation"]]
            weights = {
                name: base * samples.iat[i, samples.columns.get_loc(f"weight of {name}")]
                for name, base in [(i_.name, i_.weight) for i_ in spec.indicators]
                + list(spec.areas.items())
            }
            result = composite(
                df,
                spec,
                normalization=norm.name,
                params=norm.params,
                aggregation=agg.name,
                p=agg.params.get("p"),
                weights=weights,
                missing=by_label["imputation"][run["imputation"]].name,
                treatment=by_label["treatment"][run["treatment"]].name,
            )
            ranks[i] = result["rank"].to_numpy()
    return ranks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    df, spec = table(), load_spec()
    uncertainty(df, spec, n=8)  # imports and first calls outside the timings
    times: dict[str, list[float]] = {"ruhrgeo": [], "peer": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        result = uncertainty(df, spec, n=args.n, seed=0)
        times["ruhrgeo"].append(time.perf_counter() - start)
    start = time.perf_counter()  # once: the peer takes minutes
    ranks = peer(df, result.samples)
    times["peer"].append(time.perf_counter() - start)
    same = np.array_equal(ranks[result.ranks.columns], result.ranks.to_numpy().T)
    assert same, "the peer's ranks differ from ruhrgeo's"
    ours, theirs = statistics.median(times["ruhrgeo"]), statistics.median(times["peer"])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"SALib {version('SALib')}, numpy {np.__version__}, pandas {pd.__version__}")
    print(
        f"design: N = {result.n}, {len(result.samples):,} runs, {len(df)} municipalities x "
        f"{len(spec.indicators)} indicators, factors {list(result.sensitivity.index)}"
    )
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.2f} s, runs "
            + ", ".join(f"{v:.2f}" for v in values)
        )
    print(f"ratio ruhrgeo / peer: {ours / theirs:.4f} (ranks of all {len(ranks):,} runs equal)")


if __name__ == "__main__":
    main()
