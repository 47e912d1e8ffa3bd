"""Make ruhrgeo's real package data in data/ from the project's shared open data.

    python tools/make_package_data.py [--shared ../shared/data]

Reads the open data beside the checkout (see its PROVENANCE.md) and writes, reproducibly
(rerunning gives byte-identical files):

- ``dvg2_nrw/ruhr_municipalities.gpkg``: the 53 Ruhr municipalities (DVG2 NRW), EPSG:25832;
- ``dvg2_nrw/ruhr_kreise.gpkg``: the Ruhr's 15 Kreise and kreisfreie Städte (DVG2 NRW),
  keyed by the 5-digit ``kreis_ags``, EPSG:25832;
- ``breitbandatlas/gemeinden_haushalte_2021-06.csv``: the mid-2021 municipal household table
  for Germany, read from the raw release with ``read_breitbandatlas`` and reduced to COLUMNS;
- ``breitbandatlas/kreise_haushalte_2021-06.csv``: the Kreis table's 5G and LTE columns;
- ``breitbandatlas/releases_ruhr/*.csv``: the five raw releases restricted to the 53 Ruhr
  AGS, header and rows copied byte for byte;
- ``regions/metropolitan_regions.csv``: the twelve metropolitan regions, copied unchanged;
- ``gemeindeverzeichnis/germany_municipalities.csv``: every German municipality without
  geometry (VG5000 keys and names, Destatis population 31.12.2019).

The READMEs beside the files are written by hand; the numbers they quote are asserted by
tests/test_datasets.py.
"""

from __future__ import annotations

import argparse
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ruhrgeo.io.breitbandatlas import read_breitbandatlas

ROOT = Path(__file__).resolve().parents[1]
UTM = 25832
DVG2_DATE = "2022-03-08T00:00:00Z"  # GeoPackage timestamps: DVG2's date, not the run's
COORDINATE_DECIMALS = 2  # centimeters: stable across PROJ versions, far below DVG2's accuracy

MUNICIPALITY_COLUMNS = ["ags", "name", "kreis", "kreis_ags", "population", "area_km2"]
# the columns the index, the docs and the demo use (names as in read_breitbandatlas)
COLUMNS = [
    "all_ge50",
    "all_ge100",
    "all_ge1000",
    "wired_ge1000",
    "mobile_ge6",
    "dsl_ge16",
    "catv_ge400",
    "catv_ge1000",
    "ftthb_ge1000",
]
KREIS_COLUMNS = {"verf_5g_2": "5g_ge2", "verf_lte_2": "lte_ge2", "verf_lte_6": "lte_ge6"}
KREIS_COLUMNS["verf_lte_10"] = "lte_ge10"
RELEASES = [
    "gemeinde_privat_2018_ende.csv",
    "gemeinde_privat_2019_mitte.csv",
    "gemeinde_bezirke_privat_2019_ende.csv",
    "gemeinde_bezirke_privat_2020_mitte.csv",
    "gemeinde_bezirke_privat_2021_mitte.csv",
]
GERMANY_COLUMNS = [
    "ags",
    "name",
    "kreis_ags",
    "kreis",
    "land",
    "population",
    "area_km2_destatis",
    "gemeindefrei",
]


def ruhr_municipalities(shared: Path, out: Path) -> list[str]:
    """The 53 Ruhr municipalities in EPSG:25832, coordinates rounded to centimeters."""
    source = gpd.read_file(shared / "boundaries" / "ruhr_municipalities.geojson")
    assert len(source) == 53, len(source)
    munis = source[[*MUNICIPALITY_COLUMNS, "geometry"]].to_crs(UTM)
    munis["population"] = munis["population"].astype("int64")
    geoms = shapely.transform(munis.geometry.values, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    assert shapely.is_valid(geoms).all(), "rounding made a polygon invalid"
    munis = munis.set_geometry(geoms).sort_values("ags", ignore_index=True)
    target = out / "dvg2_nrw" / "ruhr_municipalities.gpkg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": DVG2_DATE})
    munis.to_file(target, driver="GPKG", layer="municipalities", engine="pyogrio")
    return munis["ags"].tolist()


KREIS_COLUMNS_SHIPPED = ["kreis_ags", "name", "kreis_typ", "population", "area_km2"]


