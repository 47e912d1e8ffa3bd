"""Every normalizer, aggregator, treatment, imputation and weighting against a hand
computation on a small table, directions respected by all; the audit's statistics against
numpy's own linear algebra."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from ruhrgeo import index
from ruhrgeo.errors import AggregationError, IndexWarning, MissingValuesError
from ruhrgeo.index import Indicator, IndicatorSpec

ATOL = 1e-9
X = pd.DataFrame({"x": [2.0, 4.0, 4.0, 10.0]}, index=list("abcd"))


def norm(method, params=None, lower=False, frame=X):
    directions = {"x": "lower"} if lower else None
    return index.normalize(frame, method, directions=directions, params=params)["x"].to_numpy()


# --- normalizers: x = [2, 4, 4, 10] (a tie), by hand -----------------------------------------

SD = np.sqrt((9 + 1 + 1 + 25) / 3)  # the sample sd of x (mean 5)
HAND = [
    ("minmax", None, [0, 25, 25, 100], [100, 75, 75, 0]),
    ("minmax", {"bounds": (1, 100)}, [1, 25.75, 25.75, 100], [100, 75.25, 75.25, 1]),
    (
        "zscore",
        {"mean_sd": (10, 2)},
        [10 + 2 * (x - 5) / SD for x in (2, 4, 4, 10)],
        [10 - 2 * (x - 5) / SD for x in (2, 4, 4, 10)],
    ),
    ("scaled", {"range": (0, 20)}, [10, 20, 20, 50], [90, 80, 80, 50]),
    ("goalposts", {"goalposts": (3, 8)}, [0, 20, 20, 100], [100, 80, 80, 0]),
    ("goalposts", {"goalposts": (3, 8), "cap": False}, [-20, 20, 20, 140], [120, 80, 80, -40]),
    ("goalposts", {"goalposts": (3, 8), "scale": 1}, [0, 0.2, 0.2, 1], [1, 0.8, 0.8, 0]),
    ("rank", None, [1, 2, 2, 4], [4, 2, 2, 1]),
    ("rank", {"ties": "average"}, [1, 2.5, 2.5, 4], [4, 2.5, 2.5, 1]),
    ("borda", None, [0, 1, 1, 3], [3, 1, 1, 0]),
    ("prank", None, [0, 100 / 3, 100 / 3, 100], [100, 100 / 3, 100 / 3, 0]),
    ("fracmax", None, [20, 40, 40, 100], [80, 60, 60, 0]),
    ("dist2max", None, [0, 25, 25, 100], [100, 75, 75, 0]),
    ("dist2ref", {"reference": "b"}, [0, 100, 100, 400], [800 / 6, 100, 100, 0]),
    ("dist2ref", {"reference": "b", "cap": True}, [0, 100, 100, 100], [100, 100, 100, 0]),
    ("dist2targ", {"target": 8}, [0, 100 / 3, 100 / 3, 400 / 3], None),
    ("dist2targ", {"target": 3}, None, [800 / 7, 600 / 7, 600 / 7, 0]),
    ("dist2targ", {"target": 8, "cap": True}, [0, 100 / 3, 100 / 3, 100], None),
    ("reference", None, [40, 80, 80, 200], [250, 125, 125, 50]),
    ("reference", {"reference": 4.0}, [50, 100, 100, 250], [200, 100, 100, 40]),
    ("reference", {"reference": ["a", "d"]}, [100 / 3, 200 / 3, 200 / 3, 500 / 3], None),
]


@pytest.mark.parametrize(("method", "params", "higher", "lower"), HAND)
def test_every_normalizer_by_hand(method, params, higher, lower):
    if higher is not None:
        np.testing.assert_allclose(norm(method, params), higher, atol=ATOL)
    if lower is not None:
        np.testing.assert_allclose(norm(method, params, lower=True), lower, atol=ATOL)


def test_every_method_is_covered_by_hand():
    assert {m for m, *_ in HAND} == set(index.METHODS)


def test_missing_values_stay_missing_and_do_not_count():
    gappy = pd.DataFrame({"x": [2.0, np.nan, 4.0, 10.0]}, index=list("abcd"))
    np.testing.assert_allclose(norm("minmax", frame=gappy), [0, np.nan, 25, 100])
    np.testing.assert_allclose(norm("prank", frame=gappy), [0, np.nan, 50, 100])


def test_spec_targets_and_goalposts_are_used_unless_given():
    spec = IndicatorSpec(
        "s",
        (
            Indicator("x", "a", target=8.0, goalposts=(3.0, 8.0)),
            Indicator("y", "a", direction="lower", target=3.0, goalposts=(3.0, 8.0)),
        ),
    )
    df = X.assign(y=X["x"])
    by_spec = index.composite(df, spec, normalization="dist2targ")["a"]
    np.testing.assert_allclose(
        by_spec, (np.array([0, 100 / 3, 100 / 3, 400 / 3]) + np.array([800, 600, 600, 0]) / 7) / 2
    )
    given_ = index.composite(df, spec, normalization="goalposts", params={"goalposts": (0, 20)})[
        "a"
    ]
    np.testing.assert_allclose(given_, 50)  # (x/20 + (20 - x)/20) / 2 * 100


SCALES = {
    "scaled": {"range": (-1e3, 1e3)},
    "goalposts": {"goalposts": (-50, 50)},
    "dist2ref": {"reference": 0},
    "dist2targ": None,  # a target beyond the best value, set per case below
    "reference": {"reference": 1.0},
}


@settings(max_examples=40, deadline=None)
@given(
    values=arrays(float, 6, elements=st.floats(1, 100, allow_nan=False)).filter(
        lambda v: np.ptp(v) > 1e-6
    ),
    method=st.sampled_from(index.METHODS),
    lower=st.booleans(),
)
def test_every_normalizer_respects_the_direction(values, method, lower):
    """Sorted by value, scores never fall (higher is better) or never rise (lower)."""
    df = pd.DataFrame({"x": np.sort(values)}, index=range(6))
    params = SCALES.get(method)
    if method == "dist2targ":
        params = {"target": 0.5 if lower else 200.0}
    if method == "dist2ref":
        params = {"reference": 0 if lower else 5}
    scores = norm(method, params, lower, frame=df)
    steps = np.diff(scores)
    assert (steps <= 1e-9).all() if lower else (steps >= -1e-9).all()


# --- aggregators: by hand, missing value skipped ---------------------------------------------

M = pd.DataFrame(
    {"p": [1.0, 2, 0, 9], "q": [4.0, 2, 8, np.nan], "r": [16.0, 2, 8, 1]}, index=list("ABCD")
)
W = {"p": 1.0, "q": 2.0, "r": 1.0}
AGG = [
    ("amean", None, [6.25, 2, 6, 5]),
    ("gmean", None, [4, 2, 0, 3]),  # C has a zero: the geometric mean's limit, 0
    ("hmean", None, [1 / 0.390625, 2, 0, 1 / (0.5 / 9 + 0.5)]),
    ("genmean", 2.0, [8.5, 2, np.sqrt(48), np.sqrt(41)]),
    ("genmean", -1.0, [1 / 0.390625, 2, 0, 1 / (0.5 / 9 + 0.5)]),
    ("copeland", None, [1, -2, 1, 0]),
]


@pytest.mark.parametrize(("method", "p", "expected"), AGG)
def test_every_aggregator_by_hand(method, p, expected):
    got = index.aggregate(M, method, weights=W, p=p)
    np.testing.assert_allclose(got, expected, atol=ATOL)


def test_every_aggregator_is_covered_by_hand():
    assert {m for m, *_ in AGG} == set(index.AGGREGATIONS)


def outranking_copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """COINr's outrankMatrix + a_copeland, loop for loop (NaN comparisons drop out); the
    weights are not normalized: the sign of a margin does not depend on it, and integer
    weights keep exact ties exact."""
    n = len(x)
    orm = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                both = ~np.isnan(x[i]) & ~np.isnan(x[j])
                wins = w[both & (x[i] > x[j])].sum()
                ties = w[both & (x[i] == x[j])].sum()
                lost = w[both & (x[i] < x[j])].sum()
                orm[i, j] = np.sign(wins - lost) if (wins + ties + lost) else 0
    return orm.sum(axis=1)


@settings(max_examples=25, deadline=None)
@given(
    x=arrays(float, (7, 4), elements=st.sampled_from([0.0, 1.0, 2.0, 3.0, np.nan])),
    w=arrays(float, 4, elements=st.integers(1, 5).map(float)),
)
def test_copeland_equals_the_outranking_matrix(x, w):
    x[:, 0] = np.where(np.isnan(x[:, 0]), 1.0, x[:, 0])  # every unit has a value
    frame = pd.DataFrame(x, columns=list("abcd"))
    got = index.aggregate(frame, "copeland", weights=dict(zip("abcd", w, strict=True)))
    np.testing.assert_allclose(got, outranking_copeland(x, w))


def test_negative_scores_are_refused_by_the_geometric_means():
    for method, p in (("gmean", None), ("hmean", None), ("genmean", 0.5)):
        with pytest.raises(AggregationError, match=rf"{method} needs scores >= 0.*rows \[1\]"):
            index.aggregate(pd.DataFrame({"a": [1.0, -1.0], "b": [1.0, 1.0]}), method, p=p)


def test_aggregation_per_level():
    spec = IndicatorSpec(
        "s", (Indicator("p", "u"), Indicator("q", "u"), Indicator("r", "v")), {"u": 1.0, "v": 3.0}
    )
    df = M.fillna(3.0)
    with pytest.warns(
        IndexWarning, match=r"1 unit has a zero score, which makes their gmean zero .*: C;"
    ):
        got = index.composite(
            df, spec, normalization="scaled", aggregation={"areas": "gmean", "index": "amean"}
        )
    u = np.sqrt(df["p"] * df["q"])  # scaled with range (0, 100): the values themselves
    np.testing.assert_allclose(got["u"], u, atol=ATOL)
    np.testing.assert_allclose(got["index"], (u + 3 * df["r"]) / 4, atol=ATOL)


# --- treatment --------------------------------------------------------------------------------


def e1071(x: np.ndarray) -> tuple[float, float]:
    """Skewness and kurtosis type 2 as COINr (from e1071) writes them."""
    n, d = len(x), x - x.mean()
    g1 = np.sqrt(n) * (d**3).sum() / (d**2).sum() ** 1.5
    r = n * (d**4).sum() / (d**2).sum() ** 2
    return g1 * np.sqrt(n * (n - 1)) / (n - 2), ((n + 1) * (r - 3) + 6) * (n - 1) / (
        (n - 2) * (n - 3)
    )


def test_treatment_winsorizes_by_the_rule():
    x = np.array([1.0, 2, 2, 3, 3, 3, 4, 4, 5, 60])
    values, report = index.treat(pd.DataFrame({"v": x}, index=list("abcdefghij")))
    row = report.loc["v"]
    assert (row["skew"], row["kurtosis"]) == pytest.approx(e1071(x))
    assert row["skew"] > 2 and row["kurtosis"] > 3.5
    np.testing.assert_array_equal(values["v"], [1, 2, 2, 3, 3, 3, 4, 4, 5, 5])
    assert (row["action"], row["changed"], row["changed_ags"]) == ("winsorized", 1, "j")
    assert (row["skew_after"], row["kurtosis_after"]) == pytest.approx(
        e1071(values["v"].to_numpy())
    )
    assert row["passes"] and "winsorized 1 value(s) (j)" in row["reason"]


def test_treatment_falls_back_to_log_and_box_cox():
    x = np.array([1.0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 500, 5000])  # two outliers
    df = pd.DataFrame({"v": x})
    values, report = index.treat(df, winmax=1)
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(values["v"], np.log(x - lo + 0.01 * (hi - lo)))
    assert (
        report.loc["v", "action"] == "log"
        and "1 winsorized value(s) were not" in (report.loc["v", "reason"])
    )
    boxed, report = index.treat(df, transform="boxcox", winmax=1)
    lam = float(report.loc["v", "reason"].rsplit("lambda ", 1)[1])
    grid = np.linspace(lam - 0.05, lam + 0.05, 11)
    assert grid[np.argmax([stats.boxcox_llf(g, x - lo + 1) for g in grid])] == pytest.approx(lam)
    assert stats.spearmanr(boxed["v"], x).statistic == pytest.approx(1.0)
    mirrored, report = index.treat(-df, winmax=1)  # negative skew: -log(max + a - x)
    np.testing.assert_allclose(mirrored["v"], -np.log(-lo + 0.01 * (hi - lo) + x))


def test_treatment_leaves_passing_and_untestable_indicators():
    df = pd.DataFrame({"ok": [1.0, 2, 3, 4, 5], "flat": 3.0, "short": [1.0, np.nan, np.nan, 9, 2]})
    values, report = index.treat(df)
    pd.testing.assert_frame_equal(values, df)
    assert report["action"].tolist() == ["none", "untested", "untested"]


# --- imputation -------------------------------------------------------------------------------


def test_imputation_by_hand():
    df = pd.DataFrame({"v": [1.0, np.nan, 3.0, 10.0, np.nan, 20.0]}, index=list("abcdef"))
    kreis = pd.Series(["K1", "K1", "K1", "K2", "K2", "K2"], index=df.index)
    assert index.impute(df, "mean").values["v"].tolist() == [1, 8.5, 3, 10, 8.5, 20]
    assert index.impute(df, "median").values["v"].tolist() == [1, 6.5, 3, 10, 6.5, 20]
    filled, report = index.impute(df, "group_mean", by=kreis)
    assert filled["v"].tolist() == [1, 2, 3, 10, 15, 20]
    assert report[["ags", "imputed", "group"]].values.tolist() == [
        ["b", 2.0, "K1"],
        ["e", 15.0, "K2"],
    ]
    with pytest.raises(MissingValuesError, match=r"for \['b', 'c'\] \(group \['K1'\] is empty\)"):
        index.impute(
            df.assign(v=[np.nan, np.nan, np.nan, 1, 2, 3]).iloc[1:], "group_median", by=kreis
        )


def test_missing_policies_equal_imputing_first():
    df = pd.DataFrame({"a": [1.0, np.nan, 3, 8], "b": [2.0, 5, 1, 1]}, index=list("wxyz"))
    spec = IndicatorSpec("s", (Indicator("a", "u"), Indicator("b", "u")))
    with pytest.warns(IndexWarning, match="indicator's mean"):
        got = index.composite(df, spec, missing="mean")
    pd.testing.assert_frame_equal(got, index.composite(index.impute(df, "mean").values, spec))


# --- weights ----------------------------------------------------------------------------------


def test_pca_weights_are_the_squared_first_singular_vector():
    rng = np.random.default_rng(3)
    base = rng.normal(size=30)
    df = pd.DataFrame(
        {
            "a": base + rng.normal(0, 0.3, 30),
            "b": base + rng.normal(0, 0.6, 30),
            "c": rng.normal(size=30),
        }
    )
    spec = IndicatorSpec("s", (Indicator("a", "u"), Indicator("b", "u"), Indicator("c", "u")))
    scores = index.normalize(df, "minmax")
    z = (scores - scores.mean()) / scores.std()
    v = np.linalg.svd(z.to_numpy(), full_matrices=False)[2][0]
    weights = index.pca_weights(df, spec)
    np.testing.assert_allclose(list(weights.values()), v**2, atol=1e-9)
    via_composite = index.composite(df, spec, weights="pca")
    np.testing.assert_allclose(via_composite["u"], scores.to_numpy() @ v**2, atol=1e-9)


def test_optimized_weights_balance_the_correlations():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(rng.normal(size=(40, 3)) * [1, 3, 1], columns=["a", "b", "c"])
    df["b"] += df["a"]
    spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "y"), Indicator("c", "z")))
    result = index.optimize_weights(df, spec, importance={"x": 2, "y": 1, "z": 1})
    np.testing.assert_allclose(result["target"], [0.5, 0.25, 0.25])
    np.testing.assert_allclose(result["achieved"], result["target"], atol=1e-4)
    got = index.composite(df, spec, weights=result["weight"])
    corr = got[["x", "y", "z"]].corrwith(got["index"])  # independently, with pandas
    np.testing.assert_allclose(corr / corr.sum(), result["target"], atol=1e-4)


def test_equal_and_area_weights():
    spec = IndicatorSpec(
        "s",
        (Indicator("p", "u", weight=3), Indicator("q", "u"), Indicator("r", "v")),
        {"u": 1.0, "v": 1.0},
    )
    df = M.fillna(3.0)
    equal = index.composite(df, spec, normalization="scaled", weights="equal")
    np.testing.assert_allclose(equal["u"], (df["p"] + df["q"]) / 2)
    tilted = index.composite(df, spec, normalization="scaled", weights={"v": 3.0})
    np.testing.assert_allclose(tilted["index"], (tilted["u"] + 3 * tilted["v"]) / 4)


# --- audit ------------------------------------------------------------------------------------


def test_audit_statistics_against_numpy():
    rng = np.random.default_rng(7)
    base = rng.normal(size=25)
    df = pd.DataFrame(
        {
            "a": base + rng.normal(0, 0.5, 25),
            "b": base + rng.normal(0, 0.5, 25),
            "c": -base + rng.normal(0, 0.5, 25),  # pulls against its area
            "d": 50 + rng.normal(0, 10, 25),  # dominates area w: wide next to e and f
            "e": 50 + rng.normal(0, 1, 25),
            "f": 50 + rng.normal(0, 1, 25),
        }
    )
    df[["e", "f"]] += 0.1 * (df[["d"]].to_numpy() - 50)  # narrow, but with their area
    spec = IndicatorSpec("s", tuple(Indicator(n, "u" if n in "abc" else "w") for n in "abcdef"))
    result = index.audit(df, spec, normalization="scaled")
    scores = index.normalize(df, "scaled")
    items = scores[["a", "b", "c"]].to_numpy()
    k = 3
    alpha = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert result.cronbach["u"] == pytest.approx(alpha)
    z = (items - items.mean(axis=0)) / items.std(axis=0, ddof=1)
    s = np.linalg.svd(z, compute_uv=False)
    assert result.pca.loc["u", "pc1_explained"] == pytest.approx(s[0] ** 2 / (s**2).sum())
    area_u = items.mean(axis=1)
    assert result.correlations.loc["a", "u"] == pytest.approx(
        np.corrcoef(items[:, 0], area_u)[0, 1]
    )
    assert result.flags["flag"].to_dict() == {
        "a": "",
        "b": "",
        "c": "negative",
        "d": "dominant",
        "e": "",
        "f": "",
    }
    assert "c: correlates -" in result.summary() and "d: carries" in result.summary()


def test_winsorizing_never_leaves_a_constant():
    x = np.array([1.0] + [0.001] * 9)  # winsorizing the 1 would leave one value
    values, report = index.treat(pd.DataFrame({"v": x}))
    assert report.loc["v", "action"] == "log" and values["v"].nunique() == 2
    np.testing.assert_allclose(values["v"], np.log(x - 0.001 + 0.01 * 0.999))
