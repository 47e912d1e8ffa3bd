"""The ``ruhrgeo`` command: a thin layer over the library's functions."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ruhrgeo import datasets
from ruhrgeo._io import write_atomic, write_table
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
    write_atomic(out_dir / "README.txt", lambda tmp: tmp.write_text(DEMO_NOTE, encoding="utf-8"))
    row = region_shares.loc[REGION]
    click.echo(
        f"{REGION} (demo data: schematic boundaries, synthetic grids), "
        f"{len(table)} municipalities:\n"
        f"  FTTB/H   {row['fttbh']:5.1f} % of inhabitants\n"
        f"  gigabit  {row['gigabit']:5.1f} % of inhabitants\n"
        f"  5G       {row['5g']:5.1f} % of the area\n"
        f"wrote {out_dir / 'coverage_shares.csv'} and {out_dir / 'region_shares.csv'}"
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
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Output .csv or .gpkg (with geometries).",
)
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
    if out_path.suffix.lower() not in (".csv", ".gpkg"):
        raise InputError(f"--out must end in .csv or .gpkg, got {out_path.name!r}")
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


if __name__ == "__main__":
    main()
