"""COINr's remaining tools, each against a hand computation: denomination, screening,
strengths and weaknesses, and the Excel export of a whole index."""

from __future__ import annotations

import contextlib

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import datasets, index
from ruhrgeo.errors import MissingValuesError, RuhrgeoError, StatisticsError
from ruhrgeo.index import Indicator, IndicatorSpec

SPEC = IndicatorSpec(
    "s",
    (
        Indicator("startups", "economy", denominator="population"),
        Indicator("patents", "economy", denominator="employees"),
        Indicator("fttbh", "infrastructure"),
        Indicator("latency", "infrastructure", "lower"),
    ),
)
TABLE = pd.DataFrame(
    {
        "startups": [30.0, 4.0, 10.0, 0.0],
        "patents": [12.0, 1.0, 6.0, 2.0],
        "fttbh": [40.0, 80.0, 10.0, 55.0],
        "latency": [20.0, 12.0, 30.0, 12.0],
    },
    index=pd.Index(["05913000", "05911000", "05954008", "05978004"], name="ags"),
)
DENOMINATORS = pd.DataFrame(
    {"population": [600_000.0, 360_000.0, 50_000.0, 20_000.0], "employees": [3e5, 2e5, 2e4, 5e3]},
    index=TABLE.index,
)


def test_denominate_by_the_spec_per_1000():
    out = index.denominate(TABLE, DENOMINATORS, SPEC, per={"startups": 1000, "patents": 1000})
    assert out["startups"].tolist() == pytest.approx([0.05, 4 / 360, 0.2, 0.0])
    assert out["patents"].tolist() == pytest.approx([0.04, 0.005, 0.3, 0.4])
    assert out["fttbh"].tolist() == TABLE["fttbh"].tolist()
    assert out.attrs["denominated"] == {"startups": "population", "patents": "employees"}
    with pytest.raises(MissingValuesError, match="no value"):
        index.denominate(TABLE, DENOMINATORS.iloc[:2], SPEC)
    with pytest.raises(StatisticsError, match="> 0"):
        index.denominate(TABLE, DENOMINATORS.assign(population=0.0), SPEC)


def test_screen_units_and_indicators_by_availability():
    holes = TABLE.copy()
    holes.loc["05954008", ["startups", "patents", "fttbh"]] = np.nan  # 1 of 4 present
    holes.loc["05911000", "latency"] = np.nan  # 3 of 4
    screened = index.screen(holes, SPEC, min_availability=0.5)
    assert screened.removed_units == ["05954008"]
    assert screened.units["availability"].tolist() == [1.0, 0.75, 0.25, 1.0]
    assert screened.table.index.tolist() == ["05913000", "05911000", "05978004"]
    gaps = TABLE.copy()
    gaps.loc["05954008", ["startups", "patents"]] = np.nan  # 3 of 4 present each
    by_indicator = index.screen(gaps, SPEC, min_availability=0.8, by="indicators")
    assert by_indicator.removed_indicators == ["startups", "patents"]
    assert by_indicator.table.columns.tolist() == ["fttbh", "latency"]
    with pytest.raises(StatisticsError, match="every indicator"):
        index.screen(holes, SPEC, min_availability=0.8, by="indicators")
    zeros = index.screen(TABLE, SPEC, min_availability=0, min_nonzero=0.8)
    assert zeros.removed_units == ["05978004"]  # startups 0: 3 of 4 non-zero


def test_strengths_and_weaknesses_by_hand():
    profile = index.strengths_weaknesses(TABLE, SPEC, top=2)
    dortmund = profile[profile["ags"] == "05913000"]
    # ranks of 05913000: startups 1, patents 1, fttbh 3, latency 3 (20 of 12, 12, 20, 30)
    assert dortmund[dortmund["kind"] == "strength"]["indicator"].tolist() == [
        "startups",
        "patents",
    ]
    weak = dortmund[dortmund["kind"] == "weakness"]
    assert weak["indicator"].tolist() == ["latency", "fttbh"] and weak["rank"].tolist() == [3, 3]
    # ties share the best rank: 05911000 and 05978004 both have latency 12, rank 1
    hagen = profile.query("ags == '05978004' and kind == 'strength'")
    assert hagen[["indicator", "rank"]].values.tolist() == [["latency", 1], ["fttbh", 2]]
    assert set(profile["aggregate"]) == {"economy", "infrastructure"}


def test_the_workbook_holds_every_part_and_no_live_formula(tmp_path):
    table = TABLE.assign(fttbh=TABLE["fttbh"])
    hostile = IndicatorSpec(
        '=HYPERLINK("x")',
        tuple(Indicator(i.name, i.parent, i.direction, label="=1+1") for i in SPEC.indicators),
    )
    result = index.uncertainty(
        table, hostile, n=4, normalizations=["minmax", "rank"], aggregations=["amean"],
        treatments=[None],
    )  # fmt: skip
    path = index.export_workbook(table, tmp_path / "index.xlsx", hostile, uncertainty=result)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "data", "spec", "choices", "scores", "ranks", "profiles", "correlations", "flags",
        "pca", "rank_intervals", "sensitivity",
    ]  # fmt: skip
    scores = pd.read_excel(path, sheet_name="scores", index_col=0, dtype={"ags": str})
    expected = index.composite(table, hostile)
    np.testing.assert_allclose(scores["index"], expected["index"])
    assert scores["rank"].tolist() == expected["rank"].tolist()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    spec_sheet = pd.read_excel(path, sheet_name="spec")
    assert "'=1+1" in spec_sheet["iName"].tolist()
    assert not list(tmp_path.glob(".ruhrgeo-*"))


def test_the_workbook_on_the_real_2021_table(tmp_path):
    table = datasets.breitbandatlas_2021().loc[datasets.ruhr_municipalities().index]
    spec = IndicatorSpec(
        "broadband",
        (
            Indicator("ftthb_ge1000", "wired"),
            Indicator("catv_ge1000", "wired"),
            Indicator("all_ge100", "any"),
        ),
    )
    path = index.export_workbook(table, tmp_path / "ruhr.xlsx", spec, with_audit=False)
    ranks = pd.read_excel(path, sheet_name="ranks", index_col=0, dtype={"ags": str})
    assert len(ranks) == 53 and ranks["index"].min() == 1


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
        min_size=16,
        max_size=16,
    ),
    availability=st.floats(0, 1),
)
def test_tools_give_a_result_or_a_ruhrgeo_error(values, availability):
    table = pd.DataFrame(np.array(values, dtype=float).reshape(4, 4), columns=TABLE.columns,
                         index=TABLE.index)  # fmt: skip
    for call in (
        lambda: index.screen(table, SPEC, min_availability=availability),
        lambda: index.strengths_weaknesses(table, SPEC),
        lambda: index.denominate(table, DENOMINATORS, SPEC),
    ):
        with contextlib.suppress(RuhrgeoError):
            call()
