"""``python -m ruhrgeo.cli``: the ``ruhrgeo`` command."""

from ruhrgeo.cli.commands import main

main()
