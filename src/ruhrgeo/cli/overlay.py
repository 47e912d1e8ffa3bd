"""The ``ruhrgeo overlay`` command: exact coverage shares of boundaries x grids."""

from __future__ import annotations

from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from ruhrgeo.cli.args import (
    InputError,
    friendly,
    number,
    out_option,
    pairs,
)
from ruhrgeo.io import read_coverage, read_municipalities
from ruhrgeo.io.write import write_table
from ruhrgeo.overlay import coverage_share, tiles


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


@click.command()
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
