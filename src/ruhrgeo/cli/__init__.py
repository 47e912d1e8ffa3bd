"""The ``ruhrgeo`` command and its demo, thin over the packages."""

from ruhrgeo.cli.commands import main

__all__ = ["main"]
