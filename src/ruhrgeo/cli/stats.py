"""The ``ruhrgeo stats`` command: autocorrelation, clusters and the north/south test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import PathArg, friendly, number, out_option
from ruhrgeo.cli.graphs import graph_from, graph_options, whole
from ruhrgeo.cli.main import SUMMARIES

if TYPE_CHECKING:
    import pandas as pd


@click.command(short_help=SUMMARIES["stats"])
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("CSV or XLSX with a key column and the values (',' or ';', decimal commas).")
@click.option("--column", required=True, help="The column to analyze.")
@graph_options
@click.option("--permutations", "permutations_text", default="9999", show_default=True)
@click.option("--seed", "seed_text", default="0", show_default=True, help="Random seed.")
@click.option("--alpha", "alpha_text", default="0.05", show_default=True, help="Significance.")
@click.option(
    "--fdr/--no-fdr",
    default=True,
    show_default=True,
    help="Benjamini-Hochberg false discovery rate for the local statistics.",
)
@out_option("Local results: .csv or .gpkg (with geometries).")
@click.option("--json", "as_json", is_flag=True, help="Print the global results as JSON.")
@friendly
def stats(
    boundaries: Path,
    table_path: Path,
    table_id_col: str | None,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    column: str,
    kind: str | None,
    k_text: str | None,
    threshold_text: str | None,
    bandwidth_text: str | None,
    kernel: str | None,
    weights_file: Path | None,
    permutations_text: str,
    seed_text: str,
    alpha_text: str,
    fdr: bool,
    out_path: Path,
    as_json: bool,
) -> None:
    """Moran's I, LISA clusters, Getis-Ord hot spots and the north/south test of COLUMN.

    Writes the local results with the analyzed values per municipality to --out (only
    when every statistic succeeded) and prints the global ones.
    """
    import pandas as pd

    from ruhrgeo import spatial
    from ruhrgeo.cli.report import global_stats
    from ruhrgeo.io.write import write_table
    from ruhrgeo.spatial.graphs import describe

    graph = graph_from(kind, k_text, threshold_text, bandwidth_text, kernel, weights_file)
    permutations = whole(permutations_text, "--permutations")
    seed = whole(seed_text, "--seed")
    alpha = number(alpha_text, "--alpha")
    munis = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    gdf = with_table(munis, table_path, table_id_col or id_col, [column])
    options = {"graph": graph, "permutations": permutations, "seed": seed}
    lisa = spatial.local_moran(gdf, column, alpha=alpha, fdr=fdr, **options)
    negative = (pd.to_numeric(gdf[column], errors="coerce") < 0).any()
    if negative:
        click.echo(
            f"warning: {column} has negative values; Getis-Ord G (sums of non-negative "
            "values) is left out",
            err=True,
        )
    else:
        spots = spatial.getis_ord(gdf, column, alpha=alpha, fdr=fdr, **options)
    results = global_stats(gdf, column, **options)
    named = ["name"] if "name" in munis.columns else []
    local = munis[[*named, munis.geometry.name]].join(gdf[[column]])
    local = local.join(lisa.add_prefix("lisa_"))
    test = f"FDR {alpha:g}" if fdr else f"p <= {alpha:g}"
    results["local"] = {
        "graph": describe(graph),
        "significance": test,
        "lisa_clusters": _counts(lisa["cluster"]),
        "getis_ord_spots": None if negative else _counts(spots["spot"]),
    }
    if not negative:
        local = local.join(spots.add_prefix("gi_"))
    write_table(local, out_path)
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False, default=float))
    else:
        click.echo(results["moran"]["summary"])
        click.echo(results["north_south"]["summary"])
        click.echo(
            f"LISA clusters ({test}): {results['local']['lisa_clusters']}; "
            f"Getis-Ord: {results['local']['getis_ord_spots']}; wrote {out_path}"
        )


def _counts(labels: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in labels.value_counts().items()}
