"""Spill-over: kernels by hand, mass conservation, CRS handling, the planted radius on real NRW."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import make_grid, munis_frame, square

from ruhrgeo import datasets, read_municipalities, spillover
from ruhrgeo.errors import (
    CRSMissingError,
    InvalidGeometryError,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    SpilloverWarning,
    ValueRangeError,
)

ATOL = 1e-9


@pytest.mark.parametrize(
    ("kernel", "expected"),
    [
        # d = 0, 5, 10, 20, 29, 31, 49, 51 km with r = 10 km, by hand
        ("uniform", [1, 1, 1, 0, 0, 0, 0, 0]),
        ("linear", [1, 0.5, 0, 0, 0, 0, 0, 0]),
        ("gaussian", [1, np.exp(-0.125), np.exp(-0.5), np.exp(-2), np.exp(-4.205), 0, 0, 0]),
        (
            "exponential",
            [1, np.exp(-0.5), np.exp(-1), np.exp(-2), np.exp(-2.9), np.exp(-3.1), np.exp(-4.9), 0],
        ),
    ],
)
def test_kernels_against_hand_computed_values(kernel, expected):
    d = np.array([0, 5, 10, 20, 29, 31, 49, 51.0])
    np.testing.assert_allclose(spillover.kernel_weight(d, 10.0, kernel), expected, atol=1e-12)


def line_of_municipalities(n: int = 6, width: float = 5000.0) -> gpd.GeoDataFrame:
    """n squares of 5 km side along the x axis (EPSG:25832): centroids 2.5, 7.5, ... km."""
    return munis_frame([square(i * width, 0, (i + 1) * width, width) for i in range(n)])


def campuses(xy, crs=25832, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[shapely.Point(x, y) for x, y in xy], crs=crs)


def test_access_by_hand():
    munis = line_of_municipalities()
    sources = campuses([(2500, 2500), (27500, 2500)], students=[1000.0, 200.0])
    got = spillover.access(munis, sources, radius_km=10, size="students")
    # distances from the first: 0, 5, 10, 15, 20, 25 km; from the second: 25, ..., 0
    expected = 1000 * np.array([1, 0.5, 0, 0, 0, 0]) + 200 * np.array([0, 0, 0, 0, 0.5, 1])
    np.testing.assert_allclose(got, expected, atol=ATOL)
    assert got.index.tolist() == munis["ags"].tolist()


def test_allocate_conserves_mass_and_keeps_stranded_sources_home():
    munis = line_of_municipalities()
    rng = np.random.default_rng(0)
    sources = campuses(
        [(2500, 2500), (16000, 1000), (29000, 4000), (60000, 2500)],
        graduates=rng.uniform(10, 500, 4),
    )
    with pytest.warns(SpilloverWarning, match=r"1 source\(s\) reach no municipality.*: 3"):
        allocated = spillover.allocate(munis, sources, "graduates", radius_km=12)
    assert allocated.sum() == pytest.approx(sources["graduates"].sum(), abs=ATOL)
    # the stranded one (60 km east) stays with the nearest municipality, the last square
    with pytest.warns(SpilloverWarning):
        alone = spillover.allocate(munis, sources.iloc[[3]], "graduates", radius_km=12)
    assert alone.tolist() == [0, 0, 0, 0, 0, sources["graduates"].iloc[3]]
    first = spillover.allocate(munis, sources.iloc[[0]], "graduates", radius_km=12)
    weights = np.array([1, 7 / 12, 2 / 12, 0, 0, 0])  # d = 0, 5, 10 km
    np.testing.assert_allclose(first, sources["graduates"].iloc[0] * weights / weights.sum())


@pytest.mark.parametrize("kernel", spillover.KERNELS)
def test_allocate_conserves_mass_for_every_kernel_on_real_geography(kernel, ruhr_real):
    unis = datasets.universities().fillna({"students": 0})
    allocated = spillover.allocate(ruhr_real, unis, "students", radius_km=15, kernel=kernel)
    assert allocated.sum() == pytest.approx(unis["students"].sum(), abs=ATOL)
    assert (allocated >= 0).all()


def test_sources_in_4326_and_municipalities_in_25832_give_the_same_result():
    # in the Ruhr, where EPSG:25832 is the metric CRS ruhrgeo picks for data in degrees
    munis = line_of_municipalities()
    munis = munis.set_geometry(munis.geometry.translate(350_000, 5_700_000))
    sources = campuses([(352_500, 5_702_500), (371_000, 5_704_000)], students=[10.0, 30.0])
    in_4326 = sources.to_crs(4326)
    both = spillover.access(munis, sources, radius_km=9, size="students")
    mixed = spillover.access(munis, in_4326, radius_km=9, size="students")
    np.testing.assert_allclose(mixed, both, atol=1e-6)
    d_both = spillover.distances_km(munis, sources)
    d_mixed = spillover.distances_km(munis.to_crs(4326), in_4326)
    np.testing.assert_allclose(d_mixed, d_both, atol=1e-6)  # degrees are never used


def test_population_weighted_distance():
    # one municipality of 2 x 1 km; all 300 people live in the eastern 1 km cell
    munis = munis_frame([square(0, 0, 2000, 1000)])
    people = make_grid([[0.0, 300.0]], cell=1000.0, unit="count")
    source = campuses([(-1000, 500)])
    by_people = spillover.distances_km(munis, source, to="population", population=people)
    by_centroid = spillover.distances_km(munis, source)
    assert by_people.iloc[0, 0] == pytest.approx(2.5)  # to the center of the eastern cell
    assert by_centroid.iloc[0, 0] == pytest.approx(2.0)


def test_reach_counts_north_and_south():
    # a 2 x 3 block: row 0 (south) near the campus, row 1 (north) farther away
    munis = munis_frame(
        [
            square(c * 10_000, r * 10_000, (c + 1) * 10_000, (r + 1) * 10_000)
            for r in range(2)
            for c in range(3)
        ]
    )
    result = spillover.reach(munis, campuses([(15_000, -5000)]), radius_km=20, threshold=0.1)
    # centroid distances: south row 14.1, 10, 14.1 km; north row 22.4, 20, 22.4 km
    assert result.table["reached"].tolist() == [True, True, True, False, False, False]
    assert (result.north_reached, result.north_total) == (0, 3)
    assert (result.south_reached, result.south_total) == (3, 3)
    assert "0 of 3 northern" in result.summary()


# --- the planted radius on real NRW geography ---------------------------------------------


@pytest.fixture(scope="module")
def nrw_planted(shared_data):
    nrw = read_municipalities(shared_data / "boundaries" / "nrw_municipalities.geojson")
    unis = datasets.universities()
    signal = spillover.access(nrw, unis, radius_km=25, kernel="linear").to_numpy()
    return nrw, unis, signal


def _estimates(nrw, unis, signal, beta):
    results = []
    for seed in range(20):
        noise = np.random.default_rng(seed).normal(0, 1, len(nrw))
        gdf = nrw.assign(y=1 + beta * signal + noise)
        results.append(spillover.estimate_radius(gdf, "y", unis, n_boot=999, seed=seed))
    return results


def test_planted_radius_is_recovered(nrw_planted):
    """outcome = 1 + 1.0 * access(25 km, linear, size 1) + N(0, 1), 396 municipalities."""
    results = _estimates(*nrw_planted, beta=1.0)
    within = sum(abs(r.radius_km - 25) <= 5 for r in results)
    covered = sum(r.ci_low_km <= 25 <= r.ci_high_km for r in results)
    assert within >= 18, [r.radius_km for r in results]
    assert covered >= 18, [(r.ci_low_km, r.ci_high_km) for r in results]
    assert all(r.significant for r in results)


def test_no_planted_effect_is_reported_as_not_significant(nrw_planted):
    results = _estimates(*nrw_planted, beta=0.0)
    assert sum(not r.significant for r in results) >= 18
    assert "No significant spill-over" in next(r for r in results if not r.significant).summary()
    assert np.median([r.ci_high_km - r.ci_low_km for r in results]) >= 30  # wide, as it must be


def test_profile_and_controls(nrw_planted):
    nrw, unis, signal = nrw_planted
    rng = np.random.default_rng(3)
    control = rng.normal(size=len(nrw))
    gdf = nrw.assign(c=control, y=2 * control + signal + rng.normal(0, 1, len(nrw)))
    result = spillover.estimate_radius(gdf, "y", unis, controls=["c"], n_boot=99)
    assert result.radius_km == pytest.approx(25, abs=5)
    assert list(result.profile.columns) == ["radius_km", "effect", "r2", "loglik", "aic"]
    assert result.profile["loglik"].idxmax() == result.profile["aic"].idxmin()
    best = result.profile.loc[result.profile["radius_km"] == result.radius_km]
    # the best effect equals a plain least-squares fit with the control
    x = np.column_stack(
        [
            np.ones(len(nrw)),
            control,
            spillover.access(nrw, unis, radius_km=result.radius_km).to_numpy(),
        ]
    )
    coef, *_ = np.linalg.lstsq(x, gdf["y"].to_numpy(), rcond=None)
    assert best["effect"].item() == pytest.approx(coef[2], rel=1e-9)


# --- errors -----------------------------------------------------------------------------


def test_errors():
    munis = line_of_municipalities(8)
    good = campuses([(2500, 2500)], students=[10.0])
    with pytest.raises(CRSMissingError, match="`sources` has no CRS"):
        spillover.access(munis, campuses([(0, 0)], crs=None), radius_km=5)
    with pytest.raises(InvalidGeometryError, match="`sources` must be points"):
        spillover.access(
            munis, gpd.GeoDataFrame(geometry=[square(0, 0, 1, 1)], crs=25832), radius_km=5
        )
    with pytest.raises(ValueRangeError, match="must not be negative"):
        spillover.allocate(munis, good.assign(students=-1.0), "students", radius_km=5)
    with pytest.raises(MissingValuesError, match=r"missing or not numeric for 1 source\(s\)"):
        spillover.allocate(munis, good.assign(students=np.nan), "students", radius_km=5)
    with pytest.raises(ParameterError, match=r"`radius_km \(the"):
        spillover.access(munis, good, radius_km=0)
    with pytest.raises(ParameterError, match="`kernel` must be one of"):
        spillover.access(munis, good, radius_km=5, kernel="cubic")
    with pytest.raises(MissingColumnError, match="`sources` has no column 'graduates'"):
        spillover.allocate(munis, good, "graduates", radius_km=5)
    gdf = munis.assign(y=np.arange(8.0))
    with pytest.raises(MissingColumnError, match="`column` 'outcome' is not in the data"):
        spillover.estimate_radius(gdf, "outcome", good)
    with pytest.raises(ParameterError, match="`radii_km` must be a finite number > 0"):
        spillover.estimate_radius(gdf, "y", good, radii_km=[0, 5])
    with pytest.raises(ParameterError, match="`to='population'` needs a `population` grid"):
        spillover.distances_km(munis, good, to="population")
