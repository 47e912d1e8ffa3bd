"""Bad input to `ruhrgeo overlay`, `ruhrgeo spillover` and `ruhrgeo demo`: exit code 2, one
line on stderr, no traceback, and no output file."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from conftest import munis_frame, square

from ruhrgeo.cli import main


@pytest.fixture
def inputs(tmp_path):
    munis_frame([square(0, 0, 200, 400), square(200, 0, 400, 400)]).to_file(tmp_path / "m.gpkg")
    profile = dict(driver="GTiff", height=4, width=4, count=1, dtype="uint8", crs="EPSG:25832")
    with rasterio.open(
        tmp_path / "c.tif", "w", transform=Affine(100, 0, 0, 0, -100, 400), **profile
    ) as dst:
        dst.write(np.ones((4, 4), np.uint8), 1)
        dst.units = ("binary",)
    (tmp_path / "corrupt.tif").write_bytes(b"II*\x00garbage")
    (tmp_path / "corrupt.geojson").write_text('{"type": "FeatureCollection", "features": [')
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "corrupt.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "header.csv").write_text("id;nr_gesamt\n")
    (tmp_path / "out.csv").mkdir()  # an existing folder where a file should go
    (tmp_path / "campus.csv").write_text("name,latitude,longitude,students\nA,north,7.2,100\n")
    (tmp_path / "campus_ok.csv").write_text("name,latitude,longitude,students\nA,0.001,7.2,100\n")
    (tmp_path / "outcome.csv").write_text("ags;y\n05910000;1\n05910001;2\n")
    return tmp_path


OVERLAY = ["overlay", "m.gpkg", "--layer", "a=c.tif", "--quiet"]
CASES = [
    ([*OVERLAY, "--out", "out.csv"], "is a folder", "out.csv"),
    (
        ["overlay", "corrupt.geojson", "--layer", "a=c.tif", "--out", "o.csv"],
        "cannot be read",
        "o.csv",
    ),
    (
        ["overlay", "m.gpkg", "--layer", "a=corrupt.tif", "--out", "o.csv"],
        "neither a raster",
        "o.csv",
    ),
    (["overlay", "m.gpkg", "--layer", "a=empty.csv", "--out", "o.csv"], "is empty", "o.csv"),
    (["overlay", "m.gpkg", "--layer", "a=header.csv", "--out", "o.csv"], "no rows", "o.csv"),
    ([*OVERLAY, "--threshold", "a=nan", "--out", "o.csv"], "finite number", "o.csv"),
    ([*OVERLAY, "--by", "kreis", "--out", "o.csv"], "not a column", "o.csv"),
    ([*OVERLAY, "--unit", "a=ratio", "--out", "o.csv"], "`unit` must be one of", "o.csv"),
    ([*OVERLAY, "--workers", "0", "--out", "o.csv"], "0 is not in the range", "o.csv"),
    (
        [
            "spillover",
            "estimate",
            "m.gpkg",
            "--table",
            "outcome.csv",
            "--outcome",
            "y",
            "--radii",
            "2:60:0",
        ],
        "FROM and STEP must be positive",
        None,
    ),
    (
        [
            "spillover",
            "allocate",
            "m.gpkg",
            "--sources",
            "campus.csv",
            "--value",
            "students",
            "--radius-km",
            "10",
            "--out",
            "o.csv",
        ],
        "without a valid latitude/longitude in degrees, e.g. row 2: 'north'",
        "o.csv",
    ),
    (
        [
            "spillover",
            "allocate",
            "m.gpkg",
            "--sources",
            "campus_ok.csv",
            "--value",
            "students",
            "--radius-km",
            "-5",
            "--out",
            "o.csv",
        ],
        "`radius_km (the",
        "o.csv",
    ),
    (["demo", "--out", "c.tif"], "Directory 'c.tif' is a file", None),
    (
        ["stats", "m.gpkg", "--table", "corrupt.xlsx", "--column", "v", "--out", "o.csv"],
        "corrupt.xlsx",
        "o.csv",
    ),
    (
        ["index", "corrupt.xlsx", "--out", "o.csv"],
        "corrupt.xlsx",
        "o.csv",
    ),
    (
        ["map", "m.gpkg", "--table", "empty.csv", "--column", "v", "--out", "o.html"],
        "empty.csv",
        "o.html",
    ),
]


@pytest.mark.parametrize(("args", "message", "output"), CASES)
def test_bad_input_exits_2_with_one_line_and_leaves_nothing(
    inputs, monkeypatch, args, message, output
):
    monkeypatch.chdir(inputs)
    before = sorted(p.name for p in inputs.iterdir())
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in inputs.iterdir()) == before  # nothing written, nothing left
    if output:
        assert not (inputs / output).is_file()
