"""The ``ruhrgeo map`` command: an offline HTML map (and its PNG twin)."""

from __future__ import annotations

from pathlib import Path

import click

from ruhrgeo import maps
from ruhrgeo.cli.args import (
    friendly,
    table_options,
    with_table,
)
from ruhrgeo.io import read_municipalities
from ruhrgeo.maps import figures


@click.command(name="map")
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
