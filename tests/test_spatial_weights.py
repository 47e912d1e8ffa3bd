"""The graph= vocabulary: kinds and options, given Graphs and Ws, GAL/GWT files, islands."""

from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libpysal.graph import Graph
from libpysal.weights import W
from test_spatial import lattice, rook_matrix

from ruhrgeo import spatial
from ruhrgeo.errors import GraphMismatchError, IslandWarning, TooFewObservationsError
from ruhrgeo.spatial import GraphSpec

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
EXACT = 1e-12


def dense(graph: Graph, order) -> np.ndarray:
    return (
        pd.DataFrame(graph.sparse.toarray(), graph.unique_ids, graph.unique_ids)
        .loc[order, order]
        .to_numpy()
    )


def test_kinds_equal_libpysal_built_directly():
    gdf = lattice(4, 5, np.arange(20.0))
    points = gdf.geometry.centroid
    expected = {
        "queen": Graph.build_contiguity(gdf.geometry, rook=False),
        "rook": Graph.build_contiguity(gdf.geometry, rook=True),
        GraphSpec("knn", k=3): Graph.build_knn(points, k=3),
        GraphSpec("distance", threshold_km=1.5): Graph.build_distance_band(points, 1500),
        GraphSpec("kernel", bandwidth_km=2.5, kernel="triangular"): Graph.build_kernel(
            points, kernel="triangular", bandwidth=2500
        ),
    }
    for spec, theirs in expected.items():
        ours = spatial.build_graph(gdf, spec)
        np.testing.assert_allclose(dense(ours, gdf.index), dense(theirs, gdf.index), atol=EXACT)
    assert (dense(spatial.build_graph(gdf, "rook"), gdf.index) == rook_matrix(4, 5)).all()


def test_every_statistic_takes_the_same_spec_and_uses_it():
    rng = np.random.default_rng(1)
    gdf = lattice(6, 6, rng.normal(size=36) + 10, x=rng.normal(size=36))
    spec = GraphSpec("knn", k=4)
    knn = Graph.build_knn(gdf.geometry.centroid, k=4)
    y = gdf["v"].to_numpy()
    assert spatial.moran(gdf, "v", graph=spec, permutations=0).I == pytest.approx(
        esda.Moran(y, knn, permutations=0).I, abs=EXACT
    )
    assert spatial.geary(gdf, "v", graph=spec, permutations=0).C == pytest.approx(
        esda.Geary(y, knn, permutations=0).C, abs=EXACT
    )
    lisa = spatial.local_moran(gdf, "v", graph=spec, permutations=0)
    np.testing.assert_allclose(lisa["Is"], esda.Moran_Local(y, knn, permutations=0).Is)
    assert lisa.graph.cardinalities.eq(4).all()
    spots = spatial.getis_ord(gdf, "v", graph=spec, permutations=0)
    np.testing.assert_allclose(
        spots["Zs"], esda.G_Local(y, knn, transform="B", star=True, permutations=0).Zs
    )
    for result in (
        spatial.moran(gdf, "v", graph=spec, permutations=0),
        spatial.moran_bv(gdf, "v", "x", graph=spec, permutations=0),
        spatial.north_south(gdf, "v", graph=spec, permutations=0),
        spatial.spatial_error(gdf, "v", ["x"], graph=spec),
    ):
        assert result.graph == "knn(k=4)"
    assert spatial.correlogram(gdf, "v", graph=spec, orders=[1], permutations=0).table["I"][
        0
    ] == pytest.approx(esda.Moran(y, knn, permutations=0).I, abs=EXACT)


def test_spec_text_and_equality():
    assert str(GraphSpec("distance", threshold_km=12)) == "distance(threshold_km=12)"
    assert GraphSpec("knn", k=np.int64(6)) == GraphSpec("knn", k=6)
    assert repr(GraphSpec("kernel", bandwidth_km=5, kernel="bisquare")) == (
        "GraphSpec('kernel', bandwidth_km=5.0, kernel='bisquare')"
    )


def test_a_given_w_or_graph_is_used_as_it_is():
    gdf = lattice(5, 5, np.arange(25.0) % 7)
    queen = Graph.build_contiguity(gdf.geometry, rook=False)
    as_w = queen.to_W()
    y = gdf["v"].to_numpy()
    theirs = esda.Moran(y, queen, permutations=0)
    assert spatial.moran(gdf, "v", graph=as_w, permutations=0).I == pytest.approx(theirs.I)
    assert spatial.moran(gdf, "v", graph=queen, permutations=0).graph == "given Graph"
    assert as_w.transform == "O"  # ruhrgeo works on a copy: the caller's W is untouched


