"""The boundaries and tables the commands read, keyed by the AGS or by any other unique id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ruhrgeo.cli.args import InputError, PathArg

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def area_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--boundary-layer, --id-col and --name-col of the commands that read boundaries."""
    command = click.option("--name-col", help="Name column of the boundaries (default GEN/name).")(
        command
    )
    command = click.option(
        "--id-col",
        help="Key column of the boundaries (default: the AGS, read as municipalities); any "
        "other unique id (e.g. kreis_ags, a LAU code) is kept as written.",
    )(command)
    return click.option(
        "--boundary-layer", help="Layer of a multi-layer boundaries file (e.g. vg250_gem)."
    )(command)


def table_options(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--table and --table-id-col of the commands that join a table to the boundaries."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--table-id-col",
            help="Key column of the table (default: the --id-col, else ags).",
        )(command)
        return click.option(
            "--table",
            "table_path",
            type=PathArg(path_type=Path),
            required=True,
            help=help_text,
        )(command)

    return decorate


def read_boundaries(
    path: Path, *, layer: str | None = None, id_col: str | None = None, name_col: str | None = None
) -> gpd.GeoDataFrame:
    """Boundaries keyed by ``id_col``: municipalities by AGS (read_municipalities) when no key
    or an AGS column is named, else any areas keyed by that column (read_areas)."""
    from ruhrgeo.io import read_areas, read_municipalities

    if is_ags(id_col):
        return read_municipalities(path, layer=layer, id_col=id_col, name_col=name_col)
    return read_areas(path, id_col=id_col, name_col=name_col, layer=layer)


def is_ags(id_col: str | None) -> bool:
    return id_col is None or id_col.lower() == "ags"


def with_table(
    areas: gpd.GeoDataFrame, path: Path, id_col: str | None, needed: list[str]
) -> gpd.GeoDataFrame:
    """The areas with the table's columns among ``needed`` (the table's replace the areas'
    of the same name); a needed column in neither, or a table sharing no key, is an error."""
    import pandas as pd

    from ruhrgeo.io import read_indicators

    key = "ags" if areas.index.name == "ags" else "text"
    column = id_col or (areas.index.name if key == "text" else None)
    try:
        table = read_indicators(path, id_col=column, key=key)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(
            f"--table {path.name} cannot be read as a table ({exc}); give a CSV (; or , "
            "separated, UTF-8) or XLSX with a key column"
        ) from None
    if pd.api.types.is_integer_dtype(areas.index.dtype):
        table = _integer_keys(table, path)
    needed = list(dict.fromkeys(needed))
    from_table = [c for c in needed if c in table.columns]
    absent = [c for c in needed if c not in table.columns and c not in areas.columns]
    if absent:
        raise InputError(
            f"--table {path.name} has no column {' or '.join(map(repr, absent))}; "
            f"it has {list(table.columns)[:20]}"
        )
    if from_table and not table.index.isin(areas.index).any():
        raise InputError(
            f"no key of --table {path.name} ({list(table.index[:3])}) is one of the "
            f"boundaries' {areas.index.name} ({list(areas.index[:3])}); name the key columns "
            "with --id-col and --table-id-col"
        )
    return areas.drop(columns=from_table, errors="ignore").join(table[from_table])


def _integer_keys(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    import pandas as pd

    numbers = pd.to_numeric(pd.Series(table.index), errors="coerce")
    if numbers.isna().any() or (numbers % 1 != 0).any():
        raise InputError(
            f"the boundaries are keyed by whole numbers, --table {path.name} also by text "
            f"(e.g. {table.index[numbers.isna() | (numbers % 1 != 0)][0]!r})"
        )
    return table.set_axis(pd.Index(numbers.astype("int64"), name=table.index.name))
