"""The ``ruhrgeo spillover`` commands: allocate values, estimate the radius."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ruhrgeo._names import DECAY_KERNELS
from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import PathArg, friendly, out_option, parse_radii, read_sources
from ruhrgeo.cli.main import SUMMARIES


@click.group(name="spillover", short_help=SUMMARIES["spillover"])
def spillover_group() -> None:
    """University spill-over: allocate values with distance decay, estimate the radius."""


_KERNEL = click.option(
    "--kernel", default="linear", show_default=True, type=click.Choice(DECAY_KERNELS)
)
_SOURCES = click.option(
    "--sources",
    "sources_path",
    type=PathArg(path_type=Path),
    help="Points: CSV with latitude/longitude or a vector file (default: the Ruhr's universities).",
)


@spillover_group.command(name="allocate")
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@_SOURCES
@click.option("--value", required=True, help="Column of the sources to spread (e.g. it_graduates).")
@click.option("--radius-km", type=float, required=True, help="Spill-over radius in km.")
@_KERNEL
@out_option("Output .csv or .gpkg (with geometries).")
@friendly
def spillover_allocate(
    boundaries: Path,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    sources_path: Path | None,
    value: str,
    radius_km: float,
    kernel: str,
    out_path: Path,
) -> None:
    """Spread each source's VALUE over the areas of BOUNDARIES (totals kept)."""
    from ruhrgeo import spillover
    from ruhrgeo.io.write import write_table

    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    sources = read_sources(sources_path)
    allocated = spillover.allocate(areas, sources, value, radius_km=radius_km, kernel=kernel)
    named = ["name"] if "name" in areas.columns else []
    write_table(areas[[*named, areas.geometry.name]].join(allocated), out_path)
    click.echo(f"allocated {allocated.sum():.6g} {value} over {len(areas)} areas to {out_path}")


@spillover_group.command(name="estimate")
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("CSV with a key column and the outcome.")
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
    table_id_col: str | None,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    outcome: str,
    sources_path: Path | None,
    size: str | None,
    kernel: str,
    radii: str,
    n_boot: int,
    seed: int,
    as_json: bool,
) -> None:
    """Estimate from data how far the spill-over of the sources reaches into OUTCOME."""
    from ruhrgeo import spillover
    from ruhrgeo.cli.report import estimate_json

    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    gdf = with_table(areas, table_path, table_id_col or id_col, [outcome])
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
