"""The demo: every step of ruhrgeo on the shipped data. Real findings from the real
Breitbandatlas values on the real Ruhr boundaries; the overlay step on SYNTHETIC grids laid
over those boundaries; every output labeled with what is real and what is synthetic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ruhrgeo.cli.args import PathArg, friendly
from ruhrgeo.cli.main import SUMMARIES
from ruhrgeo.errors import OutputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from ruhrgeo.cli import findings


__all__ = ["run_demo"]

REGION = "Metropole Ruhr"
DEMO_SPILLOVER_KM = 25.0  # radius for spreading the synthetic IT graduates
SYNTHETIC = "SYNTHETIC grids (ruhrgeo demo data, not a measurement)"


def run_demo(out_dir: Path, *, progress: bool | None = None) -> str:
    """Run every step, write the outputs to ``out_dir`` (all or nothing), return a summary."""
    from ruhrgeo import datasets
    from ruhrgeo.cli import findings
    from ruhrgeo.io.write import write_json, write_table

    munis = datasets.ruhr_municipalities()
    with _staging(Path(out_dir)) as stage:
        overlay = _overlay(munis, stage, progress)
        real = findings.real_values(munis)
        write_table(real.drop(columns=real.geometry.name), stage / "breitband_2021.csv")
        clusters = _statistics(real, stage)
        said = [findings.divide(real, column) for column in findings.REAL_COLUMNS]
        said.append(findings.five_g(munis))
        regional, regions_table = findings.regions()
        write_table(regions_table, stage / "regions.csv")
        repeated, series = findings.releases(munis)
        write_table(series, stage / "releases.csv")
        said += [regional, repeated]
        write_json({f.claim: f.__dict__ for f in said}, stage / "findings.json")
        spill, graduates_per_1000 = _spillover(munis, stage)
        digital = _index(munis, real, graduates_per_1000, stage)
        _maps(real.join(overlay["shares"]).join(digital[["index"]]), clusters, stage)
        (stage / "README.txt").write_text(_readme(said), encoding="utf-8")
        written = sorted(p.name for p in stage.iterdir())
    row = overlay["region"].loc[REGION]
    above = digital.loc[digital["above_average"]].sort_values("rank")
    lines = [
        f"{REGION}, {len(munis)} municipalities (real boundaries: DVG2 NRW 2022)",
        "",
        "What the study says, checked on real data (Breitbandatlas | Gigabit-Grundbuch):",
        *(f"  - {f.line()}" for f in said),
        "",
        f"Overlay step on {SYNTHETIC}:",
        f"  FTTB/H {row['fttbh']:5.1f} % and gigabit {row['gigabit']:5.1f} % of inhabitants, "
        f"5G on {row['5g']:5.1f} % of the area (exact shares of the region's union)",
        f"Spill-over (real campuses, SYNTHETIC IT employment): {spill['estimate']['summary']}",
        f"  {spill['reach']}",
        f"Digital index (infrastructure real 2021, other areas SYNTHETIC): {len(above)} of "
        f"{len(munis)} above the average, led by {', '.join(above['name'].head(3))}",
        f"wrote {', '.join(written)} to {out_dir}",
    ]
    return "\n".join(lines)


@contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A private folder beside ``out_dir`` for the outputs; moved into ``out_dir`` when all are
    written, removed when anything fails (nothing half-written is left)."""
    from ruhrgeo.io.write import staging_folder

    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {str(out_dir)!r} is a file, not a folder")
    with staging_folder(out_dir) as stage:
        yield stage
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for path in sorted(stage.iterdir()):
                os.replace(path, out_dir / path.name)
        except OSError as exc:
            raise OutputError(f"cannot write to {str(out_dir)!r} ({exc.strerror})") from None


