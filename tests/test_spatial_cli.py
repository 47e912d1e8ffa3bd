"""``ruhrgeo stats``: every weights kind, FDR and alpha, German tables, outputs that hold
the analyzed values, and bad input: exit 2, one line on stderr, no traceback, no file."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import datasets, spatial
from ruhrgeo.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PERMUTATIONS = "199"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The demo municipalities and a German table (';', decimal commas) of a gradient."""
    folder = tmp_path_factory.mktemp("stats")
    munis = datasets.ruhr_municipalities()
    northing = munis.to_crs(25832).geometry.centroid.y
    rng = np.random.default_rng(6)
    values = 50 + (northing - northing.mean()) / 1000 + rng.normal(0, 5, len(munis))
    assert values.min() > 0
    table = pd.DataFrame({"AGS": munis.index, "fttbh": values.round(3).to_numpy()})
    table["Wert mit Leerzeichen"] = rng.uniform(1, 9, len(munis)).round(2)
    table["flat"] = 7.0
    table["change"] = values.to_numpy() - 50
    table["text"] = "viel"
    path = folder / "werte.csv"
    table.to_csv(path, sep=";", decimal=",", index=False)
    assert "," in path.read_text().splitlines()[1]  # decimal commas, as German exports
    infinite = table[["AGS", "fttbh"]].assign(fttbh=np.where(table.index == 3, np.inf, 1.0))
    infinite.to_csv(folder / "inf.csv", sep=";", decimal=",", index=False)
    gdf = munis.join(table.set_index("AGS").rename_axis("ags")[["fttbh"]])
    return folder, path, munis, gdf


def run(inputs, *options, out="local.csv", table=None):
    folder, path, _, _ = inputs
    path = folder / table if table else path
    target = folder / out
    target.unlink(missing_ok=True)
    args = ["stats", str(datasets.ruhr_municipalities_path()), "--table", str(path)]
    args += ["--id-col", "AGS", "--permutations", PERMUTATIONS, "--out", str(target), *options]
    return CliRunner().invoke(main, args), target


