"""Map pages in a real, headless Chromium with every network request refused.

The report basics are checked on a page of the real Ruhr built from the maps API; the demo's
page is checked once for basic rendering. Hostile strings are in tests/test_browser_hostile.py.
Needs Debian's chromium (/usr/bin/chromium) and playwright; skipped with a reason without
them, except in CI (RUHRGEO_REQUIRE_BROWSER=1), where their absence fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from ruhrgeo import datasets, maps

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"

MISSING = ["05112000", "05913000"]  # Duisburg and Dortmund lose their values here


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def launch(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Chromium, offline, once per test module (a generator for a module-scoped fixture)."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("RUHRGEO_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            offline=True,
            viewport={"width": 1100, "height": 800},
        )
        yield context
        context.close()


class Page:
    """A page opened from disk with all network refused, recording errors and dialogs."""

    def __init__(self, context, path: Path) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_timeout(300)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def hover_feature(self, number: int) -> str:
        """Hover the ``number``-th municipality; the tooltip's text."""
        self.page.mouse.move(0, 0)
        self.page.wait_for_timeout(100)
        box = self.page.locator("path.leaflet-interactive").nth(number).bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.wait_for_timeout(150)
        return self.page.locator(".leaflet-tooltip.ruhrgeo-tooltip").last.inner_text()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))
        return ARTIFACTS / name

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from launch(tmp_path_factory)


@pytest.fixture(scope="module")
def ruhr(ruhr_real, shared_data):
    table = pd.read_csv(
        shared_data / "coverage" / "ruhr_breitband_2021-06.csv", dtype={"ags": str}
    ).set_index("ags")
    gdf = ruhr_real.join(table[["ftthb_ge1000", "all_ge1000"]])
    gdf.loc[MISSING, "ftthb_ge1000"] = float("nan")
    gdf.attrs["source"] = "Breitbandatlas | Gigabit-Grundbuch, Daten verändert"
    return gdf


@pytest.fixture(scope="module")
def report(browser, ruhr, tmp_path_factory):
    units = {"ftthb_ge1000": "%", "all_ge1000": "%", "population": "inhabitants"}
    aliases = {"ftthb_ge1000": "FTTB/H ≥ 1 Gbit/s", "all_ge1000": "Gigabit"}
    tooltip = ["name", "ftthb_ge1000", "population"]
    options = {"units": units, "aliases": aliases, "place_names": 6}
    fiber = maps.choropleth(ruhr, "ftthb_ge1000", tooltip=tooltip, cmap="YlGnBu", **options)
    gigabit = maps.choropleth(ruhr, "all_ge1000", cmap="YlGnBu", **options)
    # labels by hand (the statistic is tested elsewhere; its first call compiles for 40 s)
    rank = ruhr["all_ge1000"].rank(pct=True)
    labels = pd.Series("Not significant", index=ruhr.index).mask(rank > 0.8, "High-High")
    lisa = maps.cluster_map(ruhr, labels.mask(rank < 0.2, "Low-Low"), title="LISA", **options)
    unis = datasets.universities()
    rings = maps.spillover_map(ruhr, unis, radius_km=15, size="students")
    page = maps.atlas(fiber, gigabit, lisa, rings, title="Ruhr: broadband 2021")
    path = maps.save_html(page, tmp_path_factory.mktemp("ruhr") / "ruhr.html")
    return Page(browser, path)


def test_page_renders_offline_with_title_credit_and_metric_scale(report):
    page = report.page
    assert report.errors == [] and report.requests == [] and report.dialogs == []
    assert page.title() == "Ruhr: broadband 2021"
    assert page.locator(".ruhrgeo-title").inner_text() == "Ruhr: broadband 2021"
    assert page.locator("path.leaflet-interactive").count() == 53
    credit = page.locator(".leaflet-control-attribution").inner_text()
    assert "Breitbandatlas | Gigabit-Grundbuch, Daten verändert" in credit
    scales = page.locator(".leaflet-control-scale-line")
    assert scales.count() == 1 and scales.first.inner_text().endswith(("km", " m"))
    report.shot("ruhr-report.png")


def test_missing_data_is_hatched_and_counted(report):
    page = report.page
    hatched = page.locator('path.leaflet-interactive[fill="url(#ruhrgeo-nodata)"]')
    assert hatched.count() == len(MISSING)
    assert page.locator("#ruhrgeo-nodata").count() == 1  # the pattern the fill refers to
    legend = page.locator(".ruhrgeo-legend")
    assert legend.count() == 1 and "no data (2)" in legend.inner_text()
    swatch = page.locator(".ruhrgeo-legend .ruhrgeo-nodata")
    assert "repeating-linear-gradient" in swatch.evaluate("e => getComputedStyle(e).background")
    hatched.first.scroll_into_view_if_needed()
    report.shot("ruhr-no-data.png")


