"""The ruhrgeo command: demo, overlay, exit codes, atomic outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from click.testing import CliRunner
from conftest import munis_frame, square, write_tif

from ruhrgeo import datasets, read_coverage, read_municipalities, spatial
from ruhrgeo.cli import main
from ruhrgeo.index import composite, load_spec
from ruhrgeo.io import read_indicators
from ruhrgeo.io.write import write_atomic


def test_overlay_command_csv_and_gpkg(tmp_path):
    array = np.array([[1, 1, 0, 0]] * 4, dtype=np.uint8)
    layer = write_tif(
        tmp_path / "c.tif", array, nodata=255, transform=Affine(100, 0, 0, 0, -100, 400)
    )
    bounds = tmp_path / "m.gpkg"
    munis_frame([square(0, 0, 200, 400), square(200, 0, 400, 400)]).to_file(bounds)
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "overlay",
            str(bounds),
            "--layer",
            f"c={layer}",
            "--unit",
            "c=binary",
            "--out",
            str(tmp_path / "o.csv"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "o.csv", dtype={"ags": str}).set_index("ags")
    assert table["c"].tolist() == [100.0, 0.0]
    result = runner.invoke(
        main,
        [
            "overlay",
            str(bounds),
            "--layer",
            f"c={layer}",
            "--out",
            str(tmp_path / "o.gpkg"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert gpd.read_file(tmp_path / "o.gpkg")["c"].tolist() == [100.0, 0.0]
    assert "tile" not in result.output  # without --quiet, a bar only on a terminal


def test_overlay_command_with_a_mobilfunk_csv_and_weights(tmp_path):
    csv = tmp_path / "mobilfunk.csv"
    csv.write_text("id;lte;nr_gesamt\n100mN56789E3512;3;1\n100mN56789E3513;2;0\n")
    people = tmp_path / "people.csv"
    people.write_text("GITTER_ID;Einwohner\n100mN56789E3512;30\n100mN56789E3513;10\n")
    bounds = tmp_path / "m.gpkg"
    munis_frame([square(351200, 5678900, 351400, 5679000)]).to_file(bounds)
    result = CliRunner().invoke(
        main,
        [
            "overlay",
            str(bounds),
            "--layer",
            f"5g={csv}",
            "--column",
            "5g=nr_gesamt",
            "--threshold",
            "5g=1",
            "--weighted-by",
            str(people),
            "--out",
            str(tmp_path / "o.csv"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "o.csv")["5g"].item() == pytest.approx(75.0)
    assert read_coverage(people).unit == "count"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["overlay", "absent.gpkg", "--layer", "a=b.tif", "--out", "o.csv"],
            "no file at 'absent.gpkg'",
        ),
        (
            ["overlay", "{bounds}", "--layer", "nolayer", "--out", "o.csv"],
            "--layer takes NAME=VALUE",
        ),
        (
            ["overlay", "{bounds}", "--layer", "a={layer}", "--out", "o.txt"],
            "must end in .csv or .gpkg",
        ),
        (
            ["overlay", "{bounds}", "--layer", "a={layer}", "--threshold", "a=x", "--out", "o.csv"],
            "--threshold takes a number",
        ),
        (
            ["overlay", "{bounds}", "--layer", "a={layer}", "--unit", "b=binary", "--out", "o.csv"],
            r"--unit names unknown layer\(s\) \['b'\]",
        ),
        (["overlay", "{bounds}", "--layer", "a={far}", "--out", "o.csv"], "overlaps none"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    munis_frame([square(0, 0, 200, 400)]).to_file(tmp_path / "m.gpkg")
    write_tif(
        tmp_path / "c.tif",
        np.ones((4, 4), np.uint8),
        nodata=255,
        transform=Affine(100, 0, 0, 0, -100, 400),
    )
    write_tif(
        tmp_path / "far.tif",
        np.ones((4, 4), np.uint8),
        nodata=255,
        transform=Affine(100, 0, 9e5, 0, -100, 400),
    )
    filled = [a.format(bounds="m.gpkg", layer="c.tif", far="far.tif") for a in args]
    result = subprocess.run(
        [sys.executable, "-m", "ruhrgeo.cli", *filled], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert message.replace("\\", "") in result.stderr or pytest.fail(result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_stats_command_writes_local_results_and_prints_global_ones(demo_run, tmp_path):
    out, _ = demo_run
    boundaries = str(datasets.ruhr_municipalities_path())
    table = str(out / "coverage_shares.csv")
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "stats",
            boundaries,
            "--table",
            table,
            "--column",
            "gigabit",
            "--permutations",
            "999",
            "--out",
            str(tmp_path / "local.gpkg"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    shares = pd.read_csv(table, dtype={"ags": str}).set_index("ags")
    gdf = read_municipalities(boundaries).join(shares[["gigabit"]])
    assert printed["moran"]["I"] == pytest.approx(spatial.moran(gdf, "gigabit").I, abs=1e-12)
    local = gpd.read_file(tmp_path / "local.gpkg")
    assert len(local) == 53 and {"lisa_cluster", "gi_spot", "lisa_p_sim"} <= set(local.columns)
    expected = spatial.local_moran(gdf, "gigabit", permutations=999)["cluster"]
    assert local.set_index("ags")["lisa_cluster"].equals(expected)
    plain = runner.invoke(
        main,
        [
            "stats",
            boundaries,
            "--table",
            table,
            "--column",
            "gigabit",
            "--permutations",
            "99",
            "--out",
            str(tmp_path / "local.csv"),
        ],
    )
    assert plain.exit_code == 0 and "Moran's I of gigabit" in plain.output
    bad = runner.invoke(
        main,
        ["stats", boundaries, "--table", table, "--column", "nope", "--out", "x.csv"],
    )
    assert bad.exit_code == 2 and "has no column 'nope'" in bad.output


def test_spillover_commands(tmp_path):
    boundaries = str(datasets.ruhr_municipalities_path())
    sources = tmp_path / "campus.csv"
    pd.DataFrame({"latitude": [51.44389], "longitude": [7.26167], "grads": [100.0]}).to_csv(
        sources, index=False
    )
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "spillover",
            "allocate",
            boundaries,
            "--sources",
            str(sources),
            "--value",
            "grads",
            "--radius-km",
            "20",
            "--out",
            str(tmp_path / "a.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "a.csv")["grads_allocated"].sum() == pytest.approx(100.0)
    table = str(datasets.demo_indicators())
    result = runner.invoke(
        main,
        [
            "spillover",
            "estimate",
            boundaries,
            "--table",
            table,
            "--outcome",
            "it_employment_share",
            "--radii",
            "5:40:5",
            "--n-boot",
            "99",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    estimate = json.loads(result.output)
    assert estimate["radius_km"] == 20.0 and len(estimate["profile"]) == 8
    bad = runner.invoke(
        main,
        [
            "spillover",
            "estimate",
            boundaries,
            "--table",
            table,
            "--outcome",
            "it_employment_share",
            "--radii",
            "five",
        ],
    )
    assert bad.exit_code == 2 and "--radii takes FROM:TO:STEP" in bad.output


def test_demo_index_and_index_command(demo_run, tmp_path):
    out, printed = demo_run
    demo_index = pd.read_csv(out / "index.csv", dtype={"ags": str}).set_index("ags")
    assert len(demo_index) == 53 and demo_index["rank"].min() == 1
    kreis_5g = datasets.breitbandatlas_kreise_2021()["5g_ge2"]  # the stand-in for 5G by area
    munis = datasets.ruhr_municipalities()
    np.testing.assert_allclose(demo_index["5g_area_share"], munis["kreis_ags"].map(kreis_5g))
    above = demo_index.loc[demo_index["above_average"], "name"]
    assert f"{len(above)} of 53 above the average" in printed
    result = CliRunner().invoke(
        main,
        [
            "index",
            str(out / "index.csv"),
            "--normalization",
            "zscore",
            "--out",
            str(tmp_path / "i.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    again = pd.read_csv(tmp_path / "i.csv", dtype={"ags": str}).set_index("ags")
    expected = composite(read_indicators(out / "index.csv"), load_spec(), normalization="zscore")
    np.testing.assert_allclose(again["index"], expected["index"], atol=1e-6)
    shipped = CliRunner().invoke(
        main, ["index", str(datasets.demo_indicators()), "--out", str(tmp_path / "j.csv")]
    )  # the shipped table holds the twelve indicators: the same index as the demo's
    assert shipped.exit_code == 0, shipped.output
    same = pd.read_csv(tmp_path / "j.csv", dtype={"ags": str}).set_index("ags")
    np.testing.assert_allclose(same["index"], demo_index["index"], atol=1e-6)
