"""The ``ruhrgeo`` command: a thin layer over the library's functions."""

from __future__ import annotations

import dataclasses
import functools
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd
from tqdm.auto import tqdm

from ruhrgeo import datasets, spatial
from ruhrgeo._io import write_atomic, write_table
from ruhrgeo._validate import normalize_ags
from ruhrgeo.boundaries import read_municipalities
from ruhrgeo.coverage import read_coverage
from ruhrgeo.errors import RuhrgeoError, RuhrgeoWarning
from ruhrgeo.overlay import Overlay, coverage_share

REGION = "Metropole Ruhr"
DEMO_NOTE = (
    "ruhrgeo demo output. Boundaries are SCHEMATIC (Voronoi polygons around representative "
    "points of the 53 Ruhr municipalities, not official); coverage and population grids are "
    "SYNTHETIC. Use them to try ruhrgeo, not to describe the Ruhr.\n"
)


class InputError(click.ClickException):
    """Bad input: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", RuhrgeoWarning)
                warnings.showwarning = _show_warning
                return command(*args, **kwargs)
        except (RuhrgeoError, FileNotFoundError) as exc:
            raise InputError(str(exc)) from None

    return wrapper


def _show_warning(message: Any, category: type, *_: Any, **__: Any) -> None:
    click.echo(f"warning: {message}", err=True)


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
@_friendly
def demo(out_dir: Path, quiet: bool) -> None:
    """Run everything on the embedded demo data (schematic Ruhr) and write OUT."""
    progress = not quiet
    munis = read_municipalities(datasets.demo_municipalities())
    layers = datasets.demo_coverage()
    population = read_coverage(datasets.demo_population())
    grids = {name: read_coverage(path) for name, path in layers.items()}
    households = {"fttbh": grids["fttbh"], "gigabit": grids["gigabit"]}
    area = {"5g": grids["5g"]}
    exact = Overlay(munis, grids["5g"], progress=progress)  # one grid for all demo layers
    region = pd.Series(REGION, index=munis.index, name="region")

    def both(by: pd.Series | None) -> pd.DataFrame:
        by_weight = exact.share(households, weights=population, by=by)
        return pd.concat([by_weight, exact.share(area, by=by)], axis=1)

    shares, region_shares = both(None), both(region)
    table = munis[["name", "kreis"]].join(shares)
    write_table(table, out_dir / "coverage_shares.csv")
    write_table(region_shares, out_dir / "region_shares.csv")
    gdf = munis.join(shares[list(DEMO_LABELS)])
    clusters, stats = {}, {}
    for column in tqdm(DEMO_LABELS, desc="spatial statistics", disable=quiet):
        clusters[column] = spatial.local_moran(gdf, column)["cluster"]
        stats[column] = _global_stats(gdf, column)
    write_table(munis[["name"]].join(pd.DataFrame(clusters)), out_dir / "clusters.csv")
    _write_json(stats, out_dir / "spatial_stats.json")
    write_atomic(out_dir / "README.txt", lambda tmp: tmp.write_text(DEMO_NOTE, encoding="utf-8"))
    row = region_shares.loc[REGION]
    fttbh_divide = stats["fttbh"]["north_south"]
    click.echo(
        f"{REGION} (demo data: schematic boundaries, synthetic grids), "
        f"{len(table)} municipalities:\n"
        f"  FTTB/H   {row['fttbh']:5.1f} % of inhabitants\n"
        f"  gigabit  {row['gigabit']:5.1f} % of inhabitants\n"
        f"  5G       {row['5g']:5.1f} % of the area\n"
        f"  north/south: {fttbh_divide['summary']}\n"
        "wrote coverage_shares.csv, region_shares.csv, clusters.csv, spatial_stats.json "
        f"to {out_dir}"
    )


DEMO_LABELS = {"fttbh": "FTTB/H", "gigabit": "gigabit", "5g": "5G"}


def _global_stats(gdf: pd.DataFrame, column: str, kind: str = "queen", **kwargs: Any) -> dict:
    result = spatial.moran(gdf, column, graph=kind, **kwargs)
    divide = spatial.north_south(gdf, column, **kwargs)
    return {
        "moran": {**dataclasses.asdict(result), "summary": result.summary()},
        "north_south": {**dataclasses.asdict(divide), "summary": divide.summary()},
    }


def _write_json(data: dict, path: Path) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=float, allow_nan=True)
    write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _table_path(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """Callback of --out: results are tables, CSV or GeoPackage."""
    if value.suffix.lower() not in (".csv", ".gpkg"):
        raise InputError(f"--out must end in .csv or .gpkg, got {value.name!r}")
    return value


def _out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --out option of the commands that write a table."""
    return click.option(
        "--out",
        "out_path",
        type=click.Path(path_type=Path),
        required=True,
        callback=_table_path,
        help=help_text,
    )


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            raise InputError(f"{option} takes NAME=VALUE, got {value!r}")
        out[name] = rest
    return out


