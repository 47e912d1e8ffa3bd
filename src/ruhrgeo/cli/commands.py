"""The ``ruhrgeo`` command: a thin layer over the library's functions."""

from __future__ import annotations

import json
from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from ruhrgeo import maps, spatial, spillover
from ruhrgeo.cli.args import (
    InputError,
    friendly,
    number,
    out_option,
    pairs,
    parse_radii,
    read_sources,
    table_options,
    with_table,
)
from ruhrgeo.cli.demo import run_demo
from ruhrgeo.cli.report import estimate_json, global_stats
from ruhrgeo.index.composite import METHODS, composite
from ruhrgeo.index.spec import load_spec
from ruhrgeo.io.boundaries import read_municipalities
from ruhrgeo.io.grids import read_coverage
from ruhrgeo.io.tables import read_indicators
from ruhrgeo.io.write import write_table
from ruhrgeo.maps import figures
from ruhrgeo.overlay import tiles
from ruhrgeo.overlay.engine import coverage_share


@click.group()
@click.version_option(package_name="ruhrgeo")
def main() -> None:
    """Measure how digital a region is, municipality by municipality, from geodata."""


@main.command()
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


def _on_cluster(
    munis: gpd.GeoDataFrame,
    paths: dict[str, str],
    weights: str | None,
    scheduler: str,
    *,
    progress: bool,
) -> pd.DataFrame:
    try:
        from dask.distributed import Client

        from ruhrgeo.overlay import distributed
    except ImportError:
        raise InputError(
            "--scheduler needs the extra [dask]: pip install 'ruhrgeo[dask]'"
        ) from None
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise InputError(f"--scheduler: cannot reach {scheduler!r} ({exc})") from None
    with client:
        return distributed.coverage_share(
            munis,
            paths,
            client=client,
            weights=weights,
            progress=progress,
        )


