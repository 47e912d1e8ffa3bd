"""The field's instruments on the real Ruhr data, each equal to its package run directly:
the spatial Durbin and SLX models (spreg), smoothed rates and the LISA of rates (esda),
Markov chains and rank mobility over the five Breitbandatlas releases (giddy), and regions
from data (spopt)."""

from __future__ import annotations

import re
import warnings

import esda
import mapclassify
import numpy as np
import pandas as pd
import pytest
import spreg
from esda import smoothing
from giddy import markov as giddy_markov
from giddy import rank as giddy_rank
from scipy import stats
from spopt.region import MaxPHeuristic, Skater, WardSpatial

from ruhrgeo import datasets, index, read_breitbandatlas, spatial
from ruhrgeo.errors import ParameterError, StatisticsError

MUNIS = datasets.ruhr_municipalities()
TABLE = datasets.breitbandatlas_2021()
RUHR = MUNIS.join(TABLE)
RUHR["density"] = RUHR["population"] / RUHR["area_km2"]


@pytest.fixture(scope="module")
def weights():
    """The queen weights in the graph's order, as libpysal W (row-standardized) and ids."""
    graph = spatial.build_graph(RUHR, "queen")
    w = graph.transform("r").to_W()
    return w, list(graph.unique_ids)


@pytest.fixture(scope="module")
def releases() -> pd.DataFrame:
    tables = {r: read_breitbandatlas(p) for r, p in datasets.breitbandatlas_releases().items()}
    return index.unstack_releases(
        index.stack_releases(tables, columns=["ftthb_ge1000"]), "ftthb_ge1000"
    )


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- spill-over as a spatial model ----------------------------------------------------------


def test_durbin_equals_spreg_run_directly(weights):
    w, order = weights
    covariates = ["density", "catv_ge400"]
    result = spatial.spatial_durbin(RUHR, "ftthb_ge1000", covariates, draws=2000, seed=3)
    y = RUHR.loc[order, ["ftthb_ge1000"]].to_numpy()
    x = RUHR.loc[order, covariates].to_numpy()
    direct = quiet(spreg.ML_Lag, y, x, w, slx_lags=1, spat_impacts="full", name_x=covariates)
    np.testing.assert_allclose(result.spreg.betas, direct.betas, rtol=1e-10)
    assert result.model.table.index.tolist() == ["CONSTANT", *covariates, "W_density",
                                                 "W_catv_ge400", "rho"]  # fmt: skip
    adi, _, ati = direct.sp_multipliers["full"]
    betas = direct.betas[:, 0]
    for i, name in enumerate(covariates):
        total = ati * (betas[1 + i] + betas[3 + i])
        assert result.effects.loc[(name, "total"), "estimate"] == pytest.approx(total, rel=1e-9)
        assert result.effects.loc[(name, "direct"), "estimate"] == pytest.approx(
            adi * betas[1 + i], rel=1e-9
        )
    # and what spreg itself prints (four decimals) for the 'full' method
    printed = direct.summary.split("'full' method")[1]
    for name in covariates:
        numbers = re.search(rf"{name}\s+(\S+)\s+(\S+)\s+(\S+)", printed).groups()
        ours = result.effects.loc[name, "estimate"].loc[["direct", "indirect", "total"]]
        np.testing.assert_allclose(ours.to_numpy(), [float(v) for v in numbers], atol=6e-5)
    again = spatial.spatial_durbin(RUHR, "ftthb_ge1000", covariates, draws=2000, seed=3)
    pd.testing.assert_frame_equal(again.effects, result.effects)
    assert result.effects["std_err"].gt(0).all() and result.effects["p"].between(0, 1).all()


def test_slx_effects_and_their_errors_equal_spreg_ols(weights):
    w, order = weights
    result = spatial.spatial_durbin(RUHR, "ftthb_ge1000", ["density"], model="slx")
    y = RUHR.loc[order, ["ftthb_ge1000"]].to_numpy()
    direct = quiet(spreg.OLS, y, RUHR.loc[order, ["density"]].to_numpy(), w=w, slx_lags=1)
    beta, theta = direct.betas[1, 0], direct.betas[2, 0]
    vm = direct.vm
    effects = result.effects.loc["density"]
    assert effects.loc["direct", "estimate"] == pytest.approx(beta)
    assert effects.loc["indirect", "estimate"] == pytest.approx(theta)
    assert effects.loc["total", "std_err"] == pytest.approx(
        np.sqrt(vm[1, 1] + vm[2, 2] + 2 * vm[1, 2])
    )
    assert effects.loc["indirect", "p"] == pytest.approx(direct.t_stat[2][1], rel=0.05)


