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

from ruhrgeo import Overlay, coverage_share, datasets, read_coverage, read_municipalities
from ruhrgeo.cli import main
from ruhrgeo.errors import (
    FileFormatError,
    GridMismatchError,
    OverlayMismatchError,
    ParameterError,
    ValueRangeError,
)
from ruhrgeo.overlay import tiles

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


def _write_tif(path, values, *, nodata=None, mask=None):
    profile = dict(
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype=values.dtype.name,
        crs="EPSG:25832",
        transform=Affine(100, 0, 350_000, 0, -100, 5_703_000),
        nodata=nodata,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
        if mask is not None:
            dst.write_mask(np.where(mask, 0, 255).astype(np.uint8))
    return str(path)


@pytest.fixture
def three_munis():
    return munis_frame(
        [
            square(350_050, 5_700_050, 352_530, 5_702_990),
            square(352_530, 5_700_000, 354_900, 5_702_000),
            square(353_000, 5_701_000, 356_000, 5_704_500),  # reaches beyond the grid
        ],
        ags=["05000001", "05000002", "05000003"],
    )


def test_tiles_read_every_kind_of_nodata_and_infer_units(tmp_path, three_munis):
    rng = np.random.default_rng(11)
    percent = rng.integers(0, 101, (30, 40)).astype(np.uint8)
    percent[:, 36:] = 255
    as_float = rng.integers(0, 2, (30, 40)).astype(np.float32)
    as_float[10:14] = np.nan
    masked = rng.integers(0, 2, (30, 40)).astype(np.uint8)
    hidden = np.zeros((30, 40), dtype=bool)
    hidden[:, :6] = True  # an internal mask band, no nodata value
    layers = {
        "percent": _write_tif(tmp_path / "p.tif", percent, nodata=255),
        "float": _write_tif(tmp_path / "f.tif", as_float, nodata=float("nan")),
        "masked": _write_tif(tmp_path / "m.tif", masked, mask=hidden),
    }
    whole = coverage_share(three_munis, layers)
    assert whole["masked_nodata"].iloc[0] > 20  # the mask was seen by both readers
    for size in (1, 7, 64):
        tiled = tiles.coverage_share_tiled(three_munis, layers, tile_size=size)
        pd.testing.assert_frame_equal(tiled, whole, atol=ATOL, rtol=0)
    # the unit comes from the values: binary layers scale to percent, percent ones do not
    assert 30 < whole.loc["05000001", "float"] < 70
    assert 30 < whole.loc["05000001", "percent"] < 70


def test_tiles_read_weights_from_a_raster_by_window(demo, tmp_path):
    munis, layers = demo
    from ruhrgeo import regrid

    people = regrid(read_coverage(datasets.demo_population()), read_coverage(layers["5g"]).spec)
    expected = coverage_share(munis, {"fttbh": layers["fttbh"]}, weights=people)
    path = tmp_path / "people.tif"
    with rasterio.open(layers["fttbh"]) as src:
        profile = src.profile | {"dtype": "float64", "nodata": None}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(people.values.astype(np.float64), 1)
    tiled = tiles.coverage_share_tiled(
        munis, {"fttbh": layers["fttbh"]}, weights=str(path), tile_size=128
    )
    pd.testing.assert_frame_equal(tiled, expected, atol=ATOL, rtol=0)
    with rasterio.open(path, "r+") as dst:
        dst.write(np.where(people.values > 0, -people.values, 0.0), 1)
    with pytest.raises(ValueRangeError, match=r"outside the range of unit 'count'.* value -"):
        tiles.coverage_share_tiled(munis, {"fttbh": layers["fttbh"]}, weights=str(path))


def test_tiles_report_out_of_range_cells_where_they_are(tmp_path, three_munis):
    values = np.ones((30, 40), dtype=np.int16)
    values[20, 3] = 250  # lower-left corner x = 350,300, y = 5,700,900
    path = _write_tif(tmp_path / "bad.tif", values)
    with pytest.raises(ValueRangeError, match=r"value 250.* x=350300, y=5700900"):
        tiles.coverage_share_tiled(three_munis, {"bad": path}, tile_size=8)
    values[20, 3] = -1
    _write_tif(tmp_path / "bad.tif", values)
    with pytest.raises(ValueRangeError, match=r"1 cell\(s\) lie outside .* value -1"):
        tiles.coverage_share_tiled(three_munis, {"bad": path})


def test_workers_give_identical_results(demo):
    munis, layers = demo
    one = tiles.coverage_share_tiled(munis, layers, tile_size=100)
    two = tiles.coverage_share_tiled(munis, layers, tile_size=100, workers=2)
    pd.testing.assert_frame_equal(two, one, check_exact=True)
    spawned = tiles.coverage_share_tiled(
        munis, layers, tile_size=100, mapper=tiles.processes(2, start_method="spawn")
    )
    pd.testing.assert_frame_equal(spawned, one, check_exact=True)
    grid = read_coverage(layers["5g"])
    serial, parallel = Overlay(munis, grid), Overlay(munis, grid, workers=2)
    np.testing.assert_array_equal(parallel.fraction, serial.fraction)
    pd.testing.assert_frame_equal(parallel.share(layers), serial.share(layers), check_exact=True)
    with pytest.raises(ParameterError, match="`workers` must be at least 1, got 0"):
        tiles.coverage_share_tiled(munis, layers, workers=0)


def test_cli_tiled_equals_in_memory(demo, tmp_path):
    munis, layers = demo
    args = ["overlay", str(datasets.demo_municipalities()), "--quiet"]
    for name, path in layers.items():
        args += ["--layer", f"{name}={path}"]
    result = CliRunner().invoke(
        main, [*args, "--tiled", "--workers", "2", "--out", str(tmp_path / "t.csv")]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "t.csv", dtype={"ags": str}).set_index("ags")
    expected = coverage_share(munis, layers)
    np.testing.assert_allclose(written[list(expected.columns)], expected, atol=1e-6)
    result = CliRunner().invoke(main, [*args, "--workers", "0", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "--workers" in result.output


def test_tiles_need_one_grid(demo):
    munis, layers = demo
    other = make_grid(np.ones((10, 10)), x0=330_000.0, ytop=5_760_000.0, cell=1000.0)
    with pytest.raises(GridMismatchError, match="tiled processing needs one grid"):
        tiles.coverage_share_tiled(munis, {"a": layers["5g"], "b": other})
    with pytest.raises(GridMismatchError, match=r"move them onto it first with ruhrgeo\.regrid"):
        tiles.coverage_share_tiled(munis, {"a": layers["5g"]}, weights=datasets.demo_population())


def test_dask_local_cluster_equals_one_process(demo, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="needs the extra [dask]")
    from ruhrgeo.overlay import distributed as rg_distributed

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
    result = CliRunner().invoke(
        main,
        [
            "overlay",
            str(datasets.demo_municipalities()),
            "--layer",
            f"5g={layers['5g']}",
            "--scheduler",
            "tcp://x:1",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2 and "drop one of the two" in result.output
