"""The embedded demo data and the optional VG250 download (on local files only)."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from ruhrgeo import datasets, read_coverage, read_municipalities


def test_demo_files_exist_and_read():
    munis = read_municipalities(datasets.demo_municipalities())
    assert len(munis) == 53 and munis.crs.to_epsg() == 25832
    assert munis["status"].str.contains("SCHEMATIC").all()
    grids = {name: read_coverage(path) for name, path in datasets.demo_coverage().items()}
    assert {g.unit for g in grids.values()} == {"percent", "binary"}
    assert all(
        g.spec.cell_size == (100.0, 100.0) and g.crs.to_epsg() == 25832 for g in grids.values()
    )
    population = read_coverage(datasets.demo_population())
    assert population.crs.to_epsg() == 3035 and population.unit == "count"
    assert population.values[~population.nodata].sum() == 5_112_050


def test_universities_match_the_shared_table(shared_data):
    import pandas as pd

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
    with pytest.raises(ValueError, match="hash"):
        datasets.fetch_vg250(
            url="https://example.invalid/other.zip",
            known_hash=wrong,
            cache_dir=cache,
            downloader=_local_downloader(source),
        )
