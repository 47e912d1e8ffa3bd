"""The ``ruhrgeo rates`` command: small-base rates smoothed, and their LISA clusters."""

from __future__ import annotations

from pathlib import Path

import click

from ruhrgeo._names import RATE_METHODS
from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import InputError, PathArg, friendly, out_option
from ruhrgeo.cli.graphs import graph_from, graph_options
from ruhrgeo.cli.main import SUMMARIES


@click.command(name="rates", short_help=SUMMARIES["rates"])
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("CSV or XLSX with a key column, the events and the base.")
@click.option("--events", required=True, help="Counts of events (patents, start-ups).")
@click.option("--base", required=True, help="The population at risk (inhabitants).")
@click.option(
    "--method",
    default="empirical_bayes",
    show_default=True,
    type=click.Choice(RATE_METHODS),
)
@click.option("--per", default=1000.0, show_default=True, help="Rates per this many of base.")
@graph_options
@click.option("--permutations", default=999, show_default=True, help="For the LISA of rates.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@out_option("Rates and LISA clusters: .csv or .gpkg (with geometries).")
@click.option("--map", "map_paths", multiple=True, type=PathArg(path_type=Path),
              help="A map of the rates: .html or .png (repeatable).")  # fmt: skip
@friendly
def rates_command(
    boundaries: Path,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    table_path: Path,
    table_id_col: str | None,
    events: str,
    base: str,
    method: str,
    per: float,
    kind: str | None,
    k_text: str | None,
    threshold_text: str | None,
    bandwidth_text: str | None,
    kernel: str | None,
    weights_file: Path | None,
    permutations: int,
    seed: int,
    out_path: Path,
    map_paths: tuple[Path, ...],
) -> None:
    """The rate EVENTS / BASE per area, smoothed (empirical Bayes by default) so that a small
    base's chance extremes do not stand out, with the LISA clusters of the rates (esda)."""
    from ruhrgeo import maps, spatial
    from ruhrgeo.io.write import write_table

    bad = [p.name for p in map_paths if p.suffix.lower() not in (".html", ".htm", ".png")]
    if bad:
        raise InputError(f"--map must end in .html or .png, got {bad}")
    graph = graph_from(kind, k_text, threshold_text, bandwidth_text, kernel, weights_file)
    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    gdf = with_table(areas, table_path, table_id_col or id_col, [events, base])
    raw = spatial.smooth_rates(gdf, events, base, method="raw", per=per)
    smoothed = spatial.smooth_rates(gdf, events, base, method=method, graph=graph, per=per)
    lisa = spatial.local_moran_rate(
        gdf, events, base, graph=graph, permutations=permutations, seed=seed
    )
    named = ["name"] if "name" in gdf.columns else []
    column = f"{events}_rate"
    table = gdf[[*named, events, base, gdf.geometry.name]].assign(
        **{f"{events}_raw_rate": raw, column: smoothed}
    )
    table = table.join(lisa[["Is", "p_sim", "cluster"]].add_prefix("lisa_"))
    unit = f"per {per:g} {base}"
    pages = [
        maps.choropleth(table, column, units={column: unit}, title=f"{events} {unit} ({method})")
    ]
    figures = {}
    for path in map_paths:
        if path.suffix.lower() == ".png":
            figures[path] = maps.plot(table, column, units={column: unit})
    write_table(table, out_path)
    for path in map_paths:
        if path in figures:
            maps.save_png(figures[path], path)
        else:
            maps.save_html(pages[0], path)
    counts = lisa["cluster"].value_counts().to_dict()
    click.echo(
        f"{column} ({method}, {unit}): {smoothed.min():.3g} to {smoothed.max():.3g} "
        f"(raw {raw.min():.3g} to {raw.max():.3g}); LISA clusters of the rates: {counts}; "
        f"wrote {out_path}"
    )
