"""Models and the divide against spreg and inequality run directly; Moran scatterplots."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
import spreg
from inequality.theil import TheilD, TheilDSim
from matplotlib.figure import Figure
from test_spatial import lattice

from ruhrgeo import spatial

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
EXACT = 1e-10


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    rows = np.repeat(np.arange(7), 7)
    x = rng.normal(size=49)
    z = rng.uniform(0, 1, 49)
    y = 5 + 2 * x - z + 0.8 * rows + rng.normal(0, 1, 49)
    gdf = lattice(7, 7, y, x=x, z=z, cell=5000)
    w = spatial.build_graph(gdf, "queen").transform("r").to_W()
    return gdf, w


def _spreg(cls, *args, **kwargs):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return cls(*args, **kwargs)


@pytest.mark.parametrize(
    ("function", "cls", "spatial_term"),
    [
        (spatial.ols, spreg.OLS, None),
        (spatial.spatial_lag, spreg.ML_Lag, "rho"),
        (spatial.spatial_error, spreg.ML_Error, "lambda"),
    ],
)
def test_models_equal_spreg(data, function, cls, spatial_term):
    gdf, w = data
    result = function(gdf, "v", ["x", "z"], graph="queen")
    options = {"spat_diag": True, "moran": True} if cls is spreg.OLS else {}
    theirs = _spreg(cls, gdf[["v"]].to_numpy(), gdf[["x", "z"]].to_numpy(), w=w, **options)
    expected = ["CONSTANT", "x", "z"] + ([spatial_term] if spatial_term else [])
    assert result.table.index.tolist() == expected
    np.testing.assert_allclose(result.table["coefficient"], theirs.betas[:, 0], atol=EXACT)
    np.testing.assert_allclose(result.table["std_err"], theirs.std_err, atol=EXACT)
    stat = "t" if cls is spreg.OLS else "z"
    pairs = np.array(theirs.t_stat if stat == "t" else theirs.z_stat)
    np.testing.assert_allclose(result.table[[stat, "p"]].to_numpy(), pairs, atol=EXACT)
    assert result.table.loc["x", "coefficient"] == pytest.approx(2.0, abs=0.4)
    assert result.spreg.n == 49 and result.graph == "queen"
    if cls is spreg.OLS:
        assert result.fit["moran_res"] == pytest.approx(theirs.moran_res[0], abs=EXACT)
        assert result.fit["lm_error_p"] == pytest.approx(theirs.lm_error[1], abs=EXACT)
    else:
        assert result.fit["logll"] == pytest.approx(theirs.logll, abs=EXACT)
    assert f"x {result.table.loc['x', 'coefficient']:+.3g}" in result.summary()


def test_models_without_covariates_and_without_weights(data):
    gdf, _ = data
    constant = spatial.spatial_error(gdf, "v")
    assert constant.table.index.tolist() == ["CONSTANT", "lambda"]
    plain = spatial.ols(gdf, "v", ["x"])
    theirs = _spreg(spreg.OLS, gdf[["v"]].to_numpy(), gdf[["x"]].to_numpy())
    assert plain.graph is None and "moran_res" not in plain.fit
    np.testing.assert_allclose(plain.table["coefficient"], theirs.betas[:, 0], atol=EXACT)


@pytest.mark.parametrize(
    ("function", "cls"),
    [(spatial.ols, spreg.OLS_Regimes), (spatial.spatial_error, spreg.ML_Error_Regimes)],
)
def test_regimes_and_the_chow_test_equal_spreg(data, function, cls):
    gdf, w = data
    regimes = pd.Series(np.where(np.arange(49) < 21, "south", "north"), index=gdf.index)
    result = function(gdf, "v", ["x"], graph="queen", regimes=regimes)
    options = {"regime_err_sep": False} if cls is spreg.OLS_Regimes else {}
    args = (gdf[["v"]].to_numpy(), gdf[["x"]].to_numpy(), regimes.to_numpy())
    theirs = _spreg(cls, *args, w=w, **options)
    np.testing.assert_allclose(result.table["coefficient"], theirs.betas[:, 0], atol=EXACT)
    assert set(result.table["regime"].dropna()) == {"north", "south"}
    assert result.chow.loc["joint", "wald"] == pytest.approx(theirs.chow.joint[0], abs=EXACT)
    np.testing.assert_allclose(
        result.chow.drop(index="joint").to_numpy(), theirs.chow.regi, atol=EXACT
    )
    by_column = function(gdf.assign(r=regimes), "v", ["x"], graph="queen", regimes="r")
    pd.testing.assert_frame_equal(by_column.table, result.table)


def test_theil_divide_equals_inequality(data):
    gdf, _ = data
    y = gdf["v"].to_numpy()
    result = spatial.theil_divide(gdf, "v", permutations=199, seed=4)
    north = gdf.geometry.centroid.y.to_numpy() > np.median(gdf.geometry.centroid.y)
    partition = np.where(north, "north", "south")
    direct = TheilD(y, partition)
    assert result.T == pytest.approx(float(direct.T), abs=EXACT)
    assert result.between == pytest.approx(float(direct.bg[0]), abs=EXACT)
    assert result.between + result.within == pytest.approx(result.T, abs=EXACT)
    np.random.seed(4)  # noqa: NPY002 (TheilDSim draws from the global RNG)
    sim = TheilDSim(y, partition, 199)
    assert result.p_sim == float(sim.bg_pvalue[0])
    assert result.p_sim < 0.05 and "between north and south" in result.summary()
    # by hand for two groups of two: y = 1, 1 | 3, 3, all inequality is between the groups
    assert TheilD(np.array([1.0, 1, 3, 3]), np.array([0, 0, 1, 1])).wg == pytest.approx(0)


def test_divide_regimes_and_the_comparison(data):
    gdf, _ = data
    regimes = spatial.divide_regimes(gdf, "v", ["x"])
    assert regimes.model == "ML_Error_Regimes"
    assert "north CONSTANT" in regimes.summary() and "lambda" in regimes.summary()
    shuffled = gdf.sample(frac=1.0, random_state=1)
    assert spatial.theil_divide(shuffled, "v", permutations=99) == spatial.theil_divide(
        gdf, "v", permutations=99
    )
    assert regimes.chow.loc["CONSTANT", "p"] < 0.05  # the planted gradient is a step too
    table = spatial.compare_divide(gdf, "v", covariates=["x"], permutations=199)
    assert table.index.tolist() == ["step", "gradient", "theil", "regimes"]
    assert table["north_higher"].all() and (table["p"] < 0.05).all()
    ns = spatial.north_south(gdf, "v", permutations=0)
    assert table.loc["gradient", "estimate"] == ns.slope_per_10km
    assert table.loc["gradient", "estimate"] == pytest.approx(0.8 * 2, abs=0.5)  # 0.8 per 5 km
    # the regimes row: north minus south at the covariate's mean, from the uncentered model
    raw = spatial.spatial_error(
        gdf, "v", ["x"], regimes=pd.Series(np.where(ns_north(gdf), "north", "south"), gdf.index)
    )
    coef = raw.table.set_index("regime", append=True)["coefficient"]
    at_mean = {
        r: coef[("CONSTANT", r)] + coef[("x", r)] * gdf["x"].mean() for r in ("north", "south")
    }
    assert table.loc["regimes", "estimate"] == pytest.approx(at_mean["north"] - at_mean["south"])
    assert table.loc["regimes", "p"] == regimes.chow.loc["CONSTANT", "p"]
    np.testing.assert_allclose(  # centring moves the constants only
        regimes.table.loc["x", "coefficient"], raw.table.loc["x", "coefficient"], rtol=1e-6
    )


def ns_north(gdf):
    northing = gdf.geometry.centroid.y
    return (northing > northing.median()).to_numpy()


def test_moran_scatterplots(data, tmp_path):
    gdf, _ = data
    result = spatial.moran(gdf, "v", permutations=0)
    ax = spatial.moran_scatterplot(result)
    x, lag = ax.collections[0].get_offsets().T
    slope = np.polyfit(x, lag, 1)[0]
    assert slope == pytest.approx(result.I, abs=EXACT)  # the slope is Moran's I
    lisa = spatial.local_moran(gdf, "v", permutations=999, fdr=False)
    # esda's own methods work on the object ruhrgeo filled, and agree with its labels
    theirs = pd.Series(lisa.esda.get_cluster_labels(0.05), index=lisa.graph.unique_ids)
    assert theirs.replace("Insignificant", "Not significant").equals(
        lisa["cluster"].loc[lisa.graph.unique_ids]
    )
    local_ax = spatial.moran_scatterplot(lisa)
    colors = local_ax.collections[0].get_facecolors()
    assert len(colors) == 49
    labels = [t.get_text() for t in local_ax.get_legend().get_texts()]
    assert set(labels) == set(lisa["cluster"])
    bv = spatial.moran_scatterplot(spatial.moran_bv(gdf, "v", "x", permutations=0))
    assert bv.get_ylabel() == "neighbors' x"
    fig = Figure()
    own = fig.subplots()
    assert spatial.moran_scatterplot(result, ax=own) is own
    ax.figure.savefig(tmp_path / "moran.png")
    assert (tmp_path / "moran.png").stat().st_size > 5000