@main.command()
@click.argument("boundaries", type=click.Path(path_type=Path))
@click.option(
    "--layer",
    "layer_specs",
    multiple=True,
    required=True,
    help="NAME=PATH of a coverage grid (GeoTIFF, grid CSV, cell GeoPackage); repeatable.",
)
@click.option("--column", "columns", multiple=True, help="NAME=COLUMN of a CSV/GeoPackage layer.")
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    help="NAME=VALUE: covered where the value is >= VALUE (e.g. 5g=1 for nr_gesamt).",
)
@click.option("--unit", "units", multiple=True, help="NAME=binary|percent.")
@click.option("--weights", type=click.Path(path_type=Path), help="Population/household count grid.")
@click.option("--weights-column", help="Value column of a CSV weights grid (e.g. Einwohner).")
@click.option("--boundary-layer", help="Layer of a multi-layer boundaries file (e.g. vg250_gem).")
@click.option("--id-col", help="AGS column of the boundaries (default AGS/ags).")
@click.option("--name-col", help="Name column of the boundaries (default GEN/name).")
@out_option("Output .csv or .gpkg (with geometries).")
@click.option("--scheduler", help="Run the tiles on a Dask cluster (e.g. tcp://scheduler:8786).")
@click.option(
    "--tiled",
    is_flag=True,
    help="Read raster layers window by window: memory follows the tile (layers on one grid).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes on this machine for the exact fractions (tiles in parallel).",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@friendly
def overlay(
    boundaries: Path,
    layer_specs: tuple[str, ...],
    columns: tuple[str, ...],
    thresholds: tuple[str, ...],
    units: tuple[str, ...],
    weights: Path | None,
    weights_column: str | None,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    out_path: Path,
    scheduler: str | None,
    tiled: bool,
    workers: int,
    quiet: bool,
) -> None:
    """Exact coverage share of every municipality in BOUNDARIES, per layer."""
    paths, column_of = pairs(layer_specs, "--layer"), pairs(columns, "--column")
    threshold_of, unit_of = pairs(thresholds, "--threshold"), pairs(units, "--unit")
    for option, given in (
        ("--column", column_of),
        ("--threshold", threshold_of),
        ("--unit", unit_of),
    ):
        unknown = sorted(set(given) - set(paths))
        if unknown:
            raise InputError(f"{option} names unknown layer(s) {unknown}; layers: {sorted(paths)}")
    munis = read_municipalities(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    if scheduler and workers > 1:
        raise InputError(
            "--workers starts processes on this machine; with --scheduler the cluster's "
            "workers run the tiles: drop one of the two"
        )
    if scheduler or tiled:
        if column_of or threshold_of or unit_of or weights_column:
            option = "--scheduler" if scheduler else "--tiled"
            raise InputError(
                f"{option} runs on raster layers (GeoTIFF/COG) read by window; convert grid "
                "CSVs or GeoPackages to GeoTIFF first"
            )
        weight_path = str(weights) if weights else None
        if scheduler:
            shares = _on_cluster(munis, paths, weight_path, scheduler, progress=not quiet)
        else:
            shares = tiles.coverage_share_tiled(
                munis, paths, weights=weight_path, workers=workers, progress=not quiet
            )
    else:
        grids = {
            name: read_coverage(
                path,
                column=column_of.get(name),
                unit=unit_of.get(name),
                threshold=number(threshold_of[name], "--threshold")
                if name in threshold_of
                else None,
            )
            for name, path in paths.items()
        }
        weight_grid = read_coverage(weights, column=weights_column) if weights else None
        shares = coverage_share(
            munis, grids, weights=weight_grid, workers=workers, progress=not quiet
        )
    result = munis[["name", munis.geometry.name]].join(shares)
    write_table(result, out_path)
    click.echo(f"wrote {len(result)} municipalities x {len(paths)} layers to {out_path}")


@main.command()
@click.argument("boundaries", type=click.Path(path_type=Path))
@table_options("CSV with an AGS column and the values.")
@click.option("--column", required=True, help="The column to analyse.")
@click.option(
    "--graph",
    "kind",
    default="queen",
    show_default=True,
    type=click.Choice(["queen", "rook"]),
    help="Contiguity of the spatial weights.",
)
@click.option("--permutations", default=9999, show_default=True, help="Permutations.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--boundary-layer", help="Layer of a multi-layer boundaries file.")
@out_option("Local results: .csv or .gpkg (with geometries).")
@click.option("--json", "as_json", is_flag=True, help="Print the global results as JSON.")
@friendly
def stats(
    boundaries: Path,
    table_path: Path,
    column: str,
    id_col: str,
    kind: str,
    permutations: int,
    seed: int,
    boundary_layer: str | None,
    out_path: Path,
    as_json: bool,
) -> None:
    """Moran's I, LISA clusters, Getis-Ord hot spots and the north/south test of COLUMN."""
    munis = read_municipalities(boundaries, layer=boundary_layer)
    gdf = with_table(munis, table_path, id_col, [column])
    options = {"permutations": permutations, "seed": seed}
    lisa = spatial.local_moran(gdf, column, graph=kind, **options)
    spots = spatial.getis_ord(gdf, column, graph=kind, **options)
    local = munis[["name", munis.geometry.name]].join(
        lisa.add_prefix("lisa_").join(spots.add_prefix("gi_"))
    )
    write_table(local, out_path)
    results = global_stats(gdf, column, kind, **options)
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False, default=float))
    else:
        click.echo(results["moran"]["summary"])
        click.echo(results["north_south"]["summary"])
        counts = lisa["cluster"].value_counts().to_dict()
        click.echo(f"LISA clusters (FDR 5 %): {counts}; wrote {out_path}")


@main.group(name="spillover")
def spillover_group() -> None:
    """University spill-over: allocate values with distance decay, estimate the radius."""


_KERNEL = click.option(
    "--kernel", default="linear", show_default=True, type=click.Choice(spillover.KERNELS)
)
_SOURCES = click.option(
    "--sources",
    "sources_path",
    type=click.Path(path_type=Path),
    help="Points: CSV with latitude/longitude or a vector file (default: the Ruhr's universities).",
)


@spillover_group.command(name="allocate")
@click.argument("boundaries", type=click.Path(path_type=Path))
@_SOURCES
@click.option("--value", required=True, help="Column of the sources to spread (e.g. it_graduates).")
@click.option("--radius-km", type=float, required=True, help="Spill-over radius in km.")
@_KERNEL
@out_option("Output .csv or .gpkg (with geometries).")
@friendly
def spillover_allocate(
    boundaries: Path,
    sources_path: Path | None,
    value: str,
    radius_km: float,
    kernel: str,
    out_path: Path,
) -> None:
    """Spread each source's VALUE over the municipalities of BOUNDARIES (totals kept)."""
    munis = read_municipalities(boundaries)
    sources = read_sources(sources_path)
    allocated = spillover.allocate(munis, sources, value, radius_km=radius_km, kernel=kernel)
    write_table(munis[["name", munis.geometry.name]].join(allocated), out_path)
    click.echo(
        f"allocated {allocated.sum():.6g} {value} over {len(munis)} municipalities to {out_path}"
    )