def test_a_w_with_integer_ags_ids_is_matched_and_positions_are_refused():
    gdf = lattice(4, 4, np.arange(16.0))
    queen = Graph.build_contiguity(gdf.geometry, rook=False)
    as_int = {int(k): [int(n) for n in v] for k, v in queen.to_W().neighbors.items()}
    w = W(as_int, silence_warnings=True)
    ours = spatial.build_graph(gdf, w)
    assert sorted(ours.unique_ids) == sorted(gdf.index)
    np.testing.assert_array_equal(dense(ours, gdf.index), dense(queen, gdf.index))
    positions = Graph.build_contiguity(gdf.geometry.reset_index(drop=True), rook=False)
    with pytest.raises(GraphMismatchError, match=r"keyed by positions 0\.\.15.*use_index=True"):
        spatial.moran(gdf, "v", graph=positions)


@pytest.mark.parametrize("suffix", ["gal", "gwt"])
def test_gal_and_gwt_files_keyed_by_ags(tmp_path, suffix):
    gdf = lattice(4, 4, np.arange(16.0) ** 1.5)
    queen = spatial.build_graph(gdf, "queen")
    path = tmp_path / f"ruhr.{suffix}"
    getattr(queen, f"to_{suffix}")(path)
    assert "05000000" in path.read_text()  # the leading zero is in the file
    read = spatial.read_graph(path)
    assert list(read.unique_ids) == list(queen.unique_ids)
    for graph in (path, str(path)):
        result = spatial.moran(gdf, "v", graph=graph, permutations=0)
        assert result.I == pytest.approx(spatial.moran(gdf, "v", permutations=0).I, abs=EXACT)
        assert result.graph == f"file ruhr.{suffix}"
    stripped = tmp_path / f"stripped.{suffix}"
    stripped.write_text(path.read_text().replace("05000", "5000"))  # a spreadsheet ate the zero
    assert spatial.moran(gdf, "v", graph=stripped, permutations=0).I == pytest.approx(
        spatial.moran(gdf, "v", permutations=0).I, abs=EXACT
    )


def test_islands_are_joined_to_their_nearest_neighbor_and_named():
    squares = [shapely.box(i, 0, i + 1, 1) for i in range(4)] + [shapely.box(10, 0, 11, 1)]
    gdf = gpd.GeoDataFrame(
        {"v": [1.0, 2, 3, 4, 5]},
        geometry=squares,
        crs=25832,
        index=pd.Index(["01", "02", "03", "04", "09"], name="ags"),
    )
    with pytest.warns(IslandWarning, match=r"1 municipalities have no neighbor.*09 -> 04"):
        g = spatial.build_graph(gdf, "queen")
    assert list(g.unique_ids) == ["01", "02", "03", "04", "09"]
    assert list(g["09"].index) == ["04"] and "09" in set(g["04"].index)
    assert g.n == 5 and len(g.isolates) == 0
    band = GraphSpec("distance", threshold_km=0.0011)
    with pytest.warns(IslandWarning, match="09 -> 04"):
        assert len(spatial.build_graph(gdf, band).isolates) == 0
    given = Graph.build_contiguity(gdf.geometry, rook=False)  # with its island
    with pytest.warns(IslandWarning, match="09 -> 04"):
        assert len(spatial.build_graph(gdf, given).isolates) == 0


def _rows():
    return st.lists(
        st.floats(0, 100, allow_nan=False, allow_subnormal=False), min_size=16, max_size=16
    ).filter(lambda v: np.ptp(v) > 1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=_rows(), order=st.permutations(list(range(16))))
def test_results_do_not_depend_on_the_row_order(values, order):
    gdf = lattice(4, 4, values)
    shuffled = gdf.iloc[order]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        a = spatial.local_moran(gdf, "v", permutations=99, seed=1)
        b = spatial.local_moran(shuffled, "v", permutations=99, seed=1)
        m, n = (spatial.moran(x, "v", permutations=99) for x in (gdf, shuffled))
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b).loc[gdf.index])
    assert (m.I, m.p_sim) == pytest.approx((n.I, n.p_sim), abs=EXACT)


@settings(max_examples=10, deadline=None)
@given(values=_rows())
def test_results_do_not_depend_on_the_crs(values):
    gdf = lattice(4, 4, values, cell=5000).set_geometry(
        lattice(4, 4, values, cell=5000).geometry.translate(400_000, 5_700_000)
    )
    spec = GraphSpec("knn", k=3)
    a = spatial.local_moran(gdf, "v", graph=spec, permutations=99)
    b = spatial.local_moran(gdf.to_crs(3035), "v", graph=spec, permutations=99)
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))


@pytest.mark.parametrize(
    "graph",
    [
        "queen",
        GraphSpec("knn", k=1),
        GraphSpec("distance", threshold_km=5),
        GraphSpec("kernel", bandwidth_km=5),
    ],
)
def test_one_area_has_no_neighbor_to_weigh(graph):
    one = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 1000, 1000)], crs=25832, index=pd.Index(["a"], name="id")
    )
    with pytest.raises(TooFewObservationsError, match="at least 2 areas"):
        spatial.build_graph(one, graph)
