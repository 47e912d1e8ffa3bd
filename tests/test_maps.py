"""Maps: offline whichever way saved, deterministic, honest about missing data, the same
classes and legends in HTML and PNG, layers one at a time, credits, small pages."""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text

from ruhrgeo import datasets, maps
from ruhrgeo.maps import escape, figures
from ruhrgeo.spillover import allocate

MB = 1_000_000
CDN = re.compile(r"jsdelivr|unpkg|cdnjs|googleapis|bootstrapcdn|code\.jquery", re.I)
LINKED = re.compile(r"<script[^>]*\ssrc=|<link[^>]*\shref=", re.I)


@pytest.fixture(scope="module")
def demo():
    return datasets.ruhr_municipalities()


@pytest.fixture(scope="module")
def gaps(demo):
    """The demo with population missing for three municipalities, and shares."""
    population = demo["population"].astype(float)
    population.iloc[[2, 7, 11]] = np.nan
    share = pd.Series(np.linspace(10, 99, len(demo)), index=demo.index)
    return demo.assign(population=population, share=share)


def calls(page: str, function: str) -> list:
    """The JSON arguments of every ``ruhrgeo.<function>(map, {...})`` call in a page."""
    return [
        json.loads(m) for m in re.findall(rf"ruhrgeo\.{function}\(map_\d+, (\{{.*?\}})\);\n", page)
    ]


def test_every_way_of_saving_gives_the_same_offline_page(gaps, tmp_path):
    first = maps.save_html(maps.choropleth(gaps, "population"), tmp_path / "a.html")
    m = maps.choropleth(gaps, "population")
    m.save(tmp_path / "b.html")  # folium's way
    rendered = m.get_root().render()
    notebook = m._repr_html_()
    page = first.read_text(encoding="utf-8")
    assert (tmp_path / "b.html").read_text(encoding="utf-8") == page == rendered
    srcdoc = html.unescape(re.search(r'srcdoc="(.*?)"', notebook, re.S).group(1))
    assert srcdoc == page
    assert not LINKED.search(page) and not CDN.search(page) and not CDN.search(notebook)
    assert "Leaflet 1.9.3" in page and "<title>population</title>" in page
    assert page.count("`") == 0 and "${" not in page  # no template literal anywhere


def test_missing_data_is_counted_and_never_a_class(gaps):
    layer = maps.choropleth(gaps, "population", k=4).layers[0]
    classes = np.array(layer.data["classes"])
    assert (classes == -1).sum() == 3
    assert sorted(np.flatnonzero(classes == -1)) == [2, 7, 11]
    entries = layer.data["legend"]["entries"]
    assert entries[-1] == [None, "no data (3)"]
    assert None not in layer.data["palette"]
    assert sum(int(re.search(r"\((\d+)\)$", t).group(1)) for _, t in entries) == len(gaps)


def test_clusters_without_a_label_are_no_data_not_not_significant(demo):
    labels = pd.Series("Not significant", index=demo.index[:50])
    labels.iloc[:4] = "High-High"
    layer = maps.cluster_map(demo, labels).layers[0]
    assert layer.data["classes"][-3:] == [-1, -1, -1]
    assert layer.data["legend"]["entries"][0] == ["#d7191c", "High-High (4)"]
    assert layer.data["legend"]["entries"][-1] == [None, "no data (3)"]


def test_classes_are_mapclassify_s(gaps):
    values = gaps["population"].dropna()
    layer = maps.choropleth(gaps, "population", scheme="fisher_jenks", k=4).layers[0]
    reference = mapclassify.FisherJenks(values.to_numpy(), k=4)
    classes = pd.Series(layer.data["classes"], index=gaps.index).loc[values.index]
    assert classes.tolist() == reference.yb.tolist()
    counts = [int(re.search(r"\((\d+)\)$", t).group(1)) for _, t in layer.data["legend"]["entries"]]
    assert counts[:4] == reference.counts.tolist()
    fixed = maps.choropleth(gaps, "share", scheme="user_defined", bins=[50, 90, 100]).layers[0]
    expected = np.digitize(gaps["share"], [50, 90], right=True)
    assert fixed.data["classes"] == expected.tolist()
    assert [t for _, t in fixed.data["legend"]["entries"]][1].startswith("50.0 – 90.0")


