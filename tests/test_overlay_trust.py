"""The overlay's silent-wrong-number classes, each reproduced and now refused or right:
band scale/offset, count weights in degrees, derived column names, a mask band beside a nodata
value, unbounded work, and damaged saved overlays."""

from __future__ import annotations

import math
import time
import warnings
import zipfile

import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
from affine import Affine
from conftest import munis_frame, square, write_tif
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import Grid, GridSource, Overlay, coverage_share
from ruhrgeo.errors import FileFormatError, ParameterError
from ruhrgeo.grid import GridSpec
from ruhrgeo.overlay.regridding import ground_size

X0, YTOP, CELL = 350_000, 5_704_000, 100


def _munis():
    # two municipalities: the western 2 x 4 cells and the eastern 2 x 4 cells
    return munis_frame(
        [
            square(X0, YTOP - 400, X0 + 200, YTOP),
            square(X0 + 200, YTOP - 400, X0 + 400, YTOP),
        ]
    )


def test_a_band_scale_and_offset_are_applied(tmp_path):
    """Stored 0..200 with scale 0.5 is 0..100 percent: before, every share came out doubled."""
    raw = np.array([[200, 0, 100, 100]] * 4, np.uint8)
    path = write_tif(tmp_path / "scaled.tif", raw)
    with rasterio.open(path, "r+") as dst:
        dst.scales, dst.offsets = (0.5,), (0.0,)
    shares = coverage_share(_munis(), {"p": GridSource(path, unit="percent")})
    assert shares["p"].tolist() == pytest.approx([50.0, 50.0])  # (100 + 0) / 2, (50 + 50) / 2
    with rasterio.open(path, "r+") as dst:
        dst.scales, dst.offsets = (0.25,), (10.0,)
    shares = coverage_share(_munis(), {"p": GridSource(path, unit="percent")})
    assert shares["p"].tolist() == pytest.approx([10 + 25.0, 10 + 25.0])


def test_a_band_scale_of_zero_is_refused(tmp_path):
    path = write_tif(tmp_path / "zero.tif", np.ones((4, 4), np.uint8))
    with rasterio.open(path, "r+") as dst:
        dst.scales = (0.0,)
    with pytest.raises(FileFormatError, match=r"declares scale 0\.0"):
        coverage_share(_munis(), {"p": path})


