"""Blocks of a raster that no municipality touches are not read: a tile's occupancy, the parts
of a window to read, windows read in parts, and shares that do not change for it."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from conftest import munis_frame, square, write_tif
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.windows import Window

from ruhrgeo import Grid, GridSource, coverage_share
from ruhrgeo.io.rasters import raster_header, read_window
from ruhrgeo.overlay import kernel
from ruhrgeo.overlay.blocks import STEP, needed_parts, occupancy

X0, YTOP, CELL = 350_000.0, 5_704_000.0, 100.0


@st.composite
def entries(draw):
    """A tile's shape, runs (each within a row) and single cells."""
    rows, cols = draw(st.integers(1, 200)), draw(st.integers(1, 200))
    starts, ends = [], []
    for _ in range(draw(st.integers(0, 5))):
        row, col = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        starts.append(row * cols + col)
        ends.append(starts[-1] + draw(st.integers(1, cols - col)))
    cells = draw(st.lists(st.integers(0, rows * cols - 1), max_size=5))
    return (rows, cols), np.array(starts, np.intp), np.array(ends, np.intp), np.array(cells, int)


def _cells(shape, starts, ends, cells):
    """The tile's cells that hold an entry, one by one."""
    held = np.zeros(shape[0] * shape[1], bool)
    for a, b in zip(starts, ends, strict=True):
        held[a:b] = True
    held[cells] = True
    return held.reshape(shape)


def _squares(held):
    """Which squares of STEP cells hold an entry, by padding and reshaping."""
    h, w = -(-held.shape[0] // STEP), -(-held.shape[1] // STEP)
    padded = np.zeros((h * STEP, w * STEP), bool)
    padded[: held.shape[0], : held.shape[1]] = held
    return padded.reshape(h, STEP, w, STEP).any(axis=(1, 3))


@settings(max_examples=300, deadline=None)
@given(tile=entries())
def test_occupancy_marks_the_squares_that_hold_an_entry(tile):
    shape, starts, ends, cells = tile
    expected = _squares(_cells(shape, starts, ends, cells))
    np.testing.assert_array_equal(occupancy(starts, ends, cells, shape), expected)


@settings(max_examples=300, deadline=None)
@given(
    tile=entries(),
    offset=st.tuples(st.integers(0, 600), st.integers(0, 600)),
    blocks=st.tuples(st.integers(1, 300), st.integers(1, 300)),
)
def test_the_parts_are_the_blocks_next_to_entries(tile, offset, blocks):
    """The parts cover, once each, exactly the blocks that share a square with an entry: all
    entries are read, and no block whose squares hold none."""
    shape, starts, ends, cells = tile
    held = _cells(shape, starts, ends, cells)
    occupied = _squares(held)
    window = Window(offset[1], offset[0], shape[1], shape[0])
    parts = needed_parts(occupied, window, blocks)
    r, c = np.indices(shape)
    block = ((r + offset[0]) // blocks[0]) * 10_000 + (c + offset[1]) // blocks[1]
    near = occupied[r // STEP, c // STEP]  # the cell's square holds an entry
    wanted = np.isin(block, block[near])  # cells of blocks with such a square
    read = np.zeros(shape, int)
    for part in parts if parts is not None else [window]:
        top, left = int(part.row_off) - offset[0], int(part.col_off) - offset[1]
        assert top >= 0 and left >= 0
        assert part.height > 0 and part.width > 0
        read[top : top + int(part.height), left : left + int(part.width)] += 1
    assert read.max() <= 1  # no cell twice
    assert not (held & (read == 0)).any()  # every entry
    if parts is None:
        assert wanted.all()
    else:
        np.testing.assert_array_equal(read == 1, wanted)


def _tiled(path, values, nodata):
    """A tiled, compressed GeoTIFF of 16 x 16 blocks; without a nodata value, a mask band
    marks the 7s."""
    mask = values == 7 if nodata is None else None
    blocks = {"tiled": True, "blockxsize": 16, "blockysize": 16, "compress": "deflate"}
    return write_tif(path, values, nodata=nodata, mask=mask, unit="percent", **blocks)


@pytest.mark.parametrize("nodata", [None, 0, 255])
def test_a_window_read_in_parts(tmp_path, nodata):
    """Values and nodata of the parts as a whole read gives them; elsewhere 0, with data
    unless 0 is the file's nodata value. Without a nodata value, a mask band marks 7s."""
    values = np.random.default_rng(1).integers(0, 101, (50, 70)).astype(np.uint8)
    values[::5, ::3] = 7
    values[1::6, ::4] = 0 if nodata is None else nodata
    path = _tiled(tmp_path / "t.tif", values, nodata)
    window = Window(3, 5, 60, 40)
    parts = [Window(16, 5, 32, 11), Window(3, 32, 13, 13), Window(48, 32, 15, 13)]
    with rasterio.open(path) as ds:
        header = raster_header(ds, 1)
        assert header.blocks == (16, 16)
        whole, whole_nodata = read_window(ds, header, window)
        got, got_nodata = read_window(ds, header, window, parts)
    inside = np.zeros((40, 60), bool)
    for part in parts:
        top, left = int(part.row_off) - 5, int(part.col_off) - 3
        inside[top : top + int(part.height), left : left + int(part.width)] = True
    inside = inside.ravel()
    np.testing.assert_array_equal(got[inside], whole[inside])
    np.testing.assert_array_equal(got_nodata[inside], whole_nodata[inside])
    assert (got[~inside] == 0).all()
    assert (got_nodata[~inside] == (nodata == 0)).all()
    assert whole_nodata.sum() > 0


def test_shares_do_not_change_when_empty_blocks_are_skipped(tmp_path, monkeypatch):
    """Municipalities in two corners of a tiled raster leave most of its blocks unread; the
    shares equal those of the same values as a grid in memory, which is read whole."""
    rng = np.random.default_rng(5)
    values = rng.integers(0, 101, (96, 128)).astype(np.uint8)
    values[rng.random(values.shape) < 0.1] = 255
    path = _tiled(tmp_path / "c.tif", values, 255)
    munis = munis_frame(
        [
            square(X0 + 200, YTOP - 2_300, X0 + 2_000, YTOP - 500),  # top left, whole cells
            square(X0 + 10_010, YTOP - 9_550, X0 + 12_640, YTOP - 6_110),  # bottom right
        ]
    )
    grid = Grid(
        values, Affine(CELL, 0, X0, 0, -CELL, YTOP), 25832, nodata=values == 255, unit="percent"
    )
    in_memory = coverage_share(munis, {"x": GridSource(grid)}, workers=1)
    skipped = []

    def spy(*args):
        parts = needed_parts(*args)
        skipped.append(parts is not None)
        return parts

    monkeypatch.setattr(kernel, "needed_parts", spy)
    for tile_size in (40, 4096):
        from_file = coverage_share(munis, {"x": path}, workers=1, tile_size=tile_size)
        np.testing.assert_allclose(from_file["x"], in_memory["x"], rtol=0, atol=1e-9)
    assert any(skipped)
    # by hand: the share of the first municipality's cells with data that are covered
    cells = values[5:23, 2:20]
    valid = cells != 255
    expected = cells[valid].sum() / valid.sum()
    assert from_file["x"].iloc[0] == pytest.approx(expected, abs=1e-9)
