"""National scale: saved overlays, tiles equal the whole, Dask equals one process."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from conftest import make_grid, munis_frame, square

from ruhrgeo import Overlay, coverage_share, datasets, read_coverage, read_municipalities, tiles
from ruhrgeo.cli import main
from ruhrgeo.errors import FileFormatError, GridMismatchError, OverlayMismatchError

ATOL = 1e-9


@pytest.fixture(scope="module")
def demo():
    munis = read_municipalities(datasets.demo_municipalities())
    layers = {name: str(path) for name, path in datasets.demo_coverage().items()}
    return munis, layers


def test_saved_overlay_round_trips(demo, tmp_path):
    munis, layers = demo
    grid = read_coverage(layers["5g"])
    overlay = Overlay(munis, grid)
    path = overlay.save(tmp_path / "ruhr.npz")
    loaded = Overlay.load(path, municipalities=munis, grid=grid)
    pd.testing.assert_frame_equal(overlay.share(layers), loaded.share(layers))
    pd.testing.assert_frame_equal(
        overlay.share(layers, by="kreis"), loaded.share(layers, by="kreis")
    )


def test_saved_overlay_refuses_other_boundaries_and_grids(demo, tmp_path):
    munis, layers = demo
    grid = read_coverage(layers["5g"])
    path = Overlay(munis, grid).save(tmp_path / "ruhr.npz")
    moved = munis.set_geometry(munis.geometry.translate(100, 0))
    with pytest.raises(OverlayMismatchError, match="made for other boundaries"):
        Overlay.load(path, municipalities=moved)
    with pytest.raises(OverlayMismatchError, match="make a new Overlay for these"):
        Overlay.load(path, municipalities=munis.iloc[:-1])
    coarse = make_grid(np.ones((10, 10)), x0=300_000.0, ytop=5_750_000.0, cell=1000.0)
    with pytest.raises(OverlayMismatchError, match=r"was made for .* not for"):
        Overlay.load(path, grid=coarse)
    assert issubclass(OverlayMismatchError, GridMismatchError)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not an npz")
    with pytest.raises(FileFormatError, match="not a saved ruhrgeo overlay"):
        Overlay.load(junk)


def test_tiles_equal_the_whole(demo):
    munis, layers = demo
    population = read_coverage(datasets.demo_population())
    whole = coverage_share(munis, layers)
    tiled = tiles.coverage_share_tiled(munis, layers, tile_size=97)  # odd size: ragged edges
    pd.testing.assert_frame_equal(tiled, whole, atol=ATOL, rtol=0)
    # weights on the layers' grid, moved there first
    from ruhrgeo import regrid

    people = regrid(population, read_coverage(layers["fttbh"]).spec)
    weighted = coverage_share(munis, {"fttbh": layers["fttbh"]}, weights=people)
    tiled_w = tiles.coverage_share_tiled(
        munis, {"fttbh": layers["fttbh"]}, weights=people, tile_size=128
    )
    pd.testing.assert_frame_equal(tiled_w, weighted, atol=ATOL, rtol=0)


def test_tiles_with_nodata_and_municipalities_beyond_the_grid(tmp_path):
    rng = np.random.default_rng(4)
    values = rng.integers(0, 2, (30, 40)).astype(np.uint8)
    values[5:9, :] = 255  # a band of nodata
    path = tmp_path / "c.tif"
    transform = Affine(100, 0, 350_000, 0, -100, 5_703_000)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=30,
        width=40,
        count=1,
        dtype="uint8",
        crs="EPSG:25832",
        transform=transform,
        nodata=255,
    ) as dst:
        dst.write(values, 1)
    munis = munis_frame(
        [
            square(350_050, 5_700_050, 352_530, 5_702_990),
            square(352_530, 5_700_000, 354_900, 5_702_000),
            square(353_000, 5_701_000, 356_000, 5_704_500),  # reaches beyond the grid
        ],
        ags=["05000001", "05000002", "05000003"],
    )
    whole = coverage_share(munis, {"c": str(path)})
    for size in (1, 7, 64):
        tiled = tiles.coverage_share_tiled(munis, {"c": str(path)}, tile_size=size)
        pd.testing.assert_frame_equal(tiled, whole, atol=ATOL, rtol=0)
    assert whole.loc["05000003", "c_nodata"] > 30


def test_tiles_need_one_grid(demo):
    munis, layers = demo
    other = make_grid(np.ones((10, 10)), x0=330_000.0, ytop=5_760_000.0, cell=1000.0)
    with pytest.raises(GridMismatchError, match="tiled processing needs one grid"):
        tiles.coverage_share_tiled(munis, {"a": layers["5g"], "b": other})
    with pytest.raises(GridMismatchError, match=r"move them onto it first with ruhrgeo\.regrid"):
        tiles.coverage_share_tiled(munis, {"a": layers["5g"]}, weights=datasets.demo_population())


def test_dask_local_cluster_equals_one_process(demo, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="needs the extra [dask]")
    from ruhrgeo import distributed as rg_distributed

    munis, layers = demo
    local = tiles.coverage_share_tiled(munis, layers, tile_size=200)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        on_dask = rg_distributed.coverage_share(munis, layers, client=client, tile_size=200)
        address = cluster.scheduler_address
        result = CliRunner().invoke(
            main,
            [
                "overlay",
                str(datasets.demo_municipalities()),
                "--layer",
                f"5g={layers['5g']}",
                "--scheduler",
                address,
                "--out",
                str(tmp_path / "o.csv"),
                "--quiet",
            ],
        )
    pd.testing.assert_frame_equal(on_dask, local, atol=ATOL, rtol=0)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "o.csv", dtype={"ags": str}).set_index("ags")
    np.testing.assert_allclose(written["5g"], local["5g"], atol=1e-6)


def test_scheduler_errors(demo, tmp_path):
    _, layers = demo
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    result = CliRunner().invoke(
        main,
        [
            "overlay",
            str(datasets.demo_municipalities()),
            "--layer",
            f"5g={layers['5g']}",
            "--scheduler",
            f"tcp://127.0.0.1:{free}",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2 and "cannot reach" in result.output
    csv = tmp_path / "m.csv"
    csv.write_text("id;nr_gesamt\n100mN56789E3512;1\n")
    result = CliRunner().invoke(
        main,
        [
            "overlay",
            str(datasets.demo_municipalities()),
            "--layer",
            f"5g={csv}",
            "--threshold",
            "5g=1",
            "--scheduler",
            "tcp://x:1",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2 and "convert grid CSVs" in result.output
