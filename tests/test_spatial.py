"""Spatial statistics: closed forms, esda itself, hand-computed FDR, seeds, the real Ruhr.

Local statistics are checked against esda run directly. esda's permutation kernels are
numba-compiled (about 20 s per process); the oracle runs esda in one subprocess where numba
cannot be imported, so that esda takes its own pure-Python fallback (numba's ``np.random``
is NumPy's legacy generator, so the permutations and p-values are those of the compiled
kernels; benchmarks/bench_first_call.py compares with the compiled ones on the real Ruhr).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.graph import Graph

from ruhrgeo import datasets, spatial
from ruhrgeo.spatial import _checks

EXACT = 1e-12
# esda announces a future change of its default alternative hypothesis when called directly
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def lattice(rows: int, cols: int, values, cell: float = 1000.0, **extra) -> gpd.GeoDataFrame:
    cells = [
        shapely.box(c * cell, r * cell, (c + 1) * cell, (r + 1) * cell)
        for r in range(rows)
        for c in range(cols)
    ]
    index = pd.Index([f"05{i:06d}" for i in range(rows * cols)], name="ags")
    columns = {"v": np.asarray(values, float), **{k: np.asarray(v) for k, v in extra.items()}}
    return gpd.GeoDataFrame(columns, geometry=cells, index=index, crs=25832)


def rook_matrix(rows: int, cols: int) -> np.ndarray:
    """Rook adjacency of a lattice, built by hand."""
    n = rows * cols
    w = np.zeros((n, n))
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if 0 <= r + dr < rows and 0 <= c + dc < cols:
                    w[r * cols + c, (r + dr) * cols + c + dc] = 1
    return w


# --- global statistics ---------------------------------------------------------------------


def test_moran_closed_form_on_a_lattice():
    rows = cols = 4
    y = np.array([float(c < 2) for r in range(rows) for c in range(cols)])
    gdf = lattice(rows, cols, y)
    w = rook_matrix(rows, cols)
    w = w / w.sum(axis=1, keepdims=True)
    n, z = len(y), y - y.mean()
    s0 = w.sum()
    s1 = 0.5 * ((w + w.T) ** 2).sum()
    s2 = ((w.sum(axis=0) + w.sum(axis=1)) ** 2).sum()
    expected_i = -1 / (n - 1)
    variance = (n**2 * s1 - n * s2 + 3 * s0**2) / ((n**2 - 1) * s0**2) - expected_i**2
    result = spatial.moran(gdf, "v", graph="rook", permutations=99)
    assert result.I == pytest.approx(n / s0 * (z @ w @ z) / (z @ z), abs=EXACT)
    assert result.I == pytest.approx(2.8333333333333335 / 4, abs=EXACT)  # by hand, see docs
    assert result.EI == pytest.approx(expected_i, abs=EXACT)
    assert result.VI_norm == pytest.approx(variance, abs=EXACT)
    assert result.z_norm == pytest.approx((result.I - expected_i) / np.sqrt(variance), abs=1e-9)
    geary = spatial.geary(gdf, "v", graph="rook", permutations=0)
    by_hand = (n - 1) * (w * (y[:, None] - y[None, :]) ** 2).sum() / (2 * s0 * (z @ z))
    assert geary.C == pytest.approx(by_hand, abs=EXACT) and np.isnan(geary.p_sim)


def test_global_statistics_equal_esda_on_the_same_graph_and_seed():
    rng = np.random.default_rng(3)
    gdf = lattice(6, 7, rng.normal(size=42), x=rng.normal(size=42))
    g = spatial.build_graph(gdf, "queen")
    y, x = gdf["v"].to_numpy(), gdf["x"].to_numpy()
    ours = spatial.moran(gdf, "v", graph=g, permutations=999, seed=5)
    np.random.seed(5)  # noqa: NPY002 (esda's global Moran draws from the global RNG)
    theirs = esda.Moran(y, g, transformation="r", permutations=999)
    for name in ("I", "EI", "VI_norm", "z_norm", "p_norm", "EI_sim", "seI_sim", "z_sim", "p_sim"):
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name), abs=EXACT), name
    np.testing.assert_array_equal(ours.esda.sim, theirs.sim)
    np.random.seed(5)  # noqa: NPY002
    bv = esda.Moran_BV(y, x, g, permutations=999)
    ours_bv = spatial.moran_bv(gdf, "v", "x", graph=g, permutations=999, seed=5)
    assert (ours_bv.I, ours_bv.p_sim, ours_bv.z_sim) == (bv.I, bv.p_sim, bv.z_sim)
    np.random.seed(5)  # noqa: NPY002
    gc = esda.Geary(y, g, permutations=999)
    ours_gc = spatial.geary(gdf, "v", graph=g, permutations=999, seed=5)
    assert (ours_gc.C, ours_gc.p_norm, ours_gc.p_sim) == (gc.C, gc.p_norm, gc.p_sim)


def test_join_counts_by_hand_and_equal_esda():
    binary = [int(c < 2) for r in range(4) for c in range(4)]
    gdf = lattice(4, 4, np.arange(16.0), fibre=binary)
    result = spatial.join_counts(gdf, "fibre", graph="rook", permutations=199, seed=1)
    # rook joins of a 4x4 lattice: 24; within the left half 4 + 6 = 10 1-1 joins, 4 mixed
    assert (result.bb, result.ww, result.bw, result.J) == (10, 10, 4, 24)
    np.random.seed(1)  # noqa: NPY002
    theirs = esda.Join_Counts(np.array(binary), result.esda.w, permutations=199)
    assert (result.p_sim_bb, result.p_sim_bw) == (theirs.p_sim_bb, theirs.p_sim_bw)
    assert (result.mean_bb, result.mean_bw) == (theirs.mean_bb, theirs.mean_bw)
    assert result.esda.p_sim_autocorr_pos == theirs.p_sim_autocorr_pos
    assert result.p_sim_bb < 0.05 and "joins between two 1s" in result.summary()
    as_bool = spatial.join_counts(gdf.assign(fibre=gdf["fibre"] == 1), "fibre", graph="rook")
    assert as_bool.bb == 10 and as_bool.p_sim_bb < 0.01  # 9,999 permutations, fast


def test_results_carry_esda_names_and_objects_and_serialize():
    gdf = lattice(5, 5, np.arange(25.0))
    result = spatial.moran(gdf, "v", permutations=99)
    assert isinstance(result.esda, esda.Moran) and result.esda.permutations == 99
    data = result.to_dict()
    assert "esda" not in data and data["graph"] == "queen" and "Moran's I of v" in data["summary"]
    json.dumps(data)  # JSON-able as it is
    lisa = spatial.local_moran(gdf, "v", permutations=99)
    assert isinstance(lisa.esda, esda.Moran_Local) and isinstance(lisa.graph, Graph)
    assert {"Is", "q", "lag", "p_sim", "z_sim", "EI_sim", "seI_sim", "p_z_sim"} <= set(lisa)
    assert lisa.esda.sim.shape == (99, 25)
    assert type(lisa["cluster"]) is pd.Series and type(lisa.head()) is pd.DataFrame


# --- local statistics against esda -----------------------------------------------------------

ORACLE = textwrap.dedent(
    """
    import json, sys, warnings
    sys.modules["numba"] = None  # esda without numba: its pure-Python fallback
    import numpy as np, esda
    from libpysal.graph import Graph
    from ruhrgeo.spatial import _crand
    warnings.simplefilter("ignore")
    cases, out = json.load(sys.stdin), {}
    for name, case in cases.items():
        g = Graph.from_arrays(case["focal"], case["neighbor"], case["weight"])
        y, x = np.array(case["y"]), np.array(case["x"])
        opts = dict(permutations=case["permutations"], seed=case["seed"], n_jobs=1)
        lm = esda.Moran_Local(y, g, transformation="r", **opts)
        bv = esda.Moran_Local_BV(y, x, g, transformation="r", **opts)
        gi = esda.G_Local(y, g, transform="B", star=True, **opts)
        gi_plain = esda.G_Local(y, g, transform="B", star=False, **opts)
        out[name] = {
            "lisa": [lm.Is.tolist(), lm.p_sim.tolist(), lm.z_sim.tolist()],
            "bv": [bv.Is.tolist(), bv.p_sim.tolist(), bv.z_sim.tolist()],
            "gi": [gi.Gs.tolist(), gi.p_sim.tolist(), gi.z_sim.tolist()],
            "gi_plain": [gi_plain.Gs.tolist(), gi_plain.p_sim.tolist(), gi_plain.z_sim.tolist()],
        }
    # ruhrgeo's path through esda (above the NumPy size), here without numba too
    from ruhrgeo import spatial
    import geopandas as gpd, shapely, pandas as pd
    _crand.NUMPY_WORK = 0
    case = cases["lattice"]
    gdf = pd.DataFrame({"y": case["y"], "x": case["x"]}, index=pd.Index(case["ids"], name="ags"))
    g = Graph.from_arrays(case["focal"], case["neighbor"], case["weight"])
    lisa = spatial.local_moran(gdf, "y", graph=g, permutations=case["permutations"], seed=3)
    out["compiled_path"] = [lisa["p_sim"].tolist(), lisa["z_sim"].tolist()]
    print(json.dumps(out))
    """
)


def _case(gdf: gpd.GeoDataFrame, graph: Graph, permutations: int, seed: int) -> dict:
    adjacency = graph.adjacency
    ids = list(graph.unique_ids)
    return {
        "ids": ids,
        "focal": adjacency.index.get_level_values(0).tolist(),
        "neighbor": adjacency.index.get_level_values(1).tolist(),
        "weight": adjacency.tolist(),
        "y": gdf.loc[ids, "v"].tolist(),
        "x": gdf.loc[ids, "x"].tolist(),
        "permutations": permutations,
        "seed": seed,
    }


@pytest.fixture(scope="module")
def local_cases(ruhr_2021):
    """esda's local statistics run directly (no numba) on a lattice and the real Ruhr."""
    rng = np.random.default_rng(4)
    values = [c * 3.0 + rng.normal() + 10 for r in range(6) for c in range(6)]
    grid = lattice(6, 6, values, x=rng.uniform(0, 5, 36))
    cases = {"lattice": (grid, spatial.build_graph(grid, "queen"), 999, 3)}
    ruhr = ruhr_2021.rename(columns={"ftthb_ge1000": "v", "all_ge1000": "x"})
    knn = spatial.build_graph(ruhr, spatial.GraphSpec("knn", k=5))
    cases["ruhr_knn"] = (ruhr, knn, 999, 0)
    # zeros and repeated values: ties between permuted and observed statistics
    cases["ruhr_queen"] = (ruhr, spatial.build_graph(ruhr, "queen"), 9999, 7)
    payload = {name: _case(*case) for name, case in cases.items()}
    run = subprocess.run(
        [sys.executable, "-c", ORACLE],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    return cases, json.loads(run.stdout)


@pytest.mark.parametrize("case", ["lattice", "ruhr_knn", "ruhr_queen"])
def test_local_statistics_equal_esda_exactly(local_cases, case):
    cases, esda_results = local_cases
    gdf, graph, permutations, seed = cases[case]
    theirs = esda_results[case]
    options = {"graph": graph, "permutations": permutations, "seed": seed, "fdr": False}
    order = list(graph.unique_ids)
    runs = {
        "lisa": (spatial.local_moran(gdf, "v", **options), "Is"),
        "bv": (spatial.local_moran_bv(gdf, "v", "x", **options), "Is"),
        "gi": (spatial.getis_ord(gdf, "v", **options), "Gs"),
        "gi_plain": (spatial.getis_ord(gdf, "v", star=False, **options), "Gs"),
    }
    for name, (ours, statistic) in runs.items():
        ours = ours.loc[order]
        np.testing.assert_allclose(ours[statistic], theirs[name][0], rtol=1e-12, err_msg=name)
        # the count of permutations as extreme (esda keeps G's p_sim in float32)
        count = np.rint(ours["p_sim"].to_numpy() * (permutations + 1))
        np.testing.assert_array_equal(ours["p_sim"], count / (permutations + 1))
        np.testing.assert_array_equal(
            count, np.rint(np.array(theirs[name][1]) * (permutations + 1)), err_msg=name
        )
        np.testing.assert_allclose(ours["z_sim"], theirs[name][2], rtol=1e-9, err_msg=name)
    if case == "lattice":
        compiled = esda_results["compiled_path"]
        lisa = runs["lisa"][0]
        np.testing.assert_array_equal(lisa["p_sim"], compiled[0])
        np.testing.assert_allclose(lisa["z_sim"], compiled[1], rtol=1e-9)


def test_local_moran_quadrants_lag_and_clusters():
    rng = np.random.default_rng(4)
    gdf = lattice(6, 6, [c * 3.0 + rng.normal() for r in range(6) for c in range(6)])
    lisa = spatial.local_moran(gdf, "v", graph="rook", permutations=999, seed=2, fdr=False)
    w = rook_matrix(6, 6)
    np.testing.assert_allclose(lisa["lag"], (w / w.sum(1, keepdims=True)) @ gdf["v"], atol=EXACT)
    assert lisa.loc[gdf.index[0], "quadrant"] == "Low-Low"
    assert lisa.loc[gdf.index[5], "quadrant"] == "High-High"
    assert (
        lisa["q"]
        .map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"})
        .equals(lisa["quadrant"])
    )
    assert set(lisa["cluster"]) <= set(spatial.CLUSTER_LABELS)
    assert (lisa["cluster"] != "Not significant").sum() > 0
    assert ((lisa["cluster"] == "Not significant") == ~lisa["significant"]).all()
    lean = spatial.local_moran(gdf, "v", graph="rook", permutations=999, seed=2, fdr=False,
                               keep_simulations=False)  # fmt: skip
    assert lean["p_sim"].equals(lisa["p_sim"]) and lean["z_sim"].isna().all()
    assert lean.esda.sim is None


def benjamini_hochberg(p: np.ndarray, alpha: float) -> np.ndarray:
    """By hand: reject the k smallest p where k is the largest with p_(k) <= k alpha / n."""
    order = np.sort(p)
    n = len(p)
    passing = [k for k in range(1, n + 1) if order[k - 1] <= k * alpha / n]
    if not passing:
        return np.zeros(n, bool)
    return p <= order[max(passing) - 1]


def test_fdr_equals_a_hand_computation():
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    # by hand: k alpha / n = 0.005, 0.010, 0.015, ...; p_(2) = 0.008 <= 0.010 is the last
    assert _checks.significance(p, 0.05, fdr=True).tolist() == [True, True] + [False] * 8
    assert _checks.significance(p, 0.05, fdr=False).sum() == 5
    rng = np.random.default_rng(0)
    for _ in range(50):
        q = np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 30)])
        assert (_checks.significance(q, 0.1, fdr=True) == benjamini_hochberg(q, 0.1)).all()