def ruhr_kreise(shared: Path, out: Path) -> None:
    """The Ruhr's 15 district-level units in EPSG:25832, coordinates rounded to centimeters."""
    source = gpd.read_file(shared / "boundaries" / "ruhr_kreise.geojson")
    assert len(source) == 15, len(source)
    kreise = source[[*KREIS_COLUMNS_SHIPPED, "geometry"]].to_crs(UTM)
    kreise["population"] = kreise["population"].astype("int64")
    geoms = shapely.transform(kreise.geometry.values, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    assert shapely.is_valid(geoms).all(), "rounding made a polygon invalid"
    kreise = kreise.set_geometry(geoms).sort_values("kreis_ags", ignore_index=True)
    target = out / "dvg2_nrw" / "ruhr_kreise.gpkg"
    target.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": DVG2_DATE})
    kreise.to_file(target, driver="GPKG", layer="kreise", engine="pyogrio")


def breitbandatlas_germany(shared: Path, out: Path) -> None:
    """The mid-2021 household table for Germany, reduced to COLUMNS, city districts left out."""
    raw = shared / "coverage" / "releases" / "gemeinde_bezirke_privat_2021_mitte.csv"
    table = read_breitbandatlas(raw, city_districts="drop")[COLUMNS]
    target = out / "breitbandatlas" / "gemeinden_haushalte_2021-06.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    table.sort_index().to_csv(target, float_format="%.2f", lineterminator="\n")


def breitbandatlas_kreise(shared: Path, out: Path) -> None:
    """The Kreis household table's 5G and LTE columns (5-digit keys, 2021 territorial status)."""
    source = pd.read_csv(
        shared / "coverage" / "breitbandatlas_kreise_haushalte_2021-06.csv", dtype={"ags": str}
    )
    table = source.rename(columns={"ags": "kreis_ags", **KREIS_COLUMNS})
    table = table[["kreis_ags", *KREIS_COLUMNS.values()]].sort_values("kreis_ags")
    table.to_csv(
        out / "breitbandatlas" / "kreise_haushalte_2021-06.csv",
        index=False,
        float_format="%.2f",
        lineterminator="\n",
    )


def release_extracts(shared: Path, out: Path, ruhr: list[str]) -> None:
    """Header and the Ruhr's rows of each raw release, byte for byte."""
    keys = set(ruhr)
    folder = out / "breitbandatlas" / "releases_ruhr"
    folder.mkdir(parents=True, exist_ok=True)
    for name in RELEASES:
        lines = (shared / "coverage" / "releases" / name).read_bytes().splitlines(keepends=True)
        rows = [line for line in lines[1:] if _first_field(line) in keys]
        assert len(rows) == len(keys), (name, len(rows))
        (folder / name).write_bytes(b"".join([lines[0], *rows]))


def _first_field(line: bytes) -> str:
    return line.split(b";")[0].split(b",")[0].strip(b'"').decode("ascii")


def regions(shared: Path, out: Path) -> None:
    """The twelve metropolitan regions as district sets, unchanged."""
    target = out / "regions" / "metropolitan_regions.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared / "regions" / "metropolitan_regions.csv", target)


def germany_municipalities(shared: Path, out: Path) -> None:
    """Every German municipality (VG5000, 01.01.2021) without geometry."""
    table = pyogrio.read_dataframe(
        shared / "boundaries" / "germany_municipalities.gpkg",
        layer="municipalities",
        read_geometry=False,
    )
    table = table[GERMANY_COLUMNS].rename(columns={"area_km2_destatis": "area_km2"})
    table["population"] = table["population"].astype("Int64")
    target = out / "gemeindeverzeichnis" / "germany_municipalities.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    table.sort_values("ags").to_csv(target, index=False, lineterminator="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing the sources hold may pass unnoticed
        ruhr = ruhr_municipalities(args.shared, args.out)
        ruhr_kreise(args.shared, args.out)
        breitbandatlas_germany(args.shared, args.out)
        breitbandatlas_kreise(args.shared, args.out)
        release_extracts(args.shared, args.out, ruhr)
        regions(args.shared, args.out)
        germany_municipalities(args.shared, args.out)


if __name__ == "__main__":
    main()
