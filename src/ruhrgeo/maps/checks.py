"""The maps' checks at their edge: frames, columns, values, options and output paths."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Colormap

from ruhrgeo._params import whole_number
from ruhrgeo.errors import (
    InputTypeError,
    MapDataError,
    MapTextError,
    MissingColumnError,
    OutputError,
    ParameterError,
)

# Deterministic mapclassify schemes that terminate on any data. Left out: natural_breaks,
# max_p and the *_sampled schemes (random: each run would draw another map), jenks_caspall
# (can loop forever on tied values) and maximum_breaks (random breaks on tied values).
SCHEMES = (
    "quantiles",
    "equal_interval",
    "fisher_jenks",
    "headtail_breaks",
    "box_plot",
    "std_mean",
    "percentiles",
    "pretty_breaks",
    "user_defined",
)
_NOT_NUMBERS_SHOWN = 5


def frame(gdf: object, name: str = "gdf") -> gpd.GeoDataFrame:
    """``gdf`` as a non-empty GeoDataFrame, or a specific error."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputTypeError(
            f"`{name}` must be a GeoDataFrame of municipalities, got {type(gdf).__name__}; "
            "read one with ruhrgeo.read_municipalities"
        )
    if gdf.empty:
        raise MapDataError(f"`{name}` has no rows; a map needs at least one municipality")
    return gdf


def column(gdf: pd.DataFrame, name: object, what: str = "column") -> str:
    """``name`` as a column of ``gdf``: a string that is one of its columns."""
    if not isinstance(name, str):
        raise InputTypeError(
            f"`{what}` must be a column name (a string), got {name!r} "
            f"({type(name).__name__}); give string names, e.g. gdf.rename(columns=str)"
        )
    if name not in gdf.columns:
        shown = [c for c in gdf.columns if c != "geometry"][:20]
        raise MissingColumnError(f"`{what}` {name!r} is not a column of the data; it has {shown}")
    return name


def columns(gdf: pd.DataFrame, names: object, what: str) -> list[str]:
    """A list of column names (a single string is one name, not its characters)."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list | tuple):
        raise InputTypeError(f"`{what}` must be a list of column names, got {names!r}")
    return [column(gdf, n, what) for n in names]


def per_column(gdf: pd.DataFrame, mapping: Mapping[str, str] | None, what: str) -> dict[str, str]:
    """``units`` or ``aliases``: strings keyed by columns of ``gdf`` (typos are refused)."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise InputTypeError(
            f"`{what}` must map column names to texts, e.g. {{'fttbh': '%'}}, got {mapping!r}"
        )
    unknown = [k for k in mapping if not isinstance(k, str) or k not in gdf.columns]
    if unknown:
        raise MissingColumnError(
            f"`{what}` names {unknown}, which are not columns of the data; check the spelling"
        )
    bad = {k: v for k, v in mapping.items() if not isinstance(v, str)}
    if bad:
        raise InputTypeError(f"`{what}` must give a text per column, got {bad}")
    return dict(mapping)


def unicode_text(gdf: pd.DataFrame, names: list[str]) -> None:
    """Text columns hold valid Unicode (a lone surrogate comes from a wrong encoding)."""
    for name in dict.fromkeys(names):
        if name not in gdf.columns or gdf[name].dtype != object:
            continue  # numbers, or pandas strings (which cannot hold a lone surrogate)
        for key, value in gdf[name].items():
            if isinstance(value, str) and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise MapTextError(
                        f"`{name}` of {key!r} is not valid Unicode ({value[:40]!r} holds a lone "
                        "surrogate, usually from a file read with the wrong encoding); read "
                        "the file with its encoding (e.g. encoding='cp1252')"
                    ) from None


def numbers(gdf: pd.DataFrame, name: str) -> pd.Series:
    """The values of ``name`` as floats (NaN where missing), refusing text and infinities."""
    raw = gdf[name]
    if pd.api.types.is_bool_dtype(raw):
        raise MapDataError(f"`{name}` holds True/False, not numbers; map it as categories")
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    not_numbers = raw[values.isna() & raw.notna()]
    if len(not_numbers):
        examples = list(dict.fromkeys(map(str, not_numbers)))[:_NOT_NUMBERS_SHOWN]
        raise MapDataError(
            f"`{name}` has {len(not_numbers)} values that are not numbers, e.g. {examples}; "
            "convert them (a table with decimal commas reads correctly with "
            "ruhrgeo.read_indicators)"
        )
    infinite = values.index[np.isinf(values.to_numpy())]
    if len(infinite):
        raise MapDataError(
            f"`{name}` is infinite for {list(infinite[:10])}; replace those values "
            "(e.g. a division by zero) with numbers or NaN"
        )
    if values.isna().all():
        raise MapDataError(
            f"`{name}` has no values: all {len(values)} are missing; check the join of the "
            "table to the municipalities (AGS as 8-character strings)"
        )
    return values


def scheme(name: object, k: object, bins: object) -> tuple[str, int, list[float] | None]:
    """A deterministic mapclassify scheme, its number of classes and user-defined bins."""
    normal = str(name).lower().replace("_", "") if isinstance(name, str) else None
    known = {s.replace("_", ""): s for s in SCHEMES}
    if normal not in known:
        raise ParameterError(
            f"`scheme` {name!r} is not one of {list(SCHEMES)}"
            + (
                "; natural_breaks is random, use fisher_jenks (its exact counterpart)"
                if normal in ("naturalbreaks", "jenkscaspall", "maxp")
                else ""
            )
        )
    k = whole_number(k, "k (the number of classes)", low=1, high=20)
    if (bins is None) != (known[normal] != "user_defined"):
        raise ParameterError(
            "give `bins` (the upper bounds of the classes) with scheme='user_defined', "
            "and only with it"
        )
    if bins is None:
        return known[normal], int(k), None
    try:
        edges = [float(b) for b in bins]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ParameterError(f"`bins` must be numbers, got {bins!r}") from None
    if not edges or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ParameterError(f"`bins` must be finite and increasing, got {bins!r}")
    return "user_defined", len(edges), edges


def colormap(name: object) -> Colormap:
    """A matplotlib color map by name."""
    if not isinstance(name, str) or name not in colormaps:
        raise ParameterError(
            f"`cmap` {name!r} is not a matplotlib color map; e.g. 'viridis', 'YlGnBu', "
            "'magma_r' (see matplotlib.colormaps)"
        )
    return colormaps[name]


def place_names(value: object, n: int) -> int:
    """How many municipalities get their name written: False 0, True all, or a count."""
    if isinstance(value, bool):
        return n if value else 0
    return min(
        whole_number(value, "place_names (True, False or the count of the largest)", low=0), n
    )


def text(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InputTypeError(f"`{what}` must be a text, got {value!r}")


def output(path: object, suffixes: tuple[str, ...], what: str) -> Path:
    """``path`` as the file to write: the right suffix, not a directory."""
    if not isinstance(path, str | os.PathLike):
        raise InputTypeError(f"`path` must be a file path, got {path!r}")
    target = Path(path).expanduser()
    if target.is_dir():
        raise OutputError(f"output {str(target)!r} is a folder; give a file name inside it")
    if target.suffix.lower() not in suffixes:
        raise ParameterError(
            f"{what} are written as {' or '.join(suffixes)}, got {target.name!r}; "
            f"name the file e.g. map{suffixes[0]}"
        )
    return target