def test_fdr_and_alpha_decide_significance():
    rng = np.random.default_rng(8)
    gdf = lattice(7, 7, [c * 2.0 + rng.normal() for r in range(7) for c in range(7)])
    lisa = spatial.local_moran(gdf, "v", permutations=999, seed=1)
    assert (lisa["significant"] == benjamini_hochberg(lisa["p_sim"].to_numpy(), 0.05)).all()
    loose = spatial.local_moran(gdf, "v", permutations=999, seed=1, fdr=False, alpha=0.2)
    assert (loose["significant"] == (loose["p_sim"] <= 0.2)).all()
    assert loose["significant"].sum() > lisa["significant"].sum()
    spots = spatial.getis_ord(gdf.assign(v=gdf["v"] + 10), "v", permutations=999, seed=1)
    assert (spots["significant"] == benjamini_hochberg(spots["p_sim"].to_numpy(), 0.05)).all()
    row = np.repeat(np.arange(7), 7)  # values grow eastward: columns
    col = np.tile(np.arange(7), 7)
    assert (col[spots["spot"] == "Hot spot"] >= 3).all() and (spots["spot"] == "Hot spot").any()
    assert (col[spots["spot"] == "Cold spot"] <= 3).all() and row.size == 49


def test_seeds_reproduce_and_leave_the_global_rng_alone():
    rng = np.random.default_rng(11)
    gdf = lattice(5, 5, rng.normal(size=25) + 5)
    np.random.seed(123)  # noqa: NPY002 (the caller's global state must survive)
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    a = spatial.moran(gdf, "v", permutations=199, seed=7)
    b = spatial.moran(gdf, "v", permutations=199, seed=7)
    assert a == b
    la = spatial.local_moran(gdf, "v", permutations=199, seed=7)
    lb = spatial.local_moran(gdf, "v", permutations=199, seed=7)
    lc = spatial.local_moran(gdf, "v", permutations=199, seed=8)
    pd.testing.assert_frame_equal(la, lb)
    assert not la["p_sim"].equals(lc["p_sim"])
    spatial.theil_divide(gdf, "v", permutations=99, seed=3)
    assert (np.random.get_state()[1] == before).all()  # noqa: NPY002


