"""The command line starts at once: `ruhrgeo --help` and every command's `--help` load
neither pandas, GDAL nor the statistics and maps (the start-up time is measured in
benchmarks/bench_startup.py), and `import ruhrgeo` loads none of them until used."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "geopandas", "numpy", "rasterio", "matplotlib", "esda", "spreg", "numba",
         "folium", "scipy", "exactextract")  # fmt: skip


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_help_of_every_command_loads_nothing_heavy():
    code = (
        "from click.testing import CliRunner\n"
        "from ruhrgeo.cli.main import COMMANDS, main\n"
        "for args in [['--help'], ['--version'], *([name, '--help'] for name in COMMANDS),"
        " ['spillover', 'allocate', '--help'], ['spillover', 'estimate', '--help']]:\n"
        "    assert CliRunner().invoke(main, args).exit_code == 0, args\n"
    )
    assert loaded_after(code) == []


def test_import_ruhrgeo_loads_nothing_heavy_until_used():
    assert loaded_after("import ruhrgeo, ruhrgeo.index, ruhrgeo.spatial, ruhrgeo.maps") == []
    used = loaded_after("import ruhrgeo\nruhrgeo.read_municipalities")
    assert "geopandas" in used and "matplotlib" not in used and "esda" not in used


def test_the_summaries_are_the_commands_short_help():
    from ruhrgeo.cli.main import COMMANDS, SUMMARIES, main

    assert sorted(SUMMARIES) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(None, name)
        assert command.short_help == SUMMARIES[name]


def test_the_choice_names_are_those_the_registries_implement():
    from ruhrgeo import _names
    from ruhrgeo.index.aggregators import AGGREGATORS
    from ruhrgeo.index.normalizers import PARAMETERS
    from ruhrgeo.maps.locales import LOCALES

    assert tuple(AGGREGATORS) == _names.AGGREGATIONS
    assert tuple(PARAMETERS) == _names.NORMALIZATIONS
    assert tuple(LOCALES) == _names.LOCALES


def test_version_command_and_changelog_agree():
    import re
    from pathlib import Path

    from click.testing import CliRunner

    import ruhrgeo
    from ruhrgeo.cli import main

    printed = CliRunner().invoke(main, ["--version"]).stdout
    assert ruhrgeo.__version__ in printed
    changelog = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    latest = re.search(r"^## \[([0-9.]+)\]", changelog, re.M).group(1)
    assert latest == ruhrgeo.__version__


@pytest.mark.parametrize(
    "package", ["ruhrgeo", "ruhrgeo.index", "ruhrgeo.spatial", "ruhrgeo.maps", "ruhrgeo.spillover"]
)
def test_no_module_shadows_a_public_name(package):
    """Importing a submodule sets it as the package's attribute: a module named like one of
    the package's lazy names (``spatial/moran.py`` beside ``spatial.moran``) would replace
    the function by the module once anything imported it."""
    import importlib
    import inspect
    import pkgutil

    module = importlib.import_module(package)
    submodules = {m.name for m in pkgutil.iter_modules(module.__path__)}
    names = {n for n in module.__all__ if not inspect.ismodule(getattr(module, n))}
    assert not submodules & names
