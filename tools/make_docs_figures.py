"""Render the map page of the real Ruhr for the README, and measure the pages' sizes.

    python tools/make_docs_figures.py            # docs/img/ruhr-map.png (+ .html beside it)
    python tools/make_docs_figures.py --sizes    # sizes of the Ruhr and Germany pages

The picture is a screenshot of the saved page in headless Chromium (Debian's
/usr/bin/chromium through Playwright) with every network request refused, so it shows what
a reader sees offline. Data: the shipped real boundaries and the Breitbandatlas of mid 2021.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ruhrgeo import datasets, maps, read_municipalities

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img" / "ruhr-map.png"
CHROMIUM = "/usr/bin/chromium"
GERMANY = REPO.parent / "shared" / "data" / "boundaries" / "germany_municipalities.gpkg"


def ruhr_page() -> maps.Map:
    """FTTB/H and gigabit coverage of the 53 Ruhr municipalities, mid 2021."""
    munis = datasets.ruhr_municipalities()
    broadband = datasets.breitbandatlas_2021()
    gdf = munis.join(broadband[["ftthb_ge1000", "all_ge1000"]])
    credit = f"{munis.attrs['source']} | {broadband.attrs['source']}"
    options = {
        "units": {"ftthb_ge1000": "%", "all_ge1000": "%", "population": "inhabitants"},
        "aliases": {
            "ftthb_ge1000": "FTTB/H ≥ 1 Gbit/s (households)",
            "all_ge1000": "Gigabit, any technology (households)",
            "population": "Inhabitants",
        },
        "tooltip": ["name", "ftthb_ge1000", "all_ge1000", "population"],
        "place_names": 8,
        "attribution": credit,
        "cmap": "YlGnBu",
    }
    return maps.atlas(
        maps.choropleth(gdf, "ftthb_ge1000", **options),
        maps.choropleth(gdf, "all_ge1000", **options),
        title="Metropole Ruhr: gigabit broadband, mid 2021 (Breitbandatlas)",
    )


def screenshot(page: Path, png: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        view = browser.new_page(viewport={"width": 1100, "height": 720}, device_scale_factor=1)
        view.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        view.goto(page.as_uri())
        view.wait_for_timeout(500)
        view.screenshot(path=str(png))
        browser.close()


def sizes() -> None:
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    ruhr = maps.choropleth(datasets.ruhr_municipalities(), "population")
    path = maps.save_html(ruhr, folder / "ruhr.html")
    print(
        f"Ruhr, one choropleth: {path.stat().st_size / 1e6:.2f} MB "
        f"({time.perf_counter() - start:.1f} s)"
    )
    if not GERMANY.exists():
        print(f"Germany: skipped, no {GERMANY}")
        return
    start = time.perf_counter()
    germany = read_municipalities(GERMANY, layer="municipalities")
    germany = germany.assign(density=germany["population"] / germany["area_km2"])
    page = maps.choropleth(germany, "density", units={"density": "per km²"})
    path = maps.save_html(page, folder / "germany.html")
    again = maps.save_html(
        maps.choropleth(germany, "density", units={"density": "per km²"}), folder / "again.html"
    )
    print(
        f"Germany, one choropleth: {path.stat().st_size / 1e6:.2f} MB "
        f"({time.perf_counter() - start:.1f} s); byte-identical twice: "
        f"{path.read_bytes() == again.read_bytes()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", action="store_true", help="measure the pages instead")
    if parser.parse_args().sizes:
        sizes()
        return
    page = maps.save_html(ruhr_page(), OUT.with_suffix(".html"))
    screenshot(page, OUT)
    page.unlink()
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
