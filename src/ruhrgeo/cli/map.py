"""The ``ruhrgeo map`` command: an offline HTML page or a PNG of columns of a table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ruhrgeo._names import LOCALES
from ruhrgeo.cli.areas import area_options, read_boundaries, table_options, with_table
from ruhrgeo.cli.args import InputError, PathArg, friendly, number, pairs
from ruhrgeo.cli.main import SUMMARIES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ruhrgeo.maps import Map

SUFFIXES = (".html", ".htm", ".png")


@click.command(name="map", short_help=SUMMARIES["map"])
@click.argument("boundaries", type=PathArg(path_type=Path))
@area_options
@table_options("Table with a key column and the columns to map (CSV with ; or , or XLSX).")
@click.option(
    "--column",
    "columns",
    required=True,
    multiple=True,
    help="Column to map; repeat it for one page with a layer per column.",
)
@click.option(
    "--kind", default="choropleth", show_default=True, type=click.Choice(["choropleth", "clusters"])
)
@click.option("--title", help="Title of the page (default: the column's label).")
@click.option(
    "--unit",
    "unit_args",
    multiple=True,
    help="Unit of a column, COLUMN=UNIT (repeatable); a bare UNIT is the one mapped column's.",
)
@click.option("--label", "label_args", multiple=True, help="Human label, COLUMN=LABEL.")
@click.option("--tooltip", multiple=True, help="Extra column shown on hover (repeatable).")
@click.option("--scheme", default="quantiles", show_default=True, help="mapclassify scheme.")
@click.option("--k", default=5, show_default=True, help="Number of classes.")
@click.option("--bins", help="Upper class bounds, e.g. 50,90,100 (with --scheme user_defined).")
@click.option("--cmap", default="viridis", show_default=True, help="matplotlib color map.")
@click.option("--place-names", default="none", show_default=True, help="all, none or a count N.")
@click.option("--attribution", help="Credit line of the data (license text).")
@click.option(
    "--locale",
    default="en",
    show_default=True,
    type=click.Choice(LOCALES),
    help="Words and numbers of the map: de writes 'keine Daten', 'Gemeinde', 98,3.",
)
@click.option(
    "--out",
    "out_paths",
    type=PathArg(path_type=Path),
    required=True,
    multiple=True,
    help="map.html (self-contained, offline) or map.png; repeat for both.",
)
@friendly
def map_command(
    boundaries: Path,
    table_path: Path,
    table_id_col: str | None,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    columns: tuple[str, ...],
    kind: str,
    title: str | None,
    unit_args: tuple[str, ...],
    label_args: tuple[str, ...],
    tooltip: tuple[str, ...],
    scheme: str,
    k: int,
    bins: str | None,
    cmap: str,
    place_names: str,
    attribution: str | None,
    locale: str,
    out_paths: tuple[Path, ...],
) -> None:
    """Map COLUMN of a table as an offline HTML page or a PNG (by the suffix of --out)."""
    from ruhrgeo import maps
    from ruhrgeo.maps import checks
    from ruhrgeo.spatial.labels import CLUSTER_COLORS

    targets = [checks.output(p, SUFFIXES, "maps") for p in out_paths]
    checks.scheme(scheme, k, _bins(bins))  # options first: no table read for a typo
    checks.colormap(cmap)
    units = _units(unit_args, columns)
    pngs = [t for t in targets if t.suffix.lower() == ".png"]
    if pngs and len(columns) > 1:
        raise InputError("a PNG shows one column; give one --column, or write .html")
    aliases = pairs(label_args, "--label")
    options = {
        "title": title if len(columns) == 1 else None,
        "aliases": aliases,
        "units": units,
        "place_names": _place_names(place_names),  # checked before the data is read
        "attribution": attribution,
        "locale": locale,
    }
    areas = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    gdf = with_table(areas, table_path, table_id_col or id_col, [*columns, *tooltip])
    fields = ["name", *tooltip] if "name" in gdf.columns else list(tooltip)
    if kind == "clusters":
        pages = [maps.cluster_map(gdf, gdf[c], tooltip=[*fields, c], **options) for c in columns]
        figure = maps.plot(gdf, columns[0], colors=CLUSTER_COLORS, **options) if pngs else None
    else:
        classes = {"scheme": scheme, "k": k, "bins": _bins(bins), "cmap": cmap}
        pages = [
            maps.choropleth(gdf, c, tooltip=[*fields, c], **classes, **options) for c in columns
        ]
        figure = maps.plot(gdf, columns[0], **classes, **options) if pngs else None
    page = pages[0] if len(pages) == 1 else maps.atlas(*pages, title=title)
    for line in _write(page, figure, targets):
        click.echo(line)
    missing = int(gdf[list(columns)].isna().all(axis=1).sum())
    if missing:
        click.echo(f"{missing} of {len(gdf)} areas have no value (hatched: no data)")


def _units(args: tuple[str, ...], columns: tuple[str, ...]) -> dict[str, str]:
    bare = [a for a in args if "=" not in a]
    if bare and (len(bare) > 1 or len(columns) > 1):
        raise InputError(f"--unit {bare[0]!r} has no column; with several columns give COLUMN=UNIT")
    units = pairs(tuple(a for a in args if "=" in a), "--unit")
    return {columns[0]: bare[0], **units} if bare else units


def _bins(text: str | None) -> list[float] | None:
    if text is None:
        return None
    return [number(part, "--bins") for part in text.split(",")]


def _place_names(text: str) -> bool | int:
    if text.lower() in ("all", "none"):
        return text.lower() == "all"
    if text.isdigit():
        return int(text)
    raise InputError(f"--place-names takes all, none or a count, got {text!r}")


def _write(page: Map, figure: Figure | None, targets: list[Path]) -> list[str]:
    """Render everything first, then write; a failed write removes what this run wrote."""
    from ruhrgeo.io.write import write_atomic
    from ruhrgeo.maps.figures import png_bytes

    contents: list[bytes] = []
    for target in targets:
        if target.suffix.lower() == ".png":
            assert figure is not None  # made whenever a target is .png
            contents.append(png_bytes(figure))
        else:
            contents.append(page.get_root().render().encode("utf-8"))
    written: list[Path] = []
    try:
        for target, data in zip(targets, contents, strict=True):
            write_atomic(target, lambda tmp, data=data: tmp.write_bytes(data))
            written.append(target)
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return [f"wrote {t} ({t.stat().st_size / 1e6:.2f} MB)" for t in targets]
