"""The saved map pages in a real, headless Chromium with every network request refused.

Needs Debian's chromium (/usr/bin/chromium) and playwright; skipped with a reason without
them, except in CI (RUHRGEO_REQUIRE_BROWSER=1), where their absence fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO

from ruhrgeo import datasets, maps, read_municipalities
from ruhrgeo.cli.demo import run_demo

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
HOSTILE = "<img src=x onerror=alert(1)>"
ARTIFACTS = REPO / "test-artifacts"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
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

    def __init__(self, context, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_timeout(500)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def hover_feature(self, number: int) -> str:
        box = self.page.locator("path.leaflet-interactive").nth(number).bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.wait_for_timeout(200)
        return self.page.locator(".leaflet-tooltip").first.inner_text()


@pytest.fixture(scope="module")
def demo_page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    run_demo(out, progress=False)
    return Page(browser, out / "index.html")


def test_demo_page_renders_offline_with_legend_and_layers(demo_page):
    page = demo_page.page
    assert demo_page.errors == [] and demo_page.requests == []
    assert page.locator("path.leaflet-interactive").count() == 53  # the first layer's features
    legend = page.locator(".ruhrgeo-legend")
    assert legend.count() == 1 and legend.first.is_visible()
    assert "FTTB/H" in legend.first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-index.png"))
    assert (ARTIFACTS / "demo-index.png").stat().st_size > 20_000


def test_hovering_a_municipality_shows_its_name(demo_page):
    names = read_municipalities(datasets.demo_municipalities())["name"].tolist()
    assert names[1] in demo_page.hover_feature(1)  # features keep the data's order


def test_toggling_a_layer_hides_its_legend(demo_page):
    page = demo_page.page
    boxes = page.locator(".leaflet-control-layers-overlays input")
    boxes.nth(0).uncheck()
    page.wait_for_timeout(200)
    assert page.locator(".ruhrgeo-legend").count() == 0
    assert page.locator("path.leaflet-interactive").count() == 0
    boxes.nth(4).check()  # the LISA clusters
    page.wait_for_timeout(200)
    assert page.locator(".ruhrgeo-legend").count() == 1
    assert "LISA" in page.locator(".ruhrgeo-legend").first.inner_text()
    boxes.nth(4).uncheck()
    boxes.nth(0).check()
    page.wait_for_timeout(200)
    assert demo_page.errors == []


def test_hostile_name_renders_as_text_and_runs_nothing(browser, tmp_path):
    munis = read_municipalities(datasets.demo_municipalities())
    munis = munis.assign(name=[HOSTILE, *munis["name"].iloc[1:]])
    m = maps.choropleth(munis, "population", title=HOSTILE, unit=HOSTILE)
    hostile = Page(browser, maps.save_html(m, tmp_path / "hostile.html"))
    assert HOSTILE in hostile.hover_feature(0)  # shown as text
    assert hostile.page.locator(".leaflet-tooltip img").count() == 0
    assert hostile.page.locator(".ruhrgeo-legend img").count() == 0
    assert hostile.dialogs == [] and hostile.errors == [] and hostile.requests == []
