"""The ``ruhrgeo`` command: a thin layer over the library's functions, one module a command.

Each command's module is imported when the command runs, so that ``ruhrgeo overlay`` does not
pay for the statistics, maps and index packages it does not use.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

COMMANDS = {
    "demo": ("ruhrgeo.cli.demo", "demo"),
    "overlay": ("ruhrgeo.cli.overlay", "overlay"),
    "stats": ("ruhrgeo.cli.stats", "stats"),
    "spillover": ("ruhrgeo.cli.spillover", "spillover_group"),
    "index": ("ruhrgeo.cli.index", "index_command"),
    "map": ("ruhrgeo.cli.map", "map_command"),
    "markov": ("ruhrgeo.cli.markov", "markov_command"),
    "model": ("ruhrgeo.cli.model", "model_command"),
    "rates": ("ruhrgeo.cli.rates", "rates_command"),
    "regions": ("ruhrgeo.cli.regions", "regions_command"),
}
# `ruhrgeo --help` lists these without importing a command; each command shows its own
SUMMARIES = {
    "demo": "Run every step on the shipped data (real and demo).",
    "overlay": "Exact coverage shares of areas x grids.",
    "stats": "Moran's I, LISA, Getis-Ord and the north/south test.",
    "spillover": "University spill-over: allocate values, estimate the radius.",
    "index": "Composite index with audit and uncertainty.",
    "map": "Offline HTML map page or PNG of table columns.",
    "markov": "Moves between classes over releases (Markov chains).",
    "model": "Spill-over effects from a spatial Durbin or SLX model.",
    "rates": "Small-base rates smoothed, and their LISA clusters.",
    "regions": "Contiguous regions found from data (max-p, SKATER, Ward).",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented pattern), and
    whose every error, a usage error included, is one line on stderr with exit code 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.pop("standalone_mode", True):
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES[name]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: Any = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=LazyGroup)
@click.version_option(package_name="ruhrgeo")
def main() -> None:
    """Measure how digital a region is, municipality by municipality, from geodata."""
