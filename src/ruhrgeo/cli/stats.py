"""The ``ruhrgeo stats`` command: autocorrelation, clusters and the north/south test."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ruhrgeo import spatial
from ruhrgeo.cli.args import (
    friendly,
    out_option,
    table_options,
    with_table,
)
from ruhrgeo.cli.report import global_stats
from ruhrgeo.io import read_municipalities
from ruhrgeo.io.write import write_table


@click.command()
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