def _overlay(
    munis: gpd.GeoDataFrame, stage: Path, progress: bool | None
) -> dict[str, pd.DataFrame]:
    """Exact shares of the synthetic grids: households (population weights) and area."""
    import pandas as pd

    from ruhrgeo import datasets
    from ruhrgeo.io.write import write_table
    from ruhrgeo.overlay import Overlay

    layers = datasets.demo_coverage()
    population = datasets.demo_population()
    exact = Overlay(munis, layers["5g"], progress=progress)  # one lattice for all demo grids
    region = pd.Series(REGION, index=munis.index, name="region")
    households = {name: layers[name] for name in ("fttbh", "gigabit")}

    def both(by: pd.Series | None) -> pd.DataFrame:
        weighted = exact.share(households, weighted_by=population, by=by)
        return pd.concat([weighted, exact.share({"5g": layers["5g"]}, by=by)], axis=1)

    shares, region_shares = both(None), both(region)
    write_table(
        munis[["name", "kreis"]].join(shares).assign(status=SYNTHETIC),
        stage / "coverage_shares.csv",
    )
    write_table(region_shares.assign(status=SYNTHETIC), stage / "region_shares.csv")
    return {"shares": shares.add_suffix("_synthetic"), "region": region_shares}


def _statistics(real: gpd.GeoDataFrame, stage: Path) -> pd.DataFrame:
    """Moran's I and LISA clusters of the real 2021 values."""
    import pandas as pd

    from ruhrgeo import spatial
    from ruhrgeo.cli import findings
    from ruhrgeo.io.write import write_json, write_table

    clusters, stats = {}, {}
    for column in findings.REAL_COLUMNS:
        clusters[column] = spatial.local_moran(real, column)["cluster"]
        stats[column] = spatial.moran(real, column).to_dict()
    table = real[["name"]].join(pd.DataFrame(clusters))
    write_table(table, stage / "clusters.csv")
    write_json(stats, stage / "spatial_stats.json")
    return pd.DataFrame(clusters)


def _spillover(munis: gpd.GeoDataFrame, stage: Path) -> tuple[dict[str, Any], pd.Series]:
    """IT graduates incl. spill-over per 1,000 employees (synthetic), and the radius of the
    synthetic IT employment share, with the reach of the real campuses at that radius."""
    import pandas as pd

    from ruhrgeo import datasets, spillover
    from ruhrgeo.cli.report import estimate_json
    from ruhrgeo.io.write import write_json, write_table

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
    write_table(out, stage / "spillover.csv")
    unis = datasets.universities()
    gdf = munis.join(table[["it_employment_share"]])
    estimate = spillover.estimate_radius(gdf, "it_employment_share", unis)
    reached = spillover.reach(munis, unis, radius_km=estimate.radius_km)
    result = {"estimate": estimate_json(estimate), "reach": reached.summary()}
    write_json(result, stage / "spillover_estimate.json")
    return result, per_1000


def _index(
    munis: gpd.GeoDataFrame, real: gpd.GeoDataFrame, graduates_per_1000: pd.Series, stage: Path
) -> pd.DataFrame:
    """The twelve-indicator index: infrastructure real (2021; the Kreis' 5G household share
    stands in for the 5G area share), the other areas synthetic."""
    import pandas as pd

    from ruhrgeo import datasets
    from ruhrgeo.index import composite, load_spec
    from ruhrgeo.io.write import write_table

    table = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str}).set_index("ags")
    kreise = datasets.breitbandatlas_kreise_2021()["5g_ge2"]
    table = table.assign(
        it_graduates_per_1000_employees=graduates_per_1000,
        **{
            "5g_area_share": munis["kreis_ags"].map(kreise),
            "fttbh_household_share": real["ftthb_ge1000"],
            "gigabit_household_share": real["all_ge1000"],
        },
    )
    spec = load_spec()
    result = munis[["name"]].join(table[spec.names()]).join(composite(table, spec))
    result["status"] = "infrastructure: Breitbandatlas mid 2021 (real); other areas SYNTHETIC"
    write_table(result, stage / "index.csv")
    return result


