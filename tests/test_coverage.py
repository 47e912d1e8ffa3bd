"""read_coverage on small files in the official schemas (FORMATS.md), and grid errors."""

from __future__ import annotations

import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from conftest import make_grid, munis_frame, square, write_tif

from ruhrgeo import Grid, Overlay, coverage_share, read_coverage
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    FileFormatError,
    GridMismatchError,
    MissingColumnError,
    MissingIdError,
    NoOverlapError,
    UnitError,
    UnusableCRSError,
    ValueRangeError,
)


def test_geotiff_with_nodata(tmp_path):
    values = np.array([[0, 50, 255], [100, 20, 30]], dtype=np.uint8)
    origin = Affine(100, 0, 350000, 0, -100, 5700000)
    path = write_tif(tmp_path / "f.tif", values, nodata=255, transform=origin)
    grid = read_coverage(path)
    assert grid.unit is None  # undeclared: left to the one rule when the grid is used
    assert grid.nodata.tolist() == [[False, False, True], [False, False, False]]
    assert grid.spec.bounds == (350000.0, 5699800.0, 350300.0, 5700000.0)
    assert grid.crs.to_epsg() == 25832


@pytest.mark.usefixtures("arrow")
def test_mobilfunk_csv_with_bom_and_threshold_gives_binary_5g(tmp_path):
    path = tmp_path / "mobilfunk.csv"
    path.write_bytes(
        "\ufeffid,lte,nr_gesamt\n100mN56789E3512,3,2\n100mN56789E3514,3,0\n100mN56788E3512,1,1\n".encode()
    )
    grid = read_coverage(path, column="nr_gesamt", threshold=1)
    assert grid.unit == "binary"
    # x 351200..351500 (3 columns), y 5678800..5679000 (2 rows); absent cells are nodata
    assert grid.spec.bounds == (351200.0, 5678800.0, 351500.0, 5679000.0)
    assert grid.values.tolist() == [[1, 0, 0], [1, 0, 0]]
    assert grid.nodata.tolist() == [[False, True, False], [False, True, True]]


@pytest.mark.usefixtures("arrow")
def test_zensus_inspire_csv_with_missing_markers(tmp_path):
    path = tmp_path / "zensus.csv"
    path.write_text(
        "GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\n"
        "CRS3035RES100mN2689100E4337000;4337050;2689150;12\n"
        "CRS3035RES100mN2689100E4337100;4337150;2689150;–\n"
        "CRS3035RES100mN2689000E4337000;4337050;2689050;-\n"
        "CRS3035RES100mN2689000E4337100;4337150;2689050;7\n",
        encoding="utf-8",
    )
    grid = read_coverage(path)
    assert grid.crs.to_epsg() == 3035
    assert grid.unit == "count"  # known from the Zensus column name, not from the values
    assert grid.spec.bounds == (4337000.0, 2689000.0, 4337200.0, 2689200.0)
    assert grid.nodata.tolist() == [[False, True], [True, False]]
    assert grid.values[~grid.nodata].tolist() == [12.0, 7.0]


@pytest.mark.usefixtures("arrow")
def test_breitbandatlas_cell_geopackage(tmp_path):
    cells = [square(351200 + 100 * i, 5678900, 351300 + 100 * i, 5679000) for i in range(3)]
    frame = gpd.GeoDataFrame(
        {
            "id": [1, 2, 3],
            "raster_id": ["100mN56789E3512", "100mN56789E3513", "100mN56789E3514"],
            "ags": ["05913000"] * 3,
            "down_fn_hh_ftthb_1000": [100.0, 0.0, 37.5],
            "down_fn_hh_alle_1000": [100.0, 80.0, 100.0],
        },
        geometry=cells,
        crs=25832,
    )
    path = tmp_path / "Versorgungsdaten_Gitterzellen_Stand_20240601.gpkg"
    frame.to_file(path)
    grid = read_coverage(path, column="down_fn_hh_ftthb_1000")
    assert grid.unit == "percent"
    assert grid.values.tolist() == [[100.0, 0.0, 37.5]]
    assert grid.spec.bounds == (351200.0, 5678900.0, 351500.0, 5679000.0)
    with pytest.raises(MissingColumnError, match=r"has 2 value columns .*choose with `column=`"):
        read_coverage(path)


@pytest.mark.usefixtures("arrow")
def test_merged_cell_polygons_are_rasterised_exactly(tmp_path):
    # Mobilfunk-Monitoring GeoPackage: merged cells, attribute mobilesBB_AnzahlMNB
    polys = [square(0, 0, 300, 100), square(0, 100, 100, 200)]
    frame = gpd.GeoDataFrame({"mobilesBB_AnzahlMNB": [2, 1]}, geometry=polys, crs=25832)
    path = tmp_path / "mobilfunk.gpkg"
    frame.to_file(path)
    grid = read_coverage(path, threshold=1)
    assert grid.values.tolist() == [[1, 0, 0], [1, 1, 1]]
    assert grid.nodata.tolist() == [[False, True, True], [False, False, False]]


