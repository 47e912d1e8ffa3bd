"""Hostile strings in every map kind and every context, in real Chromium, network blocked:
no dialog, no console error, no injected element, every string shown as the text it is."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_browser import Page, launch

from ruhrgeo import datasets, maps

PIECES = [
    '"',
    "'",
    "`",
    "${alert(1)}",
    "${",
    "}",
    "</script>",
    "<script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "<!--",
    "-->",
    "\\",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2028",  # line separator (ended a JavaScript string before ES2019)
    "Ünna",
    "Ωμέγα",
    "ملف",
    "👩\u200d💻",
    "{{ 7*7 }}",
    "{% if 1 %}if{% endif %}",
    "{# gone #}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",  # Jinja runs Python
    "&lt;",
    "&",
    "%s",
]
# Control characters are left out: HTML turns some of them into U+FFFD by its own rules.
READABLE = st.characters(blacklist_categories=("Cs", "Cc"))
HOSTILE = st.one_of(
    st.lists(st.sampled_from(PIECES) | st.text(READABLE, max_size=4), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: s.strip()),
    st.integers(300, 2000).map(lambda n: "W" * n),  # very long
)
ATTACK = "`${alert(1)}`</script><img src=x onerror=alert(2)>\u202e'\""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from launch(tmp_path_factory)


@pytest.fixture(scope="module")
def demo():
    return datasets.ruhr_municipalities()


def build(demo, names: list[str], text: str):  # type: ignore[no-untyped-def]
    """An atlas of every map kind with ``names`` for three municipalities and a campus, and
    ``text`` as title, unit, label, legend and credit."""
    gdf = demo.assign(name=[*names, *demo["name"].iloc[len(names) :]])
    gdf.attrs["source"] = text
    sources = datasets.demo_it_graduates().assign(short_name=names[0], site=text)
    spill = maps.spillover_map(
        gdf, sources, radius_km=20, values="it_graduates", units={"it_graduates": text}
    )
    chor = maps.choropleth(
        gdf,
        "population",
        title=text,
        units={"population": text},
        aliases={"name": text},
        place_names=True,
        attribution=text,
    )
    labels = pd.Series("Not significant", index=gdf.index)
    clusters = maps.cluster_map(gdf, labels, title=text, place_names=True)
    return maps.atlas(spill, chor, clusters, title=text), gdf


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(HOSTILE, min_size=3, max_size=3, unique=True), text=HOSTILE)
@example(names=[ATTACK, "`", "${alert(3)}"], text=ATTACK)
def test_hostile_strings_run_nothing_and_show_as_text(browser, demo, tmp_path, names, text):
    m, gdf = build(demo, names, text)
    path = maps.save_html(m, tmp_path / "hostile.html")
    shown = Page(browser, path)
    try:
        page = shown.page
        assert shown.dialogs == [] and shown.errors == [] and shown.requests == []
        injected = page.evaluate(
            """() => document.querySelectorAll('img, iframe, object, embed, script[src]').length
            + [...document.querySelectorAll('*')].filter(e =>
                [...e.attributes].some(a => a.name.startsWith('on'))).length"""
        )
        assert injected == 0
        assert page.title() == _collapsed(text)  # <title> collapses whitespace
        assert page.locator(".ruhrgeo-title").text_content() == text
        assert text in page.locator(".leaflet-control-attribution").text_content()
        control = page.locator(".leaflet-control-layers").text_content()
        assert text in control and f"{text} (2)" in control  # choropleth and clusters
        assert text in page.locator(".ruhrgeo-legend").text_content()  # the unit
        page.locator(".leaflet-control-layers").hover()  # the switcher opens on hover
        page.get_by_label("Place names").check()  # one overlay for both maps' names
        labels = page.locator(".ruhrgeo-label").all_text_contents()
        assert set(gdf["name"]) <= set(labels)
        marker = page.locator('path.leaflet-interactive[stroke="#222222"]').first
        marker.hover(force=True)
        page.wait_for_timeout(100)
        tips = page.locator(".leaflet-tooltip.ruhrgeo-tooltip").all_text_contents()
        assert f"{names[0]}: {text}" in tips
        page.locator(".leaflet-control-layers").hover()
        page.locator(".leaflet-control-layers-base input").nth(1).check()
        page.locator(".leaflet-control-layers-overlays input").first.uncheck()  # the rings
        page.get_by_label("Place names").uncheck()
        page.wait_for_timeout(100)
        shown.hover_feature(0)  # the choropleth: the name under its hostile label
        tip = page.locator(".leaflet-tooltip.ruhrgeo-tooltip").last.text_content()
        assert tip.startswith(f"{text}{names[0]}")
        assert shown.dialogs == [] and shown.errors == []
        if text == ATTACK:
            shown.shot("hostile.png")
    finally:
        shown.close()


def _collapsed(text: str) -> str:
    return re.sub(r"[ \t\n\f\r]+", " ", text).strip(" \t\n\f\r")