@spillover_group.command(name="estimate")
@click.argument("boundaries", type=click.Path(path_type=Path))
@table_options("CSV with an AGS column and the outcome.")
@click.option("--outcome", required=True, help="The outcome column.")
@_SOURCES
@click.option("--size", help="Column of the sources weighting them (e.g. students).")
@_KERNEL
@click.option("--radii", default="2:60:2", show_default=True, help="FROM:TO:STEP in km.")
@click.option("--n-boot", default=999, show_default=True, help="Bootstrap replicates.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@friendly
def spillover_estimate(
    boundaries: Path,
    table_path: Path,
    outcome: str,
    id_col: str,
    sources_path: Path | None,
    size: str | None,
    kernel: str,
    radii: str,
    n_boot: int,
    seed: int,
    as_json: bool,
) -> None:
    """Estimate from data how far the spill-over of the sources reaches into OUTCOME."""
    munis = read_municipalities(boundaries)
    gdf = with_table(munis, table_path, id_col, [outcome])
    result = spillover.estimate_radius(
        gdf,
        outcome,
        read_sources(sources_path),
        radii_km=parse_radii(radii),
        kernel=kernel,
        size=size,
        n_boot=n_boot,
        seed=seed,
    )
    if as_json:
        click.echo(json.dumps(estimate_json(result), indent=2, ensure_ascii=False))
    else:
        click.echo(result.summary())


@main.command(name="index")
@click.argument("table_path", metavar="TABLE", type=click.Path(path_type=Path))
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(path_type=Path),
    help="Indicator spec (TOML); default the Digital-Index Ruhr spec.",
)
@click.option("--method", default="minmax", show_default=True, type=click.Choice(METHODS))
@click.option(
    "--missing",
    default="error",
    show_default=True,
    type=click.Choice(["error", "skip", "impute"]),
    help="Missing-value policy.",
)
@click.option("--id-col", help="AGS column of the table (default ags).")
@out_option("Output .csv (or .gpkg without geometry: use .csv).")
@friendly
def index_command(
    table_path: Path,
    spec_path: Path | None,
    method: str,
    missing: str,
    id_col: str | None,
    out_path: Path,
) -> None:
    """Sub-indices, total, ranks of the municipalities in TABLE (CSV or XLSX keyed by AGS)."""
    spec = load_spec(spec_path)
    table = read_indicators(table_path, id_col=id_col)
    result = composite(table, spec, method=method, missing=missing)
    names = table[["name"]] if "name" in table.columns else pd.DataFrame(index=table.index)
    write_table(names.join(result), out_path)
    above = result.index[result["above_average"]]
    label = names["name"] if "name" in names else pd.Series(above, index=above)
    click.echo(
        f"{int(result['above_average'].sum())} of {len(result)} municipalities above the average: "
        f"{', '.join(map(str, label.reindex(above)))}; wrote {out_path}"
    )


@main.command(name="map")
@click.argument("boundaries", type=click.Path(path_type=Path))
@table_options("CSV with an AGS column and the column to map.")
@click.option("--column", required=True, help="Values (choropleth) or LISA labels (clusters).")
@click.option(
    "--kind", default="choropleth", show_default=True, type=click.Choice(["choropleth", "clusters"])
)
@click.option("--title", help="Title of the layer and its legend.")
@click.option("--unit", default="%", show_default=True, help="Unit shown in legend and tooltip.")
@click.option("--scheme", default="quantiles", show_default=True, help="mapclassify scheme.")
@click.option("--k", default=5, show_default=True, help="Number of classes.")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    required=True,
    help="The HTML page (self-contained, works offline).",
)
@click.option("--png", "png_path", type=click.Path(path_type=Path), help="Also a static PNG.")
@friendly
def map_command(
    boundaries: Path,
    table_path: Path,
    column: str,
    kind: str,
    id_col: str,
    title: str | None,
    unit: str,
    scheme: str,
    k: int,
    out_path: Path,
    png_path: Path | None,
) -> None:
    """Write a map of COLUMN as one offline HTML page (and optionally a PNG)."""
    munis = read_municipalities(boundaries)
    gdf = with_table(munis, table_path, id_col, [column])
    if kind == "clusters":
        m = maps.cluster_map(gdf, gdf[column], title=title or column)
        figure = figures.plot(gdf, column, title=title, colors=maps.LISA_COLORS)
    else:
        m = maps.choropleth(gdf, column, scheme=scheme, k=k, title=title, unit=unit)
        figure = figures.plot(gdf, column, scheme=scheme, k=k, title=title)
    maps.save_html(m, out_path)
    if png_path is not None:
        figures.save_png(figure, png_path)
    click.echo(f"wrote {out_path} ({out_path.stat().st_size / 1e6:.2f} MB)")
