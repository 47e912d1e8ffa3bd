"""The instruments from the command line: `ruhrgeo model`, `rates`, `markov` and `regions` on
the real Ruhr data write what the library computes, and their figures and maps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import datasets, index, read_breitbandatlas, spatial
from ruhrgeo.cli import main

MUNIS = datasets.ruhr_municipalities()
BOUNDARIES = str(datasets.ruhr_municipalities_path())


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    frame = datasets.breitbandatlas_2021().loc[MUNIS.index].join(MUNIS[["population", "area_km2"]])
    frame["density"] = frame["population"] / frame["area_km2"]
    frame["startups"] = (frame["population"] * frame["ftthb_ge1000"] / 1e5).round()
    path = tmp_path_factory.mktemp("instruments") / "t.csv"
    frame.to_csv(path, sep=";")
    return path, frame


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_model_writes_the_effects_and_their_figure(table, tmp_path):
    path, frame = table
    out, figure = tmp_path / "effects.csv", tmp_path / "effects.png"
    run("model", BOUNDARIES, "--table", str(path), "--outcome", "ftthb_ge1000", "--covariate",
        "density", "--model", "slx", "--out", str(out), "--figure", str(figure))  # fmt: skip
    written = pd.read_csv(out).set_index(["covariate", "effect"])
    direct = spatial.spatial_durbin(MUNIS.join(frame.drop(columns=["population", "area_km2"])),
                                    "ftthb_ge1000", ["density"], model="slx")  # fmt: skip
    np.testing.assert_allclose(written["estimate"], direct.effects["estimate"], rtol=1e-5)
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rates_write_smoothed_rates_and_maps(table, tmp_path):
    path, frame = table
    out, page, png = tmp_path / "rates.csv", tmp_path / "rates.html", tmp_path / "rates.png"
    run("rates", BOUNDARIES, "--table", str(path), "--events", "startups", "--base",
        "population", "--out", str(out), "--map", str(page), "--map", str(png))  # fmt: skip
    written = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
    expected = spatial.smooth_rates(MUNIS.assign(startups=frame["startups"]), "startups",
                                    "population")  # fmt: skip
    np.testing.assert_allclose(written["startups_rate"], expected.loc[written.index], rtol=1e-5)
    assert "startups per 1000 population" in page.read_text(encoding="utf-8")
    assert png.stat().st_size > 10_000


def test_markov_over_the_five_releases(tmp_path):
    releases = datasets.breitbandatlas_releases()
    args = [a for name, p in releases.items() for a in ("--release", f"{name}={p}")]
    out, figure = tmp_path / "moves.csv", tmp_path / "heat.png"
    printed = run("markov", *args, "--indicator", "ftthb_ge1000", "--k", "3", "--out", str(out),
                  "--figure", str(figure))  # fmt: skip
    tables = {name: read_breitbandatlas(p) for name, p in releases.items()}
    values = pd.DataFrame({name: t["ftthb_ge1000"] for name, t in tables.items()})
    expected = index.markov(values, k=3)
    written = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
    assert written["last_class"].to_dict() == expected.moves["last_class"].to_dict()
    assert "33 ended higher" in printed and figure.stat().st_size > 10_000


def test_regions_write_labels_and_maps(table, tmp_path):
    path, frame = table
    out, page = tmp_path / "regions.gpkg", tmp_path / "regions.html"
    run("regions", BOUNDARIES, "--table", str(path), "--column", "ftthb_ge1000", "--method",
        "skater", "--n-regions", "2", "--out", str(out), "--map", str(page))  # fmt: skip
    import geopandas as gpd

    written = gpd.read_file(out).set_index("ags")
    expected = spatial.regions(MUNIS.join(frame[["ftthb_ge1000"]]), ["ftthb_ge1000"],
                               method="skater", n_regions=2)  # fmt: skip
    assert written["region"].to_dict() == expected.labels.to_dict()
    assert "region 2" in page.read_text(encoding="utf-8")