def test_tooltip_shows_labels_and_units_per_column(report, ruhr):
    row = list(ruhr.index).index("05911000")  # Bochum, features keep the data's order
    text = " ".join(report.hover_feature(row).split())
    assert text.startswith("Municipality Bochum FTTB/H ≥ 1 Gbit/s")
    assert f"FTTB/H ≥ 1 Gbit/s {ruhr.loc['05911000', 'ftthb_ge1000']:.1f} %" in text
    assert text.endswith(f"population {ruhr.loc['05911000', 'population']:,.0f} inhabitants")
    dortmund = report.hover_feature(list(ruhr.index).index("05913000"))
    assert "Dortmund" in dortmund and "no data" in dortmund


def test_colored_layers_one_at_a_time_and_overlays_as_checkboxes(report):
    page = report.page
    switcher = page.locator(".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in switcher.get_attribute("class")
    switcher.hover()  # collapsed until wanted: it opens on hover
    page.wait_for_timeout(100)
    radios = page.locator(".leaflet-control-layers-base input[type=radio]")
    boxes = page.locator(".leaflet-control-layers-overlays input[type=checkbox]")
    assert radios.count() == 4 and boxes.count() == 3  # names, rings, basemap
    assert page.locator(".ruhrgeo-label").count() == 6
    radios.nth(2).check()  # the LISA clusters
    page.wait_for_timeout(200)
    assert page.locator(".ruhrgeo-legend").count() == 1
    assert "LISA" in page.locator(".ruhrgeo-legend").inner_text()
    assert page.locator("path.leaflet-interactive").count() == 53  # the fills never blend
    report.shot("ruhr-clusters.png")
    boxes.nth(0).uncheck()  # place names off
    boxes.nth(1).check()  # rings on
    page.wait_for_timeout(200)
    assert page.locator(".ruhrgeo-label").count() == 0
    markers = len(datasets.universities())  # the rings themselves are not interactive
    assert page.locator("path.leaflet-interactive").count() == 53 + markers
    report.shot("ruhr-rings.png")
    radios.nth(0).check()
    boxes.nth(1).uncheck()
    boxes.nth(0).check()
    page.wait_for_timeout(200)
    assert report.errors == [] and report.requests == []


@pytest.fixture(scope="module")
def demo_page(browser, demo_run):
    return Page(browser, demo_run[0] / "index.html")


def test_demo_page_renders_offline_with_legend(demo_page):
    page = demo_page.page
    assert demo_page.errors == [] and demo_page.requests == [] and demo_page.dialogs == []
    assert page.locator("path.leaflet-interactive").count() == 53  # the first layer's
    legend = page.locator(".ruhrgeo-legend")
    assert legend.count() == 1 and "FTTB/H" in legend.inner_text()
    demo_page.shot("demo-index.png")
    assert (ARTIFACTS / "demo-index.png").stat().st_size > 20_000


@pytest.fixture(scope="module")
def german(browser, tmp_path_factory):
    """All 53 names on the map, in German, two municipalities without data."""
    munis = datasets.ruhr_municipalities()
    munis.loc[MISSING, "population"] = float("nan")
    page = maps.choropleth(munis, "population", place_names=True, locale="de")
    path = maps.save_html(page, tmp_path_factory.mktemp("de") / "de.html")
    return Page(browser, path)


def test_place_names_never_cover_each_other(german):
    page = german.page
    page.wait_for_timeout(200)
    boxes = page.eval_on_selector_all(
        ".ruhrgeo-label",
        "els => els.filter(e => getComputedStyle(e).visibility !== 'hidden')"
        ".map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })",
    )
    assert 10 <= len(boxes) < 53  # the largest places are written, the rest give way
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert "Dortmund" in page.locator(".ruhrgeo-label").all_inner_texts()  # the largest
    german.shot("names-de.png")


def test_a_german_page_speaks_german(german):
    page = german.page
    legend = page.locator(".ruhrgeo-legend").inner_text()
    assert "keine Daten (2)" in legend and "8.673" in legend  # thousands with a point
    assert german.errors == [] and german.requests == []
    page.locator(".leaflet-control-layers").hover()
    page.wait_for_timeout(100)
    assert "Hintergrundkarte" in page.locator(".leaflet-control-layers").inner_text()
