"""Exact shares: hand-computed cases, shapely's exact areas on the real Ruhr, invariants."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from conftest import UTM, make_grid, munis_frame, square
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import Grid, Overlay, coverage_share, regrid
from ruhrgeo.errors import NoDataWarning

ATOL_PP = 1e-6  # percentage points: the exactness the issue asks for
ATOL = 1e-9
# exactextract returns each cell's coverage fraction in single precision (relative error
# <= 2**-24 = 6e-8), which matters only where a polygon is a few cells large: a share,
# sum(f v) / sum(f), is then off by at most 1.2e-7 relative, a comparison of two by 2.4e-7.
FRACTION_RTOL = 2.5e-7


def test_square_offset_by_half_a_cell_gives_quarter_half_and_full_fractions():
    grid = make_grid(np.zeros((3, 3)))
    cells = Overlay(munis_frame([square(0.5, 0.5, 2.5, 2.5)]), grid).weighted_cells()
    expected = [0.25, 0.5, 0.25, 0.5, 1.0, 0.5, 0.25, 0.5, 0.25]
    np.testing.assert_allclose(np.sort(cells["weight"]), np.sort(expected), atol=ATOL)
    assert cells["weight"].sum() == pytest.approx(4.0)  # the square's area in cells
    center = cells.loc[cells["weight"].idxmax()]
    assert (center["x"], center["y"]) == (1.5, 1.5)


def test_binary_share_counts_partial_cells_by_their_fraction():
    # covered: top row and the center; the square holds 0.25+0.5+0.25 (top) + 1 (center)
    grid = make_grid([[1, 1, 1], [0, 1, 0], [0, 0, 0]])
    share = coverage_share(munis_frame([square(0.5, 0.5, 2.5, 2.5)]), {"c": grid})
    assert share["c"].item() == pytest.approx(100 * 2.0 / 4.0, abs=ATOL)
    assert share["c_nodata"].item() == pytest.approx(0.0, abs=ATOL)


def test_percent_share_is_the_area_weighted_mean():
    values = [[10, 20, 30], [40, 50, 60], [70, 80, 90]]
    grid = make_grid(values, unit="percent")
    fractions = np.array([[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])
    expected = (fractions * values).sum() / fractions.sum()
    share = coverage_share(munis_frame([square(0.5, 0.5, 2.5, 2.5)]), {"p": grid})
    assert share["p"].item() == pytest.approx(expected, abs=ATOL)


def test_nodata_cells_leave_the_denominator_and_are_reported():
    nodata = np.zeros((3, 3), bool)
    nodata[0, :] = True  # top row unknown: 1.0 of the square's 4.0 cells
    grid = make_grid([[0, 0, 0], [1, 1, 1], [0, 0, 0]], nodata=nodata)
    share = coverage_share(munis_frame([square(0.5, 0.5, 2.5, 2.5)]), {"c": grid})
    assert share["c"].item() == pytest.approx(100 * 2.0 / 3.0, abs=ATOL)
    assert share["c_nodata"].item() == pytest.approx(25.0, abs=ATOL)


def test_area_beyond_the_grid_counts_as_nodata():
    grid = make_grid([[1, 1]])  # x 0..2, y 0..1
    share = coverage_share(munis_frame([square(1, 0, 3, 1)]), {"c": grid})
    assert share["c"].item() == pytest.approx(100.0)
    assert share["c_nodata"].item() == pytest.approx(50.0)


def test_weighted_share_is_sum_fwv_over_sum_fw():
    grid = make_grid([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    weights = make_grid([[5, 1, 0], [2, 3, 7], [1, 4, 9]], unit="count")
    fractions = np.array([[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])
    w, v = np.asarray(weights.values), np.asarray(grid.values)
    expected = 100 * (fractions * w * v).sum() / (fractions * w).sum()
    share = coverage_share(
        munis_frame([square(0.5, 0.5, 2.5, 2.5)]), {"c": grid}, weighted_by=weights
    )
    assert share["c"].item() == pytest.approx(expected, abs=ATOL)


def test_no_data_at_all_gives_nan_full_nodata_and_one_warning_naming_it():
    nodata = np.zeros((1, 4), bool)
    nodata[0, 2:] = True
    grid = make_grid([[1, 0, 0, 0]], nodata=nodata)
    munis = munis_frame([square(0, 0, 2, 1), square(2, 0, 4, 1)], name=["Seen", "Dark"])
    with pytest.warns(NoDataWarning, match=r"c: 05910001") as record:
        share = coverage_share(munis, {"c": grid})
    assert len([w for w in record if w.category is NoDataWarning]) == 1
    assert np.isnan(share.loc["05910001", "c"])
    assert share.loc["05910001", "c_nodata"] == pytest.approx(100.0)
    assert share.loc["05910000", "c"] == pytest.approx(50.0)


def test_zero_weight_municipality_is_nan_with_a_warning():
    grid = make_grid([[1, 1]])
    weights = make_grid([[3, 0]], unit="count")
    munis = munis_frame([square(0, 0, 1, 1), square(1, 0, 2, 1)])
    with pytest.warns(NoDataWarning, match="zero weight.*05910001"):
        share = coverage_share(munis, {"c": grid}, weighted_by=weights)
    assert share.loc["05910000", "c"] == pytest.approx(100.0)
    assert np.isnan(share.loc["05910001", "c"])


def test_overlay_reuse_equals_fresh_computation():
    rng = np.random.default_rng(1)
    layers = {f"l{i}": make_grid(rng.integers(0, 2, (20, 30)), cell=100.0) for i in range(4)}
    munis = munis_frame([square(120, 130, 1700, 1900), square(1700, 0, 3000, 1500)])
    overlay = Overlay(munis, layers["l0"])
    reused = overlay.share(layers)
    for name, grid in layers.items():
        fresh = coverage_share(munis, {name: grid})
        pd.testing.assert_frame_equal(reused[[name, f"{name}_nodata"]], fresh, atol=ATOL)


def test_layers_on_different_grids_and_crs_in_one_call():
    a = make_grid([[1, 0], [0, 0]], cell=100.0)
    b = make_grid(np.ones((4, 4)), cell=50.0)
    share = coverage_share(munis_frame([square(0, 0, 200, 200)]), {"a": a, "b": b})
    assert share["a"].item() == pytest.approx(25.0)
    assert share["b"].item() == pytest.approx(100.0)
    assert list(share.columns) == ["a", "a_nodata", "b", "b_nodata"]


def test_by_group_equals_the_share_of_the_dissolved_union():
    rng = np.random.default_rng(7)
    grid = make_grid(rng.integers(0, 101, (30, 30)), cell=10.0, unit="percent")
    munis = munis_frame(
        [square(3, 3, 120, 150), square(120, 3, 290, 150), square(3, 150, 290, 297)],
        kreis=["K1", "K1", "K2"],
    )
    grouped = coverage_share(munis, {"p": grid}, by="kreis")
    dissolved = munis.dissolve("kreis").reset_index()
    dissolved["ags"] = ["05910001", "05910002"]
    direct = coverage_share(dissolved, {"p": grid})
    np.testing.assert_allclose(grouped["p"].to_numpy(), direct["p"].to_numpy(), atol=ATOL)
    assert grouped.index.name == "kreis"


# --- the real Ruhr against shapely's exact areas ------------------------------------------


def _half_covered_grid(bounds, cell=100.0):
    """Covered west of a grid line, a band of nodata rows, and the eastern tip off the grid."""
    x0 = np.floor(bounds[0] / cell) * cell - 5 * cell
    y0 = np.floor(bounds[1] / cell) * cell - 5 * cell
    ytop = np.ceil(bounds[3] / cell) * cell + 5 * cell
    x_end = np.floor((bounds[2] - 15_000) / cell) * cell  # the easternmost 15 km lie off the grid
    cols, rows = int((x_end - x0) / cell), int((ytop - y0) / cell)
    x_line = x0 + cell * (cols // 2 + 37)
    band = (ytop - cell * (rows // 2), ytop - cell * (rows // 2 - 40))  # 4 km of nodata rows
    xc = x0 + cell * (np.arange(cols) + 0.5)
    yc = ytop - cell * (np.arange(rows) + 0.5)
    values = np.broadcast_to(xc < x_line, (rows, cols)).astype(np.uint8)
    nodata = np.broadcast_to(((yc > band[0]) & (yc < band[1]))[:, None], (rows, cols))
    grid = Grid(values, Affine(cell, 0, x0, 0, -cell, ytop), UTM, nodata=nodata, unit="binary")
    covered = shapely.box(x0, y0, x_line, ytop)
    with_data = shapely.difference(
        shapely.box(x0, y0, x_end, ytop), shapely.box(x0, band[0], x_end, band[1])
    )
    return grid, covered, with_data


def test_real_ruhr_shares_equal_shapely_exact_areas(ruhr_real):
    munis_utm = ruhr_real.to_crs(UTM)
    grid, covered, with_data = _half_covered_grid(munis_utm.total_bounds)
    share = coverage_share(ruhr_real, {"c": grid})  # boundaries in EPSG:4326, reprojected inside
    geoms = munis_utm.geometry.to_numpy()
    area = shapely.area(geoms)
    valid = shapely.area(shapely.intersection(geoms, with_data))
    hit = shapely.area(shapely.intersection(shapely.intersection(geoms, with_data), covered))
    expected = pd.DataFrame(
        {"c": 100 * hit / valid, "c_nodata": 100 * (area - valid) / area}, index=munis_utm.index
    )
    assert len(share) == 53
    assert (expected["c"] > 0).sum() > 10 and (expected["c"] < 100).sum() > 10  # a real test
    assert (expected["c_nodata"] > 0).sum() > 5
    np.testing.assert_allclose(share["c"], expected["c"], atol=ATOL_PP, rtol=0)
    np.testing.assert_allclose(share["c_nodata"], expected["c_nodata"], atol=ATOL_PP, rtol=0)


def test_real_ruhr_same_result_in_4326_and_25832(ruhr_real):
    grid, _, _ = _half_covered_grid(ruhr_real.to_crs(UTM).total_bounds)
    in_4326 = coverage_share(ruhr_real, {"c": grid})
    in_utm = coverage_share(ruhr_real.to_crs(UTM), {"c": grid})
    pd.testing.assert_frame_equal(in_4326, in_utm, atol=ATOL_PP, rtol=0)


def test_real_ruhr_shuffled_rows_give_the_same_result(ruhr_real):
    grid, _, _ = _half_covered_grid(ruhr_real.to_crs(UTM).total_bounds)
    base = coverage_share(ruhr_real, {"c": grid})
    shuffled = coverage_share(ruhr_real.sample(frac=1, random_state=3), {"c": grid})
    pd.testing.assert_frame_equal(base, shuffled.loc[base.index], atol=ATOL, rtol=0)


# --- invariants -------------------------------------------------------------------------

coords = st.floats(min_value=0, max_value=20, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.floats(min_value=0.5, max_value=19.5), min_size=1, max_size=5, unique=True),
    seed=st.integers(0, 10_000),
    y=st.tuples(coords, coords).filter(lambda t: abs(t[0] - t[1]) > 0.5),
)
def test_partition_covered_areas_add_up_to_the_whole(cuts, seed, y):
    rng = np.random.default_rng(seed)
    grid = make_grid(rng.integers(0, 2, (20, 20)))
    y0, y1 = sorted(y)
    edges = [0.0, *sorted(cuts), 20.0]
    pieces = [square(a, y0, b, y1) for a, b in itertools.pairwise(edges)]
    parts = coverage_share(munis_frame(pieces), {"c": grid})
    whole = coverage_share(munis_frame([square(0, y0, 20, y1)]), {"c": grid})
    areas = np.array([p.area for p in pieces])
    assert (parts["c"].between(0, 100)).all()
    covered_parts = (parts["c"].to_numpy() / 100 * areas).sum()
    assert covered_parts == pytest.approx(whole["c"].item() / 100 * areas.sum(), rel=FRACTION_RTOL)


@settings(max_examples=40, deadline=None)
@given(
    x=st.tuples(coords, coords).filter(lambda t: abs(t[0] - t[1]) > 0.1),
    y=st.tuples(coords, coords).filter(lambda t: abs(t[0] - t[1]) > 0.1),
    seed=st.integers(0, 10_000),
)
def test_percent_share_within_range_and_equal_to_shapely_weighted_mean(x, y, seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 101, (20, 20)).astype(float)
    grid = make_grid(values, unit="percent")
    poly = square(min(x), min(y), max(x), max(y))
    share = coverage_share(munis_frame([poly]), {"p": grid})["p"].item()
    cells = [square(c, 19 - r, c + 1, 20 - r) for r in range(20) for c in range(20)]
    weights = shapely.area(shapely.intersection(cells, poly))
    assert 0 <= share <= 100
    expected = (weights * values.ravel()).sum() / weights.sum()
    assert share == pytest.approx(expected, rel=FRACTION_RTOL, abs=100 * FRACTION_RTOL)


# --- regridding weights -------------------------------------------------------------------


def test_regrid_between_crs_preserves_totals():
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 500, (12, 15)).astype(float)
    x0, ytop = 4_100_000.0, 3_150_000.0
    inspire = Grid(counts, Affine(1000, 0, x0, 0, -1000, ytop), 3035, unit="count")
    # a UTM target grid that holds the whole INSPIRE extent
    bounds = (
        gpd.GeoSeries([shapely.box(x0, ytop - 12_000, x0 + 15_000, ytop)], crs=3035)
        .to_crs(UTM)
        .total_bounds
    )
    target = make_grid(np.zeros((1, 1)), cell=100.0).spec.covering(
        (bounds[0] - 1000, bounds[1] - 1000, bounds[2] + 1000, bounds[3] + 1000)
    )[0]
    moved = regrid(inspire, target)
    assert moved.values.sum() == pytest.approx(counts.sum(), rel=1e-12)


def test_regrid_on_the_same_lattice_is_an_exact_shift():
    source = make_grid([[1, 2], [3, 4]], x0=100.0, ytop=300.0, cell=100.0, unit="count")
    target = make_grid(np.zeros((4, 4)), x0=0.0, ytop=400.0, cell=100.0).spec
    moved = regrid(source, target).values
    expected = np.zeros((4, 4))
    expected[1:3, 1:3] = [[1, 2], [3, 4]]
    np.testing.assert_array_equal(moved, expected)


def test_weights_on_another_crs_give_the_share_of_the_weight():
    # 1,000 people in one INSPIRE 1 km cell (EPSG:3035) under a UTM 100 m grid covered
    # west of a line: the weighted share is the part of that cell west of the line.
    e, n = 4_130_000.0, 3_160_000.0
    people = Grid(np.array([[1000.0]]), Affine(1000, 0, e, 0, -1000, n + 1000), 3035, unit="count")
    cell_utm = gpd.GeoSeries([shapely.box(e, n, e + 1000, n + 1000).segmentize(10)], crs=3035)
    cell_utm = cell_utm.to_crs(UTM).iloc[0]
    x0, y0, x1, y1 = (np.floor(v / 100) * 100 for v in cell_utm.bounds)
    x_line = x0 + 500
    cols, rows = int((x1 - x0) / 100) + 2, int((y1 - y0) / 100) + 2
    xc = x0 + 100 * (np.arange(cols) + 0.5)
    grid = make_grid(np.tile(xc < x_line, (rows, 1)), x0=x0, ytop=y0 + 100 * rows, cell=100.0)
    munis = munis_frame([square(*grid.spec.bounds)])
    share = coverage_share(munis, {"c": grid}, weighted_by=people)["c"].item()
    expected = (
        100
        * cell_utm.intersection(shapely.box(x0 - 1e4, y0 - 1e4, x_line, y1 + 1e4)).area
        / cell_utm.area
    )
    assert 10 < expected < 90
    # regridding splits the 1 km cell into 40 x 40 sub-cells; a column of them straddling
    # the line may go either way: at most half a sub-cell column, 100 * 0.5 / 40 points
    assert share == pytest.approx(expected, abs=100 * 0.5 / 40)
