"""The ``ruhrgeo`` command and its demo, thin over the packages."""

from ruhrgeo.cli.main import main

__all__ = ["main"]
