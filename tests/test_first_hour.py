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


def test_a_warning_is_printed_once_per_run():
    import warnings

    import click

    from ruhrgeo.cli.args import friendly
    from ruhrgeo.errors import IndexWarning

    @click.command()
    @friendly
    def twice() -> None:
        for _ in range(3):  # the same computation for the result, the audit, the uncertainty
            warnings.warn("weights renormalized", IndexWarning, stacklevel=2)
        warnings.warn("another", IndexWarning, stacklevel=2)

    result = CliRunner().invoke(twice, [])
    assert result.exit_code == 0
    assert result.output.count("warning: weights renormalized") == 1
    assert result.output.count("warning: another") == 1


def test_the_correlation_heatmap_says_which_indicators_were_turned():
    from ruhrgeo.index import Indicator, IndicatorSpec, audit, plot_correlations

    spec = IndicatorSpec("s", (Indicator("fibre", "x"), Indicator("price", "x", direction="lower")))
    df = pd.DataFrame({"fibre": [1.0, 5, 3, 4, 2], "price": [9.0, 1, 7, 3, 8]})
    checked = audit(df, spec)
    # price falls as fibre rises: turned, the two agree (a positive correlation)
    assert checked.correlations.loc["fibre", "price"] == pytest.approx(
        -df["fibre"].corr(df["price"])
    )
    assert checked.correlations.loc["fibre", "price"] > 0 and checked.reversed == ("price",)
    fig = plot_correlations(checked)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "price (−)" in ticks and "fibre" in ticks
    assert "(−) marks those where lower is better" in fig.texts[0].get_text()


@pytest.mark.parametrize("command", ["overlay", "stats", "map"])
def test_boundaries_as_a_csv_get_one_line_and_the_fix(command, tmp_path):
    csv = tmp_path / "gemeinden.csv"
    pd.read_csv(datasets.demo_indicators(), dtype={"ags": str})[["ags", "name"]].to_csv(
        csv, index=False
    )
    out = tmp_path / ("out.html" if command == "map" else "out.csv")
    extra = {
        "overlay": ["--layer", f"5g={datasets.demo_coverage()['5g']}"],
        "stats": ["--table", str(datasets.demo_indicators()), "--column", "5g_area_share"],
        "map": ["--table", str(datasets.demo_indicators()), "--column", "5g_area_share"],
    }[command]
    result = run(command, str(csv), *extra, "--out", str(out))
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert "gemeinden.csv" in message and "geometr" in message
    assert "Traceback" not in result.output and not out.exists()


def test_read_municipalities_refuses_a_csv_with_the_fix(tmp_path):
    from ruhrgeo import read_municipalities
    from ruhrgeo.errors import FileFormatError

    csv = tmp_path / "gemeinden.csv"
    csv.write_text("ags,name\n05913000,Dortmund\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"gemeinden\.csv.*geometr"):
        read_municipalities(csv)


def test_png_map_keeps_its_width_and_names_do_not_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ruhrgeo import maps

    munis = datasets.ruhr_municipalities()
    long = "Inhabitants on 31.12.2019 according to the federal statistical office " * 2
    short = maps.plot(munis, "population", place_names=True)
    wide = maps.plot(munis, "population", aliases={"population": long}, title=long * 2)
    for fig in (short, wide):
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()  # the constrained layout's final positions
    assert short.axes[0].get_position().width == pytest.approx(
        wide.axes[0].get_position().width, abs=0.02
    )
    heading = wide.axes[1].get_legend().get_title().get_text()
    assert heading.startswith("Inhabitants on") and "\n" in heading  # the label, wrapped
    assert "\n" in wide.axes[0].get_title()  # the long title wraps
    renderer = FigureCanvasAgg(short).get_renderer()
    shown = [t for t in short.axes[0].texts if t.get_visible()]
    boxes = [t.get_window_extent(renderer) for t in shown]
    assert 10 <= len(shown) < 53 and "Dortmund" in [t.get_text() for t in shown]
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[:i])
