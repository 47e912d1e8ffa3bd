"""The ``ruhrgeo overlay`` command: exact coverage shares of boundaries x grids."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ruhrgeo.cli.areas import area_options, read_boundaries
from ruhrgeo.cli.args import (
    InputError,
    PathArg,
    friendly,
    number,
    out_option,
    pairs,
)
from ruhrgeo.cli.main import SUMMARIES


@click.command(short_help=SUMMARIES["overlay"])
@click.argument("boundaries", type=PathArg(path_type=Path))
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
@click.option("--unit", "units", multiple=True, help="NAME=binary|fraction|percent.")
@click.option("--nodata", "fills", multiple=True, help="NAME=VALUE: a fill value meaning no data.")
@click.option(
    "--weighted-by",
    type=PathArg(path_type=Path),
    help="Count grid (population, households): shares of the counts instead of the area.",
)
@click.option("--weighted-by-column", help="Value column of a CSV count grid (e.g. Einwohner).")
@area_options
@click.option("--by", help="Column of the boundaries to aggregate to (e.g. kreis): exact shares.")
@out_option("Output .csv or .gpkg (with geometries).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes on this machine (default: the cores this process may use).",
)
@click.option("--scheduler", help="Run the tiles on a Dask cluster (e.g. tcp://scheduler:8786).")
@click.option("--quiet", is_flag=True, help="No progress bar (shown only on a terminal).")
@friendly
def overlay(
    boundaries: Path,
    layer_specs: tuple[str, ...],
    columns: tuple[str, ...],
    thresholds: tuple[str, ...],
    units: tuple[str, ...],
    fills: tuple[str, ...],
    weighted_by: Path | None,
    weighted_by_column: str | None,
    boundary_layer: str | None,
    id_col: str | None,
    name_col: str | None,
    by: str | None,
    out_path: Path,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """Exact coverage share of every municipality in BOUNDARIES, per layer."""
    from ruhrgeo.io.write import write_table
    from ruhrgeo.overlay import GridSource, coverage_share

    paths = pairs(layer_specs, "--layer")
    options = {
        "--column": pairs(columns, "--column"),
        "--threshold": pairs(thresholds, "--threshold"),
        "--unit": pairs(units, "--unit"),
        "--nodata": pairs(fills, "--nodata"),
    }
    for option, given in options.items():
        unknown = sorted(set(given) - set(paths))
        if unknown:
            raise InputError(f"{option} names unknown layer(s) {unknown}; layers: {sorted(paths)}")
    if scheduler and workers:
        raise InputError(
            "--workers starts processes on this machine; with --scheduler the cluster's "
            "workers run the tiles: drop one of the two"
        )
    layers = {
        name: GridSource(
            str(path),
            column=options["--column"].get(name),
            threshold=_number(options["--threshold"], name, "--threshold"),
            unit=options["--unit"].get(name),  # type: ignore[arg-type]
            nodata=_number(options["--nodata"], name, "--nodata"),
        )
        for name, path in paths.items()
    }
    counts = None
    if weighted_by is not None:
        counts = GridSource(str(weighted_by), column=weighted_by_column)
    munis = read_boundaries(boundaries, layer=boundary_layer, id_col=id_col, name_col=name_col)
    with _client(scheduler) as client:
        shares = coverage_share(
            munis,
            layers,
            weighted_by=counts,
            by=by,
            workers=workers,
            client=client,
            progress=False if quiet else None,
        )
    if by is None:
        named = ["name"] if "name" in munis.columns else []
        result = munis[[*named, munis.geometry.name]].join(shares)
    elif out_path.suffix.lower() == ".gpkg":  # each group with its dissolved outline
        result = munis[[by, munis.geometry.name]].dissolve(by=by).join(shares)
    else:
        result = shares
    write_table(result, out_path)
    click.echo(f"wrote {len(result)} rows x {len(paths)} layers to {out_path}")


def _number(given: dict[str, str], name: str, option: str) -> float | None:
    return number(given[name], option) if name in given else None


@contextlib.contextmanager
def _client(scheduler: str | None) -> Iterator[Any]:
    if scheduler is None:
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError(
            "--scheduler needs the extra [dask]: pip install 'ruhrgeo[dask]'"
        ) from None
    _reachable(scheduler)
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise InputError(f"--scheduler: cannot reach {scheduler!r} ({exc})") from None
    with client:
        yield client


def _reachable(address: str) -> None:
    """Fail at once where nothing listens (Dask itself retries until its timeout)."""
    parsed = urlsplit(address if "://" in address else f"tcp://{address}")
    if parsed.scheme not in ("tcp", "tls") or parsed.hostname is None or parsed.port is None:
        return
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=5).close()
    except OSError as exc:
        raise InputError(f"--scheduler: cannot reach {address!r} ({exc})") from None