def test_nodata_value_and_mask_band_both_mark_missing_cells(tmp_path):
    """A file with a nodata value (255) and a mask band: both mark cells without data. Before,
    the nodata value was ignored and 255 read as a value."""
    values = np.array([[1, 1, 1, 1], [1, 255, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], np.uint8)
    mask = np.zeros((4, 4), bool)
    mask[2, 0] = True  # the mask band marks one cell of the western municipality
    path = write_tif(tmp_path / "both.tif", values, nodata=255, mask=mask, unit="binary")
    shares = coverage_share(_munis(), {"b": path})
    # west: 8 cells, 1 without data by value, 1 by mask -> 6 with data, 5 of them covered
    assert shares.loc["05910000", "b"] == pytest.approx(5 / 6 * 100)
    assert shares.loc["05910000", "b_nodata"] == pytest.approx(2 / 8 * 100)
    assert shares.loc["05910001", "b"] == pytest.approx(50.0)


def test_a_layer_named_like_another_layers_nodata_column_is_refused():
    grid = Grid(np.ones((4, 4)), Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="binary")
    with pytest.raises(ParameterError, match="'a_nodata' is the column the result gives layer"):
        coverage_share(_munis(), {"a": grid, "a_nodata": grid})


def test_the_ground_size_of_cells_in_degrees():
    """WorldPop's 3 arc-second cells at 51.5 N: about 92.6 m north-south, 57.7 m east-west."""
    spec = GridSpec(Affine(3 / 3600, 0, 7.0, 0, -3 / 3600, 51.5), (10, 10), 4326)
    assert ground_size(spec, pyproj.CRS(25832)) == pytest.approx(92.6, abs=0.5)
    spec_m = GridSpec(Affine(100, 0, 0, 0, -100, 0), (1, 1), 25832)
    assert ground_size(spec_m, pyproj.CRS(25832)) == 100


def test_count_weights_in_degrees_are_spread_by_their_size_on_the_ground():
    """Even population on a 3 arc-second grid (EPSG:4326) weighting a 100 m layer: every cell
    gets its people, so the weighted share of a half-covered area is half and no person is
    lost. Before, cells were cut by their size in degrees and most 100 m cells got none."""
    transformer = pyproj.Transformer.from_crs(25832, 4326, always_xy=True)
    lon0, lat1 = transformer.transform(X0 - 500, YTOP + 500)
    step = 3 / 3600
    shape = (60, 90)  # about 5.5 x 5.2 km: over the 2 x 2 km of the municipalities
    people = Grid(np.ones(shape), Affine(step, 0, lon0, 0, -step, lat1), 4326, unit="count")
    half = np.zeros((20, 20), np.uint8)
    half[:, :10] = 1  # the western kilometer covered
    layer = Grid(half, Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="binary")
    area = munis_frame([square(X0, YTOP - 2000, X0 + 2000, YTOP)])
    weighted = coverage_share(area, {"c": layer}, weighted_by=people)
    assert weighted["c"].item() == pytest.approx(50.0, abs=1.0)
    cells = Overlay(area, layer).weighted_cells(people)
    per_cell = cells.groupby(["x", "y"])["weight"].sum()
    assert (per_cell > 0).all() and len(per_cell) == 400  # every 100 m cell has people
    expected = 4e6 / (92.6 * 57.7)  # people per 4 km2 at one per 3-second cell
    assert per_cell.sum() == pytest.approx(expected, rel=0.02)


def test_a_huge_overlay_is_refused_before_it_starts():
    """10^12 cells (a continent at 1 m) were started and would have run for days."""
    grid = Grid(np.ones((4, 4)), Affine(1, 0, X0, 0, -1, YTOP), 25832, unit="binary")
    huge = munis_frame([square(X0 - 5e5, YTOP - 2e6, X0 + 5e5, YTOP)])
    start = time.perf_counter()
    with pytest.raises(
        ParameterError, match=r"visit about 2,000,00\d,\d{3},\d{3} cells.*max_cells"
    ):
        coverage_share(huge, {"c": grid})
    with pytest.raises(ParameterError, match="hours of exactextract"):
        Overlay(huge, grid)
    assert time.perf_counter() - start < 2
    with pytest.raises(ParameterError, match="more than `max_cells` = 10"):
        coverage_share(_munis(), {"c": grid}, max_cells=10)


# --- saved overlays: every damage is a FileFormatError naming the file --------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    values = np.random.default_rng(0).integers(0, 101, (30, 30)).astype(np.uint8)
    grid = Grid(values, Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, unit="percent")
    munis = munis_frame(
        [square(X0 + 50 + 900 * i, YTOP - 2950, X0 + 900 * (i + 1), YTOP - 30) for i in range(3)]
    )
    overlay = Overlay(munis, grid, tile_size=7)
    path = overlay.save(folder / "good.npz")
    return path, grid, overlay.share({"p": grid})


def _rewrite(source, target, change):
    """Copy a saved overlay, changing its header or arrays with ``change(name, bytes)``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))
    return target


def _edit_array(name, transform):
    import io as _io

    def change(member, data):
        if member != f"{name}.npy":
            return data
        array = np.lib.format.read_array(_io.BytesIO(data))
        out = _io.BytesIO()
        np.lib.format.write_array(out, transform(array.copy()))
        return out.getvalue()

    return change


def _resign(path):
    """Fix the checksums in the header after an edit: the damage must be found by meaning."""
    import hashlib
    import io as _io
    import json

    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    header = json.loads(members["header.json"])
    for name, entry in header["arrays"].items():
        array = np.lib.format.read_array(_io.BytesIO(members[f"{name}.npy"]))
        entry.update(
            dtype=array.dtype.str,
            shape=list(array.shape),
            sha256=hashlib.sha256(np.ascontiguousarray(array).data).hexdigest(),
        )
    members["header.json"] = json.dumps(header).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _header_edit(edit):
    import json

    def change(member, data):
        if member != "header.json":
            return data
        header = json.loads(data)
        edit(header)
        return json.dumps(header).encode()

    return change


DAMAGE = {
    "a repeated key": (_header_edit(lambda h: h["keys"].__setitem__(1, h["keys"][0])), False),
    "a key that is not text": (_header_edit(lambda h: h["keys"].__setitem__(0, 1.5)), False),
    "a NaN fraction": (
        _edit_array(
            "fraction", lambda a: np.where(np.arange(a.size) == 3, np.nan, a).astype(a.dtype)
        ),
        True,
    ),
    "a fraction above 1": (_edit_array("fraction", lambda a: a * 2), True),
    "a tile outside the window": (_edit_array("tiles", lambda a: a + 1000), True),
    "tile counts that do not add up": (_edit_array("entries", lambda a: a + 1), True),
    "an area number out of range": (_edit_array("muni", lambda a: a + 7), True),
    "a cell counted twice": (
        _edit_array("cells", lambda a: np.where(np.arange(a.size) == 1, a[0], a).astype(a.dtype)),
        True,
    ),
    "a changed array": (_edit_array("fraction", lambda a: a * 0.5), False),
    "another version": (_header_edit(lambda h: h.__setitem__("version", 2)), False),
    "a wrong dtype": (_edit_array("cells", lambda a: a.astype(np.int64)), False),
    "a missing array": (lambda m, d: b"" if m == "muni.npy" else d, False),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_saved_overlays_are_refused_naming_the_file(saved, tmp_path, case):
    change, resign = DAMAGE[case]
    path = _rewrite(saved[0], tmp_path / "damaged.npz", change)
    if resign:
        _resign(path)
    with pytest.raises(FileFormatError, match=r"damaged\.npz"):
        Overlay.load(path)


def test_an_array_claiming_more_than_the_file_holds_allocates_nothing(saved, tmp_path):
    """A header promising 10^12 cells raised MemoryError; now it is refused from its size."""

    def change(member, data):
        if member == "cells.npy":
            return data.replace(b"'shape': (", b"'shape': (1000000000000, ", 1)[: len(data)]
        return data

    path = _rewrite(saved[0], tmp_path / "huge.npz", change)
    with pytest.raises(FileFormatError, match=r"huge\.npz"):
        Overlay.load(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(0, 10**9), value=st.integers(0, 255))
def test_any_flipped_byte_loads_the_same_overlay_or_is_refused(saved, tmp_path, position, value):
    data = bytearray(saved[0].read_bytes())
    at = position % len(data)
    if data[at] == value:
        return
    data[at] = value
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(data))
    try:
        overlay = Overlay.load(path)
    except FileFormatError as exc:
        assert "flipped.npz" in str(exc)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shares = overlay.share({"p": saved[1]})
    pd.testing.assert_frame_equal(shares, saved[2])  # a byte zip ignores (a time stamp)


def test_a_saved_overlay_round_trips_exactly(saved):
    path, grid, expected = saved
    loaded = Overlay.load(path)
    pd.testing.assert_frame_equal(loaded.share({"p": grid}), expected)
    assert math.isfinite(expected["p"].sum())