def test_results_join_onto_the_data_in_its_order():
    gdf = lattice(4, 4, np.arange(16.0))
    shuffled = gdf.sample(frac=1.0, random_state=2)
    joined = shuffled.join(spatial.local_moran(shuffled, "v", permutations=99))
    assert joined.index.equals(shuffled.index) and joined["cluster"].notna().all()
    plain = spatial.local_moran(gdf, "v", permutations=99)
    pd.testing.assert_frame_equal(joined[plain.columns].loc[gdf.index], pd.DataFrame(plain))


# --- correlogram ------------------------------------------------------------------------------


def test_correlogram_equals_esda_per_band_and_finds_the_range():
    gdf = lattice(6, 6, [float(c) for r in range(6) for c in range(6)])
    result = spatial.correlogram(gdf, "v", distances_km=[1.1, 2.1, 7.5], permutations=199)
    points = gdf.geometry.centroid
    for row in result.table.itertuples():
        band = Graph.build_distance_band(points, threshold=row.distance_km * 1000)
        assert row.I == pytest.approx(esda.Moran(gdf["v"].to_numpy(), band, permutations=0).I)
    assert result.table["I"].is_monotonic_decreasing
    assert result.first_insignificant == 7.5  # every pair is a neighbor: I = E[I]
    default = spatial.correlogram(gdf, "v", permutations=99)
    assert len(default.table) == 10 and default.table["distance_km"].iloc[0] >= 1.0


