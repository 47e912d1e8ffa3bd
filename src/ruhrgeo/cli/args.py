"""Argument parsing and error handling shared by the ``ruhrgeo`` commands."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import numpy as np
import pandas as pd

from ruhrgeo import datasets
from ruhrgeo.errors import RuhrgeoError, RuhrgeoWarning
from ruhrgeo.io import read_indicators


class InputError(click.ClickException):
    """Bad input: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", RuhrgeoWarning)
                warnings.showwarning = show_warning
                return command(*args, **kwargs)
        except (RuhrgeoError, FileNotFoundError) as exc:
            raise InputError(str(exc)) from None

    return wrapper


def show_warning(message: Any, category: type, *_: Any, **__: Any) -> None:
    click.echo(f"warning: {message}", err=True)


def table_path(_ctx: click.Context, _param: click.Parameter, value: Path) -> Path:
    """Callback of --out: results are tables, CSV or GeoPackage."""
    if value.suffix.lower() not in (".csv", ".gpkg"):
        raise InputError(f"--out must end in .csv or .gpkg, got {value.name!r}")
    return value


def read_table(path: Path, id_col: str, columns: list[str]) -> pd.DataFrame:
    """The given columns of a table (CSV or XLSX, as :func:`ruhrgeo.read_indicators` reads
    it: ``;`` or ``,``, decimal commas), indexed by the normalised AGS."""
    table = read_indicators(path, id_col=id_col)
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise InputError(
            f"--table {path.name} has no column {' or '.join(map(repr, absent))}; "
            f"it has {list(table.columns)[:20]}"
        )
    return table[columns]


def with_table(
    munis: gpd.GeoDataFrame, path: Path, id_col: str, columns: list[str]
) -> gpd.GeoDataFrame:
    """The municipalities with the table's columns (which replace any of the same name)."""
    table = read_table(path, id_col, columns)
    return munis.drop(columns=[c for c in columns if c in munis.columns]).join(table)


def read_sources(path: Path | None) -> gpd.GeoDataFrame:
    """Source points from a CSV with latitude/longitude (WGS84) or a vector file."""
    if path is None:
        return datasets.universities()
    if not path.exists():
        raise InputError(f"--sources: no file at {str(path)!r}")
    if path.suffix.lower() != ".csv":
        return gpd.read_file(path)
    table = pd.read_csv(path, sep=None, engine="python")
    if not {"latitude", "longitude"} <= set(table.columns):
        raise InputError(f"--sources {path.name} needs columns 'latitude' and 'longitude'")
    points = gpd.points_from_xy(table["longitude"], table["latitude"])
    return gpd.GeoDataFrame(table, geometry=points, crs=4326)


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --out option of the commands that write a table."""
    return click.option(
        "--out",
        "out_path",
        type=click.Path(path_type=Path),
        required=True,
        callback=table_path,
        help=help_text,
    )


def table_options(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --table and --id-col options of the commands that read a table keyed by AGS."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--id-col", default="ags", show_default=True, help="AGS column of the table."
        )(command)
        return click.option(
            "--table",
            "table_path",
            type=click.Path(path_type=Path),
            required=True,
            help=help_text,
        )(command)

    return decorate


def pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            raise InputError(f"{option} takes NAME=VALUE, got {value!r}")
        out[name] = rest
    return out


def number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{option} takes a number, got {text!r}") from None


def parse_radii(text: str) -> list[float]:
    try:
        start, stop, step = (float(v) for v in text.split(":"))
    except ValueError:
        raise InputError(f"--radii takes FROM:TO:STEP in km, got {text!r}") from None
    return np.arange(start, stop + step / 2, step).tolist()