def _maps(gdf: gpd.GeoDataFrame, clusters: pd.DataFrame, stage: Path) -> None:
    """index.html: one offline page with every layer, each with its credit; the PNG twins."""
    from ruhrgeo import datasets, maps
    from ruhrgeo.maps import figures
    from ruhrgeo.spatial.labels import CLUSTER_COLORS

    boundaries = datasets.ruhr_municipalities().attrs["source"]
    breitband = datasets.breitbandatlas_2021().attrs["source"]
    real = f"{breitband}; {boundaries}"
    synthetic = f"{SYNTHETIC}; {boundaries}"
    layers = {
        "ftthb_ge1000": ("FTTB/H mid 2021, % of households (real)", "%", real),
        "all_ge1000": ("Gigabit mid 2021, % of households (real)", "%", real),
        "fttbh_synthetic": ("Overlay step: FTTB/H, % of inhabitants (synthetic)", "%", synthetic),
        "5g_synthetic": ("Overlay step: 5G, % of the area (synthetic)", "%", synthetic),
        "index": ("Digital index (infrastructure real, rest synthetic)", "points", real),
    }
    pages = [
        maps.choropleth(gdf, column, title=title, units={column: unit}, attribution=credit)
        for column, (title, unit, credit) in layers.items()
    ]
    pages.append(
        maps.cluster_map(
            gdf, clusters["ftthb_ge1000"], title="FTTB/H 2021: LISA clusters", attribution=real
        )
    )
    pages.append(
        maps.spillover_map(
            gdf,
            datasets.demo_it_graduates(),
            radius_km=DEMO_SPILLOVER_KM,
            values="it_graduates",
            title="IT graduates incl. spill-over (synthetic), real campuses",
            attribution=synthetic,
        )
    )
    page = maps.atlas(*pages, title=f"{REGION}: ruhrgeo demo")
    maps.save_html(page, stage / "index.html")
    for column, (title, unit, credit) in layers.items():
        figure = figures.plot(gdf, column, title=title, units={column: unit}, attribution=credit)
        figures.save_png(figure, stage / f"map_{column}.png")
    lisa = gdf.assign(cluster=clusters["ftthb_ge1000"])
    figure = figures.plot(
        lisa,
        "cluster",
        title="FTTB/H 2021: LISA clusters",
        colors=CLUSTER_COLORS,
        attribution=real,
    )
    figures.save_png(figure, stage / "map_clusters.png")


def _readme(said: list[findings.Finding]) -> str:
    from ruhrgeo import datasets

    boundaries = datasets.ruhr_municipalities().attrs["source"]
    breitband = datasets.breitbandatlas_2021().attrs["source"]
    return "\n".join(
        [
            "ruhrgeo demo output",
            "",
            "REAL data: the 53 Ruhr municipalities (" + boundaries + ");",
            "the Breitbandatlas municipal household table of mid 2021, five releases end 2018 "
            "to mid 2021 and the Kreis table (" + breitband + ");",
            "the twelve metropolitan regions as district sets (compiled from the regions' "
            "public pages; membership caveats in ruhrgeo's data/regions/README.md).",
            "Files from real data: breitband_2021.csv, clusters.csv, spatial_stats.json, "
            "findings.json, regions.csv, releases.csv, the infrastructure columns of index.csv.",
            "",
            "SYNTHETIC data (generated by tools/make_demo_data.py, not measurements): the "
            "coverage and population grids of the overlay step (coverage_shares.csv, "
            "region_shares.csv), the IT graduates and the research, employment and companies "
            "indicators (spillover.csv, spillover_estimate.json, the other columns of "
            "index.csv).",
            "",
            "Findings:",
            *(f"- {f.line()}" for f in said),
            "",
        ]
    )


@click.command(name="demo", short_help=SUMMARIES["demo"])
@click.option(
    "--out",
    "out_dir",
    type=PathArg(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the outputs (created if missing).",
)
@click.option("--quiet", is_flag=True, help="No progress bars (shown only on a terminal).")
@friendly
def demo(out_dir: Path, quiet: bool) -> None:
    """Run every step on the shipped data: real findings on the real Ruhr, the overlay on
    synthetic grids; write the outputs to OUT."""
    click.echo(run_demo(out_dir, progress=False if quiet else None))