def test_correlogram_by_orders_of_any_graph():
    gdf = lattice(6, 6, [float(c) for r in range(6) for c in range(6)])
    result = spatial.correlogram(gdf, "v", graph="rook", orders=[1, 2, 3], permutations=99)
    rook = spatial.build_graph(gdf, "rook")
    for row in result.table.itertuples():
        exact = rook if row.order == 1 else rook.higher_order(row.order, lower_order=False)
        assert row.I == pytest.approx(esda.Moran(gdf["v"].to_numpy(), exact, permutations=0).I)
    assert result.step == "order" and "order of neighbors" in result.summary()
    default = spatial.correlogram(gdf, "v", graph=spatial.GraphSpec("knn", k=4), permutations=0)
    assert default.table["order"].tolist() == list(range(1, len(default.table) + 1))


# --- the north/south test -----------------------------------------------------------------------


def test_north_south_finds_a_planted_gradient_and_not_a_missing_one():
    rng = np.random.default_rng(2)
    north = lattice(
        8, 8, [3.0 * r + rng.normal(0, 2) for r in range(8) for c in range(8)], cell=5000
    )
    result = spatial.north_south(north, "v", permutations=199)
    assert result.slope_per_10km == pytest.approx(6.0, abs=1.0)  # 3 per 5 km row
    assert result.p_value < 0.001
    assert result.difference == pytest.approx(result.north_mean - result.south_mean)
    assert result.difference == pytest.approx(12.0, abs=1.5)  # 4 rows of 3 apart
    assert result.n_north == result.n_south == 32
    assert "higher in the north" in result.summary()
    assert result.trend.betas[1, 0] == result.slope_per_10km  # spreg's object
    flat = lattice(8, 8, rng.normal(0, 2, 64), cell=5000)
    none = spatial.north_south(flat, "v", permutations=199)
    assert none.p_value > 0.05


