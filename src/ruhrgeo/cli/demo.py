"""The demo: every step of ruhrgeo on the embedded data (schematic Ruhr, synthetic grids)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pandas as pd
from tqdm.auto import tqdm

from ruhrgeo import datasets, maps, spatial, spillover
from ruhrgeo.cli.args import friendly
from ruhrgeo.cli.report import estimate_json, global_stats
from ruhrgeo.index import composite, load_spec
from ruhrgeo.io import read_coverage, read_municipalities
from ruhrgeo.io.write import write_atomic, write_json, write_table
from ruhrgeo.maps import figures
from ruhrgeo.overlay import GridSource, Overlay

__all__ = ["run_demo"]

REGION = "Metropole Ruhr"
DEMO_NOTE = (
    "ruhrgeo demo output. Boundaries are SCHEMATIC (Voronoi polygons around representative "
    "points of the 53 Ruhr municipalities, not official); coverage and population grids are "
    "SYNTHETIC. Use them to try ruhrgeo, not to describe the Ruhr.\n"
)


def run_demo(out_dir: Path, *, progress: bool = True) -> str:
    """Run everything on the demo data, write the outputs to ``out_dir``, return a summary."""
    munis = read_municipalities(datasets.demo_municipalities())
    layers = datasets.demo_coverage()
    population = read_coverage(datasets.demo_population())
    households = {
        "fttbh": GridSource(layers["fttbh"], unit="percent"),
        "gigabit": GridSource(layers["gigabit"], unit="percent"),
    }
    area = {"5g": GridSource(layers["5g"], unit="binary")}
    exact = Overlay(munis, layers["5g"], progress=progress)  # one grid for all demo layers
    region = pd.Series(REGION, index=munis.index, name="region")

    def both(by: pd.Series | None) -> pd.DataFrame:
        by_weight = exact.share(households, weights=population, by=by)
        return pd.concat([by_weight, exact.share(area, by=by)], axis=1)

    shares, region_shares = both(None), both(region)
    table = munis[["name", "kreis"]].join(shares)
    write_table(table, out_dir / "coverage_shares.csv")
    write_table(region_shares, out_dir / "region_shares.csv")
    gdf = munis.join(shares[list(DEMO_LABELS)])
    clusters, stats = {}, {}
    for column in tqdm(DEMO_LABELS, desc="spatial statistics", disable=not progress):
        clusters[column] = spatial.local_moran(gdf, column)["cluster"]
        stats[column] = global_stats(gdf, column)
    write_table(munis[["name"]].join(pd.DataFrame(clusters)), out_dir / "clusters.csv")
    write_json(stats, out_dir / "spatial_stats.json")
    spill, graduates_per_1000 = _spillover(munis, out_dir)
    digital = _index(munis, shares, graduates_per_1000, out_dir)
    above = digital.loc[digital["above_average"]].sort_values("rank")
    _maps(munis.join(shares).join(digital[["index"]]), pd.DataFrame(clusters), out_dir)
    write_atomic(out_dir / "README.txt", lambda tmp: tmp.write_text(DEMO_NOTE, encoding="utf-8"))
    row = region_shares.loc[REGION]
    fttbh_divide = stats["fttbh"]["north_south"]
    return (
        f"{REGION} (demo data: schematic boundaries, synthetic grids), "
        f"{len(table)} municipalities:\n"
        f"  FTTB/H   {row['fttbh']:5.1f} % of inhabitants\n"
        f"  gigabit  {row['gigabit']:5.1f} % of inhabitants\n"
        f"  5G       {row['5g']:5.1f} % of the area\n"
        f"  north/south: {fttbh_divide['summary']}\n"
        f"  spill-over (synthetic IT employment share): {spill['estimate']['summary']}\n"
        f"  reach at that radius: {spill['reach']}\n"
        f"  digital index (synthetic except infrastructure): {len(above)} of {len(digital)} "
        f"above the region's average: {', '.join(above['name'])}\n"
        "wrote coverage_shares.csv, region_shares.csv, clusters.csv, spatial_stats.json, "
        f"spillover.csv, spillover_estimate.json, index.csv, index.html (+ PNGs) to {out_dir}"
    )


DEMO_SPILLOVER_KM = 25.0  # radius for spreading the demo IT graduates


def _spillover(munis: gpd.GeoDataFrame, out_dir: Path) -> tuple[dict[str, Any], pd.Series]:
    """IT graduates incl. spill-over per 1,000 employees, and the radius of a demo outcome."""
    table = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str}).set_index("ags")
    graduates = spillover.allocate(
        munis, datasets.demo_it_graduates(), "it_graduates", radius_km=DEMO_SPILLOVER_KM
    )
    per_1000 = 1000 * graduates / table["employees_workplace"]
    out = (
        munis[["name"]]
        .join(graduates)
        .assign(
            employees_workplace=table["employees_workplace"],
            it_graduates_per_1000_employees=per_1000,
            status=f"SYNTHETIC demo values; linear kernel, {DEMO_SPILLOVER_KM:g} km",
        )
    )
    write_table(out, out_dir / "spillover.csv")
    unis = datasets.universities()
    gdf = munis.join(table[["it_employment_share"]])
    estimate = spillover.estimate_radius(gdf, "it_employment_share", unis)
    reached = spillover.reach(munis, unis, radius_km=estimate.radius_km)
    result = {"estimate": estimate_json(estimate), "reach": reached.summary()}
    write_json(result, out_dir / "spillover_estimate.json")
    return result, per_1000


def _index(
    munis: gpd.GeoDataFrame, shares: pd.DataFrame, graduates_per_1000: pd.Series, out_dir: Path
) -> pd.DataFrame:
    """The twelve-indicator index: infrastructure from the overlay, the rest synthetic."""
    table = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str}).set_index("ags")
    table = table.assign(
        it_graduates_per_1000_employees=graduates_per_1000,
        **{
            "5g_area_share": shares["5g"],
            "fttbh_household_share": shares["fttbh"],
            "gigabit_household_share": shares["gigabit"],
        },
    )
    spec = load_spec()
    result = munis[["name"]].join(table[spec.names()]).join(composite(table, spec))
    result["status"] = "infrastructure from the demo overlay; other indicators SYNTHETIC"
    write_table(result, out_dir / "index.csv")
    return result


def _maps(gdf: gpd.GeoDataFrame, clusters: pd.DataFrame, out_dir: Path) -> None:
    """index.html: one offline page with every demo layer, and the PNG twins."""
    layers = {
        "fttbh": ("FTTB/H, % of inhabitants (synthetic)", "%"),
        "gigabit": ("Gigabit, % of inhabitants (synthetic)", "%"),
        "5g": ("5G, % of the area (synthetic)", "%"),
        "index": ("Digital index (partly synthetic)", "points"),
    }
    pages = [
        maps.choropleth(gdf, column, title=title, unit=unit)
        for column, (title, unit) in layers.items()
    ]
    pages.append(maps.cluster_map(gdf, clusters["fttbh"], title="FTTB/H: LISA clusters"))
    pages.append(
        maps.spillover_map(
            gdf,
            datasets.demo_it_graduates(),
            radius_km=DEMO_SPILLOVER_KM,
            values="it_graduates",
            title="IT graduates incl. spill-over (synthetic)",
        )
    )
    atlas = maps.atlas(*pages, title=f"{REGION}: demo (schematic boundaries, synthetic data)")
    maps.save_html(atlas, out_dir / "index.html")
    for column, (title, _) in layers.items():
        figures.save_png(figures.plot(gdf, column, title=title), out_dir / f"map_{column}.png")
    lisa = gdf.assign(cluster=clusters["fttbh"])
    figures.save_png(
        figures.plot(lisa, "cluster", title="FTTB/H: LISA clusters", colors=maps.LISA_COLORS),
        out_dir / "map_clusters.png",
    )


DEMO_LABELS = {"fttbh": "FTTB/H", "gigabit": "gigabit", "5g": "5G"}


@click.command(name="demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the outputs (created if missing).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@friendly
def demo(out_dir: Path, quiet: bool) -> None:
    """Run everything on the embedded demo data (schematic Ruhr) and write OUT."""
    click.echo(run_demo(out_dir, progress=not quiet))
