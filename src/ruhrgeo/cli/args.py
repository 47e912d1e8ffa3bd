"""Argument parsing and error handling shared by the ``ruhrgeo`` commands."""

from __future__ import annotations

import csv
import functools
import math
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ruhrgeo.errors import RuhrgeoError, RuhrgeoWarning

if TYPE_CHECKING:
    import geopandas as gpd


class InputError(click.ClickException):
    """Bad input: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command whose errors are one line with exit code 2, whose warnings are printed once,
    and which refuses an output that is one of its inputs."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            refuse_unencodable(kwargs)
            refuse_overwriting(kwargs)
            with warnings.catch_warnings():
                warnings.simplefilter("always", RuhrgeoWarning)
                warnings.showwarning = once()
                return command(*args, **kwargs)
        except (RuhrgeoError, FileNotFoundError) as exc:
            raise InputError(speak_cli(str(exc))) from None

    return wrapper


# ``missing='skip'``, ``p=2``: a keyword argument as the library's messages name it
KEYWORD = re.compile(r"\b([a-z][a-z_]*)=(?:'([^']*)'|\"([^\"]*)\"|([\w.+-]+))")


def speak_cli(message: str) -> str:
    """The library's message in the command's words: a keyword argument that is an option of
    the running command (``missing='skip'``) becomes the option (``--missing skip``)."""
    context = click.get_current_context(silent=True)
    flags = {}
    for param in context.command.params if context else []:
        for opt in param.opts if isinstance(param, click.Option) else []:
            if opt.startswith("--"):
                flags[opt[2:].replace("-", "_")] = opt

    def swap(match: re.Match[str]) -> str:
        flag = flags.get(match[1])
        value = next(v for v in match.groups()[1:] if v is not None)
        return match[0] if flag is None else f"{flag} {value}"

    return KEYWORD.sub(swap, message)


def refuse_unencodable(options: dict[str, Any]) -> None:
    """Refuse an argument this system cannot turn back into bytes (a lone surrogate, a NUL:
    no file name or terminal holds one), naming the option, before anything is read."""
    for name, value in options.items():
        for item in value if isinstance(value, tuple | list) else [value]:
            if not isinstance(item, str | Path):
                continue
            try:
                if "\x00" in os.fsencode(item).decode("utf-8", "replace"):
                    raise UnicodeError("NUL")
            except UnicodeError:
                raise InputError(
                    f"{_flag(name)} {str(item)!r} holds characters that are not text in this "
                    "system's encoding; retype the value"
                ) from None


def _flag(name: str) -> str:
    """The option as the user typed it (``label_args`` -> ``--label``)."""
    context = click.get_current_context(silent=True)
    for param in context.command.params if context else []:
        if param.name == name:
            return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
    return name


def refuse_overwriting(options: dict[str, Any]) -> None:
    """Refuse an output path (the options named ``out...``) that is one of the input files the
    other options name (paths, or ``NAME=PATH`` pairs): writing it would replace the input."""
    outputs: list[tuple[str, Path]] = []
    inputs: list[Path] = []
    for name, value in options.items():
        values = value if isinstance(value, tuple | list) else [value]
        for item in values:
            if isinstance(item, str) and "=" in item:
                item = Path(item.partition("=")[2])
            if not isinstance(item, Path):
                continue
            if name.startswith("out"):
                outputs.append((name, item))
            else:
                inputs.append(item)
    for name, out in outputs:
        for given in inputs:
            if _same_file(out, given):
                flag = _flag(name)
                raise InputError(
                    f"{flag} {str(out)!r} is also an input of this command ({str(given)!r}); "
                    "writing it would replace the input: choose another output file"
                )


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def once() -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints each message one time, as one line on stderr
    (the index computed for the result, the audit and the uncertainty warns alike)."""
    shown: set[str] = set()

    def show(message: Any, *_: Any, **__: Any) -> None:
        text = str(message)
        if text not in shown:
            shown.add(text)
            click.echo(f"warning: {text}", err=True)

    return show


def table_path(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Callback of --out: results are tables, CSV or GeoPackage."""
    if value is not None and value.suffix.lower() not in (".csv", ".gpkg"):
        raise InputError(f"--out must end in .csv or .gpkg, got {value.name!r}")
    return value


def read_sources(path: Path | None) -> gpd.GeoDataFrame:
    """Source points from a CSV with latitude/longitude (WGS84) or a vector file."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import pyogrio

    from ruhrgeo import datasets

    if path is None:
        return datasets.universities()
    if not path.is_file():
        raise InputError(f"--sources: no file at {str(path)!r}")
    if path.suffix.lower() != ".csv":
        try:
            points = gpd.read_file(path)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise InputError(
                f"--sources {path.name} cannot be read as vector data ({exc})"
            ) from None
        if points.crs is None or points.empty:
            raise InputError(f"--sources {path.name} holds no points or has no CRS")
        return points
    try:
        table = pd.read_csv(path, sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"--sources {path.name} is not a readable CSV ({exc})") from None
    if not {"latitude", "longitude"} <= set(table.columns):
        raise InputError(f"--sources {path.name} needs columns 'latitude' and 'longitude'")
    lat = pd.to_numeric(table["latitude"], errors="coerce")
    lon = pd.to_numeric(table["longitude"], errors="coerce")
    bad = lat.isna() | lon.isna() | ~lat.between(-90, 90) | ~lon.between(-180, 180)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"--sources {path.name}: {int(bad.sum())} row(s) without a valid latitude/longitude "
            f"in degrees, e.g. row {row + 2}: {table['latitude'].iloc[row]!r}, "
            f"{table['longitude'].iloc[row]!r}"
        )
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(lon, lat), crs=4326)


class PathArg(click.Path):
    """click's Path that refuses an empty argument (an unset shell variable): click reads it
    as the current folder, where a run would then read or write."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the path is empty (an unset variable?); give a file or folder", param, ctx)
        return super().convert(value, param, ctx)


def out_option(
    help_text: str, *, required: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --out option of the commands that write a table."""
    return click.option(
        "--out",
        "out_path",
        type=PathArg(path_type=Path),
        required=required,
        callback=table_path,
        help=help_text,
    )


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
        value = float(text)
    except ValueError:
        raise InputError(f"{option} takes a number, got {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{option} takes a finite number, got {text!r}")
    return value


def parse_radii(text: str) -> list[float]:
    """``FROM:TO:STEP`` in km as the list of radii."""
    try:
        start, stop, step = (number(v, "--radii") for v in text.split(":"))
    except (ValueError, InputError):
        raise InputError(f"--radii takes FROM:TO:STEP in km, got {text!r}") from None
    if step <= 0 or start <= 0 or stop < start:
        raise InputError(
            f"--radii {text!r}: FROM and STEP must be positive and TO at least FROM, e.g. 2:60:2"
        )
    if (stop - start) / step > 1000:
        raise InputError(f"--radii {text!r} gives more than 1,000 radii; take a larger STEP")
    count = math.ceil((stop + step / 2 - start) / step)  # as numpy.arange(start, stop + step/2)
    return [start + i * step for i in range(count)]
