"""Spatial statistics: closed forms, esda itself, hand-computed FDR, islands, seeds, errors."""

from __future__ import annotations

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from libpysal.graph import Graph

from ruhrgeo import read_municipalities, spatial
from ruhrgeo.errors import (
    GraphMismatchError,
    IslandWarning,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    StatisticsError,
    TooFewObservationsError,
)
from ruhrgeo.spatial import _checks as _stats

EXACT = 1e-12
# esda announces a future change of its default alternative hypothesis when called directly
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def lattice(rows: int, cols: int, values, cell: float = 1000.0) -> gpd.GeoDataFrame:
    cells = [
        shapely.box(c * cell, r * cell, (c + 1) * cell, (r + 1) * cell)
        for r in range(rows)
        for c in range(cols)
    ]
    index = pd.Index([f"05{i:06d}" for i in range(rows * cols)], name="ags")
    return gpd.GeoDataFrame(
        {"v": np.asarray(values, float)}, geometry=cells, index=index, crs=25832
    )


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
    assert result.expected_I == pytest.approx(expected_i, abs=EXACT)
    assert result.variance == pytest.approx(variance, abs=EXACT)
    assert result.z == pytest.approx((result.I - expected_i) / np.sqrt(variance), abs=1e-9)


def test_moran_equals_esda_on_the_same_graph():
    rng = np.random.default_rng(3)
    gdf = lattice(6, 7, rng.normal(size=42))
    g = spatial.graph(gdf, "queen")
    ours = spatial.moran(gdf, "v", graph=g, permutations=999, seed=5)
    theirs = esda.Moran(gdf["v"].to_numpy(), g, transformation="r", permutations=0)
    assert ours.I == pytest.approx(theirs.I, abs=EXACT)
    assert ours.p_norm == pytest.approx(theirs.p_norm, abs=EXACT)


def test_local_moran_equals_esda_and_labels_quadrants():
    rng = np.random.default_rng(4)
    values = [c * 3.0 + rng.normal() for r in range(6) for c in range(6)]
    gdf = lattice(6, 6, values)
    g = spatial.graph(gdf, "queen")
    ours = spatial.local_moran(gdf, "v", graph=g, permutations=999, seed=2, fdr=False)
    theirs = esda.Moran_Local(gdf["v"].to_numpy(), g, transformation="r", permutations=999, seed=2)
    np.testing.assert_allclose(ours["I"], theirs.Is, atol=EXACT)
    np.testing.assert_allclose(
        ours["p_sim"], theirs.p_sim, rtol=1e-6
    )  # esda: float32 without simulations kept
    assert ours.loc[gdf.index[0], "quadrant"] == "Low-Low"
    assert ours.loc[gdf.index[5], "quadrant"] == "High-High"
    assert set(ours["cluster"]) <= set(spatial.CLUSTER_LABELS)
    assert (ours["cluster"] != "Not significant").sum() > 0
    assert ((ours["cluster"] == "Not significant") == ~ours["significant"]).all()


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
    assert _stats.significance(p, 0.05, fdr=True).tolist() == [True, True] + [False] * 8
    assert _stats.significance(p, 0.05, fdr=True).tolist() == benjamini_hochberg(p, 0.05).tolist()
    assert _stats.significance(p, 0.05, fdr=False).sum() == 5
    rng = np.random.default_rng(0)
    for _ in range(50):
        q = np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 30)])
        assert (_stats.significance(q, 0.1, fdr=True) == benjamini_hochberg(q, 0.1)).all()


def test_local_moran_fdr_decides_significance():
    rng = np.random.default_rng(8)
    gdf = lattice(7, 7, [c * 2.0 + rng.normal() for r in range(7) for c in range(7)])
    lisa = spatial.local_moran(gdf, "v", permutations=999, seed=1)
    assert (lisa["significant"] == benjamini_hochberg(lisa["p_sim"].to_numpy(), 0.05)).all()


def test_getis_ord_equals_esda():
    rng = np.random.default_rng(9)
    gdf = lattice(6, 6, [r * 2.0 + rng.normal() for r in range(6) for c in range(6)])
    g = spatial.graph(gdf, "queen")
    ours = spatial.getis_ord(gdf, "v", graph=g, permutations=999, seed=3)
    theirs = esda.G_Local(
        gdf["v"].to_numpy(), g, transform="B", star=True, permutations=999, seed=3
    )
    np.testing.assert_allclose(ours["z"], theirs.Zs, atol=EXACT)
    assert set(ours["spot"]) <= {"Hot spot", "Cold spot", "Not significant"}
    row = np.repeat(np.arange(6), 6)  # values grow northward
    assert (row[ours["spot"] == "Hot spot"] >= 3).all() and (ours["spot"] == "Hot spot").any()
    assert (row[ours["spot"] == "Cold spot"] <= 2).all() and (ours["spot"] == "Cold spot").any()