def test_units_and_labels_per_column(gaps):
    m = maps.choropleth(
        gaps,
        "share",
        tooltip=["name", "share", "population", "kreis"],
        units={"share": "%", "population": "inhabitants"},
        aliases={"share": "FTTB/H", "population": "Inhabitants"},
    )
    data = m.layers[0].data
    assert data["labels"] == ["Municipality", "FTTB/H", "Inhabitants", "kreis"]
    first = data["texts"][0]
    assert first[0] == gaps["name"].iloc[0] and first[1] == "10.0 %"
    assert first[2] == f"{gaps['population'].iloc[0]:,.0f} inhabitants"
    assert first[3] == gaps["kreis"].iloc[0]  # text: no unit
    assert data["texts"][2][2] == "no data"
    assert all(t.endswith(")") and " % (" in t for _, t in data["legend"]["entries"])
    assert m.layers[0].name == data["legend"]["title"] == "FTTB/H"


def test_png_twin_has_the_page_s_classes_legend_and_hatching(gaps, tmp_path):
    options = {"k": 4, "units": {"population": "inhabitants"}, "attribution": "© Land NRW"}
    layer = maps.choropleth(gaps, "population", **options).layers[0]
    fig = figures.plot(gaps, "population", **options)
    ax, key = fig.axes  # the map, and the legend's column beside it
    legend = key.get_legend()
    assert [t.get_text() for t in legend.texts] == [t for _, t in layer.data["legend"]["entries"]]
    patches = legend.get_patches()
    assert [to_hex(p.get_facecolor()) for p in patches[:-1]] == layer.data["palette"]
    assert patches[-1].get_hatch() and to_hex(patches[-1].get_facecolor()) == "#ffffff"
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 3  # the three without data
    assert "© Land NRW" in [t.get_text() for t in fig.texts]
    first = figures.save_png(fig, tmp_path / "a.png").read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == figures.png_bytes(fig)


TEMPLATES = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{# gone #}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
]


def test_template_syntax_in_any_text_stays_text(demo):
    """folium renders element output as a Jinja template again: nothing may reach it."""
    text = "".join(TEMPLATES)
    gdf = demo.assign(name=[*TEMPLATES, *demo["name"].iloc[4:]])
    page = (
        maps.choropleth(
            gdf,
            "population",
            title=text,
            units={"population": text},
            aliases={"name": text},
            attribution=text,
            place_names=True,
        )
        .get_root()
        .render()
    )
    drawn = calls(page, "polygons")[0]
    assert [row[0] for row in drawn["texts"][:4]] == TEMPLATES
    assert drawn["labels"][0] == text and drawn["legend"]["title"] == text
    assert html.unescape(drawn["attribution"]) == text
    written = [row[2] for row in calls(page, "labels")[0]["points"]]  # largest place first
    assert set(TEMPLATES) <= set(written) and written[0] == "Dortmund"
    assert html.unescape(re.search(r"<title>(.*?)</title>", page).group(1)) == text
    assert "49" not in page.split("ruhrgeo.decorate")[1].split("ruhrgeo.unpack")[0]
    assert "/work" not in page and "xxx" not in page


def test_layers_one_at_a_time_overlays_as_checkboxes(demo):
    unis = datasets.universities()
    first = maps.choropleth(demo, "population", place_names=5)
    rings = maps.spillover_map(demo, unis, radius_km=20, size="students")
    before = first.get_root().render()
    both = maps.atlas(first, maps.choropleth(demo, "area_km2", place_names=5), rings)
    assert first.get_root().render() == before  # the maps given are not changed
    kinds = [(layer.kind, layer.base, layer.show) for layer in both.layers]
    assert kinds == [
        ("polygons", True, True),
        ("labels", False, True),
        ("polygons", True, True),  # the page shows only the first base layer
        ("polygons", True, True),
        ("points", False, False),
    ]
    page = both.get_root().render()
    control = re.search(r"base_layers : \{(.*?)\},\s*overlays :  \{(.*?)\}", page, re.S)
    assert control.group(1).count(": layer_") == 3
    assert "Place names" in control.group(2) and "km rings" in control.group(2)
    assert page.count("ruhrgeo.unpack(") == 1  # one geometry for three colored layers
    assert len(re.findall(r"layer_\d+\.addTo\(map_\d+\)", page)) == 2  # first base + names


