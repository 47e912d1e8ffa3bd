"""The contract of every command, by construction: exit code 0 with its outputs written, or
exit code 2 with one line on stderr, no traceback and nothing written; never an input changed.

Each command's options are drawn (mostly valid, now and then hostile, as in ``fuzz.py``) over
a folder of small valid inputs; ``FUZZ_EXAMPLES`` examples per command, as the API fuzz suite.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from click.testing import CliRunner
from fuzz import HOSTILE, SIDE, X0, Y0, first, folder, hostile, mostly, texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from test_fuzz_api import FUZZ_EXAMPLES

from ruhrgeo.cli import main
from ruhrgeo.cli.main import COMMANDS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Nine municipalities of 1 km (two Kreise), a coverage raster, a table, sources, a spec
    and a few broken files."""
    where = tmp_path_factory.mktemp("cli-inputs")
    boxes = [
        shapely.box(X0 + c * SIDE, Y0 + r * SIDE, X0 + (c + 1) * SIDE, Y0 + (r + 1) * SIDE)
        for r in range(3)
        for c in range(3)
    ]
    ags = [f"0591{i:04d}" for i in range(9)]
    gpd.GeoDataFrame(
        {"ags": ags, "name": [f"Ort {i}" for i in range(9)], "kreis": ["K1"] * 5 + ["K2"] * 4},
        geometry=boxes,
        crs=25832,
    ).to_file(where / "m.gpkg")
    rng = np.random.default_rng(3)
    with rasterio.open(
        where / "c.tif", "w", driver="GTiff", height=30, width=30, count=1, dtype="uint8",
        crs="EPSG:25832", transform=Affine(100, 0, X0, 0, -100, Y0 + 3 * SIDE),
    ) as dst:  # fmt: skip
        dst.write(rng.integers(0, 2, (30, 30)).astype(np.uint8), 1)
    values = rng.random((9, 3)) * 100
    rows = [
        f"{a};{y:.3f};{z:.3f};{b}" for a, (y, z, _), b in zip(ags, values, [0, 1] * 5, strict=False)
    ]
    (where / "t.csv").write_text("ags;y;z;b\n" + "\n".join(rows) + "\n", encoding="utf-8")
    to_degrees = Transformer.from_crs(25832, 4326, always_xy=True)
    lon, lat = to_degrees.transform([X0 + 500, X0 + 2500], [Y0 + 500, Y0 + 2500])
    (where / "s.csv").write_text(
        "name,latitude,longitude,students\n"
        f"A,{lat[0]:.6f},{lon[0]:.6f},100\nB,{lat[1]:.6f},{lon[1]:.6f},300\n",
        encoding="utf-8",
    )
    (where / "spec.toml").write_text(
        "[areas]\nfirst = 1\nsecond = 2\n"
        "[[indicators]]\nname = 'y'\narea = 'first'\n"
        "[[indicators]]\nname = 'z'\narea = 'second'\ndirection = 'lower'\n",
        encoding="utf-8",
    )
    (where / "garbage.tif").write_bytes(b"II*\x00garbage")
    (where / "empty.csv").write_bytes(b"")
    (where / "broken.gpkg").write_bytes(b"SQLite format 3\x00 broken")
    (where / "w.gal").write_text("2\n05910000 1\n05910001\n05910001 1\n05910000\n")
    return where


def _path(name: str, *hostile: str):
    """An input of the folder, or now and then a broken, missing or odd one."""
    names = [name, *hostile, "missing.csv", "garbage.tif", "empty.csv", "."]
    return first(["@" + n for n in names])


def _outputs(suffixes: list[str]):
    names = [f"out{s}" for s in suffixes] + ["out.txt", "sub/out.csv", "t.csv", "m.gpkg"]
    return first(["@" + n for n in names])


def _option(draw, name: str, value: Any, present: float = 0.8) -> list[str]:
    """``[name, value]`` most of the time when the option is valid to give; a hostile example
    leaves options out now and then."""
    if HOSTILE.get() and draw(st.integers(0, 9)) >= present * 10:
        return []
    return [name, str(draw(value) if isinstance(value, st.SearchStrategy) else value)]