def test_in_memory_grid_and_unit_inference():
    grid = read_coverage(make_grid([[0, 1]]))
    assert grid.unit == "binary"  # make_grid's declared unit travels with the grid
    assert read_coverage(make_grid([[0, 3]], unit="count"), threshold=1).values.tolist() == [[0, 1]]


def _python_heap_peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_large_grid_csv_builds_no_python_object_per_row(tmp_path):
    rows = 300_000
    north = 56000 + np.arange(rows) // 600
    east = 3000 + np.arange(rows) % 600
    ids = np.char.add(np.char.add("100mN", north.astype(str)), np.char.add("E", east.astype(str)))
    values = np.random.default_rng(0).integers(0, 4, rows).astype(str)
    path = tmp_path / "big.csv"
    path.write_text("id;nr_gesamt\n" + "\n".join(np.char.add(np.char.add(ids, ";"), values)) + "\n")
    del ids, values

    def with_objects():  # the per-row-object way: a str per id, parsed with pandas
        frame = pd.read_csv(path, sep=";", dtype={"id": object})
        frame["id"].str.extract(r"N(\d+)E(\d+)").astype(np.int64)

    ours = _python_heap_peak(lambda: read_coverage(path, threshold=1))
    objects = _python_heap_peak(with_objects)
    assert read_coverage(path, threshold=1).spec.shape == (500, 600)
    # numpy arrays are traced too, so ours is not zero; per-row objects cost several times more
    assert ours < 0.5 * objects, f"Python heap peak {ours / 1e6:.1f} MB vs {objects / 1e6:.1f} MB"
    assert ours / rows < 100, f"{ours / rows:.0f} bytes per row"


# --- errors -----------------------------------------------------------------------------


def test_percent_out_of_range_reports_count_and_example():
    values = np.array([[10.0, 120.0], [130.0, 5.0]])
    with pytest.raises(
        ValueRangeError, match=r"2 cell\(s\).*unit 'percent' \(0 to 100\).*value 120 .*x=1, y=1"
    ):
        make_grid(values, unit="percent")


def test_binary_and_count_ranges():
    with pytest.raises(ValueRangeError, match=r"1 cell\(s\).*'binary' \(0 or 1\)"):
        make_grid([[0, 2]], unit="binary")
    with pytest.raises(ValueRangeError, match=r"'count' \(0 to inf\)"):
        make_grid([[-1, 2]], unit="count")


def test_unknown_unit():
    with pytest.raises(
        UnitError,
        match=r"`unit` must be one of \('binary', 'fraction', 'percent', 'count'\), got 'ratio'",
    ):
        read_coverage(make_grid([[0, 1]]), unit="ratio")


def test_raster_without_crs(tmp_path):
    path = write_tif(tmp_path / "nocrs.tif", np.zeros((2, 2), np.uint8), nodata=255, crs=None)
    with pytest.raises(CRSMissingError, match="has no CRS; assign one"):
        read_coverage(path)


def test_unknown_file_format(tmp_path):
    path = tmp_path / "notes.dat"
    path.write_text("hello")
    with pytest.raises(FileFormatError, match="neither a raster GDAL reads nor a grid CSV"):
        read_coverage(path)


@pytest.mark.usefixtures("arrow")
def test_grid_csv_errors(tmp_path):
    no_ids = tmp_path / "noids.csv"
    no_ids.write_text("a;b\n1;2\n")
    with pytest.raises(FileFormatError, match="no column holds grid cell ids"):
        read_coverage(no_ids)
    dup = tmp_path / "dup.csv"
    dup.write_text("id;v\n100mN56789E3512;1\n100mN56789E3512;0\n")
    with pytest.raises(
        DuplicateIdError, match=r"1 grid cell\(s\) occur more than once.*x=351200, y=5678900"
    ):
        read_coverage(dup)
    text = tmp_path / "text.csv"
    text.write_text("id;v\n100mN56789E3512;yes\n")
    with pytest.raises(FileFormatError, match="column 'v' is not numeric"):
        read_coverage(text)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("id;v\n100mN56789E3512;1\n1kmN5678E351;1\n")
    with pytest.raises(FileFormatError, match="mixes grids"):
        read_coverage(mixed)
    badid = tmp_path / "badid.csv"
    badid.write_text("id;v\n100mN56789E3512;1\nnot-a-cell;1\n")
    with pytest.raises(
        FileFormatError, match=r"1 id\(s\) in 'id' are not grid cell ids, e.g. 'not-a-cell'"
    ):
        read_coverage(badid)
    with pytest.raises(MissingColumnError, match="has no column 'nr_gesamt'"):
        read_coverage(dup, column="nr_gesamt")


