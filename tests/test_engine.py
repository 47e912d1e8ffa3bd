"""One engine: every source, tile size, runner and entry point gives the same shares."""

from __future__ import annotations

import functools
import multiprocessing
import threading
import time
import warnings
from dataclasses import replace
from unittest.mock import patch

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from conftest import munis_frame, square, write_tif
from hypothesis import example, settings
from hypothesis import given as examples
from hypothesis import strategies as st
from rasterio.windows import Window

from ruhrgeo import Grid, GridSource, Overlay, coverage_share, read_coverage
from ruhrgeo.errors import (
    FileFormatError,
    OverlapError,
    OverlayMismatchError,
    ParameterError,
    UnitError,
    UnitWarning,
    ValueRangeError,
)
from ruhrgeo.io import cells
from ruhrgeo.io.readers import open_layers, open_reader
from ruhrgeo.overlay import fractions, runners
from ruhrgeo.overlay import runs as whole_runs
from ruhrgeo.overlay.kernel import Sums, tile_sums
from ruhrgeo.overlay.runs import TileWork
from ruhrgeo.overlay.tiles import Tile

ATOL = 1e-9
X0, YTOP, CELL = 350_000.0, 5_704_000.0, 100.0
SHAPE = (40, 50)  # 5 x 4 km


def write_cells(path, columns: dict[str, np.ndarray], *, x0=X0, ytop=YTOP):
    """A Breitbandatlas-style GeoPackage of the cells with data, one column per layer."""
    some = np.any([~np.isnan(v) for v in columns.values()], axis=0)
    rows, cols = np.nonzero(some)
    xmin, ymax = x0 + cols * CELL, ytop - rows * CELL
    frame = gpd.GeoDataFrame(
        {name: values[rows, cols] for name, values in columns.items()},
        geometry=shapely.box(xmin, ymax - CELL, xmin + CELL, ymax),
        crs=25832,
    )
    frame.to_file(path)
    return str(path)