@pytest.mark.filterwarnings("ignore:Method 'bounded'")  # spreg called directly
def test_north_south_uses_the_graph_it_is_given():
    rng = np.random.default_rng(5)
    gdf = lattice(6, 6, [2.0 * r + rng.normal() for r in range(6) for c in range(6)], cell=5000)
    rook = spatial.north_south(gdf, "v", graph="rook", permutations=0)
    queen = spatial.north_south(gdf, "v", graph="queen", permutations=0)
    assert rook.graph == "rook" and "rook weights" in rook.summary()
    assert rook.lambda_ != queen.lambda_
    import spreg

    w = spatial.build_graph(gdf, "rook").transform("r").to_W()
    km10 = (gdf.geometry.centroid.y.to_numpy() - gdf.geometry.centroid.y.mean())[:, None] / 1e4
    direct = spreg.ML_Error(gdf[["v"]].to_numpy(), km10, w)
    assert rook.slope_per_10km == pytest.approx(direct.betas[1, 0], abs=EXACT)
    assert rook.lambda_ == pytest.approx(direct.betas[-1, 0], abs=EXACT)


def test_north_south_divides():
    gdf = lattice(4, 4, [float(r) for r in range(4) for c in range(4)], cell=10_000)
    by_northing = spatial.north_south(gdf, "v", divide=25_000.0, permutations=0)
    assert (by_northing.n_north, by_northing.n_south) == (4, 12)
    line = shapely.LineString([(0, 15_000), (40_000, 35_000)])
    by_line = spatial.north_south(gdf, "v", divide=line, permutations=0)
    assert by_line.n_north + by_line.n_south == 16 and 0 < by_line.n_north < 16
    in_4326 = gdf.set_geometry(gdf.geometry.translate(400_000, 5_700_000)).to_crs(4326)
    lat = gdf.geometry.centroid.translate(400_000, 5_700_000).set_crs(25832, allow_override=True)
    lat = lat.to_crs(4326).y.median()
    by_lat = spatial.north_south(in_4326, "v", divide=float(lat), permutations=0)
    assert by_lat.n_north == 8