def test_durbin_refuses_what_it_cannot_fit():
    with pytest.raises(ParameterError, match="at least one covariate"):
        spatial.spatial_durbin(RUHR, "ftthb_ge1000", [])
    with pytest.raises(ParameterError, match="draws"):
        spatial.spatial_durbin(RUHR, "ftthb_ge1000", ["density"], draws=10)


# --- rates with small bases -------------------------------------------------------------------


def test_smoothed_rates_equal_esda(weights):
    _, order = weights
    frame = RUHR.assign(events=np.round(RUHR["population"] * RUHR["ftthb_ge1000"] / 1e5))
    e = frame.loc[order, "events"].to_numpy(float)
    b = frame.loc[order, "population"].to_numpy(float)
    binary = spatial.build_graph(frame, "queen").transform("b").to_W()
    expected = {
        "raw": e / b,
        "empirical_bayes": smoothing.Empirical_Bayes(e, b).r.ravel(),
        "spatial_empirical_bayes": smoothing.Spatial_Empirical_Bayes(e, b, binary).r.ravel(),
        "spatial_rate": smoothing.Spatial_Rate(e, b, binary).r.ravel(),
    }
    for method, values in expected.items():
        ours = spatial.smooth_rates(frame, "events", "population", method=method, per=1)
        np.testing.assert_allclose(ours.loc[order], values, rtol=1e-10, err_msg=method)
        assert ours.index.equals(frame.index) and ours.name == "events_rate"


def test_empirical_bayes_keeps_the_variance_between_areas_non_negative():
    frame = RUHR.assign(events=np.round(RUHR["population"] / 1000), base=RUHR["population"])
    rates = spatial.smooth_rates(frame, "events", "base", per=1000)
    overall = frame["events"].sum() / frame["base"].sum() * 1000
    np.testing.assert_allclose(rates, overall)  # rates that vary less than chance: all shrunk


def test_local_moran_rate_equals_esda(weights):
    _, order = weights
    frame = RUHR.assign(events=np.round(RUHR["population"] * RUHR["ftthb_ge1000"] / 1e5))
    ours = spatial.local_moran_rate(frame, "events", "population", permutations=999, seed=5)
    direct = esda.Moran_Local_Rate(
        frame.loc[order, "events"].to_numpy(float),
        frame.loc[order, "population"].to_numpy(float),
        spatial.build_graph(frame, "queen"),
        permutations=999,
        seed=5,
    )
    np.testing.assert_allclose(ours.loc[order, "Is"], direct.Is)
    np.testing.assert_allclose(ours.loc[order, "p_sim"], direct.p_sim)
    assert ours.loc[order, "q"].tolist() == direct.q.tolist()
    with pytest.raises(StatisticsError, match="must be > 0"):
        spatial.smooth_rates(frame.assign(population=0), "events", "population")


# --- change between releases ------------------------------------------------------------------


def test_classic_markov_equals_giddy(releases):
    result = index.markov(releases, k=4)
    classes = mapclassify.Quantiles(releases.to_numpy().ravel(), k=4).yb.reshape(releases.shape)
    direct = giddy_markov.Markov(classes, summary=False)
    np.testing.assert_array_equal(result.transitions.to_numpy(), direct.transitions)
    np.testing.assert_allclose(result.probabilities.fillna(0).to_numpy(), direct.p)
    assert result.transitions.to_numpy().sum() == 53 * 4
    assert (result.classes.to_numpy() == classes).all()


def test_spatial_markov_equals_giddy(releases, weights):
    w, order = weights
    result = index.markov(releases, k=3, gdf=MUNIS)
    direct = quiet(
        giddy_markov.Spatial_Markov, releases.loc[order].to_numpy(), w, k=3, m=3,
        fill_empty_classes=True,
    )  # fmt: skip
    for i in range(3):
        np.testing.assert_allclose(result.conditional[f"lag Q{i + 1}"].to_numpy(), direct.P[i])
    assert result.tests["Q"] == pytest.approx(direct.Q)
    assert result.tests["LR_p"] == pytest.approx(direct.LR_p_value)