def _keys(draw) -> list[str]:
    """The key columns of boundaries and table: none (the AGS), or named, now and then wrong."""
    return draw(
        st.sampled_from(
            [
                [],
                ["--id-col", draw(first(["ags", "AGS", "name", "kreis", "nope"], valid=3))],
                ["--table-id-col", draw(first(["ags", "y", "nope"]))],
            ]
        )
    )


def _overlay(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv", ".gpkg"]))
    args = ["overlay", draw(_path("m.gpkg", "broken.gpkg", "t.csv"))]
    args += _option(draw, "--layer", first(["fibre=@c.tif", "fibre", "=@c.tif", "a=@garbage.tif"]))
    if draw(st.booleans()):
        args += _option(draw, "--layer", first(["other=@c.tif", "fibre=@c.tif"]))
    args += draw(st.sampled_from([[], ["--by", draw(first(["kreis", "nope"]))]]))
    args += draw(st.sampled_from([[], ["--unit", draw(first(["fibre=binary", "fibre=ratio"]))]]))
    args += draw(st.sampled_from([[], ["--threshold", draw(first(["fibre=1", "fibre=nan"]))]]))
    args += draw(st.sampled_from([[], ["--id-col", draw(first(["ags", "name", "nope"]))]]))
    args += draw(st.sampled_from([[], ["--workers", draw(first(["1", "0", "x"]))]]))
    args += [*_option(draw, "--out", out), "--quiet"]
    return args, [out]


def _stats(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv", ".gpkg"]))
    args = ["stats", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += _option(draw, "--column", first(["y", "z", "nope", "ags"]))
    graph = draw(first(["queen", "rook", "knn", "distance", "kernel", "hexagon"], valid=5))
    args += ["--graph", graph]
    if graph == "knn":
        args += _option(draw, "--k", first(["2", "3", "0", "x", "99"]))
    if graph == "distance":
        args += _option(draw, "--threshold-km", first(["1.5", "-1", "inf"]))
    if graph == "kernel":
        args += _option(draw, "--bandwidth-km", first(["2.5", "0"]))
    args += ["--permutations", draw(first(["99", "0", "-1", "1e9", "x"], valid=2))]
    args += draw(st.sampled_from([[], ["--seed", draw(first(["1", "-1", "x"]))]]))
    args += draw(st.sampled_from([[], ["--alpha", draw(first(["0.1", "0", "2", "nan"]))]]))
    args += draw(st.sampled_from([[], ["--json"], ["--no-fdr"]]))
    if draw(mostly(False, True)):
        args += ["--weights-file", draw(_path("w.gal"))]
    args += _option(draw, "--out", out)
    return args, [out]


def _spillover(draw) -> tuple[list[str], list[str]]:
    if draw(st.booleans()):
        out = draw(_outputs([".csv", ".gpkg"]))
        args = ["spillover", "allocate", draw(_path("m.gpkg", "broken.gpkg"))]
        args += _option(draw, "--sources", _path("s.csv"))
        args += _option(draw, "--value", first(["students", "nope", "name"]))
        args += _option(draw, "--radius-km", first(["2", "0", "-1", "nan", "x"]))
        args += draw(st.sampled_from([[], ["--kernel", draw(first(["gaussian", "moon"]))]]))
        return [*args, *_option(draw, "--out", out)], [out]
    args = ["spillover", "estimate", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += _option(draw, "--outcome", first(["y", "nope", "ags"]))
    args += _option(draw, "--sources", _path("s.csv"))
    args += draw(st.sampled_from([[], ["--size", draw(first(["students", "nope"]))]]))
    args += ["--radii", draw(first(["1:4:1", "1:3:0.5", "2:60:0", "x", "4:1:1"], valid=2))]
    args += ["--n-boot", draw(first(["19", "0", "-5"]))]
    args += draw(st.sampled_from([[], ["--json"]]))
    return args, []


def _index(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv"]))
    args = ["index", draw(_path("t.csv"))]
    args += _option(draw, "--spec", _path("spec.toml", "t.csv"))
    args += draw(
        st.sampled_from(
            [[], ["--normalization", draw(first(["zscore", "rank", "goalposts", "reference"]))]]
        )
    )
    args += draw(st.sampled_from([[], ["--aggregation", draw(first(["gmean", "copeland", "x"]))]]))
    args += draw(st.sampled_from([[], ["--weights", draw(first(["equal", "pca"]))]]))
    args += draw(st.sampled_from([[], ["--missing", draw(first(["skip", "median", "drop"]))]]))
    args += draw(st.sampled_from([[], ["--treatment", draw(first(["log", "winsorize"]))]]))
    if "reference" in args or (hostile() and draw(st.booleans())):
        args += ["--reference", draw(first(["05910001", "nope"]))]
    args += draw(st.sampled_from([[], ["--audit"]]))
    args += draw(st.sampled_from([[], ["--uncertainty", draw(first(["4", "0", "-1", "x"]))]]))
    args += _option(draw, "--out", out)
    return args, [out]


def _map(draw) -> tuple[list[str], list[str]]:
    outs = [draw(_outputs([".html", ".png"]))]
    if draw(st.booleans()):
        outs.append(draw(_outputs([".png", ".html"])))
    args = ["map", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += _option(draw, "--column", first(["y", "z", "nope"]))
    if draw(st.booleans()):
        args += ["--column", draw(first(["z", "y"]))]
    args += draw(st.sampled_from([[], ["--kind", draw(first(["clusters", "bars"]))]]))
    args += draw(st.sampled_from([[], ["--title", draw(texts())]]))
    args += draw(st.sampled_from([[], ["--unit", draw(first(["%", "y=%", "nope=%"]))]]))
    args += draw(st.sampled_from([[], ["--label", "y=" + draw(texts())]]))
    args += draw(st.sampled_from([[], ["--tooltip", draw(first(["name", "z", "nope"]))]]))
    args += draw(st.sampled_from([[], ["--scheme", draw(first(["fisher_jenks", "nope"]))]]))
    args += draw(st.sampled_from([[], ["--k", draw(first(["3", "0", "x"]))]]))
    args += draw(st.sampled_from([[], ["--cmap", draw(first(["magma", "nope"]))]]))
    args += draw(st.sampled_from([[], ["--place-names", draw(first(["all", "3", "-1", "x"]))]]))
    args += draw(st.sampled_from([[], ["--attribution", draw(texts())]]))
    for out in outs:
        args += _option(draw, "--out", out)
    return args, outs


def _demo(draw) -> tuple[list[str], list[str]]:
    # a valid demo run is tested in test_demo.py; here the outputs folder is hostile
    return ["demo", "--out", draw(st.sampled_from(["@t.csv", "@m.gpkg", "", " "])), "--quiet"], []


def _graph(draw) -> list[str]:
    return draw(first([[], ["--graph", "rook"], ["--graph", "knn", "--k", "2"], ["--graph", "x"]]))


def _model(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv"]))
    args = ["model", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += _option(draw, "--outcome", first(["y", "nope", "b"]))
    args += ["--covariate", draw(first(["z", "y", "nope"]))]
    args += ["--model", draw(first(["slx", "durbin", "sdm"], valid=2)), *_graph(draw)]
    args += ["--draws", draw(first(["100", "5", "x"]))]
    figure = draw(first([None, "@fig.png", "@fig.txt"], valid=2))
    args += ["--figure", figure] if figure else []
    args += _option(draw, "--out", out)
    return args, [out, *([figure] if figure else [])]


def _rates(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv", ".gpkg"]))
    args = ["rates", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += _option(draw, "--events", first(["b", "y", "nope"]))
    args += _option(draw, "--base", first(["z", "b", "nope"]))
    args += ["--method", draw(first(["raw", "spatial_rate", "kriging"], valid=2)), *_graph(draw)]
    args += ["--permutations", draw(first(["19", "0", "-1"]))]
    maps = draw(st.lists(first(["@r.html", "@r.png", "@r.txt"], valid=2), max_size=2))
    for page in maps:
        args += ["--map", page]
    args += _option(draw, "--out", out)
    return args, [out, *maps]


def _markov(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv"]))
    releases = draw(st.lists(first(["@t.csv", "@empty.csv", "@garbage.tif"]), min_size=1,
                             max_size=3))  # fmt: skip
    args = ["markov"]
    for i, path in enumerate(releases):
        args += ["--release", f"r{i}={path}"]
    args += ["--indicator", draw(first(["y", "z", "nope"], valid=2))]
    args += ["--k", draw(first(["3", "1", "x"]))]
    if draw(st.booleans()):
        args += ["--boundaries", draw(_path("m.gpkg"))]
    args += _option(draw, "--out", out)
    return args, [out]


def _regions(draw) -> tuple[list[str], list[str]]:
    out = draw(_outputs([".csv", ".gpkg"]))
    args = ["regions", draw(_path("m.gpkg", "broken.gpkg"))]
    args += _option(draw, "--table", _path("t.csv")) + _keys(draw)
    args += ["--column", draw(first(["y", "z", "nope"], valid=2))]
    method = draw(first(["ward", "skater", "maxp", "x"], valid=3))
    args += ["--method", method, *_graph(draw)]
    if method == "maxp" or hostile():
        args += ["--floor", draw(first(["20", "0", "1e9"])), "--floor-column", "y"]
    if method != "maxp" or hostile():
        args += ["--n-regions", draw(first(["2", "3", "0", "99"], valid=2))]
    args += _option(draw, "--out", out)
    return args, [out]


DRAWS = {
    "markov": _markov,
    "model": _model,
    "rates": _rates,
    "regions": _regions,
    "demo": _demo,
    "overlay": _overlay,
    "stats": _stats,
    "spillover": _spillover,
    "index": _index,
    "map": _map,
}


def test_every_command_has_a_case():
    assert sorted(DRAWS) == sorted(COMMANDS)


def _fingerprints(where: Path) -> dict[str, str]:
    return {
        str(path.relative_to(where)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in where.rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize("command", sorted(DRAWS))
def test_the_command_contract_holds(command, inputs):
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(hostile=st.booleans(), data=st.data())
    def run(hostile, data):
        token = HOSTILE.set(hostile)
        try:
            args, outputs = DRAWS[command](data.draw)
        finally:
            HOSTILE.reset(token)
        where = folder()
        shutil.copytree(inputs, where, dirs_exist_ok=True)
        args = [a.replace("@", f"{where}/") for a in args]  # "@" marks a path in the folder
        outputs = [out.removeprefix("@") for out in outputs]
        before = _fingerprints(where)
        result = CliRunner().invoke(main, args)
        after = _fingerprints(where)
        shown = f"ruhrgeo {' '.join(args)}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        assert result.exit_code in (0, 2), shown + repr(result.exception)
        for name, digest in before.items():
            if name in outputs and result.exit_code == 0:
                continue  # an existing file named as an output (not an input) is replaced
            assert after.get(name) == digest, f"{name} changed or vanished\n{shown}"
        leftovers = [p for p in where.rglob(".ruhrgeo-*")]
        assert not leftovers, f"left behind {leftovers}\n{shown}"
        if result.exit_code == 2:
            message = result.stderr.rstrip("\n")
            assert message.startswith("Error: ") and "\n" not in message, shown
            assert "Traceback" not in result.output, shown
            for out in outputs:
                if out not in before:
                    assert not (where / out).exists(), f"a failed run wrote {out}\n{shown}"
        else:
            for out in outputs:
                if f"--out {where / out}" in " ".join(args):
                    assert (where / out).is_file(), f"no {out} after exit 0\n{shown}"

    run()