def _number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{option} takes a number, got {text!r}") from None


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
@_out_option("Output .csv or .gpkg (with geometries).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@_friendly
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
    quiet: bool,
) -> None:
    """Exact coverage share of every municipality in BOUNDARIES, per layer."""
    paths, column_of = _pairs(layer_specs, "--layer"), _pairs(columns, "--column")
    threshold_of, unit_of = _pairs(thresholds, "--threshold"), _pairs(units, "--unit")
    for option, given in (
        ("--column", column_of),
        ("--threshold", threshold_of),
        ("--unit", unit_of),
    ):
        unknown = sorted(set(given) - set(paths))
        if unknown:
            raise InputError(f"{option} names unknown layer(s) {unknown}; layers: {sorted(paths)}")
    munis = read_municipalities(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    grids = {
        name: read_coverage(
            path,
            column=column_of.get(name),
            unit=unit_of.get(name),
            threshold=_number(threshold_of[name], "--threshold") if name in threshold_of else None,
        )
        for name, path in paths.items()
    }
    weight_grid = read_coverage(weights, column=weights_column) if weights else None
    shares = coverage_share(munis, grids, weights=weight_grid, progress=not quiet)
    result = munis[["name", munis.geometry.name]].join(shares)
    write_table(result, out_path)
    click.echo(f"wrote {len(result)} municipalities x {len(grids)} layers to {out_path}")


@main.command()
@click.argument("boundaries", type=click.Path(path_type=Path))
@click.option(
    "--table",
    "table_path",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV with an AGS column and the values.",
)
@click.option("--column", required=True, help="The column to analyse.")
@click.option("--id-col", default="ags", show_default=True, help="AGS column of the table.")
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
@_out_option("Local results: .csv or .gpkg (with geometries).")
@click.option("--json", "as_json", is_flag=True, help="Print the global results as JSON.")
@_friendly
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
    if not table_path.exists():
        raise InputError(f"--table: no file at {str(table_path)!r}")
    table = pd.read_csv(table_path, sep=None, engine="python", dtype={id_col: str})
    if id_col not in table.columns or column not in table.columns:
        raise InputError(
            f"--table {table_path.name} needs columns {id_col!r} and {column!r}; "
            f"it has {list(table.columns)[:20]}"
        )
    table.index = pd.Index(normalize_ags(table[id_col], id_col), name="ags")
    gdf = munis.join(table[[column]])
    options = {"permutations": permutations, "seed": seed}
    lisa = spatial.local_moran(gdf, column, graph=kind, **options)
    spots = spatial.getis_ord(gdf, column, graph=kind, **options)
    local = munis[["name", munis.geometry.name]].join(
        lisa.add_prefix("lisa_").join(spots.add_prefix("gi_"))
    )
    write_table(local, out_path)
    results = _global_stats(gdf, column, kind, **options)
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False, default=float))
    else:
        click.echo(results["moran"]["summary"])
        click.echo(results["north_south"]["summary"])
        counts = lisa["cluster"].value_counts().to_dict()
        click.echo(f"LISA clusters (FDR 5 %): {counts}; wrote {out_path}")


if __name__ == "__main__":
    main()
