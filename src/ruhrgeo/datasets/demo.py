"""The SYNTHETIC demo data (grids and tables over the real boundaries) and the real list of
university campuses."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from ruhrgeo._validate import normalize_ags
from ruhrgeo.datasets.files import DEMO_LAYERS, data_dir

__all__ = [
    "demo_coverage",
    "demo_indicators",
    "demo_it_graduates",
    "demo_population",
    "universities",
]


def demo_coverage() -> dict[str, Path]:
    """Name -> path of the synthetic 100 m coverage GeoTIFFs (BKG UTM grid, EPSG:25832).

    ``fttbh`` and ``gigabit`` are percent of households per cell, ``5g`` is binary.

    Returns
    -------
    dict of str to pathlib.Path
        ``fttbh``, ``gigabit`` and ``5g`` -> GeoTIFF.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> sorted(demo_coverage())
    ['5g', 'fttbh', 'gigabit']
    """
    return {name: data_dir() / "coverage" / file for name, file in DEMO_LAYERS.items()}


def demo_population() -> Path:
    """Path of the synthetic population on the 1 km INSPIRE grid (Zensus CSV, EPSG:3035).

    Returns
    -------
    pathlib.Path
        The CSV file (columns ``GITTER_ID_1km``, ``Einwohner``); an overlay reads it directly.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> demo_population().suffix
    '.csv'
    """
    return data_dir() / "coverage" / "population_inspire_1km.csv"


def demo_indicators() -> Path:
    """Path of the demo indicator table of the 53 municipalities (CSV, key ``ags``).

    All twelve indicators of the default spec and the employees at the place of work. The
    research, employment and company indicators are SYNTHETIC (the IT employment share
    carries a planted university spill-over of 20 km); the three infrastructure indicators
    are the REAL Breitbandatlas values of mid 2021 (``status`` says so).

    Returns
    -------
    pathlib.Path
        The CSV file; read it with :func:`ruhrgeo.read_indicators`.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> import pandas as pd
    >>> len(pd.read_csv(demo_indicators()))
    53
    """
    return data_dir() / "tables" / "indicators_synthetic.csv"


def demo_it_graduates() -> gpd.GeoDataFrame:
    """SYNTHETIC yearly IT graduates per university site (points, EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        One point per site: ``institution``, ``short_name``, ``site``, ``city``, ``ags``,
        ``latitude``, ``longitude``, ``it_graduates``, ``status``.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

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

    Returns
    -------
    geopandas.GeoDataFrame
        23 sites: ``institution``, ``short_name``, ``type``, ``site``, ``city``, ``ags``,
        ``latitude``, ``longitude``, ``students``, ``it_cs_programme``.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

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
