"""The ``ruhrgeo`` command: a thin layer over the library's functions, one module a command."""

from __future__ import annotations

import click

from ruhrgeo.cli.demo import demo
from ruhrgeo.cli.index import index_command
from ruhrgeo.cli.map import map_command
from ruhrgeo.cli.overlay import overlay
from ruhrgeo.cli.spillover import spillover_group
from ruhrgeo.cli.stats import stats


@click.group()
@click.version_option(package_name="ruhrgeo")
def main() -> None:
    """Measure how digital a region is, municipality by municipality, from geodata."""


for command in (demo, overlay, stats, spillover_group, index_command, map_command):
    main.add_command(command)
