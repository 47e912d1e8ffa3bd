"""The ``ruhrgeo model`` command: spill-over as a spatial Durbin (or SLX) model."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import InputError, PathArg, friendly, out_option
from ruhrgeo.cli.graphs import graph_from, graph_options
from ruhrgeo.cli.main import SUMMARIES


@click.command(name="model", short_help=SUMMARIES["model"])
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("CSV or XLSX with a key column, the outcome and the covariates.")
@click.option("--outcome", required=True, help="The outcome column.")
@click.option(
    "--covariate", "covariates", required=True, multiple=True, help="A covariate (repeatable)."
)
@click.option("--model", default="durbin", show_default=True, type=click.Choice(["durbin", "slx"]))
@graph_options
@click.option("--draws", default=1000, show_default=True, help="Simulated draws (inference).")
@click.option("--seed", default=0, show_default=True, help="Seed of the draws.")
@out_option("The effects: .csv or .gpkg (covariate, effect, estimate, std_err, p, interval).")
@click.option("--figure", type=PathArg(path_type=Path), help="The effects as a PNG figure.")
@click.option("--json", "as_json", is_flag=True, help="Print the effects as JSON.")
@friendly
def model_command(
    boundaries: Path,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    table_path: Path,
    table_id_col: str | None,
    outcome: str,
    covariates: tuple[str, ...],
    model: str,
    kind: str | None,
    k_text: str | None,
    threshold_text: str | None,
    bandwidth_text: str | None,
    kernel: str | None,
    weights_file: Path | None,
    draws: int,
    seed: int,
    out_path: Path,
    figure: Path | None,
    as_json: bool,
) -> None:
    """Direct, indirect (spill-over) and total effects of each COVARIATE on OUTCOME, from a
    spatial Durbin model (or SLX) of the areas in BOUNDARIES (spreg)."""
    from ruhrgeo import spatial
    from ruhrgeo.io.write import write_atomic, write_table
    from ruhrgeo.maps.figures import png_bytes

    if figure is not None and figure.suffix.lower() != ".png":
        raise InputError(f"--figure must end in .png, got {figure.name!r}")
    graph = graph_from(kind, k_text, threshold_text, bandwidth_text, kernel, weights_file)
    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    gdf = with_table(areas, table_path, table_id_col or id_col, [outcome, *covariates])
    result = spatial.spatial_durbin(
        gdf, outcome, list(covariates), graph=graph, model=model, draws=draws, seed=seed
    )
    picture = png_bytes(spatial.plot_effects(result)) if figure is not None else None
    write_table(result.effects, out_path)
    if figure is not None and picture is not None:
        write_atomic(figure, lambda tmp: tmp.write_bytes(picture))
    if as_json:
        effects = result.effects.reset_index().to_dict("records")
        click.echo(json.dumps({"model": result.model.model, "effects": effects}, default=float))
    else:
        click.echo(result.summary())
        click.echo(f"wrote {out_path}" + (f" and {figure}" if figure else ""))
