"""The ``ruhrgeo regions`` command: contiguous regions found from data (spopt)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ruhrgeo._names import REGION_METHODS
from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import InputError, PathArg, friendly, out_option
from ruhrgeo.cli.graphs import graph_from, graph_options
from ruhrgeo.cli.main import SUMMARIES

if TYPE_CHECKING:
    import pandas as pd


@click.command(name="regions", short_help=SUMMARIES["regions"])
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("CSV or XLSX with a key column and the columns to group by.")
@click.option("--column", "columns", required=True, multiple=True, help="A column (repeatable).")
@click.option("--method", default="maxp", show_default=True, type=click.Choice(REGION_METHODS))
@click.option("--n-regions", type=int, help="Number of regions (skater, ward).")
@click.option("--floor", type=float, help="The least each region holds (maxp; skater: areas).")
@click.option("--floor-column", help="The column the floor sums (maxp, e.g. population).")
@graph_options
@click.option("--seed", default=0, show_default=True, help="Seed of the max-p heuristic.")
@out_option("Each area's region: .csv or .gpkg (with geometries).")
@click.option("--map", "map_paths", multiple=True, type=PathArg(path_type=Path),
              help="A map of the regions: .html or .png (repeatable).")  # fmt: skip
@friendly
def regions_command(
    boundaries: Path,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    table_path: Path,
    table_id_col: str | None,
    columns: tuple[str, ...],
    method: str,
    n_regions: int | None,
    floor: float | None,
    floor_column: str | None,
    kind: str | None,
    k_text: str | None,
    threshold_text: str | None,
    bandwidth_text: str | None,
    kernel: str | None,
    weights_file: Path | None,
    seed: int,
    out_path: Path,
    map_paths: tuple[Path, ...],
) -> None:
    """Group the areas of BOUNDARIES into contiguous regions alike in the COLUMNs."""
    from ruhrgeo import maps, spatial
    from ruhrgeo.io.write import write_table

    bad = [p.name for p in map_paths if p.suffix.lower() not in (".html", ".htm", ".png")]
    if bad:
        raise InputError(f"--map must end in .html or .png, got {bad}")
    graph = graph_from(kind, k_text, threshold_text, bandwidth_text, kernel, weights_file)
    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    needed = [*columns, *([floor_column] if floor_column else [])]
    gdf = with_table(areas, table_path, table_id_col or id_col, needed)
    found = spatial.regions(
        gdf,
        list(columns),
        method=method,
        graph=graph,
        n_regions=n_regions,
        floor=floor,
        floor_column=floor_column,
        seed=seed,
    )
    named = ["name"] if "name" in gdf.columns else []
    table = gdf[[*named, *dict.fromkeys(needed), gdf.geometry.name]].join(found.labels)
    labels = found.labels.map(lambda r: f"region {r}")
    title = f"{method} regions of {', '.join(columns)}"
    pngs = {p: maps.plot(table.assign(region=labels), "region", colors=_colors(labels), title=title)
            for p in map_paths if p.suffix.lower() == ".png"}  # fmt: skip
    page = maps.category_map(gdf, labels, title=title)
    write_table(table, out_path)
    for path in map_paths:
        if path in pngs:
            maps.save_png(pngs[path], path)
        else:
            maps.save_html(page, path)
    click.echo(found.summary())
    click.echo(found.table.round(3).to_string())
    click.echo(f"wrote {out_path}")


def _colors(labels: pd.Series) -> dict[str, str]:
    """The map page's colors (the palette in order of appearance), for the PNG twin."""
    from ruhrgeo.maps.choropleths import PALETTE

    return dict(zip(dict.fromkeys(labels.dropna()), PALETTE, strict=False))
