"""Hostile input to the spatial package: each mistake raises a specific RuhrgeoError whose
message names the input and the fix; nothing is modified; nothing else escapes."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libpysal.graph import Graph
from test_spatial import lattice

from ruhrgeo import spatial
from ruhrgeo.errors import (
    ConstantValuesError,
    CRSMissingError,
    DataFileNotFoundError,
    DuplicateIdError,
    EmptyGeometryError,
    FileFormatError,
    GraphMismatchError,
    InfiniteValuesError,
    IslandWarning,
    MissingColumnError,
    MissingValuesError,
    ModelError,
    ParameterError,
    RuhrgeoError,
    StatisticsError,
    TooFewObservationsError,
)
from ruhrgeo.spatial import GraphSpec

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RNG = np.random.default_rng(0)
BASE = lattice(4, 4, RNG.uniform(1, 50, 16), x=RNG.normal(size=16), b=[0, 1] * 8)


def frame(**columns) -> gpd.GeoDataFrame:
    return BASE.assign(**columns)


# one row per mistake: (call, error, message)
COLUMN_CASES = {
    "missing column": (lambda: spatial.moran(BASE, "nope"), MissingColumnError, "'nope' is not"),
    "column not a string": (lambda: spatial.moran(BASE, 3), MissingColumnError, "`column` 3"),
    "decimal comma strings": (
        lambda: spatial.moran(frame(v=["12,5"] + [1.0] * 15), "v"),
        MissingValuesError,
        r"not numeric: \['12,5'\] \(a decimal comma\?",
    ),
    "NaN": (
        lambda: spatial.local_moran(frame(v=[np.nan, *list(range(15))]), "v"),
        MissingValuesError,
        r"missing or not numeric for 1 municipalities: \['05000000'\]",
    ),
    "+inf": (
        lambda: spatial.moran(frame(v=[np.inf, *list(range(15))]), "v"),
        InfiniteValuesError,
        r"`v` is infinite for 1 municipalities: \['05000000'\]",
    ),
    "-inf in LISA": (
        lambda: spatial.local_moran(frame(v=[-np.inf, *list(range(15))]), "v"),
        InfiniteValuesError,
        "infinite",
    ),
    "inf in Getis-Ord": (
        lambda: spatial.getis_ord(frame(v=[np.inf, *list(range(15))]), "v"),
        InfiniteValuesError,
        "infinite",
    ),
    "constant": (
        lambda: spatial.moran(frame(v=2.0), "v"),
        ConstantValuesError,
        r"`v` is constant \(2 in all 16",
    ),
    "constant up to rounding": (
        lambda: spatial.moran(frame(v=[0.3] * 15 + [0.1 + 0.2]), "v"),
        ConstantValuesError,
        "up to rounding",
    ),
    "all zero": (lambda: spatial.geary(frame(v=0.0), "v"), ConstantValuesError, "constant"),
    "duplicated index": (
        lambda: spatial.moran(BASE.iloc[[0, 0, *range(1, 16)]], "v"),
        DuplicateIdError,
        r"`gdf` has 1 repeated key\(s\) in `ags`: 05000000",
    ),
    "two columns of one name": (
        lambda: spatial.moran(pd.concat([BASE, BASE[["v"]]], axis=1), "v"),
        DuplicateIdError,
        "2 columns named 'v'",
    ),
    "too few": (
        lambda: spatial.moran(BASE.iloc[:7], "v"),
        TooFewObservationsError,
        r"7 observations of `v`; spatial statistics need at least 8",
    ),
}

GRAPH_CASES = {
    "unknown kind": (
        lambda: spatial.moran(BASE, "v", graph="hexagon"),
        ParameterError,
        "graph kind 'hexagon' is unknown; use one of queen, rook, knn",
    ),
    "knn without k": (
        lambda: spatial.moran(BASE, "v", graph="knn"),
        ParameterError,
        r"graph='knn' needs its option k: pass graph=GraphSpec\('knn', k=6\)",
    ),
    "k zero": (
        lambda: GraphSpec("knn", k=0),
        ParameterError,
        "`k` must be a whole number >= 1, got 0",
    ),
    "k fractional": (
        lambda: GraphSpec("knn", k=2.5),
        ParameterError,
        "`k` must be a whole number >= 1, got 2.5",
    ),
    "k True": (lambda: GraphSpec("knn", k=True), ParameterError, "got True"),
    "negative band": (
        lambda: GraphSpec("distance", threshold_km=-1),
        ParameterError,
        "`threshold_km` must be a finite number > 0",
    ),
    "infinite bandwidth": (
        lambda: GraphSpec("kernel", bandwidth_km=math.inf),
        ParameterError,
        "`bandwidth_km` must be a finite number > 0",
    ),
    "unknown kernel": (
        lambda: GraphSpec("kernel", bandwidth_km=5, kernel="flat"),
        ParameterError,
        "`kernel` must be one of gaussian",
    ),
    "option for another kind": (
        lambda: GraphSpec("queen", k=4),
        ParameterError,
        "graph kind 'queen' takes no k",
    ),
    "graph of a wrong type": (
        lambda: spatial.moran(BASE, "v", graph=4),
        ParameterError,
        "`graph` must be a kind name",
    ),
    "k as large as n": (
        lambda: spatial.moran(BASE, "v", graph=GraphSpec("knn", k=16)),
        TooFewObservationsError,
        "knn\\(k=16\\) needs more than k = 16 municipalities, got 16",
    ),
    "graph of other units": (
        lambda: spatial.moran(
            BASE, "v", graph=spatial.build_graph(BASE.rename(index=lambda a: a + "x"), "rook")
        ),
        GraphMismatchError,
        r"16 only in the data \['05000000'",
    ),
    "graph by positions": (
        lambda: spatial.moran(
            BASE, "v", graph=Graph.build_contiguity(BASE.geometry.reset_index(drop=True))
        ),
        GraphMismatchError,
        "keyed by positions",
    ),
    "no geometry": (
        lambda: spatial.moran(pd.DataFrame(BASE.drop(columns="geometry")), "v"),
        ParameterError,
        "queen weights need the municipalities' geometries, but the data are a table",
    ),
    "empty geometry": (
        lambda: spatial.moran(BASE.set_geometry([shapely.Polygon(), *BASE.geometry.iloc[1:]]), "v"),
        EmptyGeometryError,
        r"`gdf`: areas with missing or empty geometry: 05000000",
    ),
    "no CRS for distances": (
        lambda: spatial.moran(
            BASE.set_crs(None, allow_override=True), "v", graph=GraphSpec("knn", k=3)
        ),
        CRSMissingError,
        r"`gdf` has no CRS; set one with `gdf.set_crs\(25832\)`",
    ),
    "points with contiguity": (
        lambda: spatial.moran(BASE.set_geometry(BASE.geometry.centroid), "v"),
        StatisticsError,
        r"queen contiguity needs polygons, but 16 geometries are Point \(e.g. \['05000000'",
    ),
    "polygons apart": (
        lambda: spatial.moran(BASE.set_geometry(BASE.geometry.scale(0.5, 0.5)), "v"),
        StatisticsError,
        "none of the 16 municipalities touches another",
    ),
    "band shorter than any distance": (
        lambda: spatial.moran(BASE, "v", graph=GraphSpec("distance", threshold_km=0.1)),
        StatisticsError,
        r"distance\(threshold_km=0.1\) leaves every one of the 16 municipalities without a "
        r"neighbor; the nearest centroids are 1 to 1 km apart",
    ),
    "same centroid twice": (
        lambda: spatial.moran(
            BASE.set_geometry([BASE.geometry.iloc[1], *BASE.geometry.iloc[1:]]),
            "v",
            graph=GraphSpec("knn", k=3),
        ),
        StatisticsError,
        r"\['05000000', '05000001'\] have the same centroid",
    ),
}

ARGUMENT_CASES = {
    "negative permutations": (
        lambda: spatial.moran(BASE, "v", permutations=-5),
        ParameterError,
        "`permutations` must be a whole number in \\[0, 1,000,000\\], got -5",
    ),
    "negative permutations, LISA": (
        lambda: spatial.local_moran(BASE, "v", permutations=-1),
        ParameterError,
        "got -1",
    ),
    "fractional permutations": (
        lambda: spatial.getis_ord(BASE, "v", permutations=99.5),
        ParameterError,
        r"`permutations` must be a whole number in \[0, 1,000,000\], got 99.5",
    ),
    "permutations as text": (
        lambda: spatial.moran(BASE, "v", permutations="99"),
        ParameterError,
        "got the text '99'",
    ),
    "permutations True": (
        lambda: spatial.theil_divide(BASE, "v", permutations=True),
        ParameterError,
        "got True",
    ),
    "absurd permutations": (
        lambda: spatial.moran(BASE, "v", permutations=10**9),
        ParameterError,
        "whole number in \\[0, 1,000,000\\]",
    ),
    "kept simulations too big": (
        lambda: spatial.local_moran(lattice(30, 30, np.arange(900.0)), "v", permutations=300_000),
        ParameterError,
        r"would hold 2.2 GB; pass keep_simulations=False",
    ),
    "negative seed": (
        lambda: spatial.moran(BASE, "v", seed=-1),
        ParameterError,
        r"`seed` must be a whole number in \[0, 4,294,967,295\]",
    ),
    "alpha 1": (
        lambda: spatial.local_moran(BASE, "v", alpha=1, permutations=9),
        ParameterError,
        r"`alpha` must be a finite number in \(0, 1\)",
    ),
    "alpha NaN": (
        lambda: spatial.getis_ord(BASE, "v", alpha=math.nan, permutations=9),
        ParameterError,
        "got nan",
    ),
    "keep_simulations not bool": (
        lambda: spatial.local_moran(BASE, "v", keep_simulations="yes"),
        ParameterError,
        "`keep_simulations` must be True or False",
    ),
    "star not bool": (
        lambda: spatial.getis_ord(BASE, "v", star=0.5),
        ParameterError,
        r"`star` must be True or False",
    ),
}

STATISTIC_CASES = {
    "negative values in G": (
        lambda: spatial.getis_ord(frame(v=np.arange(16.0) - 3), "v"),
        StatisticsError,
        r"Getis-Ord G needs non-negative `v`, but \['05000000'",
    ),
    "negative values in Theil": (
        lambda: spatial.theil_divide(frame(v=np.arange(16.0) - 3), "v"),
        StatisticsError,
        "Theil's T needs non-negative `v`",
    ),
    "join counts of a share": (
        lambda: spatial.join_counts(BASE, "v"),
        ParameterError,
        r"join counts need a binary `v` .* \(gdf\['v'\] >= 50\).astype\(int\)",
    ),
    "bivariate of one column": (
        lambda: spatial.moran_bv(BASE, "v", "v"),
        ParameterError,
        "both 'v'; for one variable use moran",
    ),
    "bivariate LISA of one column": (
        lambda: spatial.local_moran_bv(BASE, "v", "v"),
        ParameterError,
        "use local_moran",
    ),
    "divide outside the data": (
        lambda: spatial.north_south(BASE, "v", divide=1e9, permutations=0),
        ParameterError,
        "puts all 16 municipalities on one side",
    ),
    "divide NaN": (
        lambda: spatial.north_south(BASE, "v", divide=math.nan),
        ParameterError,
        r"`divide \(a latitude, a northing in meters or a LineString\)` must be a finite number",
    ),
    "divide as text": (
        lambda: spatial.theil_divide(BASE, "v", divide="north"),
        ParameterError,
        r"`divide \(a latitude, a northing in meters or a LineString\)` must be a finite number",
    ),
    "regimes without covariates": (
        lambda: spatial.divide_regimes(BASE, "v", []),
        ParameterError,
        "needs at least one covariate",
    ),
    "collinear covariates": (
        lambda: spatial.spatial_error(frame(x2=BASE["x"] * 2), "v", ["x", "x2"]),
        ModelError,
        r"covariates \['x', 'x2'\] .* are collinear",
    ),
    "covariates as a string": (
        lambda: spatial.ols(BASE, "v", "x"),
        ParameterError,
        r"write \['x'\]",
    ),
    "outcome among the covariates": (
        lambda: spatial.spatial_lag(BASE, "v", ["v"]),
        ParameterError,
        "contain the outcome 'v'",
    ),
    "one regime": (
        lambda: spatial.ols(frame(r="a"), "v", ["x"], regimes="r"),
        ParameterError,
        "`regimes` has one value",
    ),
    "regime too small": (
        lambda: spatial.ols(frame(r=["a"] * 14 + ["b"] * 2), "v", ["x"], regimes="r"),
        ModelError,
        r"regime\(s\) \{'b': 2\} have too few municipalities",
    ),
    "regimes missing": (
        lambda: spatial.ols(BASE, "v", ["x"], regimes=pd.Series({"05000000": "a"})),
        ParameterError,
        "`regimes` is missing for 15 municipalities",
    ),
    "too many parameters": (
        lambda: spatial.spatial_error(
            BASE.iloc[:9].assign(**{f"c{i}": RNG.normal(size=9) for i in range(6)}),
            "v",
            [f"c{i}" for i in range(6)],
            graph=GraphSpec("knn", k=2),
        ),
        ModelError,
        "9 municipalities are too few for ML_Error",
    ),
    "band too short": (
        lambda: spatial.correlogram(BASE, "v", distances_km=[0.5]),
        StatisticsError,
        r"at distance 0.5, 16 municipalities have no neighbor",
    ),
    "orders without a graph": (
        lambda: spatial.correlogram(BASE, "v", orders=[1, 2]),
        ParameterError,
        "`orders` needs a `graph`",
    ),
    "distances with a graph": (
        lambda: spatial.correlogram(BASE, "v", graph="rook", distances_km=[1.0]),
        ParameterError,
        "leave out `graph`",
    ),
    "order zero": (
        lambda: spatial.correlogram(BASE, "v", graph="rook", orders=[0]),
        ParameterError,
        "`orders` must be a whole number >= 1, got 0",
    ),
    "order beyond the data": (
        lambda: spatial.correlogram(BASE, "v", graph="rook", orders=[9], permutations=0),
        StatisticsError,
        r"at order 9, 16 municipalities have no neighbor \(e.g. .*\); use fewer `orders`",
    ),
    "scatterplot of a table": (
        lambda: spatial.moran_scatterplot(BASE),
        ParameterError,
        "takes a result of moran, moran_bv, local_moran",
    ),
}

CASES = {**COLUMN_CASES, **GRAPH_CASES, **ARGUMENT_CASES, **STATISTIC_CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_each_mistake_raises_a_specific_error_naming_it(name):
    call, error, message = CASES[name]
    before = BASE.copy()
    with pytest.raises(error, match=message) as caught:
        call()
    assert isinstance(caught.value, RuhrgeoError)
    pd.testing.assert_frame_equal(BASE, before)  # nothing modified on the way


def test_weights_files(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="no file at"):
        spatial.moran(BASE, "v", graph=tmp_path / "absent.gal")
    garbage = tmp_path / "bad.gal"
    garbage.write_text("this is not\na GAL file\n\x00")
    with pytest.raises(FileFormatError, match=r"'bad.gal' is not a readable GAL file"):
        spatial.read_graph(garbage)
    empty = tmp_path / "empty.gwt"
    empty.write_text("")
    with pytest.raises(FileFormatError, match=r"empty\.gwt"):
        spatial.read_graph(empty)
    other = tmp_path / "w.txt"
    other.write_text("1\n")
    with pytest.raises(FileFormatError, match=r"neither \.gal nor \.gwt"):
        spatial.read_graph(other)
    islands = tmp_path / "islands.gal"
    Graph.from_arrays(BASE.index, BASE.index, np.zeros(16)).to_gal(islands)
    with pytest.raises(StatisticsError, match="pass a GeoDataFrame so that they can be joined"):
        spatial.moran(pd.DataFrame(BASE.drop(columns="geometry")), "v", graph=islands)


def test_scaled_columns_are_not_constant_and_give_the_same_statistics():
    tiny = frame(v=BASE["v"] * 1e-10)
    assert spatial.moran(tiny, "v", permutations=99).I == pytest.approx(
        spatial.moran(BASE, "v", permutations=99).I, rel=1e-9
    )
    huge = frame(v=BASE["v"] * 1e12)
    assert spatial.geary(huge, "v", permutations=0).C == pytest.approx(
        spatial.geary(BASE, "v", permutations=0).C, rel=1e-9
    )


def test_islands_are_warned_about_not_silently_joined():
    far = BASE.set_geometry([shapely.box(1e6, 0, 1e6 + 1, 1), *BASE.geometry.iloc[1:]])
    with pytest.warns(IslandWarning, match=r"1 municipalities have no neighbor.*05000000 ->"):
        spatial.moran(far, "v", permutations=0)


# --- hypothesis: any table in, a result or a RuhrgeoError out, the input untouched ----------

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**12), 10**12),
    st.sampled_from(["", "12,5", "n/a", "1e3", " 7 ", "-", "∞"]),
    st.none(),
    st.booleans(),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(cells, min_size=16, max_size=16),
    function=st.sampled_from(
        [spatial.moran, spatial.local_moran, spatial.getis_ord, spatial.geary, spatial.join_counts]
    ),
)
def test_any_column_gives_a_result_or_a_ruhrgeo_error(values, function):
    gdf = BASE.assign(v=pd.Series(values, index=BASE.index, dtype=object))
    before = gdf.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            result = function(gdf, "v", permutations=19)
        except RuhrgeoError:
            result = None
    pd.testing.assert_frame_equal(gdf, before)
    if result is not None:
        y = pd.to_numeric(gdf["v"], errors="coerce").astype(float)
        assert np.isfinite(y).all() and np.ptp(y) > 0  # accepted only what is analyzable
        numbers = result[["p_sim"]].to_numpy() if isinstance(result, pd.DataFrame) else None
        if numbers is not None:
            assert ((numbers > 0) & (numbers <= 1)).all()


@settings(max_examples=30, deadline=None)
@given(
    k=st.one_of(st.integers(-3, 30), st.floats(allow_nan=True), st.text(max_size=3)),
    kind=st.sampled_from(["knn", "distance", "kernel", "queen", "voronoi"]),
)
def test_any_graph_spec_is_valid_or_refused(k, kind):
    option = {"knn": "k", "distance": "threshold_km", "kernel": "bandwidth_km"}.get(kind, "k")
    try:
        spec = GraphSpec(kind, **{option: k})
    except ParameterError:
        return
    try:
        graph = spatial.build_graph(BASE, spec)
    except RuhrgeoError:
        return
    except IslandWarning:
        return
    assert sorted(graph.unique_ids) == sorted(BASE.index)
