"""Uncertainty and sensitivity: Sobol' indices against a model with analytic indices, every
run against composite(), reproducibility by seed, removal, figures."""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from ruhrgeo import index
from ruhrgeo.errors import IndexWarning
from ruhrgeo.index import Indicator, IndicatorSpec
from ruhrgeo.index._choices import alternatives
from ruhrgeo.maps import save_png

unc_module = importlib.import_module("ruhrgeo.index.monte_carlo")  # the function shadows it
SPEC = IndicatorSpec(
    "toy",
    (
        Indicator("a", "x", weight=2.0),
        Indicator("b", "x"),
        Indicator("c", "y", direction="lower"),
        Indicator("d", "y"),
    ),
    {"x": 1.0, "y": 2.0},
)


def table(n: int = 12, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.gamma(2.0, 10.0, size=(n, 4))
    return pd.DataFrame(values, columns=list("abcd"), index=[f"0500{i:04d}" for i in range(n)])


# --- the estimators: a linear additive model whose indices are known ---------------------------


def test_sobol_indices_of_a_linear_additive_model():
    """Y = 1 d_norm + 2 d_agg + sum of three weight factors: additive, so S_i = ST_i =
    a_i^2 var_i / sum_j a_j^2 var_j, with var = (m^2 - 1) / 12 for a choice among m
    alternatives and noise^2 / 3 for a factor 1 + noise (2u - 1)."""
    choices = {
        "imputation": alternatives(["skip"], "imputation"),
        "treatment": alternatives([None], "treatment"),
        "normalization": alternatives(["minmax", "zscore", "rank", "fracmax"], "normalization"),
        "aggregation": alternatives(["amean", "gmean"], "aggregation"),
    }
    weighted, noise = ["a", "b", "c"], 0.5
    problem = unc_module._problem(choices, weighted)
    design = sobol_sample.sample(problem, 4096, calc_second_order=False, seed=3)
    picks, factors = unc_module._decode(design, problem, choices, weighted, noise)
    y = 1.0 * picks[:, 2] + 2.0 * picks[:, 3] + factors.sum(axis=1)
    variances = np.array([1 * 15 / 12, 4 * 3 / 12, 3 * noise**2 / 3])  # 1.25, 1.0, 0.25
    expected = variances / variances.sum()  # 0.5, 0.4, 0.1
    got = unc_module._sobol(problem, y, 200, seed=3, level=0.9)
    assert got.index.tolist() == ["normalization", "aggregation", "weights"]
    np.testing.assert_allclose(got["S1"], expected, atol=0.03)
    np.testing.assert_allclose(got["ST"], expected, atol=0.03)
    assert (got["ST_low"] <= got["ST"]).all() and (got["ST"] <= got["ST_high"]).all()
    assert (got["ST_high"] - got["ST_low"] < 0.1).all()


def test_sobol_indices_of_an_interaction():
    """Y = d1 * d2 (two binary choices, 0/1): V = 3/16, V1 = V2 = 1/16, so S1 = 1/3 and
    ST = 2/3 for both; the total sees the interaction, the first order does not."""
    choices = {
        "imputation": alternatives(["skip"], "imputation"),
        "treatment": alternatives([None, "log"], "treatment"),
        "normalization": alternatives(["minmax", "rank"], "normalization"),
        "aggregation": alternatives(["amean"], "aggregation"),
    }
    problem = unc_module._problem(choices, [])
    design = sobol_sample.sample(problem, 8192, calc_second_order=False, seed=1)
    picks, _ = unc_module._decode(design, problem, choices, [], 0.0)
    got = unc_module._sobol(problem, (picks[:, 1] * picks[:, 2]).astype(float), 100, 1, 0.9)
    np.testing.assert_allclose(got["S1"], [1 / 3, 1 / 3], atol=0.03)
    np.testing.assert_allclose(got["ST"], [2 / 3, 2 / 3], atol=0.03)


# --- the analysis on an index ------------------------------------------------------------------

CHOICES = {
    "normalizations": ["minmax", "rank"],
    "aggregations": ["amean", "gmean"],
    "treatments": [None, "winsorize"],
}


@pytest.fixture(scope="module")
def result():
    return index.uncertainty(table(), SPEC, n=30, seed=4, weight_noise=0.3, **CHOICES)


def test_design_size_and_nominal(result):
    assert result.n == 32  # rounded up to a power of two
    groups = ["treatment", "normalization", "aggregation", "weights"]
    assert result.sensitivity.index.tolist() == groups
    assert len(result.samples) == 32 * (len(groups) + 2)
    assert result.ranks.shape == (12, 64)
    nominal = index.composite(table(), SPEC)["rank"]
    assert result.rank_stats["nominal_rank"].tolist() == nominal.tolist()


def test_every_run_equals_composite_with_its_choices(result):
    df = table()
    for run in result.ranks.columns[[0, 5, 17, 40, 63]]:
        row = result.samples.loc[run]
        weights = {n: w * row[f"weight of {n}"] for n, w in zip("abcd", (2, 1, 1, 1), strict=True)}
        weights |= {"x": row["weight of x"], "y": 2 * row["weight of y"]}
        treatment = None if row["treatment"] == "none" else row["treatment"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IndexWarning)  # relative weights, normalized
            expected = index.composite(
                df,
                SPEC,
                normalization=row["normalization"],
                aggregation=row["aggregation"],
                treatment=treatment,
                weights=weights,
            )["rank"]
        assert result.ranks[run].tolist() == expected.tolist()


def test_rank_statistics_and_shift(result):
    runs = result.ranks.to_numpy()
    np.testing.assert_allclose(result.rank_stats["median_rank"], np.median(runs, axis=1))
    # whole ranks: the order statistics at or below the 5 % position, at or above the 95 %
    ordered, last = np.sort(runs, axis=1), runs.shape[1] - 1
    low = ordered[:, int(np.floor(0.05 * last))]
    high = ordered[:, int(np.ceil(0.95 * last))]
    np.testing.assert_array_equal(result.rank_stats["rank_low"], low)
    np.testing.assert_array_equal(result.rank_stats["rank_high"], high)
    assert (low <= np.quantile(runs, 0.05, axis=1)).all()
    assert result.rank_stats[["rank_low", "rank_high", "interval"]].dtypes.eq(int).all()
    shift = np.abs(runs - result.rank_stats["nominal_rank"].to_numpy()[:, None]).mean(axis=0)
    np.testing.assert_allclose(result.samples.loc[result.ranks.columns, "mean_rank_shift"], shift)
    assert "municipalities keep a 90% rank interval" in result.summary()


def test_reproducible_by_seed(result):
    again = index.uncertainty(table(), SPEC, n=30, seed=4, weight_noise=0.3, **CHOICES)
    pd.testing.assert_frame_equal(again.sensitivity, result.sensitivity)
    pd.testing.assert_frame_equal(again.rank_stats, result.rank_stats)
    other = index.uncertainty(table(), SPEC, n=30, seed=5, weight_noise=0.3, **CHOICES)
    assert not other.samples.equals(result.samples)


def test_removal_equals_leaving_each_indicator_out(result):
    expected = index.remove_indicators(table(), SPEC)
    pd.testing.assert_frame_equal(result.removal, expected, check_dtype=False)


def test_a_choice_without_effect_has_zero_indices():
    """Uniform values pass the skew/kurtosis rule: the treatment changes no run, so its
    indices are exactly 0, and the normalizer, the only factor left, explains everything."""
    df = pd.DataFrame(
        np.random.default_rng(2).uniform(0, 100, (12, 4)), columns=list("abcd"), index=table().index
    )
    got = index.uncertainty(
        df,
        SPEC,
        n=64,
        normalizations=["minmax", "rank"],
        aggregations=["amean"],
        treatments=[None, "log"],
        weight_noise=0.0,
    ).sensitivity
    assert got.loc["treatment"].tolist() == [0.0] * 6
    assert got.loc["normalization", "ST"] == pytest.approx(1.0, abs=0.1)
    assert got.loc["normalization", "S1"] == pytest.approx(1.0, abs=0.1)


def test_missing_values_make_imputation_a_choice():
    df = table()
    df.iloc[[1, 4], 1] = np.nan
    got = index.uncertainty(
        df,
        SPEC,
        n=16,
        normalizations=["minmax"],
        aggregations=["amean"],
        treatments=[None],
        imputations=["skip", "median"],
    )
    assert got.sensitivity.index.tolist() == ["imputation", "weights"]
    assert set(got.samples["imputation"]) == {"skip", "median"}


def test_figures(result):
    names = {a: f"M{i} $x^" for i, a in enumerate(result.rank_stats.index)}  # not mathematics
    fig = index.plot_rank_intervals(result, names=names)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    best = result.rank_stats.sort_values(["nominal_rank", "median_rank"]).index[0]
    assert labels[0] == names[best]  # shown as written: mathtext is off
    assert not any(t.get_parse_math() for t in fig.axes[0].get_yticklabels())
    fig.canvas.draw()  # mathematics in a label would fail here
    heat = index.plot_correlations(index.audit(table(), SPEC))
    assert heat.axes[0].images[0].get_array().shape == (7, 7)  # 4 indicators, 2 areas, index


def test_png_written(result, tmp_path):
    path = save_png(index.plot_rank_intervals(result), tmp_path / "r.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_removal_leaves_no_rank_where_no_value_is_left():
    df = table()
    df.iloc[0, [0, 2, 3]] = np.nan  # the first municipality has only b
    got = index.uncertainty(df, SPEC, n=8, aggregations=["amean"], treatments=[None])
    assert got.removal["b"].isna().tolist() == [True] + [False] * 11
    assert got.removal.drop(index=df.index[0]).notna().all().all()