def write_grid_csv(path, column: str, values: np.ndarray):
    """A BKG UTM grid CSV (`100mN...E...`) of the cells with data."""
    rows, cols = np.nonzero(~np.isnan(values))
    north = ((YTOP - (rows + 1) * CELL) / 100).astype(int)
    east = ((X0 + cols * CELL) / 100).astype(int)
    lines = [f"id;{column}"] + [
        f"100mN{n}E{e};{v:g}" for n, e, v in zip(north, east, values[rows, cols], strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def munis():
    return munis_frame(
        [
            square(350_050, 5_700_050, 352_530, 5_703_990),
            square(352_530, 5_700_000, 354_900, 5_702_000),
            square(352_530, 5_702_000, 354_900, 5_703_990),
            square(354_900, 5_699_000, 356_000, 5_703_990),  # mostly beyond the grid
        ],
        ags=["05000001", "05000002", "05000003", "05000004"],
        kreis=["K1", "K2", "K2", "K2"],
    )


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    """The same two layers as rasters, grids in memory, a cell GeoPackage and a grid CSV."""
    tmp = tmp_path_factory.mktemp("layers")
    rng = np.random.default_rng(3)
    percent = rng.integers(0, 101, SHAPE).astype(float)
    percent[10:14, :] = np.nan  # a band without data
    binary = rng.integers(0, 2, SHAPE).astype(float)
    binary[30:33, 10:] = np.nan
    as_int = {
        k: np.where(np.isnan(v), 255, v).astype(np.uint8)
        for k, v in (("p", percent), ("b", binary))
    }
    return {
        "arrays": {"p": percent, "b": binary},
        "tif": {
            "p": write_tif(tmp / "p.tif", as_int["p"], nodata=255),
            "b": write_tif(tmp / "b.tif", as_int["b"], nodata=255, unit="binary"),
        },
        "gpkg": write_cells(tmp / "cells.gpkg", {"down_fn_hh_p": percent, "b": binary}),
        "csv": write_grid_csv(tmp / "b.csv", "b", binary),
    }


def as_grids(arrays):
    transform = Affine(CELL, 0, X0, 0, -CELL, YTOP)
    return {
        "p": Grid(arrays["p"], transform, 25832),
        "b": Grid(arrays["b"], transform, 25832, unit="binary"),
    }


def test_every_source_gives_the_same_shares(munis, layers):
    expected = coverage_share(munis, layers["tif"])
    with rasterio.open(layers["tif"]["p"]) as p, rasterio.open(layers["tif"]["b"]) as b:
        opened = coverage_share(munis, {"p": p, "b": b})
    sources = {
        "grids in memory": as_grids(layers["arrays"]),
        "read_coverage": {k: read_coverage(v) for k, v in layers["tif"].items()},
        "open datasets": None,
        "cell GeoPackage": {
            "p": (layers["gpkg"], "down_fn_hh_p"),
            "b": GridSource(layers["gpkg"], column="b", unit="binary"),
        },
        "grid CSV": {"p": layers["tif"]["p"], "b": GridSource(layers["csv"], unit="binary")},
    }
    pd.testing.assert_frame_equal(opened, expected, atol=ATOL, rtol=0)
    for label, given in sources.items():
        if given is not None:
            result = coverage_share(munis, given)
            pd.testing.assert_frame_equal(result, expected, atol=ATOL, rtol=0, obj=label)
    assert expected.loc["05000004", "p_nodata"] > 40  # partly beyond the grid
    assert 30 < expected.loc["05000001", "b"] < 70  # binary scaled to percent


def test_tiles_runners_and_the_saved_overlay_equal_one_pass(munis, layers, tmp_path):
    given = {"p": layers["tif"]["p"], "b": GridSource(layers["gpkg"], column="b", unit="binary")}
    for by in (None, "kreis"):
        one = coverage_share(munis, given, by=by, workers=1, tile_size=4096)
        for size in (7, 97):  # ragged tiles
            tiled = coverage_share(munis, given, by=by, workers=1, tile_size=size)
            pd.testing.assert_frame_equal(tiled, one, atol=ATOL, rtol=0)
        # tiles are added in one fixed order on every runner: bit-identical results
        first = coverage_share(munis, given, by=by, workers=1, tile_size=16)
        pd.testing.assert_frame_equal(
            coverage_share(munis, given, by=by, workers=2, tile_size=16), first, check_exact=True
        )
        overlay = Overlay(munis, layers["tif"]["p"], tile_size=16, workers=2)
        pd.testing.assert_frame_equal(overlay.share(given, by=by), first, check_exact=True)
        loaded = Overlay.load(overlay.save(tmp_path / "o.npz"), areas=munis)
        pd.testing.assert_frame_equal(loaded.share(given, by=by), first, check_exact=True)


def test_spawned_workers_give_identical_results(munis, layers, monkeypatch):
    given = {"p": layers["tif"]["p"]}
    one = coverage_share(munis, given, workers=1, tile_size=16)
    monkeypatch.setattr(runners, "_start_method", lambda: "spawn")
    spawned = coverage_share(munis, given, workers=2, tile_size=16)
    pd.testing.assert_frame_equal(spawned, one, check_exact=True)


def test_workers_are_forked_before_the_progress_bar_starts_its_thread(munis, layers, monkeypatch):
    # tqdm's monitor thread (started with the first bar, even a disabled one, and kept) once
    # made every later call spawn its workers: 2 s of imports and pickled geometries
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    methods = []
    choose = runners._start_method

    def record():
        methods.append(choose())
        return methods[-1]

    monkeypatch.setattr(runners, "_start_method", record)
    for progress in (True, False, True):
        coverage_share(munis, {"p": layers["tif"]["p"]}, workers=2, tile_size=16, progress=progress)
    assert methods == ["fork", "fork", "fork"]


def test_a_small_job_starts_no_process(munis, layers, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a one-tile job must not start processes")

    monkeypatch.setattr(multiprocessing.context.BaseContext, "Pool", refuse)
    result = coverage_share(munis, layers["tif"])  # workers=None: all cores, but one tile
    assert len(result) == 4
    with pytest.raises(AssertionError, match="must not start"):
        coverage_share(munis, layers["tif"], workers=2, tile_size=16)


def test_weights_on_another_grid_are_the_same_on_every_path(munis, layers, tmp_path):
    # population on a 1 km INSPIRE grid (EPSG:3035) under the 100 m UTM layers
    bounds = gpd.GeoSeries([shapely.box(X0, YTOP - 4000, X0 + 5000, YTOP)], crs=25832)
    e0, n0, e1, n1 = (np.floor(v / 1000) * 1000 for v in bounds.to_crs(3035).total_bounds)
    rng = np.random.default_rng(9)
    shape = (int((n1 - n0) / 1000) + 2, int((e1 - e0) / 1000) + 2)
    people = Grid(
        rng.integers(0, 900, shape).astype(float),
        Affine(1000, 0, e0 - 1000, 0, -1000, n1 + 1000),
        3035,
        unit="count",
    )
    given = {"p": layers["tif"]["p"], "b": layers["tif"]["b"]}
    one = coverage_share(munis, given, weighted_by=people, workers=1, tile_size=4096)
    tiled = coverage_share(munis, given, weighted_by=people, workers=2, tile_size=13)
    pd.testing.assert_frame_equal(tiled, one, atol=ATOL, rtol=0)
    reused = Overlay(munis, layers["tif"]["p"], tile_size=13).share(given, weighted_by=people)
    pd.testing.assert_frame_equal(reused, one, atol=ATOL, rtol=0)
    assert not one["p"].equals(coverage_share(munis, given)["p"])  # the weights matter


def test_layers_on_several_grids_in_one_call(munis, layers):
    coarse = Grid(
        np.ones((5, 6)), Affine(1000, 0, 349_000, 0, -1000, 5_705_000), 25832, unit="binary"
    )
    result = coverage_share(munis, {"p": layers["tif"]["p"], "coarse": coarse}, tile_size=16)
    assert list(result.columns) == ["p", "p_nodata", "coarse", "coarse_nodata"]
    np.testing.assert_allclose(result["coarse"], 100.0)
    pd.testing.assert_frame_equal(
        result[["p", "p_nodata"]], coverage_share(munis, {"p": layers["tif"]["p"]}), atol=ATOL
    )


def test_many_columns_of_one_file_are_read_once(munis, layers, monkeypatch):
    calls = []
    original = cells.read_cell_table

    def counting(*args, **kwargs):
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr("ruhrgeo.io.readers.read_cell_table", counting)
    both = coverage_share(
        munis,
        {
            "p": (layers["gpkg"], "down_fn_hh_p"),
            "b": GridSource(layers["gpkg"], "b", unit="binary"),
        },
    )
    assert calls == [["down_fn_hh_p", "b"]]
    pd.testing.assert_frame_equal(both, coverage_share(munis, layers["tif"]), atol=ATOL, rtol=0)


# --- the one rule for units --------------------------------------------------------------------


def test_units_are_decided_alike_on_every_path(munis, tmp_path):
    only_01 = np.random.default_rng(1).integers(0, 2, SHAPE).astype(np.uint8)
    path = write_tif(tmp_path / "01.tif", only_01)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnitWarning)  # a byte raster of 0 and 1 is binary, quietly
        for given in (path, read_coverage(path), GridSource(path)):
            for runner in ({"tile_size": 16}, {"tile_size": 16, "workers": 2}, {}):
                as_binary = coverage_share(munis, {"x": given}, **runner)
    floats = write_tif(tmp_path / "01f.tif", only_01.astype(np.float32))
    for given in (floats, read_coverage(floats), GridSource(floats)):
        with pytest.warns(UnitWarning, match="holds only 0 and 1.*unit='percent'"):
            pd.testing.assert_frame_equal(
                coverage_share(munis, {"x": given}, tile_size=16), as_binary
            )
    as_percent = coverage_share(munis, {"x": GridSource(path, unit="percent")})
    np.testing.assert_allclose(as_binary["x"], 100 * as_percent["x"])
    tagged = write_tif(tmp_path / "tagged.tif", only_01, unit="%")  # the file says percent
    pd.testing.assert_frame_equal(coverage_share(munis, {"x": tagged}), as_percent)
    fractions = write_tif(tmp_path / "f.tif", only_01 * np.float32(0.5))
    with pytest.raises(UnitError, match=r"between 0 and 1.*unit='fraction' or unit='percent'"):
        coverage_share(munis, {"x": fractions})
    halves = coverage_share(munis, {"x": GridSource(fractions, unit="fraction")})
    np.testing.assert_allclose(halves["x"], as_percent["x"] * 50)


def test_fill_values_are_never_counted_as_not_covered(munis, tmp_path):
    antennas = np.full(SHAPE, 2, dtype=np.int16)
    antennas[20, 3] = -9999  # no nodata declared: lower-left corner x = 350,300, y = 5,701,900
    path = write_tif(tmp_path / "nr.tif", antennas)
    for options in ({"threshold": 1}, {}):
        with pytest.raises(ValueRangeError, match=r"value -9999 .*x=350300, y=5701900.*`nodata=`"):
            coverage_share(munis, {"5g": GridSource(path, **options)}, tile_size=8)
    declared = coverage_share(munis, {"5g": GridSource(path, threshold=1, nodata=-9999)})
    assert declared.loc["05000001", "5g"] == pytest.approx(100.0)
    assert 0 < declared.loc["05000001", "5g_nodata"] < 1


def test_cells_without_data_are_never_covered_whatever_the_threshold(munis, layers):
    """A threshold of 0 covers every cell with data; the band without data and the area beyond
    the grid stay out of the numerator as they are out of the denominator (share 100, not
    more)."""
    for runner in ({"workers": 1}, {"workers": 1, "tile_size": 7}):
        every = coverage_share(munis, {"t": GridSource(layers["tif"]["p"], threshold=0)}, **runner)
        np.testing.assert_allclose(every["t"], 100.0, rtol=0, atol=1e-9)
        assert every.loc["05000004", "t_nodata"] > 40  # partly beyond the grid


def test_count_layers_need_a_threshold_and_weights_must_be_counts(munis, layers):
    counts = Grid(np.full(SHAPE, 300.0), Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="count")
    with pytest.raises(UnitError, match="holds counts; give `threshold=`"):
        coverage_share(munis, {"people": counts})
    with pytest.raises(UnitError, match="`weighted_by` must hold counts"):
        coverage_share(
            munis, layers["tif"], weighted_by=GridSource(layers["tif"]["p"], unit="percent")
        )


# --- overlaps, saved overlays, arguments --------------------------------------------------------


def test_overlapping_municipalities_are_refused_only_where_they_double_count(layers):
    overlapping = munis_frame(
        [
            square(350_000, 5_700_000, 352_000, 5_702_000),
            square(351_000, 5_701_000, 353_000, 5_703_000),
        ],
        ags=["05000001", "05000002"],
        name=["A", "B"],
        kreis=["K", "K"],
    )
    alone = coverage_share(overlapping, layers["tif"])  # each municipality's own share is right
    assert len(alone) == 2
    with pytest.raises(OverlapError, match=r"05000001 \(A\) and 05000002 \(B\): 1 km²"):
        coverage_share(overlapping, layers["tif"], by="kreis")
    apart = coverage_share(
        overlapping, layers["tif"], by=pd.Series({"05000001": "X", "05000002": "Y"})
    )
    assert len(apart) == 2


def test_saved_overlays_check_what_they_were_made_for(munis, layers, tmp_path):
    path = Overlay(munis, layers["tif"]["p"]).save(tmp_path / "o.npz")
    moved = munis.set_geometry(munis.geometry.translate(100, 0))
    with pytest.raises(OverlayMismatchError, match="made for other boundaries"):
        Overlay.load(path, areas=moved)
    coarse = Grid(np.ones((2, 2)), Affine(1000, 0, 0, 0, -1000, 2000), 25832)
    with pytest.raises(OverlayMismatchError, match=r"was made for .* not for"):
        Overlay.load(path, grid=coarse)
    with pytest.raises(OverlayMismatchError, match="not on this overlay's grid"):
        Overlay.load(path).share({"c": coarse})
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(FileFormatError, match="not a saved ruhrgeo overlay, or it is truncated"):
        Overlay.load(truncated)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layers": {}}, "`layers` must be a non-empty mapping"),
        ({"layers": {"x": 3}}, r"layers\['x'\] must be a path"),
        ({"layers": {"x": ("a.gpkg",)}}, r"a tuple must be \(path, column\)"),
        ({"workers": 0}, "`workers` must be a whole number >= 1, got 0"),
        ({"tile_size": 0}, "`tile_size` must be a whole number >= 1"),
        ({"workers": 2, "client": object()}, "give one of them"),
    ],
)
def test_bad_arguments_are_named(munis, layers, kwargs, message):
    arguments = {"layers": layers["tif"], **kwargs}
    with pytest.raises(ParameterError, match=message):
        coverage_share(munis, **arguments)


