"""`ruhrgeo index`: the index, --audit and --uncertainty written beside it; every bad input
ends with exit code 2, one line on stderr, no traceback and no output file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import datasets
from ruhrgeo.cli.main import main
from ruhrgeo.index import composite, load_spec, uncertainty
from ruhrgeo.io import read_indicators


@pytest.fixture(scope="module")
def table_path(tmp_path_factory):
    """The demo table with seeded values for the four indicators the demo computes."""
    table = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str}).set_index("ags")
    rng = np.random.default_rng(0)
    n = len(table)
    table["it_graduates_per_1000_employees"] = rng.gamma(2, 2, n).round(3)
    table["5g_area_share"] = rng.uniform(90, 100, n).round(3)
    table["fttbh_household_share"] = rng.uniform(0, 90, n).round(3)
    table["gigabit_household_share"] = rng.uniform(10, 95, n).round(3)
    path = tmp_path_factory.mktemp("tables") / "indicators.csv"
    table.drop(columns="status").to_csv(path)
    return path


def run(args):
    return CliRunner().invoke(main, ["index", *map(str, args)])


def test_index_audit_and_uncertainty(table_path, tmp_path):
    out = tmp_path / "out.csv"
    result = run(
        [
            table_path,
            "--aggregation",
            "gmean",
            "--normalization",
            "rank",
            "--audit",
            "--uncertainty",
            "16",
            "--seed",
            "3",
            "--out",
            out,
        ]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "out.csv",
        "out_audit.csv",
        "out_correlations.csv",
        "out_correlations.png",
        "out_rank_intervals.png",
        "out_removal.csv",
        "out_sensitivity.csv",
    ]
    got = pd.read_csv(out, dtype={"ags": str}).set_index("ags")
    table = read_indicators(table_path)
    expected = composite(table, load_spec(), normalization="rank", aggregation="gmean")
    np.testing.assert_allclose(got["index"], expected["index"], atol=1e-6)
    mc = uncertainty(table, load_spec(), n=16, seed=3)
    np.testing.assert_allclose(got["median_rank"], mc.rank_stats["median_rank"])
    sens = pd.read_csv(tmp_path / "out_sensitivity.csv").set_index("choice")
    np.testing.assert_allclose(sens["ST"], mc.sensitivity["ST"], atol=1e-6)
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{int(expected['above_average'].sum())} of 53 municipalities")
    assert lines[1].startswith("Cronbach's alpha: research") and "runs (N = 16" in lines[2]


def bad_spec(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text("[[indicators]]\nname = 'a'\narea = 'x'\nweight = inf\n")
    return path


CASES = [
    ("no table", lambda t, d: [d / "nope.csv"], "no file at"),
    ("infinite value", lambda t, d: [_infinite(t, d)], "ai_job_ads_share"),
    ("bad spec", lambda t, d: [t, "--spec", bad_spec(d)], "must be a finite number > 0, got inf"),
    ("no spec", lambda t, d: [t, "--spec", d / "none.toml"], "no file at"),
    ("uncertainty zero", lambda t, d: [t, "--uncertainty", "0"], "N >= 4, got 0"),
    ("p without genmean", lambda t, d: [t, "--p", "2"], "`p` is the exponent of genmean"),
    (
        "gmean of z-scores",
        lambda t, d: [t, "--normalization", "zscore", "--aggregation", "gmean"],
        "gmean needs scores >= 0",
    ),
    (
        "dist2ref without reference",
        lambda t, d: [t, "--normalization", "dist2ref"],
        "needs `reference`",
    ),
    (
        "unknown reference",
        lambda t, d: [t, "--normalization", "dist2ref", "--reference", "05999999"],
        "names AGS not in the table",
    ),
    ("gpkg out", lambda t, d: [t], "must end in .csv"),
    (
        "failing later step",
        lambda t, d: [_constant(t, d), "--normalization", "rank", "--uncertainty", "8"],
        "`digital_companies_share` is constant",
    ),
]


def _infinite(table_path, d):
    table = pd.read_csv(table_path, dtype={"ags": str})
    table.loc[3, "ai_job_ads_share"] = np.inf
    table.to_csv(d / "inf.csv", index=False)
    return d / "inf.csv"


def _constant(table_path, d):
    table = pd.read_csv(table_path, dtype={"ags": str}).assign(digital_companies_share=5.0)
    table.to_csv(d / "const.csv", index=False)
    return d / "const.csv"


@pytest.mark.parametrize(("case", "args", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exit_2_one_line_no_output(case, args, message, table_path, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    outdir = tmp_path / "out"
    out = outdir / ("r.gpkg" if case == "gpkg out" else "r.csv")
    result = run([*args(table_path, inputs), "--audit", "--out", out])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not outdir.exists() or not any(outdir.iterdir())


def test_outputs_onto_a_directory_leave_nothing(table_path, tmp_path):
    (tmp_path / "r.csv").mkdir()
    result = run([table_path, "--out", tmp_path / "r.csv"])
    assert result.exit_code == 2 and "r.csv' is a folder" in result.stderr
    (tmp_path / "s_correlations.csv").mkdir()  # the second file cannot be written
    result = run([table_path, "--audit", "--out", tmp_path / "s.csv"])
    assert result.exit_code == 2 and "s_correlations.csv" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "s_correlations.csv"]
    assert len(result.stderr.strip().splitlines()) == 1


def test_names_reach_the_terminal_inert(table_path, tmp_path):
    """A bidirectional override in a name (control bytes never pass read_indicators) is
    shown escaped, not obeyed by the terminal."""
    table = pd.read_csv(table_path, dtype={"ags": str})
    table["name"] = "Essen\u202egnirolf"
    table.to_csv(tmp_path / "t.csv", index=False)
    result = run([tmp_path / "t.csv", "--out", tmp_path / "o.csv"])
    assert result.exit_code == 0 and "\u202e" not in result.output
    assert "Essen\\u202egnirolf" in result.output
