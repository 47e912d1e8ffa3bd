"""Hostile inputs to the readers (boundaries, grids) and the overlay: each gets a specific
error whose message names the input and says how to fix it; inputs are never modified."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from conftest import make_grid, munis_frame, square
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import Grid, GridSource, coverage_share, read_coverage, read_municipalities
from ruhrgeo.errors import (
    CRSMissingError,
    DataFileNotFoundError,
    DuplicateIdError,
    EmptyGeometryError,
    FileFormatError,
    GridExtentError,
    InputTypeError,
    MissingColumnError,
    MissingIdError,
    OutputError,
    ParameterError,
    RuhrgeoError,
    UnitError,
    UnusableCRSError,
)
from ruhrgeo.io.write import write_atomic


def _munis(**columns):
    return munis_frame([square(0, 0, 200, 200), square(200, 0, 400, 200)], **columns)


# --- boundaries --------------------------------------------------------------------------------


def _meters_as_degrees():
    return (
        _munis()
        .set_crs(4326, allow_override=True)
        .assign(geometry=[square(350_000, 5_700_000, 352_000, 5_702_000)] * 2)
    )


BOUNDARIES = [
    (lambda: pd.DataFrame({"ags": ["05913000"]}), InputTypeError, "DataFrame without geometry"),
    (
        lambda: 42,
        InputTypeError,
        "a GeoDataFrame or the path of a vector file \\(GeoPackage, Shapefile, GeoJSON\\), got int",
    ),
    (lambda: "absent.gpkg", DataFileNotFoundError, "no file at 'absent.gpkg'"),
    (lambda: _munis().set_crs(None, allow_override=True), CRSMissingError, r"set_crs\(25832\)"),
    (_meters_as_degrees, UnusableCRSError, r"degrees\) but its coordinates reach .* meters"),
    (
        lambda: _munis().set_index("ags", drop=False).assign(ags=["05000001", "05000002"]),
        DuplicateIdError,
        "an index 'ags' and a column 'ags' with other values",
    ),
    (
        lambda: _munis(GEN=["A", "B"]),
        MissingColumnError,
        "both 'gen'.*'name'|both 'GEN' and 'name'",
    ),
    (
        lambda: _munis(AGS=["1", "2"]),
        DuplicateIdError,
        "'ags' and 'AGS', which differ only in case",
    ),
    (lambda: _munis().drop(columns="ags"), MissingColumnError, "no column 'ags'.*`id_col=`"),
    (lambda: _munis(ags=["x", "05913000"]), MissingIdError, "not an AGS of 7 or 8 digits"),
    (lambda: _munis(ags=["05913000"] * 2), DuplicateIdError, "duplicated id.*05913000"),
    (lambda: _munis().iloc[:0], EmptyGeometryError, "holds no municipality"),
]


@pytest.mark.parametrize(("make", "error", "message"), BOUNDARIES)
def test_bad_boundaries_raise_specific_errors(make, error, message):
    with pytest.raises(error, match=message):
        read_municipalities(make())


def test_an_index_named_ags_that_equals_the_column_is_fine():
    munis = read_municipalities(_munis().set_index("ags", drop=False))
    assert munis.index.tolist() == ["05910000", "05910001"]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\x00\x01garbage"])
def test_empty_or_corrupt_boundary_files(tmp_path, content):
    path = tmp_path / "m.geojson"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match="cannot be read as vector data"):
        read_municipalities(path)


@settings(max_examples=25, deadline=None)
@given(
    order=st.permutations(range(4)),
    codes=st.lists(st.integers(1_000_000, 99_999_999), min_size=4, max_size=4, unique=True),
    crs=st.sampled_from([25832, 3035, 4326]),
)
def test_any_valid_boundaries_read_the_same_and_stay_untouched(order, codes, crs):
    boxes = [square(i * 1000, 0, i * 1000 + 1000, 1000) for i in range(4)]
    frame = gpd.GeoDataFrame(
        {"ags": codes, "name": list("abcd")}, geometry=boxes, crs=25832
    ).to_crs(crs)
    frame = frame.iloc[list(order)]
    before = frame.copy()
    munis = read_municipalities(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert sorted(munis.index) == sorted(f"{c:08d}" for c in codes)
    assert munis.crs == frame.crs


# --- grids -------------------------------------------------------------------------------------


def _grid_csv(tmp_path, text, name="g.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


CELLS = "id;v\n" + "".join(
    f"100mN{56789 + r}E{3512 + c};{r + c}\n" for r in range(3) for c in range(3)
)


@pytest.mark.usefixtures("arrow")
@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", FileFormatError, "is empty; give a file with a header row"),
        ("id;v\n", FileFormatError, "has a header but no rows of cells"),
        (CELLS + "100mN99999999999E0;1\n", GridExtentError, r"100mN99999999999E0"),
        (CELLS + "100mN0E0;1\n", GridExtentError, r"outlying cell\(s\) \['100mN0E0'"),
        (CELLS.replace(";0\n", ";yes\n", 1), FileFormatError, "column 'v' is not numeric"),
        ("id;v\n100mN1E1;1\n1kmN1E1;1\n", FileFormatError, "mixes grids"),
        ("a;b\n1;2\n", FileFormatError, "no column holds grid cell ids"),
    ],
)
def test_bad_grid_csvs(tmp_path, text, error, message):
    with pytest.raises(error, match=message):
        read_coverage(_grid_csv(tmp_path, text))


@pytest.mark.usefixtures("arrow")
def test_a_cp1252_grid_csv_is_named_as_an_encoding_problem(tmp_path):
    path = _grid_csv(tmp_path, "id;Wert für Zelle\n100mN1E1;1\n", encoding="cp1252")
    with pytest.raises(FileFormatError, match=r"not UTF-8.*Windows-1252.*iconv"):
        read_coverage(path)


def test_a_truncated_geotiff_is_named(tmp_path):
    path = tmp_path / "t.tif"
    profile = dict(driver="GTiff", height=512, width=512, count=1, dtype="uint8", crs="EPSG:25832")
    profile |= dict(transform=Affine(100, 0, 0, 0, -100, 51200), tiled=True, compress="deflate")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.random.default_rng(0).integers(0, 2, (512, 512), dtype=np.uint8), 1)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    munis = munis_frame([square(100, 100, 51_000, 51_000)])
    with pytest.raises(FileFormatError, match=r"t\.tif.*(truncated or corrupt|cannot be read)"):
        coverage_share(munis, {"t": GridSource(path, unit="binary")})


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: Grid(np.array([["a"]]), Affine(1, 0, 0, 0, -1, 1), 25832),
            FileFormatError,
            "numeric",
        ),
        (
            lambda: Grid(np.ones((2, 2)), Affine(1, 0, 0, 0, -1, 2), "EPSG:xyz"),
            UnusableCRSError,
            "not a CRS",
        ),
        (
            lambda: make_grid([[0, 2]], unit="fraction"),
            RuhrgeoError,
            "outside the range of unit 'fraction'",
        ),
        (lambda: GridSource("x.tif", unit="ratio"), UnitError, "`unit` must be one of"),
        (lambda: GridSource("x.tif", threshold=float("nan")), ParameterError, "finite number"),
    ],
)
def test_bad_grids_and_sources(make, error, message):
    with pytest.raises(error, match=message):
        make()


# --- overlay arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"layers": ["x.tif"]}, ParameterError, "`layers` must be a non-empty mapping"),
        ({"layers": {"": "x.tif"}}, ParameterError, "layer names must be non-empty strings"),
        ({"layers": {1: "x.tif"}}, ParameterError, "layer names must be non-empty strings"),
        ({"by": 3}, MissingColumnError, "`by` must be a column name or a Series"),
        ({"workers": "2"}, ParameterError, "`workers` must be a whole number >= 1"),
        ({"workers": -1}, ParameterError, "`workers` must be a whole number >= 1"),
    ],
)
def test_bad_overlay_arguments(kwargs, error, message):
    grid = make_grid(np.ones((4, 4)), cell=100.0)
    arguments = {"layers": {"c": grid}, **kwargs}
    with pytest.raises(error, match=message):
        coverage_share(_munis(), **arguments)


def test_a_geographic_grid_is_refused():
    grid = Grid(np.ones((2, 2)), Affine(0.01, 0, 7.0, 0, -0.01, 51.5), 4326, unit="binary")
    munis = munis_frame([shapely.box(7.0, 51.48, 7.02, 51.5)], crs=4326)
    with pytest.raises(UnusableCRSError, match="geographic CRS"):
        coverage_share(munis, {"c": grid})


# --- outputs -----------------------------------------------------------------------------------


def test_outputs_onto_a_folder_or_into_a_read_only_folder(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path / "out.csv", lambda tmp: tmp.write_text("x"))

    def refused(tmp):  # what a read-only folder does (tests may run as root, who may write)
        raise PermissionError(13, "Permission denied", str(tmp))

    with pytest.raises(OutputError, match=r"cannot write .*Permission denied.*may write to"):
        write_atomic(tmp_path / "locked" / "out.csv", refused)
    assert list((tmp_path / "locked").iterdir()) == []


def test_a_killed_runs_temporary_folder_is_removed_by_the_next_run(tmp_path):
    stale = tmp_path / ".ruhrgeo-999999999-abc"  # no such process
    stale.mkdir()
    (stale / "out.csv").write_text("half")
    alive = tmp_path / ".ruhrgeo-1-xyz"  # pid 1 runs
    alive.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".ruhrgeo-999999998-link").symlink_to(elsewhere)  # a link is not followed
    write_atomic(tmp_path / "out.csv", lambda tmp: tmp.write_text("whole"))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".ruhrgeo-1-xyz", ".ruhrgeo-999999998-link", "elsewhere", "out.csv"]


# --- spill-over sources ------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["centroid", "population"])
def test_duplicated_source_labels_are_refused(to):
    from ruhrgeo import datasets, spillover

    unis = datasets.universities()
    twice = pd.concat([unis.iloc[:2], unis.iloc[:1]]).assign(v=1.0)
    options = {"to": to, "population": datasets.demo_population() if to == "population" else None}
    with pytest.raises(DuplicateIdError, match=r"`sources` has 1 duplicated id.*reset_index"):
        spillover.allocate(datasets.ruhr_municipalities(), twice, "v", radius_km=20, **options)
