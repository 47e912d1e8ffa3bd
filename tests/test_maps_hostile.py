"""Bad input to every map entry point: a specific error naming the input and the fix, no
traceback from the CLI, nothing written, nothing changed."""

from __future__ import annotations

import os

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import colormaps

from ruhrgeo import datasets, maps
from ruhrgeo.cli import main
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    InputTypeError,
    MapDataError,
    MapTextError,
    MissingColumnError,
    OutputError,
    ParameterError,
    RuhrgeoError,
)
from ruhrgeo.maps import figures, shading


@pytest.fixture(scope="module")
def demo():
    return datasets.ruhr_municipalities()


def column(demo, values):  # type: ignore[no-untyped-def]
    return demo.assign(v=list(values) + [1.0] * (len(demo) - len(values)))


CHOROPLETH = [
    (lambda d: {"gdf": d, "column": 0}, InputTypeError, r"`column` must be a column name"),
    (lambda d: {"gdf": d, "column": "nope"}, MissingColumnError, r"`column` 'nope' is not a"),
    (lambda d: {"gdf": d.iloc[:0], "column": "population"}, MapDataError, r"has no rows"),
    (
        lambda d: {"gdf": pd.DataFrame(d), "column": "population"},
        InputTypeError,
        r"must be a GeoDataFrame.*got DataFrame",
    ),
    (lambda d: {"gdf": d.assign(v=np.nan), "column": "v"}, MapDataError, r"`v` has no values"),
    (
        lambda d: {"gdf": column(d, ["12,5", "x"]), "column": "v"},
        MapDataError,
        r"`v` has 2 values that are not numbers, e.g. \['12,5', 'x'\].*read_indicators",
    ),
    (lambda d: {"gdf": column(d, [np.inf]), "column": "v"}, MapDataError, r"`v` is infinite"),
    (lambda d: {"gdf": d.assign(v=True), "column": "v"}, MapDataError, r"True/False"),
    (
        lambda d: {"gdf": d, "column": "population", "scheme": "natural_breaks"},
        ParameterError,
        r"natural_breaks is random, use fisher_jenks",
    ),
    (lambda d: {"gdf": d, "column": "population", "scheme": 3}, ParameterError, "not one of"),
    (
        lambda d: {"gdf": d, "column": "population", "k": 0},
        ParameterError,
        "must be a whole number in \\[1, 20\\]",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "k": 2.5},
        ParameterError,
        "must be a whole number in \\[1, 20\\]",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "k": True},
        ParameterError,
        "must be a whole number in \\[1, 20\\]",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "bins": [1, 2]},
        ParameterError,
        r"give `bins` .* with scheme='user_defined'",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "scheme": "user_defined"},
        ParameterError,
        r"give `bins`",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "scheme": "user_defined", "bins": [3, 2]},
        ParameterError,
        r"finite and increasing",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "scheme": "user_defined", "bins": ["a"]},
        ParameterError,
        r"`bins` must be numbers",
    ),
    (lambda d: {"gdf": d, "column": "population", "cmap": "nope"}, ParameterError, "color map"),
    (
        lambda d: {"gdf": d, "column": "population", "tooltip": ["nope"]},
        MissingColumnError,
        r"`tooltip` 'nope'",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "tooltip": 5},
        InputTypeError,
        r"`tooltip` must be a list",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "units": {"popul": "%"}},
        MissingColumnError,
        r"`units` names \['popul'\].*spelling",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "units": "%"},
        InputTypeError,
        r"`units` must map column names to texts",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "aliases": {"population": None}},
        InputTypeError,
        r"`aliases` must give a text per column",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "place_names": -1},
        ParameterError,
        r"`place_names \(True, False or",
    ),
    (
        lambda d: {"gdf": d, "column": "population", "place_names": "all"},
        ParameterError,
        r"`place_names \(True, False or",
    ),
    (lambda d: {"gdf": d, "column": "population", "title": 5}, InputTypeError, "`title` must"),
    (
        lambda d: {"gdf": d, "column": "population", "attribution": ["x"]},
        InputTypeError,
        "`attribution` must be a text",
    ),
    (
        lambda d: {
            "gdf": d.assign(name=pd.Series(["\udce4ssen", *d["name"][1:]], d.index, object)),
            "column": "population",
        },
        MapTextError,
        r"not valid Unicode.*encoding",
    ),
    (
        lambda d: {"gdf": d.set_crs(None, allow_override=True), "column": "population"},
        CRSMissingError,
        r"no CRS",
    ),
    (
        lambda d: {"gdf": d.reset_index().assign(ags="05112000"), "column": "population"},
        DuplicateIdError,
        r"duplicated",
    ),
]