def test_geographic_grid_is_refused_for_areas():
    grid = Grid(np.ones((2, 2)), Affine(0.01, 0, 7.0, 0, -0.01, 51.5), 4326)
    munis = munis_frame([square(7.0, 51.48, 7.02, 51.5)], crs=4326)
    with pytest.raises(UnusableCRSError, match=r"geographic CRS.*gdalwarp -t_srs EPSG:25832"):
        coverage_share(munis, {"c": grid})


def test_grid_that_overlaps_no_municipality():
    grid = make_grid([[1, 1]], x0=1_000_000.0, cell=100.0)
    with pytest.raises(NoOverlapError, match="overlaps none of the 1 areas"):
        coverage_share(munis_frame([square(0, 0, 100, 100)]), {"c": grid})


def test_layer_on_another_grid_and_count_layers():
    grid = make_grid(np.ones((4, 4)), cell=10.0)
    overlay = Overlay(munis_frame([square(0, 0, 40, 40)]), grid)
    other = make_grid(np.ones((4, 4)), cell=20.0)
    with pytest.raises(
        GridMismatchError, match="make another Overlay for it, or use coverage_share"
    ):
        overlay.share({"x": other})
    counts = make_grid(np.full((4, 4), 3.0), cell=10.0, unit="count")
    with pytest.raises(UnitError, match="holds counts; give `threshold=`"):
        overlay.share({"people": counts})


def test_group_errors():
    grid = make_grid(np.ones((4, 4)), cell=10.0)
    munis = munis_frame([square(0, 0, 20, 40), square(20, 0, 40, 40)])
    partial = pd.Series({"05910000": "K"})
    with pytest.raises(MissingIdError, match=r"no group for \['05910001'\]"):
        coverage_share(munis, {"c": grid}, by=partial)
    with pytest.raises(MissingColumnError, match="`by='kreis'` is not a column"):
        coverage_share(munis, {"c": grid}, by="kreis")


def test_grid_shape_and_transform_errors():
    with pytest.raises(FileFormatError, match="rotated or not north-up"):
        Grid(np.ones((2, 2)), Affine(1, 0.5, 0, 0, -1, 2), 25832)
    with pytest.raises(FileFormatError, match="non-empty 2-D array"):
        Grid(np.ones(3), Affine(1, 0, 0, 0, -1, 1), 25832)
    with pytest.raises(FileFormatError, match="`nodata` mask has shape"):
        Grid(np.ones((2, 2)), Affine(1, 0, 0, 0, -1, 2), 25832, nodata=np.zeros((1, 2), bool))


def test_more_reader_errors(tmp_path):
    with pytest.raises(CRSMissingError, match="`crs` has no CRS"):
        Grid(np.ones((1, 1)), Affine(1, 0, 0, 0, -1, 1), None)
    with pytest.raises(UnitError, match="`unit` must be one of"):
        Grid(np.ones((1, 1)), Affine(1, 0, 0, 0, -1, 1), 25832, unit="ratio")
    tif = write_tif(tmp_path / "one.tif", np.zeros((2, 2), np.uint8), nodata=255)
    with pytest.raises(
        FileFormatError, match=r"`band` 2 does not exist in .*one\.tif', which has 1 band"
    ):
        read_coverage(tif, band=2)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(FileFormatError, match="is empty; give a file with a header row"):
        read_coverage(empty)
    broken = tmp_path / "broken.gpkg"
    broken.write_text("not a geopackage")
    with pytest.raises(FileFormatError, match="cannot be read"):
        read_coverage(broken)
    cells = gpd.GeoDataFrame({"v": [1.0]}, geometry=[square(0, 0, 100, 100)], crs=None)
    with pytest.warns(UserWarning, match="crs"):
        cells.to_file(tmp_path / "nocrs.gpkg")
    with pytest.raises(CRSMissingError, match="has no CRS; the BKG grid is EPSG:25832"):
        read_coverage(tmp_path / "nocrs.gpkg")


def test_grid_inside_the_bounding_box_but_touching_no_municipality():
    # two municipalities far apart; the grid lies in the gap between them
    munis = munis_frame([square(0, 0, 100, 100), square(900, 900, 1000, 1000)])
    grid = make_grid(np.ones((2, 2)), x0=400.0, ytop=600.0, cell=100.0)
    with pytest.raises(NoOverlapError, match="overlaps none of the 2 areas"):
        coverage_share(munis, {"c": grid})
