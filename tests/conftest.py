"""Shared fixtures: the real open data beside the repository, and small hand-made grids."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import settings

from ruhrgeo.grid import Grid

# CI replays the same examples every run; locally hypothesis explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
# the bigger open data: $RUHRGEO_TEST_DATA, else ../shared/data beside the checkout
SHARED = Path(os.environ.get("RUHRGEO_TEST_DATA") or REPO.parent / "shared" / "data")
UTM = 25832


@pytest.fixture(params=["pyarrow", "without pyarrow"])
def arrow(request, monkeypatch):
    """Grid files read with pyarrow (the extra ``fast``) and without (the base install)."""
    from ruhrgeo import _optional

    real = _optional.available
    absent = request.param != "pyarrow"
    monkeypatch.setattr(
        _optional, "available", lambda m: real(m) and not (absent and m == "pyarrow")
    )
    return request.param


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """`ruhrgeo demo` run once for all tests that look at its outputs: (folder, printed)."""
    from click.testing import CliRunner

    from ruhrgeo.cli import main

    out = tmp_path_factory.mktemp("demo") / "out"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real open data); tests skip with a reason when it is absent."""
    if not (SHARED / "boundaries" / "ruhr_municipalities.geojson").exists():
        pytest.skip(
            f"real open data not found at {SHARED}: set RUHRGEO_TEST_DATA to the folder "
            "(the project's shared/data) or check it out beside the repository"
        )
    return SHARED


@pytest.fixture(scope="session")
def ruhr_real(shared_data: Path) -> gpd.GeoDataFrame:
    """The 53 real Ruhr municipalities (DVG2, EPSG:4326) as read by ruhrgeo."""
    from ruhrgeo import read_municipalities

    return read_municipalities(shared_data / "boundaries" / "ruhr_municipalities.geojson")


def make_grid(values, *, x0=0.0, ytop=None, cell=1.0, crs=UTM, unit="binary", nodata=None) -> Grid:
    values = np.asarray(values, dtype=float)
    ytop = values.shape[0] * cell if ytop is None else ytop
    return Grid(values, Affine(cell, 0, x0, 0, -cell, ytop), crs, nodata=nodata, unit=unit)


def write_tif(
    path,
    values,
    *,
    nodata=None,
    mask=None,
    unit=None,
    transform=None,
    crs="EPSG:25832",
    **options,
):
    """A one-band GeoTIFF (100 m cells from 350,000 / 5,704,000 unless ``transform``),
    ``mask`` True where a mask band marks nodata; ``options`` such as ``tiled=True,
    blockxsize=16`` go to GDAL."""
    profile = dict(
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype=values.dtype.name,
        crs=crs,
        transform=transform or Affine(100, 0, 350_000, 0, -100, 5_704_000),
        nodata=nodata,
        **options,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
        if mask is not None:
            dst.write_mask(np.where(mask, 0, 255).astype(np.uint8))
        if unit:
            dst.units = (unit,)
    return str(path)


def munis_frame(geoms, ags=None, crs=UTM, **columns) -> gpd.GeoDataFrame:
    ags = ags or [f"0591{i:04d}" for i in range(len(geoms))]
    names = columns.pop("name", [f"M{i}" for i in range(len(geoms))])
    return gpd.GeoDataFrame({"ags": ags, "name": names, **columns}, geometry=list(geoms), crs=crs)


def square(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1)
