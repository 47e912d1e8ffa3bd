"""Sphinx configuration of ruhrgeo's documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (warnings are
errors; every page is executed, failing on the first error; the API reference is generated
from the ``__all__`` of ruhrgeo and its packages, see ``api.py``).
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from api import write_api_pages  # noqa: E402 (docs/api.py beside this file)

project = "ruhrgeo"
author = "ruhrgeo developers"
copyright = "2026, ruhrgeo developers"
release = importlib.metadata.version("ruhrgeo")
version = release

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx_click",
    "sphinx_copybutton",
]

# the pages: executed MyST notebooks; a failing cell fails the build
nb_execution_mode = os.environ.get("RUHRGEO_DOCS_EXECUTE", "cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_execution_show_tb = True
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_excludepatterns = ["_build/*"]
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}  # autosummary writes .rst
exclude_patterns = ["_build", "README.md", "**/.ipynb_checkpoints"]

# the API reference
templates_path = ["_templates"]
autosummary_generate = True
autodoc_typehints = "none"  # types are in the numpydoc sections

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# cross-references to ruhrgeo's own names must resolve; other libraries' names are text
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(pandas|geopandas|numpy|np|pd|gpd|shapely|pyproj|affine|rasterio)(\..*)?"),
    (r"py:.*", r"(matplotlib|folium|libpysal|esda|spreg|giddy|spopt|inequality|dask)(\..*)?"),
    (r"py:.*", r"(pathlib|os|collections|typing|datetime)(\..*)?"),
    # private base classes (or bases in private modules) shown by show-inheritance
    (r"py:class", r"ruhrgeo\.(.*\.)?_\w+(\..*)?"),
]

html_theme = "pydata_sphinx_theme"
html_title = f"ruhrgeo {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_last_updated_fmt = None
html_show_sourcelink = False


def setup(app: object) -> None:
    write_api_pages(HERE / "api")
