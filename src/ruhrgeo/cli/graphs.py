"""The spatial weights options shared by the statistics commands (--graph and its options,
or --weights-file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ruhrgeo._names import GRAPH_KERNELS, GRAPH_KINDS
from ruhrgeo.cli.args import InputError, PathArg, number

if TYPE_CHECKING:
    from ruhrgeo.spatial.graphs import GraphLike

# the option each weights kind needs, as the CLI spells it
NEEDS = {"knn": "--k", "distance": "--threshold-km", "kernel": "--bandwidth-km"}


def graph_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--graph, --k, --threshold-km, --bandwidth-km, --kernel and --weights-file."""
    options = [
        click.option(
            "--weights-file",
            type=PathArg(path_type=Path),
            help="Spatial weights from a GAL or GWT file keyed like the boundaries (not --graph).",
        ),
        click.option("--kernel", help=f"Kernel of --graph kernel: {', '.join(GRAPH_KERNELS)}."),
        click.option("--bandwidth-km", "bandwidth_text", help="Bandwidth of --graph kernel (km)."),
        click.option(
            "--threshold-km", "threshold_text", help="Distance band of --graph distance (km)."
        ),
        click.option("--k", "k_text", help="Neighbors of --graph knn."),
        click.option(
            "--graph",
            "kind",
            default=None,
            help=f"Spatial weights: {', '.join(GRAPH_KINDS)} [default: queen].",
        ),
    ]
    for option in options:
        command = option(command)
    return command


def graph_from(
    kind: str | None,
    k_text: str | None,
    threshold_text: str | None,
    bandwidth_text: str | None,
    kernel: str | None,
    weights_file: Path | None,
) -> GraphLike:
    given = {
        "--k": k_text,
        "--threshold-km": threshold_text,
        "--bandwidth-km": bandwidth_text,
        "--kernel": kernel,
    }
    given = {option: value for option, value in given.items() if value is not None}
    if weights_file is not None:
        if kind is not None or given:
            shown = ", ".join(["--graph", *given] if kind is not None else given)
            raise InputError(f"--weights-file gives the weights; leave out {shown}")
        if weights_file.suffix.lower() not in (".gal", ".gwt"):
            raise InputError(
                f"--weights-file must be a .gal or .gwt file, got {weights_file.name!r}"
            )
        return weights_file
    kind = kind or "queen"
    if kind not in GRAPH_KINDS:
        raise InputError(f"--graph must be one of {', '.join(GRAPH_KINDS)}, got {kind!r}")
    allowed = {NEEDS[kind], "--kernel"} if kind == "kernel" else {NEEDS.get(kind)}
    extra = sorted(set(given) - allowed)
    if extra:
        raise InputError(f"{', '.join(extra)} do(es) not apply to --graph {kind}")
    if kind in NEEDS and NEEDS[kind] not in given:
        raise InputError(f"--graph {kind} needs {NEEDS[kind]}")
    from ruhrgeo import spatial

    if kind == "knn":
        return spatial.GraphSpec("knn", k=whole(k_text or "", "--k"))
    if kind == "distance":
        return spatial.GraphSpec(
            "distance", threshold_km=number(threshold_text or "", "--threshold-km")
        )
    if kind == "kernel":
        return spatial.GraphSpec(
            "kernel", bandwidth_km=number(bandwidth_text or "", "--bandwidth-km"), kernel=kernel
        )
    return kind


def whole(text: str, option: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{option} takes a whole number, got {text!r}") from None
    if not value.is_integer():
        raise InputError(f"{option} takes a whole number, got {text!r}")
    return int(value)
