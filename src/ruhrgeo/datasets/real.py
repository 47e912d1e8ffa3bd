"""The real open data in the box: the Ruhr's municipalities and Kreise, the Breitbandatlas
tables of 2021 and five releases, the metropolitan regions, every German municipality."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from ruhrgeo.datasets.files import (
    BOUNDARIES_SOURCE,
    BREITBANDATLAS_SOURCE,
    GERMANY_SOURCE,
    REGIONS_SOURCE,
    data_dir,
)
from ruhrgeo.io.areas import read_areas
from ruhrgeo.io.boundaries import read_municipalities
from ruhrgeo.io.breitbandatlas import breitbandatlas_release

__all__ = [
    "breitbandatlas_2021",
    "breitbandatlas_kreise_2021",
    "breitbandatlas_releases",
    "germany_municipalities",
    "metropolitan_regions",
    "ruhr_kreise",
    "ruhr_kreise_path",
    "ruhr_municipalities",
    "ruhr_municipalities_path",
]


def ruhr_municipalities() -> gpd.GeoDataFrame:
    """The 53 municipalities of the Ruhr (Metropole Ruhr, RVR) with their real boundaries.

    DVG2 NRW (Geobasis NRW, status 2022-03-08; already generalized, not simplified further),
    in EPSG:25832 with coordinates rounded to centimeters; population 31.12.2019 (Destatis),
    ``area_km2`` the planar area of the DVG2 polygon. Attribution in ``attrs["source"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by 8-digit ``ags``; columns ``name``, ``kreis``, ``kreis_ags``,
        ``population``, ``area_km2``, ``geometry``.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> munis = ruhr_municipalities()
    >>> len(munis), munis.crs.to_epsg(), munis.loc["05913000", "name"]
    (53, 25832, 'Dortmund')
    >>> int(munis["population"].sum())
    5112050
    """
    munis = read_municipalities(ruhr_municipalities_path())
    munis.attrs["source"] = BOUNDARIES_SOURCE
    return munis


def ruhr_kreise() -> gpd.GeoDataFrame:
    """The Ruhr's 15 districts (11 kreisfreie Städte, 4 Kreise) with their real boundaries.

    DVG2 NRW (Geobasis NRW, status 2022-03-08) like :func:`ruhr_municipalities`, keyed by
    the 5-digit district code, not an AGS: the real case of areas with another key
    (:func:`ruhrgeo.read_areas`). Population 31.12.2019 (Destatis). Attribution in
    ``attrs["source"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``kreis_ags`` (5 characters); columns ``name``, ``kreis_typ``
        (``Kreis`` or ``kreisfreie Stadt``), ``population``, ``area_km2``, ``geometry``;
        EPSG:25832.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> kreise = ruhr_kreise()
    >>> len(kreise), kreise.index.name, kreise.loc["05978", "name"]
    (15, 'kreis_ags', 'Kreis Unna')
    >>> int(kreise["population"].sum())
    5112050
    """
    kreise = read_areas(ruhr_kreise_path(), id_col="kreis_ags", name_col="name")
    kreise.attrs["source"] = BOUNDARIES_SOURCE
    return kreise


def ruhr_kreise_path() -> Path:
    """Path of the shipped GeoPackage behind :func:`ruhr_kreise` (layer ``kreise``).

    Returns
    -------
    pathlib.Path
        The GeoPackage (layer ``kreise``).

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> ruhr_kreise_path().name
    'ruhr_kreise.gpkg'
    """
    return data_dir() / "dvg2_nrw" / "ruhr_kreise.gpkg"


def breitbandatlas_2021() -> pd.DataFrame:
    """Broadband availability per German municipality, mid 2021 (Breitbandatlas, households).

    The municipal household table of the Breitbandatlas release of mid 2021, as
    :func:`ruhrgeo.read_breitbandatlas` reads it, reduced to the columns ruhrgeo's index
    and docs use: ``all_ge50``, ``all_ge100``, ``all_ge1000`` (any technology),
    ``wired_ge1000``, ``mobile_ge6``, ``dsl_ge16``, ``catv_ge400``, ``catv_ge1000`` and
    ``ftthb_ge1000`` (FTTB/H); percent of households. The 58 rows of city districts
    (pseudo-AGS) are left out; 423 keys are of an older territorial status than 01.01.2021
    (e.g. the former Landkreis Göttingen, 03152xxx). Attribution in ``attrs["source"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by 8-digit ``ags`` (11,330 rows).

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> bb = breitbandatlas_2021()
    >>> bb.loc["05911000", ["wired_ge1000", "ftthb_ge1000"]].tolist()  # Bochum: cable, little fibre
    [93.98, 12.06]
    >>> bb.attrs["release"]
    '2021-06'
    """
    path = data_dir() / "breitbandatlas" / "gemeinden_haushalte_2021-06.csv"
    table = pd.read_csv(path, dtype={"ags": str}).set_index("ags")
    table.attrs = {"release": "2021-06", "source": BREITBANDATLAS_SOURCE}
    return table


def breitbandatlas_kreise_2021() -> pd.DataFrame:
    """5G and LTE availability per German district, mid 2021 (Breitbandatlas, households).

    Municipal mobile data are not published for 2021; the Kreis table gives percent of
    households with 5G (``5g_ge2``: >= 2 Mbit/s) and LTE (``lte_ge2``, ``lte_ge6``,
    ``lte_ge10``). Keys of the Breitbandatlas' territorial status: the former districts
    Göttingen (03152) and Osterode am Harz (03156) instead of today's Göttingen (03159).
    Attribution in ``attrs["source"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by 5-digit ``kreis_ags`` (402 rows).

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> kreise = breitbandatlas_kreise_2021()
    >>> float(kreise.loc["05913", "5g_ge2"])  # Dortmund
    99.8
    """
    path = data_dir() / "breitbandatlas" / "kreise_haushalte_2021-06.csv"
    table = pd.read_csv(path, dtype={"kreis_ags": str}).set_index("kreis_ags")
    table.attrs = {"release": "2021-06", "source": BREITBANDATLAS_SOURCE}
    return table


def breitbandatlas_releases() -> dict[str, Path]:
    """Release ("YYYY-MM") -> path of the raw Breitbandatlas tables, restricted to the Ruhr.

    Five releases, end 2018 to mid 2021: the header and the 53 Ruhr rows of each file as
    the Bundesnetzagentur published it (Paket_3), copied byte for byte, so that
    :func:`ruhrgeo.read_breitbandatlas` reads them like the originals. The Bundesnetzagentur
    notes that these releases are not a strict time series (methods changed).

    Returns
    -------
    dict of str to pathlib.Path
        Release ``"YYYY-MM"`` -> CSV file, in time order.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> list(breitbandatlas_releases())
    ['2018-12', '2019-06', '2019-12', '2020-06', '2021-06']
    """
    folder = data_dir() / "breitbandatlas" / "releases_ruhr"
    paths = {breitbandatlas_release(p): p for p in folder.glob("*.csv")}
    return {release: paths[release] for release in sorted(paths)}


def metropolitan_regions() -> pd.DataFrame:
    """The twelve metropolitan regions the Digital-Index Ruhr compares, as district sets.

    One row per region and district (254 rows, territorial status 01.01.2021):
    ``region``, ``kreis_ags`` (5 digits), ``kreis_name``, ``membership`` (``full``, or
    ``partial`` with the member municipalities in ``member_municipalities_ags``,
    ``;``-separated, empty otherwise), ``source`` and ``source_date``. Some districts belong
    to two regions (Duisburg and Kreis Wesel: Ruhr and Rheinland; Cuxhaven, Heidekreis,
    Bergstraße, Worms); only the city of Zwickau belongs to Mitteldeutschland. The
    delineations the study used are not published: see ``data/regions/README.md``.

    Returns
    -------
    pandas.DataFrame
        One row per region and district: ``region``, ``kreis_ags``, ``membership``
        (``full``/``partial``), ``member_municipalities_ags`` and the caveats.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> regions = metropolitan_regions()
    >>> regions["region"].nunique(), int((regions["region"] == "Metropole Ruhr").sum())
    (12, 15)
    """
    path = data_dir() / "regions" / "metropolitan_regions.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = REGIONS_SOURCE
    return table


def germany_municipalities() -> pd.DataFrame:
    """Every German municipality (VG5000, 01.01.2021) with population, without geometry.

    For weighting regions: ``name``, ``kreis_ags``, ``kreis``, ``land``, ``population``
    (31.12.2019, Destatis; NaN for Neitersen and Greußen, which changed between the two
    territorial dates), ``area_km2`` (Destatis) and ``gemeindefrei`` (207 uninhabited
    areas outside any municipality, population 0). Attribution in ``attrs["source"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by 8-digit ``ags`` (10,997 rows).

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> germany = germany_municipalities()
    >>> len(germany), int(germany.loc["05913000", "population"])
    (10997, 588250)
    """
    path = data_dir() / "gemeindeverzeichnis" / "germany_municipalities.csv"
    table = pd.read_csv(path, dtype={"ags": str, "kreis_ags": str}).set_index("ags")
    table["population"] = table["population"].astype(float)
    table.attrs["source"] = GERMANY_SOURCE
    return table


def ruhr_municipalities_path() -> Path:
    """Path of the shipped GeoPackage behind :func:`ruhr_municipalities`, for the command line
    (``ruhrgeo stats PATH ...``) and any GIS.

    Returns
    -------
    pathlib.Path
        The GeoPackage (layer ``municipalities``).

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> ruhr_municipalities_path().name
    'ruhr_municipalities.gpkg'
    """
    return data_dir() / "dvg2_nrw" / "ruhr_municipalities.gpkg"