@pytest.mark.parametrize(("make", "error", "match"), CHOROPLETH)
def test_choropleth_and_its_png_refuse_bad_input(demo, make, error, match):
    kwargs = make(demo)
    with pytest.raises(error, match=match):
        maps.choropleth(**kwargs)
    if "tooltip" not in kwargs:  # the figure has no tooltips
        with pytest.raises(error, match=match):
            figures.plot(**kwargs)


def _labels(demo, value="Not significant"):  # type: ignore[no-untyped-def]
    return pd.Series(value, index=demo.index)


CLUSTERS = [
    (lambda d: _labels(d, "Hot"), MapDataError, r"unknown categories \['Hot'\]"),
    (
        lambda d: _labels(d).set_axis(range(len(d))),
        MapDataError,
        r"53 ids that are not areas of the map, e.g. \['0', .*index the labels",
    ),
    (lambda d: list(_labels(d)), InputTypeError, r"`clusters` must be a Series"),
    (lambda d: pd.DataFrame({"label": _labels(d)}), MissingColumnError, r"`clusters` 'cluster'"),
]


@pytest.mark.parametrize(("make", "error", "match"), CLUSTERS)
def test_cluster_map_refuses_bad_labels(demo, make, error, match):
    with pytest.raises(error, match=match):
        maps.cluster_map(demo, make(demo))


def _sources() -> gpd.GeoDataFrame:
    return datasets.demo_it_graduates()


SPILLOVER = [
    ({"radius_km": 0}, ParameterError, r"`radius_km \(the"),
    ({"radius_km": float("nan")}, ParameterError, r"`radius_km \(the"),
    ({"radius_km": None}, ParameterError, r"`radius_km \(the"),
    ({"sources": _sources().iloc[:0]}, MapDataError, r"`sources` has no rows"),
    ({"sources": pd.DataFrame(_sources())}, InputTypeError, r"`sources` must be a GeoDataFrame"),
    (
        {"sources": _sources().set_geometry(_sources().to_crs(25832).buffer(100))},
        MapDataError,
        r"`sources` must be points, got \['Polygon'\]",
    ),
    ({"sources": _sources().set_crs(None, allow_override=True)}, MapDataError, r"no CRS"),
    ({"values": "nope"}, MissingColumnError, r"`values` 'nope'"),
    ({"values": "status"}, MapDataError, r"`status` has \d+ values that are not numbers"),
    ({"size": "nope"}, MissingColumnError, r"`size` 'nope'"),
    (
        {"sources": _sources().assign(it_graduates=-1.0), "size": "it_graduates"},
        MapDataError,
        r"negative",
    ),
]


@pytest.mark.parametrize(("change", "error", "match"), SPILLOVER)
def test_spillover_map_refuses_bad_input(demo, change, error, match):
    kwargs = {"sources": _sources(), "radius_km": 20.0, **change}
    with pytest.raises(error, match=match):
        maps.spillover_map(demo, **kwargs)


def test_atlas_and_map_take_only_ruhrgeo_maps_and_layers():
    with pytest.raises(ParameterError, match="needs at least one map"):
        maps.atlas()
    with pytest.raises(InputTypeError, match=r"takes ruhrgeo maps .* got \['Map'\]"):
        maps.atlas(folium.Map())
    with pytest.raises(InputTypeError, match="Map takes ruhrgeo layers"):
        maps.Map("x")


def test_a_layer_kind_is_one_of_three_names():
    with pytest.raises(ParameterError, match=r"`kind` must be one of"):
        maps.MapLayer("x); alert(1", "name", True, {}, (0, 0, 1, 1))


@pytest.fixture
def page(demo):
    return maps.choropleth(demo, "population")


