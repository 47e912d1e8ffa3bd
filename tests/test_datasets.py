"""The shipped data (real extracts checked against the shared originals, the demo data) and
the optional VG250 download (on local files only)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import REPO

from ruhrgeo import datasets, read_coverage, read_municipalities
from ruhrgeo.errors import DownloadError, ParameterError


def test_demo_files_exist_and_read():
    munis = datasets.ruhr_municipalities()
    assert len(munis) == 53 and munis.crs.to_epsg() == 25832
    assert read_municipalities(datasets.ruhr_municipalities_path()).equals(munis.drop(columns=[]))
    grids = {name: read_coverage(path) for name, path in datasets.demo_coverage().items()}
    assert {g.unit for g in grids.values()} == {"percent", "binary"}  # from the band metadata
    assert all(
        g.spec.cell_size == (100.0, 100.0) and g.crs.to_epsg() == 25832 for g in grids.values()
    )
    population = read_coverage(datasets.demo_population())
    assert population.crs.to_epsg() == 3035 and population.unit == "count"
    assert population.values[~population.nodata].sum() == 5_112_050


def test_universities_match_the_shared_table(shared_data):

    unis = datasets.universities()
    source = pd.read_csv(shared_data / "universities.csv", dtype={"ags": str})
    assert len(unis) == len(source)
    assert unis["ags"].tolist() == source["ags"].tolist()
    assert list(unis.columns[:10]) == [
        "institution",
        "short_name",
        "type",
        "site",
        "city",
        "ags",
        "latitude",
        "longitude",
        "students",
        "it_cs_programme",
    ]


def test_demo_data_budget():
    total = sum(p.stat().st_size for p in datasets.data_dir().rglob("*") if p.is_file())
    assert total <= 5 * 1024 * 1024


def _local_downloader(source):
    def download(url, output_file, pooch):  # pooch's downloader signature
        shutil.copyfile(source, output_file)

    return download


def test_fetch_vg250_caches_and_checks_the_hash(tmp_path):
    source = tmp_path / "vg250.zip"
    source.write_bytes(b"pretend zip")
    digest = "sha256:" + hashlib.sha256(b"pretend zip").hexdigest()
    cache = tmp_path / "cache"
    path = datasets.fetch_vg250(
        known_hash=digest, cache_dir=cache, downloader=_local_downloader(source)
    )
    assert path.read_bytes() == b"pretend zip" and path.parent == cache
    source.write_bytes(b"changed")  # a second call must use the cache, not the "server"
    again = datasets.fetch_vg250(
        known_hash=digest, cache_dir=cache, downloader=_local_downloader(source)
    )
    assert again == path and again.read_bytes() == b"pretend zip"
    wrong = "sha256:" + "0" * 64
    with pytest.raises(DownloadError, match=r"refused: SHA256 hash of downloaded file"):
        datasets.fetch_vg250(
            url="https://example.invalid/other.zip",
            known_hash=wrong,
            cache_dir=cache,
            downloader=_local_downloader(source),
        )
    assert sorted(p.name for p in cache.iterdir()) == [path.name]  # the wrong file not kept
    path.write_bytes(b"tampered")  # a cached file with another hash is fetched again
    source.write_bytes(b"pretend zip")
    fixed = datasets.fetch_vg250(
        known_hash=digest, cache_dir=cache, downloader=_local_downloader(source)
    )
    assert fixed.read_bytes() == b"pretend zip"
    with pytest.raises(DownloadError, match="ftpx://x"):
        datasets.fetch_vg250(url="ftpx://x/vg250.zip", known_hash=digest, cache_dir=tmp_path / "c2")
    with pytest.raises(ParameterError, match="`known_hash` must be 'sha256:'"):
        datasets.fetch_vg250(known_hash="md5:abc", cache_dir=cache)


# --- the real data: identical to the shared originals where not reduced -----------------------

CITY_DISTRICT_CITIES = {"02000", "04011", "05315", "09162", "11000"}  # Hamburg ... Berlin


def test_ruhr_municipalities_are_the_shared_boundaries(shared_data):

    munis = datasets.ruhr_municipalities()
    source = gpd.read_file(shared_data / "boundaries" / "ruhr_municipalities.geojson")
    source = source.set_index("ags").sort_index().to_crs(25832)
    assert munis.index.tolist() == source.index.tolist() and munis.index.name == "ags"
    assert list(munis.columns) == [
        "name",
        "kreis",
        "kreis_ags",
        "population",
        "area_km2",
        "geometry",
    ]
    assert munis.crs.to_epsg() == 25832
    for column in ["name", "kreis", "kreis_ags", "population", "area_km2"]:
        assert munis[column].tolist() == source[column].tolist(), column
    assert int(munis["population"].sum()) == 5_112_050
    # the same vertices, rounded to centimeters
    ours = shapely.get_coordinates(munis.geometry.values)
    theirs = shapely.get_coordinates(source.geometry.values)
    assert ours.shape == theirs.shape == (14286, 2)
    assert np.abs(ours - theirs).max() <= 0.005 + 1e-9
    planar = munis.geometry.area / 1e6
    assert np.allclose(planar, munis["area_km2"], rtol=1e-4)
    assert munis.attrs["source"].startswith("Verwaltungsgrenzen: © Land NRW (2022), dl-de/zero")
    assert "Destatis" in munis.attrs["source"] and "Daten verändert" in munis.attrs["source"]


def test_breitbandatlas_2021_is_the_shared_table_reduced(shared_data):
    bb = datasets.breitbandatlas_2021()
    source = pd.read_csv(
        shared_data / "coverage" / "breitbandatlas_gemeinden_haushalte_2021-06.csv",
        dtype={"ags": str},
    ).set_index("ags")
    for column in ["all_ge1000", "wired_ge1000", "ftthb_ge1000", "catv_ge1000", "all_ge100"]:
        assert column in bb.columns
    for column in ["all_ge50", "mobile_ge6", "dsl_ge16", "catv_ge400"]:
        assert column in bb.columns
    left_out = source.index.difference(bb.index)
    assert len(left_out) == 58 and set(left_out.str[:5]) == CITY_DISTRICT_CITIES
    assert (~source.loc[left_out, "in_vg5000_2021"]).all()
    assert bb.index.difference(source.index).empty and len(bb) == 11_330
    pd.testing.assert_frame_equal(
        bb, source.loc[bb.index, bb.columns], check_exact=True, check_index_type=False
    )
    assert bb.loc["05911000", "ftthb_ge1000"] == 12.06 and bb.max().max() == 100.0
    assert bb.attrs == {
        "release": "2021-06",
        "source": "Breitbandatlas | Gigabit-Grundbuch (https://gigabitgrundbuch.bund.de), "
        "Daten verändert",
    }


def test_breitbandatlas_kreise_2021_has_the_shared_5g_and_lte_values(shared_data):
    kreise = datasets.breitbandatlas_kreise_2021()
    source = pd.read_csv(
        shared_data / "coverage" / "breitbandatlas_kreise_haushalte_2021-06.csv", dtype={"ags": str}
    ).set_index("ags")
    assert kreise.index.name == "kreis_ags" and kreise.index.tolist() == sorted(source.index)
    names = {"5g_ge2": "verf_5g_2", "lte_ge2": "verf_lte_2", "lte_ge6": "verf_lte_6"}
    names["lte_ge10"] = "verf_lte_10"
    assert list(kreise.columns) == list(names)
    for ours, theirs in names.items():
        assert kreise[ours].tolist() == source.loc[kreise.index, theirs].tolist()
    # the Ruhr's values as the convenience join of the shared data has them
    ruhr = pd.read_csv(shared_data / "coverage" / "ruhr_breitband_2021-06.csv", dtype=str)
    by_kreis = ruhr.groupby("kreis_ags")["kreis_5g_ge2_households"].first().astype(float)
    assert kreise.loc[by_kreis.index, "5g_ge2"].tolist() == by_kreis.tolist()
    assert "Gigabit-Grundbuch" in kreise.attrs["source"]


def test_release_extracts_are_byte_copies_of_the_ruhr_rows(shared_data):
    releases = datasets.breitbandatlas_releases()
    assert list(releases) == ["2018-12", "2019-06", "2019-12", "2020-06", "2021-06"]
    ruhr = set(datasets.ruhr_municipalities().index)
    for path in releases.values():
        original = (shared_data / "coverage" / "releases" / path.name).read_bytes()
        lines = path.read_bytes().splitlines(keepends=True)
        whole = original.splitlines(keepends=True)
        assert lines[0] == whole[0] and len(lines) == 54
        assert set(lines[1:]) <= set(whole[1:])
        keys = {line[:11].strip(b'"').split(b";")[0].split(b",")[0].strip(b'"') for line in lines}
        assert {k.decode() for k in keys} - {"AGS"} == ruhr


def test_metropolitan_regions_are_the_shared_table(shared_data):
    regions = datasets.metropolitan_regions()
    source = pd.read_csv(shared_data / "regions" / "metropolitan_regions.csv", dtype=str)
    assert regions.shape == (254, 7) and regions["region"].nunique() == 12
    pd.testing.assert_frame_equal(regions, source.fillna(""), check_dtype=False)
    partial = regions[regions["membership"] == "partial"]
    assert partial[["kreis_ags", "member_municipalities_ags"]].values.tolist() == [
        ["14524", "14524330"]
    ]
    assert "not published" in regions.attrs["source"]


def test_germany_municipalities_are_the_gpkg_attributes(shared_data):

    germany = datasets.germany_municipalities()
    source = pyogrio.read_dataframe(
        shared_data / "boundaries" / "germany_municipalities.gpkg",
        layer="municipalities",
        read_geometry=False,
    ).set_index("ags")
    assert germany.index.tolist() == sorted(source.index) and len(germany) == 10_997
    source = source.loc[germany.index]
    for column in ["name", "kreis_ags", "kreis", "land", "gemeindefrei"]:
        assert germany[column].tolist() == source[column].tolist(), column
    np.testing.assert_array_equal(germany["population"], source["population"])
    np.testing.assert_array_equal(germany["area_km2"], source["area_km2_destatis"])
    assert germany["population"].isna().sum() == 2 and germany["population"].sum() == 83_158_991
    assert germany["gemeindefrei"].sum() == 207
    assert "BKG" in germany.attrs["source"] and "Destatis" in germany.attrs["source"]


def test_the_script_makes_exactly_the_shipped_files(shared_data, tmp_path):

    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "make_package_data.py"),
            "--shared",
            str(shared_data),
            "--out",
            str(tmp_path),
        ],
        check=True,
    )
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(made) == 11
    for relative in made:
        assert (tmp_path / relative).read_bytes() == (datasets.data_dir() / relative).read_bytes()