# --- the real Ruhr: Breitbandatlas mid-2021 -----------------------------------------------


@pytest.fixture(scope="module")
def ruhr_2021():
    """The 53 real Ruhr municipalities with the Breitbandatlas mid-2021 shares (shipped)."""
    shares = datasets.breitbandatlas_2021()[["ftthb_ge1000", "all_ge1000"]]
    return datasets.ruhr_municipalities().join(shares)


def test_real_ruhr_worked_example_numbers(ruhr_2021):
    """The numbers quoted in docs/spatial.md."""
    assert ruhr_2021[["ftthb_ge1000", "all_ge1000"]].notna().all().all()
    fttbh = spatial.moran(ruhr_2021, "ftthb_ge1000")
    assert fttbh.I == pytest.approx(0.226, abs=5e-4) and fttbh.p_sim < 0.01
    gigabit = spatial.moran(ruhr_2021, "all_ge1000")
    assert gigabit.I == pytest.approx(0.078, abs=5e-4) and gigabit.p_sim > 0.1
    ns = spatial.north_south(ruhr_2021, "ftthb_ge1000")
    assert ns.difference == pytest.approx(20.5, abs=0.05) and ns.difference_p_value < 0.001
    assert ns.slope_per_10km == pytest.approx(8.09, abs=0.01) and ns.p_value < 0.001
    ns_gigabit = spatial.north_south(ruhr_2021, "all_ge1000")
    assert ns_gigabit.difference == pytest.approx(4.6, abs=0.05) and ns_gigabit.p_value > 0.3
    lisa = spatial.local_moran(ruhr_2021, "ftthb_ge1000")
    assert (lisa["cluster"] == "Not significant").all()  # none survives FDR with 53 units
    raw = spatial.local_moran(ruhr_2021, "ftthb_ge1000", fdr=False)
    assert raw["cluster"].value_counts().to_dict() == {
        "Not significant": 38,
        "Low-Low": 8,
        "High-High": 4,
        "Low-High": 3,
    }
    knn = spatial.GraphSpec("knn", k=6)
    assert spatial.moran(ruhr_2021, "ftthb_ge1000", graph=knn).I == pytest.approx(0.145, abs=5e-4)
    assert spatial.moran(ruhr_2021, "all_ge1000", graph=knn).p_sim < 0.05
    assert spatial.geary(ruhr_2021, "ftthb_ge1000").C == pytest.approx(0.705, abs=5e-4)