def test_attribution_from_the_data_or_the_user(demo):
    credited = demo.copy()
    credited.attrs["source"] = "Verwaltungsgrenzen: © Land NRW (2022), dl-de/zero-2-0"
    page = maps.choropleth(credited, "population").get_root().render()
    assert calls(page, "polygons")[0]["attribution"].startswith("Verwaltungsgrenzen: © Land")
    own = maps.choropleth(credited, "population", attribution="<b>mine</b>").layers[0]
    assert json.loads(own.payload())["attribution"] == "&lt;b&gt;mine&lt;/b&gt;"
    shipped = maps.choropleth(demo, "population").layers[0].attribution  # the data's own
    assert shipped == demo.attrs["source"] and "Land NRW" in shipped
    assert maps.choropleth(demo.assign(x=1), "population").layers[0].attribution == shipped
    bare = demo.copy()
    bare.attrs = {}
    assert maps.choropleth(bare, "population").layers[0].attribution is None


def test_place_names_of_the_most_populous(demo):
    m = maps.choropleth(demo, "area_km2", place_names=3)
    names = [row[2] for row in m.layers[1].data["points"]]
    assert sorted(names) == sorted(demo.nlargest(3, "population")["name"])
    points = gpd.GeoSeries(
        shapely.points([(row[1], row[0]) for row in m.layers[1].data["points"]]), crs=4326
    )
    areas = demo.set_index("name").loc[names].to_crs(25832).buffer(5)  # 5 decimals: ~1 m
    assert shapely.contains(areas.to_numpy(), points.to_crs(25832).to_numpy()).all()


def test_spillover_map_allocates_and_rings(demo):
    graduates = datasets.demo_it_graduates()
    m = maps.spillover_map(demo, graduates, radius_km=25, values="it_graduates")
    polygons, rings = m.layers
    assert rings.data["radius"] == 25_000 and len(rings.data["points"]) == len(graduates)
    spread = allocate(demo, graduates, "it_graduates", radius_km=25)
    allocated = maps.choropleth(demo.assign(it_graduates=spread), "it_graduates", cmap="magma_r")
    assert polygons.data["classes"] == allocated.layers[0].data["classes"]
    assert polygons.data["texts"][0][1] == allocated.layers[0].data["texts"][0][1]


def test_ruhr_real_page_small_deterministic_and_gap_free(ruhr_real, tmp_path):
    path = maps.save_html(maps.choropleth(ruhr_real, "population"), tmp_path / "ruhr.html")
    assert path.stat().st_size <= 0.3 * MB  # 0.26 MB when written
    again = maps.save_html(maps.choropleth(ruhr_real, "population"), tmp_path / "again.html")
    assert path.read_bytes() == again.read_bytes()
    simple = maps.simplify(ruhr_real).to_crs(25832)
    original = ruhr_real.to_crs(25832)
    union_before = shapely.union_all(original.geometry.to_numpy()).area
    union_after = shapely.union_all(simple.geometry.to_numpy()).area
    assert simple.geometry.is_valid.all()
    assert union_after == pytest.approx(union_before, rel=1e-3)
    overlaps = shapely.area(shapely.intersection(*np.meshgrid(simple.geometry, simple.geometry)))
    np.fill_diagonal(overlaps, 0)
    assert overlaps.sum() / simple.area.sum() < 1e-3  # no slivers between neighbors


TEXT = st.text(max_size=60)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_script_json_carries_any_text_and_nothing_that_ends_a_script(text):
    out = escape.script_json({"t": text})
    assert json.loads(out) == {"t": text}
    assert not re.search(r"[<>&'`\u2028\u2029]|\{[{%#]", out)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_html_text_is_inert_and_reversible(text):
    out = escape.html_text(text)
    assert html.unescape(out) == text and not re.search(r"[<>\"'{]", out)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="$\\^_{}ab ", min_size=1, max_size=20))
def test_figure_text_is_shown_literally(text):
    """A column named like mathtext is drawn as written, in every text of a map's figure."""
    gdf = datasets.ruhr_municipalities().head(8).assign(**{text: range(8)})
    fig = maps.plot(gdf, text, title=text, units={text: text})
    FigureCanvasAgg(fig).draw()  # mathtext would raise on an unbalanced or bad $...$
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    assert texts and all(t._preprocess_math(t.get_text())[1] is False for t in texts)
    assert fig.axes[0].get_title() == text
