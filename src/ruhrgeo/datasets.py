"""The embedded demo data and optional, cached downloads of official data."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ruhrgeo._validate import normalize_ags
from ruhrgeo.errors import DataFileNotFoundError

__all__ = [
    "VG250_URL",
    "data_dir",
    "demo_coverage",
    "demo_indicators",
    "demo_it_graduates",
    "demo_municipalities",
    "demo_population",
    "fetch_vg250",
    "universities",
]

VG250_URL = (
    "https://daten.gdz.bkg.bund.de/produkte/vg/vg250_ebenen_0101/aktuell/"
    "vg250_01-01.utm32s.gpkg.ebenen.zip"
)
DEMO_LAYERS = {
    "fttbh": "fttbh_percent.tif",
    "gigabit": "gigabit_percent.tif",
    "5g": "5g_binary.tif",
}


def data_dir() -> Path:
    """The folder of the embedded demo data (inside the wheel, or ``data/`` of a checkout)."""
    for candidate in (
        Path(str(resources.files("ruhrgeo"))) / "data",
        Path(__file__).resolve().parents[2] / "data",
    ):
        if (candidate / "boundaries").is_dir():
            return candidate
    raise DataFileNotFoundError(
        "the ruhrgeo demo data are missing; reinstall ruhrgeo (`pip install .`)"
    )


def demo_municipalities() -> Path:
    """Path of the SCHEMATIC boundaries of the 53 Ruhr municipalities (EPSG:25832).

    Voronoi polygons around representative points with the real names, AGS, Kreis,
    population and official area as attributes; not official boundaries.

    Examples
    --------
    >>> demo_municipalities().name
    'ruhr_schematic_municipalities.gpkg'
    """
    return data_dir() / "boundaries" / "ruhr_schematic_municipalities.gpkg"


def demo_coverage() -> dict[str, Path]:
    """Name -> path of the synthetic 100 m coverage GeoTIFFs (BKG UTM grid, EPSG:25832).

    ``fttbh`` and ``gigabit`` are percent of households per cell, ``5g`` is binary.

    Examples
    --------
    >>> sorted(demo_coverage())
    ['5g', 'fttbh', 'gigabit']
    """
    return {name: data_dir() / "coverage" / file for name, file in DEMO_LAYERS.items()}


def demo_population() -> Path:
    """Path of the synthetic population on the 1 km INSPIRE grid (Zensus CSV, EPSG:3035).

    Examples
    --------
    >>> demo_population().suffix
    '.csv'
    """
    return data_dir() / "coverage" / "population_inspire_1km.csv"


def demo_indicators() -> Path:
    """Path of the SYNTHETIC demo indicator table of the 53 municipalities (CSV, key ``ags``).

    Employees at the place of work and the non-infrastructure indicators of the
    Digital-Index (research, employment, companies); the IT employment share carries a
    planted university spill-over of 20 km. Not real values.

    Examples
    --------
    >>> import pandas as pd
    >>> len(pd.read_csv(demo_indicators()))
    53
    """
    return data_dir() / "tables" / "indicators_synthetic.csv"


def demo_it_graduates() -> gpd.GeoDataFrame:
    """SYNTHETIC yearly IT graduates per university site (points, EPSG:4326).

    Examples
    --------
    >>> int(demo_it_graduates()["it_graduates"].sum()) > 0
    True
    """
    return _points(
        pd.read_csv(data_dir() / "tables" / "it_graduates_synthetic.csv", dtype={"ags": str})
    )


def universities() -> gpd.GeoDataFrame:
    """Universities and universities of applied sciences in the Ruhr (EPSG:4326 points).

    Examples
    --------
    >>> unis = universities()
    >>> unis.crs.to_epsg(), unis.loc[unis.short_name == "RUB", "city"].item()
    (4326, 'Bochum')
    """
    return _points(pd.read_csv(data_dir() / "universities.csv", dtype={"ags": str}))


def _points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    table["ags"] = normalize_ags(table["ags"])
    points = gpd.points_from_xy(table["longitude"], table["latitude"])
    return gpd.GeoDataFrame(table, geometry=points, crs=4326)


def fetch_vg250(
    *,
    url: str = VG250_URL,
    known_hash: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    downloader: Callable[..., Any] | None = None,
) -> Path:
    """Download the official BKG VG250 (GeoPackage zip) once and cache it.

    Never called by the tests or the demo. The BKG replaces the file at ``url`` every
    year, so no fixed hash is recorded: pass ``known_hash`` ("sha256:...") to pin a
    release; pooch then refuses a file with another hash. Read the result with
    ``read_municipalities(path, layer="vg250_gem")``. Licence dl-de/by-2-0,
    "© GeoBasis-DE / BKG (year)".

    Parameters
    ----------
    url
        Where to download from.
    known_hash
        Expected hash; None accepts any file (pooch logs its hash).
    cache_dir
        Cache folder; default the user cache (``pooch.os_cache("ruhrgeo")``).
    downloader
        A pooch downloader (e.g. with a proxy or progress bar).

    Returns
    -------
    pathlib.Path
        The cached zip file.
    """
    import pooch

    path = pooch.retrieve(
        url,
        known_hash=known_hash,
        path=cache_dir or pooch.os_cache("ruhrgeo"),
        downloader=downloader,
    )
    return Path(path)