def test_real_ruhr_divide_by_every_method(ruhr_2021):
    """The divide table of docs/spatial.md: the methods agree for FTTB/H and for gigabit."""
    gdf = ruhr_2021.assign(log_density=np.log(ruhr_2021["population"] / ruhr_2021["area_km2"]))
    fttbh = spatial.compare_divide(gdf, "ftthb_ge1000", covariates=["log_density"])
    assert fttbh["north_higher"].all() and (fttbh["p"] < 0.001).all()
    assert fttbh.loc["theil", "estimate"] == pytest.approx(0.281, abs=5e-4)
    assert fttbh.loc["regimes", "estimate"] == pytest.approx(17.6, abs=0.05)
    gigabit = spatial.compare_divide(gdf, "all_ge1000", covariates=["log_density"])
    assert (gigabit["p"] > 0.05).all()
    assert gigabit.loc["theil", "estimate"] == pytest.approx(0.011, abs=5e-4)
    assert gigabit.loc["regimes", ["estimate", "p"]].tolist() == pytest.approx(
        [11.03, 0.094], abs=5e-3
    )
    slopes = spatial.divide_regimes(gdf, "ftthb_ge1000", ["log_density"]).table.loc["log_density"]
    assert slopes.set_index("regime")["coefficient"].to_dict() == pytest.approx(
        {"north": -13.07, "south": 4.54}, abs=5e-3
    )


@pytest.mark.parametrize("keep", [True, False])
def test_the_esda_objects_are_complete_and_equal_to_esda_run_directly(keep):
    """The NumPy permutations fill esda's object with every attribute esda itself sets, to
    the same values: nothing half-filled (random values: no ties between permutations)."""
    rng = np.random.default_rng(11)
    gdf = lattice(6, 7, rng.random(42).tolist()).assign(x=rng.random(42))
    options = {"graph": "rook", "permutations": 199, "seed": 3, "keep_simulations": keep}
    runs = {
        "lisa": (
            spatial.local_moran(gdf, "v", **options),
            esda.Moran_Local,
            ("v",),
            {"transformation": "r"},
        ),
        "bv": (
            spatial.local_moran_bv(gdf, "v", "x", **options),
            esda.Moran_Local_BV,
            ("v", "x"),
            {"transformation": "r"},
        ),
        "gi": (
            spatial.getis_ord(gdf, "v", **options),
            esda.G_Local,
            ("v",),
            {"transform": "B", "star": True},
        ),
        "g": (
            spatial.getis_ord(gdf, "v", star=False, **options),
            esda.G_Local,
            ("v",),
            {"transform": "B", "star": False},
        ),
    }
    for name, (ours, cls, columns, kwargs) in runs.items():
        order = list(ours.graph.unique_ids)
        values = [gdf.loc[order, c].to_numpy() for c in columns]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = cls(
                *values, ours.graph, permutations=199, seed=3, keep_simulations=keep, **kwargs
            )
        assert set(vars(ours.esda)) == set(vars(theirs)), name
        for attribute, expected in vars(theirs).items():
            if not keep and attribute in ("rlisas", "rGs", "sim") and expected is not None:
                assert getattr(ours.esda, attribute) is None  # esda leaves these uninitialized
                continue
            got = getattr(ours.esda, attribute)
            if isinstance(expected, np.ndarray | float | int | np.floating) and not isinstance(
                expected, bool
            ):
                np.testing.assert_allclose(
                    np.asarray(got, float), np.asarray(expected, float), rtol=1e-9,
                    err_msg=f"{name}.{attribute}",
                )  # fmt: skip
            elif expected is None:
                assert got is None, f"{name}.{attribute}"