# --- chunks: a tile's entries gathered a few runs at a time ----------------------------------


@settings(max_examples=200, deadline=None)
@examples(
    lengths=st.lists(st.integers(1, 40), max_size=30),
    chunk=st.integers(1, 100),
)
def test_chunks_cut_between_runs_and_cover_every_entry_once(lengths, chunk):
    lengths = np.array(lengths, dtype=np.int64)
    n = int(lengths.sum())
    entries = fractions.TileEntries(
        Tile(0, 0, 1, max(n, 1)),
        np.arange(lengths.size, dtype=np.int32),
        lengths,
        np.arange(n, dtype=np.int32),
        np.ones(n, np.float32),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fractions, "CHUNK", chunk)
        chunks = entries.chunks
    runs = [r for part, _ in chunks for r in range(part.start, part.stop)]
    assert runs == list(range(lengths.size))  # every run once, in order
    ends = np.cumsum(lengths)
    for part, at in chunks:
        assert at.start == (ends[part.start - 1] if part.start else 0)
        assert at.stop == ends[part.stop - 1]
        assert at.stop - at.start - lengths[part.stop - 1] < chunk  # before its last run


def test_gathering_in_small_chunks_changes_nothing(munis, layers, monkeypatch):
    """Tiles of 7 x 7 cells and chunks of 3 entries: chunks with some, all and no cells of the
    band without data or beyond the grid."""
    given_layers = {
        "p": layers["tif"]["p"],
        "b": GridSource(layers["gpkg"], column="b", unit="binary"),
        "t": GridSource(layers["tif"]["p"], threshold=50),
    }
    whole = coverage_share(munis, given_layers, workers=1, tile_size=7)
    weighted = coverage_share(
        munis, given_layers, weighted_by=layers["tif"]["p"], workers=1, tile_size=7
    )
    monkeypatch.setattr(fractions, "CHUNK", 3)
    pd.testing.assert_frame_equal(
        coverage_share(munis, given_layers, workers=1, tile_size=7), whole, atol=1e-12, rtol=0
    )
    pd.testing.assert_frame_equal(
        coverage_share(munis, given_layers, weighted_by=layers["tif"]["p"], workers=1, tile_size=7),
        weighted,
        atol=1e-12,
        rtol=0,
    )
    # and against shapely's exact areas of every cell: the area-weighted mean of the cells
    # with data (exactextract's fractions are single precision: 1e-6 pp)
    p = layers["arrays"]["p"]
    rows, cols = np.indices(SHAPE)
    boxes = shapely.box(
        X0 + cols * CELL, YTOP - (rows + 1) * CELL, X0 + (cols + 1) * CELL, YTOP - rows * CELL
    )
    valid = ~np.isnan(p)
    for ags, geometry in zip(munis["ags"], munis.geometry, strict=True):
        area = shapely.area(shapely.intersection(boxes, geometry))
        expected = (area * np.nan_to_num(p))[valid].sum() / area[valid].sum()
        assert whole.loc[ags, "p"] == pytest.approx(expected, abs=1e-6)


