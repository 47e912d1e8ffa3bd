"""The ``ruhrgeo markov`` command: who moved between classes over the releases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ruhrgeo.cli.areas import read_boundaries
from ruhrgeo.cli.args import InputError, PathArg, friendly, out_option, pairs
from ruhrgeo.cli.main import SUMMARIES

if TYPE_CHECKING:
    import pandas as pd


@click.command(name="markov", short_help=SUMMARIES["markov"])
@click.option(
    "--release",
    "release_args",
    multiple=True,
    required=True,
    help="NAME=PATH of a release's table (a Breitbandatlas file or a CSV keyed by AGS), in "
    "time order; repeatable.",
)
@click.option("--indicator", required=True, help="The column to follow (e.g. ftthb_ge1000).")
@click.option("--k", default=5, show_default=True, help="Quantile classes.")
@click.option(
    "--boundaries",
    type=PathArg(path_type=Path),
    help="Municipal boundaries: the spatial Markov chain (neighbors' classes).",
)
@click.option("--regimes", help="A column of --boundaries with groups for rank mobility (Theta).")
@click.option("--seed", default=0, show_default=True, help="Seed of Theta's permutations.")
@out_option("Per area: its class in each release and its moves (.csv or .gpkg).")
@click.option("--figure", type=PathArg(path_type=Path), help="The transitions as a PNG heatmap.")
@friendly
def markov_command(
    release_args: tuple[str, ...],
    indicator: str,
    k: int,
    boundaries: Path | None,
    regimes: str | None,
    seed: int,
    out_path: Path,
    figure: Path | None,
) -> None:
    """Markov transitions of INDICATOR between quantile classes over the releases (giddy),
    and how much the ranks changed."""
    from ruhrgeo import index
    from ruhrgeo.io.write import write_atomic, write_table
    from ruhrgeo.maps.figures import png_bytes

    if figure is not None and figure.suffix.lower() != ".png":
        raise InputError(f"--figure must end in .png, got {figure.name!r}")
    if regimes is not None and boundaries is None:
        raise InputError("--regimes names a column of --boundaries; give --boundaries")
    releases = {name: _read(Path(path)) for name, path in pairs(release_args, "--release").items()}
    if len(releases) < 2:
        raise InputError("--release: give at least two releases (NAME=PATH each)")
    long = index.stack_releases(releases, columns=_present(releases, indicator))
    values = index.unstack_releases(long, indicator)
    munis = read_boundaries(boundaries) if boundaries is not None else None
    if munis is not None:
        values = values.loc[values.index.intersection(munis.index)]
    result = index.markov(values, k=k, gdf=munis)
    groups = None
    if regimes is not None and munis is not None:
        if regimes not in munis.columns:
            raise InputError(f"--regimes {regimes!r} is not a column of --boundaries")
        groups = munis[regimes]
    mobility = index.rank_mobility(values, regimes=groups, seed=seed)
    picture = png_bytes(index.plot_transitions(result)) if figure is not None else None
    table = result.classes.add_prefix("class_").join(result.moves)
    if munis is not None:
        table = munis[["name", munis.geometry.name]].join(table, how="inner")
    write_table(table, out_path)
    if figure is not None and picture is not None:
        write_atomic(figure, lambda tmp: tmp.write_bytes(picture))
    click.echo(result.summary())
    click.echo(result.probabilities.round(2).to_string())
    overall = mobility.iloc[-1]
    click.echo(f"Kendall's tau {overall['from']} -> {overall['to']}: {overall['tau']:.3f}")
    click.echo(f"wrote {out_path}" + (f" and {figure}" if figure else ""))


def _read(path: Path) -> pd.DataFrame:
    """A Breitbandatlas release by its file name, else any indicator table keyed by AGS."""
    from ruhrgeo.io import read_breitbandatlas, read_indicators
    from ruhrgeo.io.breitbandatlas import breitbandatlas_release

    if breitbandatlas_release(path) is not None:
        return read_breitbandatlas(path)
    return read_indicators(path)


def _present(releases: dict[str, pd.DataFrame], indicator: str) -> list[str]:
    lacking = [name for name, table in releases.items() if indicator not in table.columns]
    if lacking:
        raise InputError(f"--indicator {indicator!r} is not a column of the releases {lacking}")
    return [indicator]
