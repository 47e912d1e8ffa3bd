"""The first hour of a new user, smooth: each rough edge seen this round, as a test."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from ruhrgeo import datasets
from ruhrgeo.cli.main import main
from ruhrgeo.index import load_spec


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_index_runs_on_the_shipped_table_and_init_spec_starts_a_spec(tmp_path):
    table = str(datasets.demo_indicators())
    result = run("index", table, "--out", str(tmp_path / "index.csv"))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "index.csv")) == 53
    spec_file = tmp_path / "spec.toml"
    result = run("index", "--init-spec", str(spec_file))
    assert result.exit_code == 0 and "edit it" in result.output
    assert load_spec(spec_file) == load_spec()
    result = run("index", table, "--spec", str(spec_file), "--out", str(tmp_path / "again.csv"))
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "again.csv"), pd.read_csv(tmp_path / "index.csv")
    )


def test_a_table_without_the_specs_indicators_gets_the_next_step(tmp_path):
    frame = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str})
    frame.drop(columns=["5g_area_share"]).to_csv(tmp_path / "t.csv", index=False)
    result = run("index", str(tmp_path / "t.csv"), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "lacks 1 indicator(s)" in result.output and "--init-spec spec.toml" in result.output
    assert "--spec FILE.toml" in result.output
    assert not (tmp_path / "o.csv").exists()
    result = run("index")
    assert result.exit_code == 2 and "give TABLE and --out" in result.output


def test_cli_errors_name_options_not_keywords(tmp_path):
    frame = pd.read_csv(datasets.demo_indicators(), dtype={"ags": str})
    frame.loc[3, "ai_job_ads_share"] = None
    frame.to_csv(tmp_path / "gaps.csv", index=False)
    result = run("index", str(tmp_path / "gaps.csv"), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "--missing skip, --missing mean or --missing median" in result.output
    assert "missing=" not in result.output
    result = run("index", str(tmp_path / "gaps.csv"), "--missing", "skip",
                 "--out", str(tmp_path / "o.csv"))  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("use missing='skip'", "use --missing skip"),
        ('or aggregation="gmean"', "or --aggregation gmean"),
        ("with p=2", "with --p 2"),
        ("name='x' stays", "name='x' stays"),  # not an option of the command
    ],
)
def test_keywords_become_the_commands_options(message, expected):
    import click

    from ruhrgeo.cli.args import speak_cli
    from ruhrgeo.cli.index import index_command

    with click.Context(index_command):
        assert speak_cli(message) == expected