@pytest.mark.parametrize(
    ("where", "error", "match"),
    [
        (".", OutputError, r"is a folder; give a file name"),
        ("m.png", ParameterError, r"written as .html or .htm, got 'm.png'"),
        ("file.txt/m.html", OutputError, r"cannot write .*file.txt/m.html"),
        (5, InputTypeError, r"`path` must be a file path"),
    ],
)
def test_save_html_refuses_bad_paths_and_writes_nothing(page, tmp_path, where, error, match):
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / where if isinstance(where, str) else where
    with pytest.raises(error, match=match):
        maps.save_html(page, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    with pytest.raises(error, match=match):
        page.save(target) if isinstance(where, str) else maps.save_html(page, target)


def test_save_html_and_save_png_refuse_what_is_not_a_map_or_figure(tmp_path):
    with pytest.raises(InputTypeError, match=r"`m` must be a map"):
        maps.save_html("<html>", tmp_path / "m.html")
    with pytest.raises(InputTypeError, match=r"`fig` must be a matplotlib Figure"):
        maps.save_png("fig", tmp_path / "m.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("where", "dpi", "error", "match"),
    [
        (".", 150, OutputError, r"is a folder"),
        ("m.html", 150, ParameterError, r"figures are written as .png"),
        ("m.png", 0, ParameterError, r"`dpi` must be a whole number"),
        ("file.txt/m.png", 150, OutputError, r"cannot write"),
    ],
)
def test_save_png_refuses_bad_paths_and_writes_nothing(demo, tmp_path, where, dpi, error, match):
    (tmp_path / "file.txt").write_text("x")
    fig = figures.plot(demo, "population")
    with pytest.raises(error, match=match):
        maps.save_png(fig, tmp_path / where, dpi=dpi)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_a_read_only_folder_is_refused_and_left_empty(page, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match=r"cannot write .*read-only/m.html"):
            maps.save_html(page, folder / "m.html")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_an_ags_index_kept_as_a_column_too_is_fine(demo):
    twin = demo.reset_index().set_index("ags", drop=False)
    m = maps.cluster_map(twin, pd.Series("High-High", index=demo.index[:3]))
    assert m.layers[0].data["legend"]["entries"][0] == ["#d7191c", "High-High (3)"]


def test_a_failed_write_leaves_no_file_and_no_temporary(page, tmp_path, monkeypatch):
    def full_disk(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        maps.save_html(page, tmp_path / "m.html")
    assert list(tmp_path.iterdir()) == []


def test_missing_or_changed_leaflet_asset_is_an_error(page, tmp_path, monkeypatch):
    from offlinefolium import elements

    url = maps.assets.LEAFLET_JS
    monkeypatch.setitem(elements._res, url, elements._res[url] + "/* changed */")
    with pytest.raises(RuhrgeoError, match=r"ships a different .*leaflet.js .*folium-offline=="):
        maps.save_html(page, tmp_path / "m.html")
    monkeypatch.delitem(elements._res, url)
    with pytest.raises(RuhrgeoError, match=r"does not provide .*leaflet.js"):
        page._repr_html_()
    assert list(tmp_path.iterdir()) == []


def test_a_folium_element_that_needs_the_network_is_refused(page, tmp_path):
    folium.Element('<script src="https://example.org/x.js"></script>').add_to(
        page.get_root().header
    )
    plain = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(plain)  # folium-offline provides its script
    assert "example.org" not in maps.save_html(plain, tmp_path / "plain.html").read_text()
    other = folium.Map(tiles=None)
    other.get_root().header.add_child(folium.JavascriptLink("https://example.org/x.js"))
    with pytest.raises(RuhrgeoError, match=r"does not provide https://example.org/x.js"):
        maps.save_html(other, tmp_path / "other.html")
    assert [p.name for p in tmp_path.iterdir()] == ["plain.html"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.just(np.nan)), min_size=1, max_size=40
    ),
    st.sampled_from(["quantiles", "equal_interval", "fisher_jenks", "box_plot", "std_mean"]),
    st.integers(1, 7),
)
def test_shading_puts_every_value_in_one_ordered_class_and_counts_the_missing(values, scheme, k):
    series = pd.Series(values, dtype=float)
    if series.isna().all():
        return  # refused before shading (test above)
    shaded = shading.numbers(
        series, title="t", scheme=scheme, k=k, bins=None, cmap=colormaps["viridis"], unit=None
    )
    classes = shaded.classes.to_numpy()
    assert ((classes == -1) == series.isna().to_numpy()).all()
    valid = series.notna().to_numpy()
    order = np.argsort(series[valid].to_numpy(), kind="stable")
    assert (np.diff(classes[valid][order]) >= 0).all()  # larger values never in lower classes
    counts = [int(text.rsplit("(", 1)[1][:-1]) for _, text in shaded.legend]
    assert sum(counts) == len(series)
    assert len(shaded.palette) == len(shaded.legend) - (1 if (~valid).any() else 0)


