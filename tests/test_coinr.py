"""COINr's iMeta in and out: a four-level index (indicators, pillars, sub-indices, index) read
from an iMeta CSV as COINr writes it, every aggregate computed by hand, and the round trip."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo.errors import FileFormatError, RuhrgeoError, SpecError
from ruhrgeo.index import IndicatorSpec, composite, load_spec

# as R's write.csv(iMeta) writes it: quoted texts, NA for missing cells
IMETA = """\
"iCode","iName","Level","Parent","Type","Weight","Direction","Target","Denominator"
"i1","Fibre lines",1,"P1","Indicator",1,1,NA,NA
"i2","Gigabit",1,"P1","Indicator",3,1,NA,"pop"
"i3","Latency",1,"P2","Indicator",1,-1,NA,NA
"i4","5G",1,"P3","Indicator",1,1,95,NA
"i5","LTE",1,"P3","Indicator",1,1,NA,NA
"P1","Wired",2,"S1","Aggregate",2,NA,NA,NA
"P2","Speed",2,"S1","Aggregate",1,NA,NA,NA
"P3","Mobile",2,"S2","Aggregate",1,NA,NA,NA
"S1","Fixed network",3,"DIG","Aggregate",1,NA,NA,NA
"S2","Mobile network",3,"DIG","Aggregate",3,NA,NA,NA
"DIG","Digital index",4,NA,"Aggregate",NA,NA,NA,NA
"pop","Population",NA,NA,"Denominator",NA,NA,NA,NA
"region","Region",NA,NA,"Group",NA,NA,NA,NA
"""

TABLE = pd.DataFrame(
    {
        "i1": [0, 10, 5, 10],
        "i2": [2, 4, 6, 10],
        "i3": [1, 3, 5, 9],
        "i4": [10, 20, 30, 50],
        "i5": [5, 0, 10, 5],
    },
    index=pd.Index(list("ABCD"), name="unit"),
    dtype=float,
)
# min-max to 0..100 (i3: lower is better):
# i1 0 100 50 100 | i2 0 25 50 100 | i3 100 75 50 0 | i4 0 25 50 100 | i5 50 0 100 50
BY_HAND = {
    "P1": [0, (100 + 3 * 25) / 4, (50 + 3 * 50) / 4, 100],  # weights 1 and 3
    "P2": [100, 75, 50, 0],
    "P3": [25, 12.5, 75, 75],
}
BY_HAND["S1"] = [(2 * p1 + p2) / 3 for p1, p2 in zip(BY_HAND["P1"], BY_HAND["P2"], strict=True)]
BY_HAND["S2"] = BY_HAND["P3"]
BY_HAND["index"] = [(s1 + 3 * s2) / 4 for s1, s2 in zip(BY_HAND["S1"], BY_HAND["S2"], strict=True)]


@pytest.fixture
def imeta_csv(tmp_path):
    path = tmp_path / "iMeta.csv"
    path.write_text(IMETA, encoding="utf-8")
    return path


def test_an_imeta_csv_gives_the_tree_and_every_aggregate_by_hand(imeta_csv):
    spec = IndicatorSpec.from_coinr(imeta_csv)
    assert spec.name == "DIG" and spec.depth == 4
    assert spec.aggregates_at(2) == ["P1", "P2", "P3"] and spec.aggregates_at(3) == ["S1", "S2"]
    assert spec.directions()["i3"] == "lower"
    indicators = {i.name: i for i in spec.indicators}
    assert indicators["i4"].target == 95 and indicators["i2"].denominator == "pop"
    assert indicators["i1"].label == "Fibre lines"
    scores = composite(TABLE, spec)
    for column, expected in BY_HAND.items():
        assert scores[column].tolist() == pytest.approx(expected, abs=1e-9), column
    assert scores["index"].tolist() == pytest.approx([27.0833333, 22.9166667, 68.75, 72.9166667])
    assert scores["rank"].tolist() == [3, 4, 2, 1]


def test_the_round_trip_keeps_the_spec_and_the_table(imeta_csv, tmp_path):
    spec = IndicatorSpec.from_coinr(imeta_csv)
    imeta = spec.to_coinr()
    assert imeta["Type"].tolist().count("Denominator") == 1
    assert IndicatorSpec.from_coinr(imeta) == spec
    written = tmp_path / "again.csv"
    imeta.to_csv(written, index=False)
    assert IndicatorSpec.from_coinr(written) == spec
    original = pd.read_csv(imeta_csv)
    nodes = original[original["Type"].isin(["Indicator", "Aggregate"])].reset_index(drop=True)
    for column in ("iCode", "iName", "Parent", "Type"):
        assert (
            imeta[column].iloc[: len(nodes)].fillna("").tolist()
            == nodes[column].fillna("").tolist()
        )
    pd.testing.assert_series_equal(
        imeta["Weight"].iloc[: len(nodes) - 1], nodes["Weight"].iloc[:-1].astype(float)
    )


def test_the_default_spec_round_trips():
    spec = load_spec()
    again = IndicatorSpec.from_coinr(spec.to_coinr())
    assert again.weights() == spec.weights() and again.directions() == spec.directions()
    assert [a.name for a in again.aggregates] == [a.name for a in spec.aggregates]


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda t: t.drop(columns="Parent"), FileFormatError, "no column"),
        (lambda t: t.assign(Type=t["Type"].replace("Group", "Pillar")), SpecError, "Type"),
        (lambda t: pd.concat([t, t.iloc[:1]]), SpecError, "more than once"),
        (lambda t: t.assign(Parent=t["Parent"].fillna("S1")), SpecError, "one top node"),
        (lambda t: t.assign(Direction=t["Direction"].replace(-1, 0)), SpecError, "1 or -1"),
        (lambda t: t.assign(Level=t["Level"].replace(2, 3)), SpecError, "Level"),
        (lambda t: t.assign(Weight=t["Weight"].replace(3, "x")), SpecError, "finite number"),
        (lambda t: t.iloc[:0], SpecError, "no rows"),
    ],
)
def test_broken_imeta_tables_are_refused(imeta_csv, change, error, match):
    table = pd.read_csv(imeta_csv)
    with pytest.raises(error, match=match):
        IndicatorSpec.from_coinr(change(table))


def test_unreadable_files_are_refused(tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(FileFormatError):
        IndicatorSpec.from_coinr(binary)
    with pytest.raises(RuhrgeoError, match="no file"):
        IndicatorSpec.from_coinr(tmp_path / "missing.csv")


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.none(), st.integers(-3, 5), st.text(max_size=4), st.floats()),
        min_size=4,
        max_size=4,
    ),
    row=st.integers(0, 10),
)
def test_any_cells_give_a_spec_or_a_spec_error(cells, row):
    table = pd.read_csv(io.StringIO(IMETA)).astype(object)
    for column, value in zip(["Level", "Parent", "Weight", "Direction"], cells, strict=True):
        table.loc[row, column] = value
    try:
        spec = IndicatorSpec.from_coinr(table)
    except RuhrgeoError:
        return
    assert IndicatorSpec.from_coinr(spec.to_coinr()) == spec
