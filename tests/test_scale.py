"""The engine at scale: Dask as a runner, the command line on every path."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import GridSource, Overlay, coverage_share, datasets
from ruhrgeo.cli import main

ATOL = 1e-9


@pytest.fixture(scope="module")
def demo():
    munis = datasets.ruhr_municipalities()
    layers = {
        "fttbh": GridSource(datasets.demo_coverage()["fttbh"], unit="percent"),
        "5g": GridSource(datasets.demo_coverage()["5g"], unit="binary"),
    }
    return munis, layers


def test_dask_is_a_runner_with_identical_results(demo, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="needs the extra [dask]")
    munis, layers = demo
    population = datasets.demo_population()
    local = coverage_share(munis, layers, weighted_by=population, by="kreis", tile_size=400)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        on_dask = coverage_share(
            munis, layers, weighted_by=population, by="kreis", tile_size=400, client=client
        )
        reused = Overlay(munis, layers["5g"], tile_size=400, client=client).share(
            layers, client=client
        )
        result = CliRunner().invoke(
            main,
            [
                "overlay",
                str(datasets.ruhr_municipalities_path()),
                "--layer",
                f"5g={layers['5g'].source}",
                "--unit",
                "5g=binary",
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "o.csv"),
                "--quiet",
            ],
        )
    pd.testing.assert_frame_equal(on_dask, local, check_exact=True)
    pd.testing.assert_frame_equal(reused, coverage_share(munis, layers), atol=ATOL, rtol=0)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "o.csv", dtype={"ags": str}).set_index("ags")
    np.testing.assert_allclose(written["5g"], coverage_share(munis, layers)["5g"], atol=1e-6)


def test_cli_read_options_work_on_every_path(demo, tmp_path):
    munis, _ = demo
    csv = tmp_path / "mobilfunk.csv"  # 1 km BKG cells over the whole region
    x0, y0, x1, y1 = (int(v // 1000) for v in munis.to_crs(25832).total_bounds)
    rng = np.random.default_rng(2)
    lines = ["id;nr_gesamt"] + [
        f"1kmN{n}E{e};{rng.integers(0, 4)}" for n in range(y0, y1 + 1) for e in range(x0, x1 + 1)
    ]
    csv.write_text("\n".join(lines) + "\n")
    expected = coverage_share(munis, {"5g": GridSource(csv, column="nr_gesamt", threshold=1)})
    base = ["overlay", str(datasets.ruhr_municipalities_path()), "--quiet", "--layer", f"5g={csv}"]
    base += ["--column", "5g=nr_gesamt", "--threshold", "5g=1"]
    for extra in ([], ["--workers", "2"]):
        out = tmp_path / f"o{len(extra)}.csv"
        result = CliRunner().invoke(main, [*base, *extra, "--out", str(out)])
        assert result.exit_code == 0, result.output
        written = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
        np.testing.assert_allclose(written["5g"], expected["5g"], atol=1e-6)
    by = CliRunner().invoke(main, [*base, "--by", "kreis", "--out", str(tmp_path / "k.gpkg")])
    assert by.exit_code == 0, by.output
    assert "wrote 15 rows" in by.output


def test_scheduler_errors(demo, tmp_path):
    _, layers = demo
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    base = [
        "overlay",
        str(datasets.ruhr_municipalities_path()),
        "--layer",
        f"5g={layers['5g'].source}",
    ]
    unreachable = CliRunner().invoke(
        main, [*base, "--scheduler", f"tcp://127.0.0.1:{free}", "--out", str(tmp_path / "o.csv")]
    )
    assert unreachable.exit_code == 2 and "cannot reach" in unreachable.output
    both = CliRunner().invoke(
        main,
        [*base, "--scheduler", "tcp://x:1", "--workers", "2", "--out", str(tmp_path / "o.csv")],
    )
    assert both.exit_code == 2 and "drop one of the two" in both.output
    assert not (tmp_path / "o.csv").exists()
