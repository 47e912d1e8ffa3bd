"""``python -m ruhrgeo.cli``: the ``ruhrgeo`` command."""

from ruhrgeo.cli.main import main

main()
