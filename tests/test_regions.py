"""Regions: membership tables with shared and partial districts, weighted means by hand, the
regions' index, what does not match, bad memberships, and the twelve real regions in 2021."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import datasets
from ruhrgeo.errors import (
    DuplicateIdError,
    MissingColumnError,
    MissingIdError,
    MissingValuesError,
    ParameterError,
    RegionMatchWarning,
    StatisticsError,
)
from ruhrgeo.index import Indicator, IndicatorSpec, compare_regions, region_means, region_members

ATOL = 1e-9
SPEC = IndicatorSpec("v", (Indicator("v", "infrastructure"),))


def municipalities() -> pd.DataFrame:
    rows = {
        "05112000": (10.0, 100.0),  # Duisburg: Ruhr and Rheinland
        "05170004": (40.0, 50.0),  # two municipalities of Kreis Wesel: Ruhr and Rheinland
        "05170008": (0.0, 50.0),
        "05315000": (70.0, 200.0),  # Köln: Rheinland only
        "14524330": (90.0, 30.0),  # the city of Zwickau: Mitteldeutschland
        "14524020": (0.0, 70.0),  # another municipality of Landkreis Zwickau: no region
        "14713000": (50.0, 100.0),  # Leipzig
    }
    frame = pd.DataFrame(rows, index=["v", "population"]).T
    frame.index.name = "ags"
    return frame


def membership() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Ruhr", "05112", "full", ""),
            ("Ruhr", "05170", "full", ""),
            ("Rheinland", "05112", "full", ""),
            ("Rheinland", "05170", "full", ""),
            ("Rheinland", "05315", "full", ""),
            ("Mitte", "14713", "full", ""),
            ("Mitte", "14524", "partial", "14524330"),
        ],
        columns=["region", "kreis_ags", "membership", "member_municipalities_ags"],
    )


def test_weighted_means_by_hand_with_shared_and_partial_districts():
    means = region_means(municipalities(), membership(), columns=["v"])
    # Ruhr (10*100 + 40*50 + 0*50) / 200; Rheinland adds Köln: (3000 + 70*200) / 400;
    # Mitte: Leipzig and the city of Zwickau only: (50*100 + 90*30) / 130
    assert means.index.tolist() == ["Ruhr", "Rheinland", "Mitte"]
    np.testing.assert_allclose(means["v"], [15.0, 42.5, 7700 / 130], atol=ATOL)
    assert means["municipalities"].tolist() == [3, 4, 2]
    assert means["weight"].tolist() == [200.0, 400.0, 130.0]
    assert means.attrs["shared"] == {"05112": ["Rheinland", "Ruhr"], "05170": ["Rheinland", "Ruhr"]}
    assert means.attrs["unmatched"] == [] and means.attrs["unweighted"] == {}
    plain = region_means(municipalities(), membership(), columns=["v"], weighted_by=None)
    np.testing.assert_allclose(plain["v"], [50 / 3, 30.0, 70.0], atol=ATOL)


def test_the_regions_index_normalizes_across_regions():
    result = compare_regions(municipalities(), membership(), SPEC)
    assert result.index.tolist() == ["Mitte", "Rheinland", "Ruhr"]  # best first
    # min-max across the three regions' means 15, 42.5, 59.23
    expected = 100 * (42.5 - 15.0) / (7700 / 130 - 15.0)
    np.testing.assert_allclose(result["infrastructure"], [100.0, expected, 0.0], atol=ATOL)
    assert result["rank"].tolist() == [1, 2, 3] and result.index.name == "region"
    assert result["v"].tolist() == pytest.approx([7700 / 130, 42.5, 15.0])
    assert result.attrs["shared"]["05112"] == ["Rheinland", "Ruhr"]
    with pytest.raises(StatisticsError):  # one region cannot be min-max normalized
        compare_regions(municipalities(), {"05112": "Ruhr"}, SPEC)


def test_mappings_and_columns_as_membership():
    df = municipalities()
    by_kreis = region_members({"05170": "Wesel", "14713": "Leipzig"}, df.index)
    assert by_kreis.values.tolist() == [
        ["Wesel", "05170004"],
        ["Wesel", "05170008"],
        ["Leipzig", "14713000"],
    ]
    by_ags = region_means(df, {"05112000": "A", "05315000": "A", "14713000": "B"}, columns=["v"])
    assert by_ags["v"].tolist() == pytest.approx([(1000 + 14000) / 300, 50.0])
    labeled = df.assign(region=["A", "A", None, "B", "B", None, "B"])
    by_column = region_means(labeled, "region", columns=["v"])
    assert by_column["municipalities"].tolist() == [2, 3]
    assert by_column.loc["A", "v"] == pytest.approx(3000 / 150)


def test_members_without_data_or_weight_are_reported_and_left_out():
    df = municipalities()
    table = pd.concat(
        [membership(), pd.DataFrame([["Mitte", "14612", "full", ""]], columns=membership().columns)]
    )
    weights = df["population"].drop("14713000").rename("einwohner")
    with pytest.warns(RegionMatchWarning) as record:
        means = region_means(df, table, columns=["v"], weighted_by=weights)
    message = str(record[0].message)
    assert "1 member(s) have no municipality in the table (['Mitte: 14612'])" in message
    assert "1 municipalities of the regions have no `einwohner` (['Mitte: 14713000']" in message
    assert means.attrs["unmatched"] == ["Mitte: 14612"]
    assert means.attrs["unweighted"] == {"Mitte": ["14713000"]}
    assert means.loc["Mitte", "v"] == 90.0 and means.loc["Mitte", "municipalities"] == 1


def bad(**changes):
    table = membership()
    for column, value in changes.items():
        if value is None:
            table = table.drop(columns=column)
        else:
            table.loc[6, column] = value
    return table


@pytest.mark.parametrize(
    ("membership_table", "error", "match"),
    [
        (bad(kreis_ags=None), MissingColumnError, r"no column \['kreis_ags'\]"),
        (bad(kreis_ags="1452"), MissingIdError, r"no 5-digit district key, e.g. '1452'"),
        (
            bad(kreis_ags="14713", membership="full", member_municipalities_ags=""),
            DuplicateIdError,
            "Mitte / 14713",
        ),
        (
            bad(membership="half"),
            ParameterError,
            r"'full' or 'partial'; Mitte in district 14524 says 'half'",
        ),
        (
            bad(member_municipalities_ags=""),
            ParameterError,
            r"Mitte in district 14524: a 'partial'",
        ),
        (bad(membership="full"), ParameterError, r"and a 'full' member none"),
        (
            bad(member_municipalities_ags="14713000"),
            MissingIdError,
            r"another district: \['14713000'\]",
        ),
        (bad(member_municipalities_ags="zwickau"), MissingIdError, "not an AGS"),
        (membership().iloc[:0], ParameterError, "membership table is empty"),
        ({"0511": "x", "05112000": "y"}, MissingIdError, r"mixed or unknown length \[4, 8\]"),
        ({}, ParameterError, "`membership` is empty"),
        ("kreis", MissingColumnError, r"'kreis' is not a column"),
        ({"09162": "München"}, MissingValuesError, "no municipality of the table belongs"),
    ],
)
def test_bad_memberships_are_refused(membership_table, error, match):
    with pytest.raises(error, match=match):
        region_means(municipalities(), membership_table, columns=["v"])


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "match"),
    [
        (
            {},
            {"weighted_by": "households"},
            MissingColumnError,
            r"`weighted_by` 'households' is not a col",
        ),
        ({"population": -1.0}, {}, ParameterError, r"finite and >= 0.*05112000: -1\.0"),
        ({"population": np.inf}, {}, ParameterError, r"finite and >= 0"),
        ({"population": "many"}, {}, ParameterError, r"05112000: 'many'"),
        (
            {"v": np.nan},
            {},
            MissingValuesError,
            r"missing or infinite values \(e\.g\. \['05112000'\]",
        ),
        ({"v": np.inf}, {}, MissingValuesError, "missing or infinite"),
        ({}, {"columns": ["w"]}, MissingColumnError, r"`columns` \['w'\] not in the table"),
    ],
)
def test_bad_values_and_weights_are_refused(change, kwargs, error, match):
    df = municipalities().astype(object)
    for column, value in change.items():
        df.loc["05112000", column] = value
    with pytest.raises(error, match=match):
        region_means(df, membership(), **({"columns": ["v"]} | kwargs))


def test_duplicated_municipalities_and_name_clashes_are_refused():
    df = municipalities()
    with pytest.raises(DuplicateIdError, match="05112000"):
        region_means(pd.concat([df, df.iloc[:1]]), membership(), columns=["v"])
    clash = IndicatorSpec("c", (Indicator("rank", "infrastructure"),))
    with pytest.raises(ParameterError, match=r"\['rank'\] are also the names"):
        compare_regions(df.rename(columns={"v": "rank"}), membership(), clash)


def test_inputs_are_not_changed():
    df, table = municipalities(), membership()
    df_before, table_before = df.copy(), table.copy()
    compare_regions(df, table, SPEC)
    pd.testing.assert_frame_equal(df, df_before)
    pd.testing.assert_frame_equal(table, table_before)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=7, max_size=7),
    weights=st.lists(st.floats(0.5, 1e6), min_size=7, max_size=7),
    seed=st.integers(0, 2**16),
)
def test_a_region_mean_lies_within_its_members_and_ignores_row_order(values, weights, seed):
    df = municipalities().assign(v=values, population=weights)
    means = region_means(df, membership(), columns=["v"])
    pairs = region_members(membership(), df.index)
    for region, members in pairs.groupby("region")["ags"]:
        low, high = df.loc[members, "v"].min(), df.loc[members, "v"].max()
        assert low - 1e-9 <= means.loc[region, "v"] <= high + 1e-9
    shuffled = df.sample(frac=1, random_state=seed)
    table = membership().sample(frac=1, random_state=seed)
    again = region_means(shuffled, table, columns=["v"]).loc[means.index]
    np.testing.assert_allclose(again["v"], means["v"], rtol=1e-12)


# --- the twelve metropolitan regions on the real 2021 values (numbers in docs/data.md) ---------


def test_the_twelve_regions_on_the_2021_fttbh_and_gigabit_shares():
    bb = datasets.breitbandatlas_2021()
    population = datasets.germany_municipalities()["population"]
    spec = IndicatorSpec(
        "infrastructure 2021",
        (Indicator("ftthb_ge1000", "infrastructure"), Indicator("all_ge1000", "infrastructure")),
    )
    with pytest.warns(RegionMatchWarning, match=r"03159.*85 municipalities of the regions"):
        result = compare_regions(bb, datasets.metropolitan_regions(), spec, weighted_by=population)
    assert len(result) == 12 and result["rank"].tolist() == list(range(1, 13))
    ruhr = result.loc["Metropole Ruhr"]
    assert ruhr["rank"] == 6 and ruhr["municipalities"] == 53 and ruhr["weight"] == 5_112_050
    assert round(ruhr["ftthb_ge1000"], 1) == 12.3 and round(ruhr["all_ge1000"], 1) == 69.3
    by_fttbh = result["ftthb_ge1000"].rank(ascending=False).astype(int)
    by_gigabit = result["all_ge1000"].rank(ascending=False).astype(int)
    assert by_fttbh["Metropole Ruhr"] == 8 and by_gigabit["Metropole Ruhr"] == 4
    assert result.index[0] == "Hamburg" and result.index[-1] == "Mitteldeutschland"
    assert by_fttbh.idxmin() == "Hamburg" and by_fttbh.idxmax() == "Stuttgart"
    assert round(result.loc["Hamburg", "ftthb_ge1000"], 1) == 48.0
    assert round(result.loc["Stuttgart", "ftthb_ge1000"], 1) == 6.2
    assert by_gigabit.idxmax() == "Mitteldeutschland"
    assert round(result.loc["Mitteldeutschland", "all_ge1000"], 1) == 45.8
    assert result.attrs["unmatched"] == ["Hannover Braunschweig Göttingen Wolfsburg: 03159"]
    left_out = sum(len(v) for v in result.attrs["unweighted"].values())
    assert left_out == 85
    assert sorted(result.attrs["shared"]) == ["03352", "03358", "05112", "05170", "06431", "07319"]
    hannover = result.loc["Hannover Braunschweig Göttingen Wolfsburg", "weight"]
    assert round(hannover) == 3_428_283  # without Göttingen (03159): 3,845,762 with it