def test_inputs_are_not_changed(demo):
    before = demo.copy()
    gdf = demo.assign(v=np.r_[np.nan, np.arange(len(demo) - 1.0)])
    copy = gdf.copy()
    maps.choropleth(gdf, "v", place_names=3)
    figures.plot(gdf, "v")
    maps.spillover_map(gdf, _sources(), radius_km=20, values="it_graduates")
    pd.testing.assert_frame_equal(gdf, copy)
    pd.testing.assert_frame_equal(demo, before)


# --- the command line: exit 2, one line, no traceback, nothing written ---


@pytest.fixture
def files(tmp_path, demo, monkeypatch):
    monkeypatch.chdir(tmp_path)
    demo[["name"]].assign(v=np.arange(len(demo)) + 0.5, label="Not significant").to_csv(
        "t.csv", sep=";", decimal=","
    )
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "outdir").mkdir()
    return tmp_path


BOUNDS = str(datasets.ruhr_municipalities_path())
CLI = [
    (["nope.gpkg", "--table", "t.csv", "--column", "v"], "no file at 'nope.gpkg'"),
    ([BOUNDS, "--table", "nope.csv", "--column", "v"], "no file at 'nope.csv'"),
    ([BOUNDS, "--table", "empty.csv", "--column", "v"], "empty.csv"),
    ([BOUNDS, "--table", "t.csv", "--column", "nope"], "has no column 'nope'"),
    ([BOUNDS, "--table", "t.csv", "--column", "name"], "values that are not numbers"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--kind", "clusters"], "unknown categories"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--scheme", "jenks"], "not one of"),
    (
        [BOUNDS, "--table", "t.csv", "--column", "v", "--k", "0"],
        "must be a whole number in [1, 20]",
    ),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--bins", "1,x"], "--bins takes a number"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--bins", "1,2"], "give `bins`"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--cmap", "nope"], "color map"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--place-names", "x"], "--place-names"),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--unit", "=%"], "--unit takes NAME=VALUE"),
    (
        [BOUNDS, "--table", "t.csv", "--column", "v", "--column", "v", "--unit", "%"],
        "--unit '%' has no column",
    ),
    ([BOUNDS, "--table", "t.csv", "--column", "v", "--unit", "x=%"], "`units` names ['x']"),
]
OUTS = ["--out", "m.html", "--out", "m.png"]


@pytest.mark.parametrize(("args", "message"), CLI)
def test_map_command_bad_input_exits_2_with_one_line_and_writes_nothing(files, args, message):
    before = sorted(p.name for p in files.iterdir())
    result = CliRunner().invoke(main, ["map", *args, *OUTS])
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in files.iterdir()) == before


@pytest.mark.parametrize(
    ("outs", "message"),
    [
        (["--out", "m.txt"], "written as .html or .htm or .png, got 'm.txt'"),
        (["--out", "outdir"], "is a folder"),
        (["--out", "m.html", "--out", "file.txt/m.png"], "cannot write"),
        (["--column", "v", "--out", "m.png"], "a PNG shows one column"),
    ],
)
def test_map_command_bad_outputs_write_nothing(files, outs, message):
    before = sorted(p.name for p in files.iterdir())
    args = ["map", BOUNDS, "--table", "t.csv", "--column", "v", *outs]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in files.iterdir()) == before


def test_map_command_writes_html_and_png_by_suffix(files):
    args = [
        "map",
        BOUNDS,
        "--table",
        "t.csv",
        "--column",
        "v",
        "--unit",
        "%",
        "--label",
        "v=Share",
        "--place-names",
        "5",
        "--attribution",
        "© test",
        *OUTS,
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (files / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (files / "m.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Share</title>" in page
    assert '"labels":["Municipality","Share"]' in page and '"0.5 %"' in page
    assert "© test" in page


def test_map_command_clusters_and_several_columns(files):
    common = ["map", BOUNDS, "--table", "t.csv"]
    lisa = CliRunner().invoke(
        main, [*common, "--column", "label", "--kind", "clusters", "--out", "c.html"]
    )
    assert lisa.exit_code == 0, lisa.output
    assert "Not significant (53)" in (files / "c.html").read_text(encoding="utf-8")
    both = CliRunner().invoke(
        main, [*common, "--column", "v", "--column", "label", "--unit", "v=%", "--out", "a.html"]
    )
    assert both.exit_code == 2 and "`label` has 53 values that are not numbers" in both.stderr
    two = CliRunner().invoke(
        main, [*common, "--column", "v", "--column", "name", "--out", "a.html"]
    )
    assert two.exit_code == 2