def test_rank_mobility_equals_giddy_and_scipy(releases):
    north = (MUNIS.geometry.centroid.y > MUNIS.geometry.centroid.y.median()).map(
        {True: "north", False: "south"}
    )
    table = index.rank_mobility(releases, regimes=north, permutations=99, seed=4)
    first, last = releases.columns[0], releases.columns[-1]
    overall = table[(table["from"] == first) & (table["to"] == last)].iloc[0]
    assert overall["tau"] == pytest.approx(giddy_rank.Tau(releases[first], releases[last]).tau)
    assert overall["tau"] == pytest.approx(stats.kendalltau(releases[first], releases[last])[0])
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(4)  # noqa: NPY002
    theta = giddy_rank.Theta(releases.to_numpy(), north.loc[releases.index].to_numpy(), 99)
    np.random.set_state(state)  # noqa: NPY002
    np.testing.assert_allclose(table["theta"].iloc[:4], np.ravel(theta.theta))
    np.testing.assert_allclose(table["theta_p_left"].iloc[:4], np.ravel(theta.pvalue_left))


def test_release_tables_round_trip(releases):
    tables = {r: read_breitbandatlas(p) for r, p in datasets.breitbandatlas_releases().items()}
    columns = ["ftthb_ge1000", "all_ge1000"]
    long = index.stack_releases(tables, columns=columns)
    assert long.columns.tolist() == ["ags", "release", "indicator", "value"]
    assert len(long) == 53 * 5 * 2
    wide = index.unstack_releases(long)
    for release, table in tables.items():
        pd.testing.assert_frame_equal(wide[release], table[columns].astype(float))


def test_index_panel_each_equals_composite_per_release():
    tables = {r: read_breitbandatlas(p) for r, p in datasets.breitbandatlas_releases().items()}
    spec = index.IndicatorSpec(
        "broadband", (index.Indicator("ftthb_ge1000", "wired"), index.Indicator("all_ge100", "any"))
    )
    panel = index.index_panel(tables, spec, bounds="each")
    for release, table in tables.items():
        expected = index.composite(table, spec)
        got = panel[panel["release"] == release].set_index("ags")
        np.testing.assert_allclose(got["index"], expected["index"])
    pooled = index.index_panel(tables, spec, bounds="pooled")
    values = pd.concat(tables.values())["ftthb_ge1000"]
    low, high = values.min(), values.max()
    mid = pooled[pooled["release"] == "2021-06"].set_index("ags")
    fttb = (tables["2021-06"]["ftthb_ge1000"] - low) / (high - low) * 100
    np.testing.assert_allclose(mid["wired"], fttb.loc[mid.index])


# --- regions from data ---------------------------------------------------------------------------


def test_regions_equal_spopt(weights):
    graph = spatial.build_graph(RUHR, "queen")
    order = list(graph.unique_ids)
    data = RUHR.loc[order, ["ftthb_ge1000", "population"]].reset_index(drop=True)
    z = (data[["ftthb_ge1000"]] - data[["ftthb_ge1000"]].mean()) / data[["ftthb_ge1000"]].std(
        ddof=0
    )
    frame = z.assign(_floor=data["population"])
    w = graph.to_W()
    w.remap_ids(list(range(len(frame))))
    ours = spatial.regions(
        RUHR, ["ftthb_ge1000"], floor=400_000, floor_column="population", seed=11
    )
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(11)  # noqa: NPY002
    direct = quiet(MaxPHeuristic, frame, w, ["ftthb_ge1000"], "_floor", 400_000, top_n=2)
    quiet(direct.solve)
    np.random.set_state(state)  # noqa: NPY002
    assert _same_partition(ours.labels.loc[order].to_numpy(), direct.labels_)
    assert (ours.table["population_total"] >= 400_000).all()
    for method, cls in (("skater", Skater), ("ward", WardSpatial)):
        found = spatial.regions(RUHR, ["ftthb_ge1000"], method=method, n_regions=3)
        model = cls(frame, w, ["ftthb_ge1000"], n_clusters=3)
        quiet(model.solve)
        assert _same_partition(found.labels.loc[order].to_numpy(), model.labels_), method
    with pytest.raises(ParameterError, match="floor"):
        spatial.regions(RUHR, ["ftthb_ge1000"], method="maxp")


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))