def test_islands_are_joined_to_their_nearest_neighbour_and_named():
    squares = [shapely.box(i, 0, i + 1, 1) for i in range(4)] + [shapely.box(10, 0, 11, 1)]
    gdf = gpd.GeoDataFrame(
        {"v": [1.0, 2, 3, 4, 5]},
        geometry=squares,
        crs=25832,
        index=pd.Index(["01", "02", "03", "04", "09"], name="ags"),
    )
    with pytest.warns(IslandWarning, match=r"1 municipalities have no neighbour.*09 -> 04"):
        g = spatial.graph(gdf, "queen")
    assert list(g.unique_ids) == ["01", "02", "03", "04", "09"]
    assert list(g["09"].index) == ["04"] and "09" in set(g["04"].index)
    assert g.n == 5 and len(g.isolates) == 0


def test_other_graph_kinds():
    gdf = lattice(4, 4, np.arange(16.0))
    assert spatial.graph(gdf, "knn", k=3).cardinalities.eq(3).all()
    band = spatial.graph(gdf, "distance", threshold_km=1.01)
    assert band.cardinalities.tolist() == spatial.graph(gdf, "rook").cardinalities.tolist()
    kernel = spatial.graph(gdf, "kernel", bandwidth_km=2.0)
    assert kernel.n == 16


def test_seeds_reproduce_and_leave_the_global_rng_alone():
    rng = np.random.default_rng(11)
    gdf = lattice(5, 5, rng.normal(size=25))
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
    assert (np.random.get_state()[1] == before).all()  # noqa: NPY002


def test_results_join_onto_the_data():
    gdf = lattice(4, 4, np.arange(16.0))
    joined = gdf.join(spatial.local_moran(gdf, "v", permutations=99))
    assert joined.index.equals(gdf.index) and joined["cluster"].notna().all()


def test_correlogram_equals_esda_per_band_and_finds_the_range():
    gdf = lattice(6, 6, [float(c) for r in range(6) for c in range(6)])
    result = spatial.correlogram(gdf, "v", distances_km=[1.1, 2.1, 7.5], permutations=199)
    points = gdf.geometry.centroid
    for row in result.table.itertuples():
        band = Graph.build_distance_band(points, threshold=row.distance_km * 1000)
        assert row.I == pytest.approx(esda.Moran(gdf["v"].to_numpy(), band, permutations=0).I)
    assert result.table["I"].is_monotonic_decreasing
    assert result.first_insignificant_km == 7.5  # every pair is a neighbour: I = E[I]
    default = spatial.correlogram(gdf, "v", permutations=99)
    assert len(default.table) == 10 and default.table["distance_km"].iloc[0] >= 1.0


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
    flat = lattice(8, 8, rng.normal(0, 2, 64), cell=5000)
    none = spatial.north_south(flat, "v", permutations=199)
    assert none.p_value > 0.05


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
    with pytest.raises(ParameterError, match=r"puts all 16 municipalities on one side"):
        spatial.north_south(gdf, "v", divide=1e9, permutations=0)


# --- errors -----------------------------------------------------------------------------


def test_errors():
    gdf = lattice(3, 3, np.arange(9.0))
    with pytest.raises(MissingColumnError, match="`column` 'x' is not in the data"):
        spatial.moran(gdf, "x")
    with pytest.raises(TooFewObservationsError, match=r"7 observations.*at least 8"):
        spatial.moran(gdf.iloc[:7], "v")
    holes = gdf.assign(v=[1.0, np.nan, 3, 4, 5, 6, 7, 8, 9])
    with pytest.raises(
        MissingValuesError, match=r"missing or not numeric for 1 municipalities: \['05000001'\]"
    ):
        spatial.local_moran(holes, "v")
    with pytest.raises(StatisticsError, match="is constant"):
        spatial.moran(gdf.assign(v=2.0), "v")
    other = spatial.graph(lattice(3, 3, np.arange(9.0)).rename(index=lambda a: a + "x"), "rook")
    with pytest.raises(GraphMismatchError, match="9 only in the data"):
        spatial.moran(gdf, "v", graph=other)
    with pytest.raises(ParameterError, match="`kind` must be one of"):
        spatial.graph(gdf, "hexagon")
    with pytest.raises(ParameterError, match="`k` must be a positive number"):
        spatial.graph(gdf, "knn")
    with pytest.raises(ParameterError, match="`alpha` must lie between 0 and 1"):
        spatial.local_moran(gdf, "v", alpha=5, permutations=9)
    with pytest.raises(StatisticsError, match="have no neighbour"):
        spatial.correlogram(gdf, "v", distances_km=[0.5])


# --- the real Ruhr: Breitbandatlas mid-2021 -----------------------------------------------


@pytest.fixture(scope="module")
def ruhr_2021(shared_data):
    munis = read_municipalities(shared_data / "boundaries" / "ruhr_municipalities.geojson")
    table = pd.read_csv(shared_data / "coverage" / "ruhr_breitband_2021-06.csv", dtype={"ags": str})
    return munis.join(table.set_index("ags")[["ftthb_ge1000", "all_ge1000"]])


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