# --- whole runs: cells wholly inside a municipality summed run by run --------------------------


@st.composite
def claimed_cells(draw):
    """A tile and municipalities claiming cells of it (overlapping at times), with fractions
    that are mostly 1: the entries of tile_entries."""
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 9))
    muni, lengths, cells, parts = [], [], [], []
    for number in range(draw(st.integers(1, 4))):
        claimed = sorted(draw(st.sets(st.integers(0, rows * cols - 1), max_size=rows * cols)))
        if claimed:
            muni.append(number)
            lengths.append(len(claimed))
            cells += claimed
            parts += [draw(st.sampled_from([1.0, 1.0, 1.0, 0.5, 0.125])) for _ in claimed]
    return fractions.TileEntries(
        Tile(0, 0, rows, cols),
        np.array(muni, np.int32),
        np.array(lengths, np.int64),
        np.array(cells, np.int32),
        np.array(parts, np.float32),
    )


def _entry_rows(entries):
    muni = np.repeat(entries.muni, entries.lengths).tolist()
    return sorted(zip(muni, entries.cells.tolist(), entries.fraction.tolist(), strict=True))


@settings(max_examples=300, deadline=None)
@examples(entries=claimed_cells(), run_cells=st.sampled_from([1, 2, 3, whole_runs.RUN_CELLS]))
@example(  # municipality 1's whole cells follow on 0's in the same row
    entries=fractions.TileEntries(
        Tile(0, 0, 1, 4),
        np.array([0, 1], np.int32),
        np.array([2, 2]),
        np.array([0, 1, 2, 3], np.int32),
        np.ones(4, np.float32),
    ),
    run_cells=3,
)
def test_whole_runs_and_the_rest_hold_every_entry_once(entries, run_cells):
    with patch.object(whole_runs, "RUN_CELLS", run_cells):  # runs cut into pieces at times
        runs, rest = whole_runs.split(entries)
    cols = entries.tile.cols
    owner = dict(zip(entries.muni.tolist(), range(entries.muni.size), strict=True))
    in_runs = [
        (int(m), int(c), 1.0)
        for m, a, b in zip(runs.muni, runs.starts, runs.ends, strict=True)
        for c in range(a, b)
    ]
    assert sorted(in_runs + _entry_rows(rest)) == _entry_rows(entries)
    assert (runs.ends > runs.starts).all() and (runs.ends[:-1] <= runs.starts[1:]).all()
    assert ((runs.ends - 1) // cols == runs.starts // cols).all()  # within a row
    assert (runs.ends - runs.starts <= run_cells).all()
    assert sorted(runs.cells().tolist()) == sorted(c for _, c, _ in in_runs)
    assert [owner[m] for m in rest.muni] == sorted(owner[m] for m in rest.muni)  # in order


@settings(max_examples=200, deadline=None)
@examples(
    entries=claimed_cells(),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from([np.uint8, np.int16, np.float32]),
    threshold=st.sampled_from([None, 0, 40, 40.000001]),  # float32(40.000001) == 40
    run_cells=st.sampled_from([2, whole_runs.RUN_CELLS]),
)
def test_the_kernel_sums_what_the_entries_say(entries, seed, dtype, threshold, run_cells):
    """tile_sums against a sum over the entries one by one (np.add.at): whole runs (cut into
    pieces at times), the rest, nodata, thresholds and overlapping claims."""
    rng = np.random.default_rng(seed)
    shape = (entries.tile.rows, entries.tile.cols)
    values = rng.choice([0, 1, 39, 40, 41, 100], shape).astype(dtype)  # at the thresholds
    nodata = rng.random(shape) < 0.2
    grid = Grid(values, Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, nodata=nodata)
    source = GridSource(grid, unit="percent", threshold=threshold)
    layer = open_layers({"x": source})["x"]
    n = 4
    with patch.object(whole_runs, "RUN_CELLS", run_cells):
        part = tile_sums(TileWork(entries), n=n, window=grid.spec, layers={"x": (layer, (0, 0))})
    sums = Sums.zeros(n, ["x"]).add(part)  # a tile's sums hold the areas it touches
    muni = np.repeat(entries.muni, entries.lengths)
    f = entries.fraction.astype(np.float64)
    flat_values, flat_nodata = values.ravel()[entries.cells], nodata.ravel()[entries.cells]
    v = flat_values.astype(np.float64) if threshold is None else flat_values >= threshold
    expected = {"total": np.zeros(n), "with_data": np.zeros(n), "covered": np.zeros(n)}
    np.add.at(expected["total"], muni, f)
    np.add.at(expected["with_data"], muni, np.where(flat_nodata, 0, f))
    np.add.at(expected["covered"], muni, np.where(flat_nodata, 0, f * v))
    np.testing.assert_allclose(sums.total, expected["total"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sums.with_data["x"], expected["with_data"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sums.covered["x"], expected["covered"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("cols", "dtype", "high"),
    [(300, np.uint8, 255), (200_000, np.uint8, 255), (70_000, np.uint16, 65535)],
)
def test_long_runs_are_summed_exactly(cols, dtype, high):
    """A row of one municipality's whole cells, summed piece by piece in integers twice as
    wide as the values: a run of more than RUN_CELLS would overflow them."""
    values = np.random.default_rng(cols).integers(high - 55, high + 1, (1, cols)).astype(dtype)
    grid = Grid(values, Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="count")
    entries = fractions.TileEntries(
        Tile(0, 0, 1, cols),
        np.array([0], np.int32),
        np.array([cols]),
        np.arange(cols, dtype=np.int32),
        np.ones(cols, np.float32),
    )
    layer = open_layers({"x": GridSource(grid, threshold=0)})["x"]
    raw = replace(layer, threshold=None)  # the counts themselves, summed
    sums = Sums.zeros(1, ["x"]).add(
        tile_sums(TileWork(entries), n=1, window=grid.spec, layers={"x": (raw, (0, 0))})
    )
    assert sums.covered["x"][0] == values.astype(np.int64).sum()


def test_weights_of_one_give_the_shares_of_the_area(munis, layers):
    """With weights, every entry is gathered; without, whole cells are summed run by run: two
    ways to the same shares (not the same nodata part: weights are 0 beyond their grid)."""
    ones = Grid(np.ones(SHAPE), Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="count")
    for size in (7, 4096):
        area = coverage_share(munis, layers["tif"], workers=1, tile_size=size)
        weighted = coverage_share(munis, layers["tif"], weighted_by=ones, workers=1, tile_size=size)
        pd.testing.assert_frame_equal(weighted[["p", "b"]], area[["p", "b"]], atol=1e-12, rtol=0)


def test_values_outside_the_municipalities_decide_nothing(tmp_path):
    """The unit is inferred, and values checked, from the cells under the municipalities only:
    a 7 (percent?) or -9999 in the municipality's hole changes nothing; inside it, it does."""
    values = np.zeros(SHAPE, np.int16)
    values[:, :25] = 1  # the western half covered
    hole = (slice(10, 30), slice(30, 35))
    outline = square(X0, YTOP - 4000, X0 + 4000, YTOP)
    munis = munis_frame(
        [outline.difference(square(X0 + 3000, YTOP - 3000, X0 + 3500, YTOP - 1000))],
        ags=["05000001"],
    )
    for value in (7, -9999):
        beside = values.copy()
        beside[hole] = value
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # integers 0 and 1 under the municipality: binary
            result = coverage_share(munis, {"x": write_tif(tmp_path / "beside.tif", beside)})
        assert result.loc["05000001", "x"] == pytest.approx(100 * 1000 / 1500)  # not percent
    inside = values.copy()
    inside[5, 30] = 7  # a whole cell: lower-left corner x = 353,000, y = 5,703,400
    path = write_tif(tmp_path / "in.tif", inside)
    for size in (4, 4096):  # in a tile of its own, or with the rest: percent now
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = coverage_share(munis, {"x": path}, tile_size=size)
        assert result.loc["05000001", "x"] == pytest.approx((1000 + 7) / 1500)
    inside[5, 30] = -9999
    with pytest.raises(ValueRangeError, match=r"value -9999 in .*x=353000, y=5703400"):
        coverage_share(munis, {"x": write_tif(tmp_path / "bad.tif", inside, unit="binary")})


# --- the threads runner: this thread works too --------------------------------------------------


def _slow_square(x, *, fail_at=None):
    if x == fail_at:
        raise ValueError(f"item {x} failed")
    time.sleep(0.002 * (x % 3))  # finish out of order
    return threading.current_thread().name, x * x


def test_threads_give_results_in_order_and_this_thread_works_too():
    items = list(range(40))
    out = list(runners.run(functools.partial(_slow_square), items, workers=3, threads=True))
    assert [value for _, value in out] == [x * x for x in items]
    names = {name for name, _ in out}
    assert threading.current_thread().name in names and len(names) >= 2


def test_a_failing_item_is_raised_in_order_and_stops_the_helpers():
    calls = []

    def square(x):
        calls.append(x)
        return _slow_square(x, fail_at=5)

    results = runners.run(functools.partial(square), list(range(200)), workers=2, threads=True)
    got = []
    with pytest.raises(ValueError, match="item 5 failed"):
        for value in results:
            got.append(value[1])
    assert got == [x * x for x in range(5)]  # everything before it, in order
    assert len(calls) < 200  # the helpers stopped taking items
    assert threading.active_count() == 1  # and are gone


def test_a_forked_worker_never_reads_through_the_datasets_of_its_parent(layers):
    """A forked worker inherits the reader with the dataset opened for the header; two
    processes reading through one GDAL handle corrupt each other's reads."""
    reader = open_reader(GridSource(layers["tif"]["p"]), "`p`")
    with rasterio.open(layers["tif"]["p"]) as ds:
        expected = ds.read(1, window=Window(1, 2, 5, 4)).ravel()
    spare, owner = reader.opened, reader.owner
    reader.owner = (owner[0] + 1, owner[1])  # as seen from a forked worker
    values, _ = reader.read(Window(1, 2, 5, 4))
    np.testing.assert_array_equal(values, expected)
    assert reader.opened is spare and not spare.closed  # opened its own, left this alone
    reader.owner = owner  # back in the process and thread that opened it
    values, _ = reader.read(Window(1, 2, 5, 4))
    np.testing.assert_array_equal(values, expected)
    assert reader.opened is None and spare.closed  # served the first read, then closed