def test_stats_writes_the_values_next_to_the_results_and_equals_the_library(inputs):
    _, _, munis, gdf = inputs
    result, out = run(inputs, "--column", "fttbh", "--graph", "knn", "--k", "5", "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    spec = spatial.GraphSpec("knn", k=5)
    expected = spatial.moran(gdf, "fttbh", graph=spec, permutations=199)
    assert printed["moran"]["I"] == pytest.approx(expected.I, abs=1e-12)
    assert printed["moran"]["p_sim"] == expected.p_sim and printed["moran"]["graph"] == "knn(k=5)"
    assert printed["north_south"]["graph"] == "knn(k=5)"
    local = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
    assert local["fttbh"].to_numpy() == pytest.approx(gdf["fttbh"].to_numpy(), abs=1e-6)
    lisa = spatial.local_moran(gdf, "fttbh", graph=spec, permutations=199)
    assert local["lisa_cluster"].equals(lisa["cluster"])
    assert local["lisa_p_sim"].to_numpy() == pytest.approx(lisa["p_sim"].to_numpy(), abs=1e-6)
    assert {"lisa_Is", "lisa_z_sim", "lisa_lag", "gi_Gs", "gi_p_sim", "gi_spot"} <= set(local)
    assert printed["local"]["lisa_clusters"] == lisa["cluster"].value_counts().to_dict()
    assert len(local) == len(munis) and local.index.equals(munis.index)


def test_fdr_off_and_alpha(inputs):
    _, _, _, gdf = inputs
    result, out = run(inputs, "--column", "fttbh", "--no-fdr", "--alpha", "0.1")
    assert result.exit_code == 0, result.output
    assert "LISA clusters (p <= 0.1)" in result.stdout
    lisa = spatial.local_moran(gdf, "fttbh", permutations=199, fdr=False, alpha=0.1)
    local = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
    assert local["lisa_significant"].equals(lisa["significant"])
    assert local["lisa_significant"].sum() > 0


@pytest.mark.parametrize(
    ("options", "described"),
    [
        ((), "queen"),
        (("--graph", "rook"), "rook"),
        (("--graph", "knn", "--k", "4"), "knn(k=4)"),
        (("--graph", "distance", "--threshold-km", "15"), "distance(threshold_km=15)"),
        (
            ("--graph", "kernel", "--bandwidth-km", "25", "--kernel", "triangular"),
            "kernel(triangular, bandwidth_km=25)",
        ),
    ],
)
def test_every_weights_kind(inputs, options, described):
    result, out = run(inputs, "--column", "Wert mit Leerzeichen", *options, "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["moran"]["graph"] == printed["local"]["graph"] == described
    assert out.exists()


def test_weights_from_a_gal_file_and_a_geopackage_out(inputs):
    folder, _, munis, gdf = inputs
    gal = folder / "ruhr.gal"
    spatial.build_graph(munis, "rook").to_gal(gal)
    result, out = run(inputs, "--column", "fttbh", "--weights-file", str(gal), out="l.gpkg")
    assert result.exit_code == 0, result.output
    assert "file ruhr.gal weights" in result.stdout
    local = gpd.read_file(out).set_index("ags")
    rook = spatial.local_moran(gdf, "fttbh", graph="rook", permutations=199)
    assert local["lisa_cluster"].equals(rook["cluster"])


BAD = {
    "infinite value": (("--column", "fttbh"), "'inf' in row 5"),
    "negative permutations": (
        ("--column", "fttbh", "--permutations", "-5"),
        "`permutations` must be a whole number in [0, 1,000,000]",
    ),
    "fractional permutations": (
        ("--column", "fttbh", "--permutations", "2.5"),
        "--permutations takes a whole number, got '2.5'",
    ),
    "permutations as a word": (
        ("--column", "fttbh", "--permutations", "many"),
        "--permutations takes a whole number, got 'many'",
    ),
    "negative seed": (("--column", "fttbh", "--seed", "-1"), "`seed` must be a whole number"),
    "alpha above 1": (
        ("--column", "fttbh", "--alpha", "2"),
        "`alpha` must be a finite number in (0, 1)",
    ),
    "alpha as a word": (("--column", "fttbh", "--alpha", "five"), "--alpha takes a number"),
    "unknown kind": (("--column", "fttbh", "--graph", "hexagon"), "--graph must be one of"),
    "knn without k": (("--column", "fttbh", "--graph", "knn"), "--graph knn needs --k"),
    "k for queen": (("--column", "fttbh", "--k", "3"), "--k do(es) not apply to --graph queen"),
    "k zero": (
        ("--column", "fttbh", "--graph", "knn", "--k", "0"),
        "`k` must be a whole number >= 1",
    ),
    "k too large": (
        ("--column", "fttbh", "--graph", "knn", "--k", "60"),
        "needs more than k = 60 municipalities",
    ),
    "negative band": (
        ("--column", "fttbh", "--graph", "distance", "--threshold-km", "-3"),
        "`threshold_km` must be a finite number > 0",
    ),
    "unknown kernel": (
        ("--column", "fttbh", "--graph", "kernel", "--bandwidth-km", "9", "--kernel", "flat"),
        "`kernel` must be one of",
    ),
    "missing weights file": (
        ("--column", "fttbh", "--weights-file", "nowhere.gal"),
        "no file at 'nowhere.gal'",
    ),
    "weights file and graph": (
        ("--column", "fttbh", "--weights-file", "w.gal", "--graph", "rook"),
        "--weights-file gives the weights; leave out --graph",
    ),
    "weights file of another kind": (
        ("--column", "fttbh", "--weights-file", "w.txt"),
        "must be a .gal or .gwt file",
    ),
    "absent column": (("--column", "nope"), "has no column 'nope'"),
    "constant column": (("--column", "flat"), "`flat` is constant"),
    "text column": (("--column", "text"), "missing or not numeric"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(inputs, name):
    options, message = BAD[name]
    result, out = run(inputs, *options, table="inf.csv" if name == "infinite value" else None)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output and not out.exists()
    folder = inputs[0]
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".ruhrgeo-")]


def test_a_failed_run_leaves_an_earlier_output_alone(inputs):
    good, out = run(inputs, "--column", "fttbh")
    assert good.exit_code == 0
    before = out.read_bytes()
    args = ["stats", str(datasets.ruhr_municipalities_path()), "--table", str(inputs[1])]
    bad = CliRunner().invoke(
        main, [*args, "--id-col", "AGS", "--column", "flat", "--out", str(out)]
    )
    assert bad.exit_code == 2 and out.read_bytes() == before


def test_negative_values_leave_getis_ord_out_and_say_so(inputs):
    result, out = run(inputs, "--column", "change", "--json")
    assert result.exit_code == 0, result.output
    assert "change has negative values; Getis-Ord G" in result.stderr
    assert json.loads(result.stdout)["local"]["getis_ord_spots"] is None
    local = pd.read_csv(out)
    assert "lisa_cluster" in local and not [c for c in local if c.startswith("gi_")]
