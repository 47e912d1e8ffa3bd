"""Maps: offline HTML, budgets, determinism, escaping, gap-free simplification, PNG twins."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from conftest import munis_frame, square

from ruhrgeo import datasets, maps, read_municipalities
from ruhrgeo.cli import main
from ruhrgeo.errors import MissingColumnError, ParameterError
from ruhrgeo.maps import figures

HOSTILE = "<img src=x onerror=alert(1)>"
MB = 1_000_000


@pytest.fixture(scope="module")
def demo():
    return read_municipalities(datasets.demo_municipalities())


def packed_features(page: str) -> list:
    match = re.search(r"ruhrgeoUnpack\((\{.*?\})\), \{", page, re.S)
    assert match, "no packed polygons in the page"
    return json.loads(match.group(1))["f"]


def test_page_is_self_contained_and_deterministic(demo, tmp_path):
    first = maps.save_html(maps.choropleth(demo, "population"), tmp_path / "a.html")
    second = maps.save_html(maps.choropleth(demo, "population"), tmp_path / "b.html")
    assert first.read_bytes() == second.read_bytes()
    page = first.read_text()
    assert not re.search(r"<script[^>]* src=|<link[^>]* href=", page)  # all inlined
    assert "L.map(" in page and "ruhrgeoUnpack" in page
    assert len(packed_features(page)) == 53


def test_hostile_names_and_titles_are_escaped(demo, tmp_path):
    gdf = demo.assign(name=demo["name"].where(demo.index != "05913000", HOSTILE))
    m = maps.choropleth(
        gdf, "population", title=HOSTILE, unit=HOSTILE, tooltip=("name", "population")
    )
    page = maps.save_html(m, tmp_path / "x.html").read_text()
    assert "<img" not in page
    texts = {row[0]: row[2] for row in packed_features(page)}
    assert texts["05913000"][0] == "&lt;img src=x onerror=alert(1)&gt;"


def test_ruhr_real_map_within_budget_and_gap_free(ruhr_real, tmp_path):
    path = maps.save_html(maps.choropleth(ruhr_real, "population"), tmp_path / "ruhr.html")
    assert path.stat().st_size <= 1 * MB
    simple = maps.simplify(ruhr_real).to_crs(25832)
    original = ruhr_real.to_crs(25832)
    union_before = shapely.union_all(original.geometry.to_numpy()).area
    union_after = shapely.union_all(simple.geometry.to_numpy()).area
    assert simple.geometry.is_valid.all()
    assert union_after == pytest.approx(union_before, rel=1e-3)
    overlaps = shapely.area(shapely.intersection(*np.meshgrid(simple.geometry, simple.geometry)))
    np.fill_diagonal(overlaps, 0)
    assert overlaps.sum() / simple.area.sum() < 1e-3  # no slivers between neighbours


def test_germany_map_within_budget(shared_data, tmp_path):
    de = read_municipalities(
        shared_data / "boundaries" / "germany_municipalities.gpkg", layer="municipalities"
    )
    de = de.assign(density=de["population"] / de["area_km2"])
    path = maps.save_html(maps.choropleth(de, "density", unit="per km²"), tmp_path / "de.html")
    assert path.stat().st_size <= 3 * MB
    simple = maps.simplify(de).to_crs(3035)
    change = (simple.area - de.to_crs(3035).area).abs() / de.to_crs(3035).area
    assert change.median() <= 0.01
    assert len(packed_features(path.read_text())) == 10_997


def test_cluster_map_uses_the_fixed_colours(demo, tmp_path):
    labels = pd.Series("Not significant", index=demo.index)
    labels.iloc[:3] = "High-High"
    page = maps.save_html(maps.cluster_map(demo, labels), tmp_path / "c.html").read_text()
    assert '"#d3d3d3"' in page and '"#d7191c"' in page
    with pytest.raises(ParameterError, match=r"unknown cluster labels \['Hot'\]"):
        maps.cluster_map(demo, labels.replace("High-High", "Hot"))


def test_spillover_map_and_atlas(demo, tmp_path):
    unis = datasets.universities()
    rings = maps.spillover_map(demo, unis, radius_km=20)
    allocated = maps.spillover_map(
        demo, datasets.demo_it_graduates(), radius_km=20, values="it_graduates"
    )
    page = maps.save_html(
        maps.atlas(maps.choropleth(demo, "population"), rings, allocated), tmp_path / "atlas.html"
    ).read_text()
    assert page.count("L.circle(") == 2 * len(unis) and page.count("L.circleMarker(") == 2 * len(
        unis
    )
    assert page.count("L.control({position") == 2  # one legend per polygon layer


def test_errors(demo):
    with pytest.raises(MissingColumnError, match="`column` 'nope' is not in the data"):
        maps.choropleth(demo, "nope")
    with pytest.raises(MissingColumnError, match="tooltip fields \\['kreis_x'\\]"):
        maps.choropleth(demo, "population", tooltip=("kreis_x",))
    with pytest.raises(ParameterError, match="needs at least one map"):
        maps.atlas()
    one = munis_frame([square(0, 0, 1000, 1000)]).assign(v=1.0)
    with pytest.raises(ParameterError, match="at least two values"):
        maps.choropleth(one, "v")


def test_png_twin(demo, tmp_path):
    path = figures.save_png(figures.plot(demo, "population", title=HOSTILE), tmp_path / "p.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_map_command(demo, tmp_path):
    table = tmp_path / "t.csv"
    demo[["population"]].to_csv(table)
    result = CliRunner().invoke(
        main,
        [
            "map",
            str(datasets.demo_municipalities()),
            "--table",
            str(table),
            "--column",
            "population",
            "--out",
            str(tmp_path / "m.html"),
            "--png",
            str(tmp_path / "m.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.html").stat().st_size < MB and (tmp_path / "m.png").exists()
