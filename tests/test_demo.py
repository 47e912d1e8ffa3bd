"""`ruhrgeo demo`: real findings from the real data, the overlay step on synthetic grids, every
number checked against a computation of its own; all outputs or none."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import coverage_share, datasets, spatial
from ruhrgeo.cli import demo as demo_module
from ruhrgeo.cli import main
from ruhrgeo.errors import RegionMatchWarning
from ruhrgeo.index import Indicator, IndicatorSpec, compare_regions, composite, load_spec


def _csv(path):
    return pd.read_csv(path, dtype={"ags": str, "kreis_ags": str}).set_index("ags")


def test_the_overlay_step_runs_on_synthetic_grids_over_the_real_boundaries(demo_run):
    out, printed = demo_run
    table = _csv(out / "coverage_shares.csv")
    munis = datasets.ruhr_municipalities()
    assert table.index.tolist() == munis.index.tolist()
    assert table["status"].str.startswith("SYNTHETIC").all()
    layers = datasets.demo_coverage()
    expected = coverage_share(munis, {"5g": layers["5g"]})
    np.testing.assert_allclose(table["5g"], expected["5g"], atol=1e-6)
    region = pd.read_csv(out / "region_shares.csv", index_col=0).loc["Metropole Ruhr"]
    area = munis.area  # the region's share is the exact share of the union
    assert region["5g"] == pytest.approx((table["5g"] * area).sum() / area.sum(), abs=1e-5)
    assert f"5G on {region['5g']:5.1f} % of the area" in printed
    assert "98.3 % of the area (exact" not in printed  # nothing planted


def test_the_real_findings_equal_the_statistics_run_directly(demo_run):
    out, printed = demo_run
    real = datasets.ruhr_municipalities().join(
        datasets.breitbandatlas_2021()[["ftthb_ge1000", "all_ge1000"]]
    )
    written = _csv(out / "breitband_2021.csv")
    pd.testing.assert_series_equal(written["ftthb_ge1000"], real["ftthb_ge1000"])
    findings = json.loads((out / "findings.json").read_text())
    fttbh = findings["the northern edge is better served with FTTB/H than the south"]
    gigabit = findings["the northern edge is better served with gigabit than the south"]
    direct = spatial.north_south(real, "ftthb_ge1000", permutations=0)
    assert fttbh["numbers"]["step"] == pytest.approx(direct.difference_sem, rel=1e-9)
    assert fttbh["numbers"]["step_p"] == pytest.approx(direct.difference_p_value, rel=1e-9)
    assert fttbh["verdict"] == "holds in 2021" and fttbh["numbers"]["step_p"] < 0.001
    assert gigabit["verdict"] == "does not hold in 2021" and gigabit["numbers"]["step_p"] > 0.05
    assert "better served with FTTB/H than the south: holds in 2021" in printed
    stats = json.loads((out / "spatial_stats.json").read_text())
    assert stats["ftthb_ge1000"]["I"] == pytest.approx(spatial.moran(real, "ftthb_ge1000").I)
    clusters = _csv(out / "clusters.csv")
    expected = spatial.local_moran(real, "ftthb_ge1000")["cluster"]
    assert clusters["ftthb_ge1000"].equals(expected)


def test_the_regions_and_releases(demo_run):
    out, printed = demo_run
    spec = IndicatorSpec(
        "2021",
        (Indicator("ftthb_ge1000", "infrastructure"), Indicator("all_ge1000", "infrastructure")),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegionMatchWarning)
        regions = compare_regions(
            datasets.breitbandatlas_2021(),
            datasets.metropolitan_regions(),
            spec,
            weighted_by=datasets.germany_municipalities()["population"],
        )
    written = pd.read_csv(out / "regions.csv", index_col=0)
    np.testing.assert_allclose(written["index"], regions["index"])
    assert int(regions.loc["Metropole Ruhr", "rank"]) == 6
    assert "8th of 12 on FTTB/H (12.3 %), 4th on gigabit (69.3 %" in printed
    releases = pd.read_csv(out / "releases.csv", index_col=0)
    assert releases.index.tolist() == ["2018-12", "2019-06", "2019-12", "2020-06", "2021-06"]
    assert releases.loc["2018-12", "FTTB/H"] == pytest.approx(2.2, abs=0.05)
    assert releases.loc["2021-06", "FTTB/H"] == pytest.approx(12.3, abs=0.05)
    assert "north/south gap in FTTB/H widened from +1.9" in printed


def test_the_index_takes_its_infrastructure_from_the_real_data(demo_run):
    out, printed = demo_run
    index = _csv(out / "index.csv")
    real = datasets.breitbandatlas_2021()
    assert index["fttbh_household_share"].equals(real.loc[index.index, "ftthb_ge1000"])
    spec = load_spec()
    expected = composite(index[spec.names()], spec)
    np.testing.assert_allclose(index["index"], expected["index"], atol=1e-6)
    assert "infrastructure real 2021, other areas SYNTHETIC" in printed


def test_the_spillover_step_recovers_the_planted_radius(demo_run):
    out, _ = demo_run
    estimate = json.loads((out / "spillover_estimate.json").read_text())["estimate"]
    assert estimate["significant"] and estimate["ci_low_km"] <= 20 <= estimate["ci_high_km"]
    table = _csv(out / "spillover.csv")
    total = datasets.demo_it_graduates()["it_graduates"].sum()
    assert table["it_graduates_allocated"].sum() == pytest.approx(total, abs=1e-4)


def test_the_page_and_readme_credit_the_sources(demo_run):
    out, _ = demo_run
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Breitbandatlas | Gigabit-Grundbuch" in page and "Land NRW" in page
    assert "cdn." not in page and "https://unpkg" not in page
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "REAL data" in readme and "SYNTHETIC data" in readme and "dl-de/zero-2-0" in readme
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".ruhrgeo-")]


def test_a_failing_run_writes_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise demo_module.OutputError("the disk is full")

    monkeypatch.setattr(demo_module, "_index", broken)
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 2 and "the disk is full" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its staging copy
