"""Releases over time: compare_releases on index results and on indicator tables by hand, its
refusals, and the Ruhr from end 2018 to mid 2021 on the real releases (numbers in
docs/data.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ruhrgeo import datasets, read_breitbandatlas, spatial
from ruhrgeo.errors import (
    DuplicateIdError,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
)
from ruhrgeo.index import Indicator, IndicatorSpec, compare_releases, composite

AGS = pd.Index(["05000001", "05000002", "05000003", "05000004"], name="ags")


def test_index_results_keep_their_own_ranks():
    spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "y")))
    old_values = pd.DataFrame({"a": [0.0, 10, 20, 40], "b": [5.0, 5, 15, 25]}, index=AGS)
    new_values = old_values.assign(a=[40.0, 20, 10, 0])
    old, new = composite(old_values, spec), composite(new_values, spec)
    change = compare_releases(old, new)
    assert list(change.columns) == [
        "index_old",
        "index_new",
        "index_change",
        "index_rank_old",
        "index_rank_new",
        "index_rank_change",
        "in_both",
    ]
    # by hand: old index = (a_norm + b_norm) / 2 with a_norm 0, 25, 50, 100 and b_norm 0, 0,
    # 50, 100; the new a_norm is reversed: 100, 50, 25, 0
    np.testing.assert_allclose(change["index_old"], [0, 12.5, 50, 100])
    np.testing.assert_allclose(change["index_new"], [50, 25, 37.5, 50])
    np.testing.assert_allclose(change["index_change"], [50, 12.5, -12.5, -50])
    assert change["index_rank_old"].tolist() == [4.0, 3.0, 2.0, 1.0]
    assert change["index_rank_new"].tolist() == [1.0, 4.0, 3.0, 1.0]  # a tie shares rank 1
    assert change["index_rank_change"].tolist() == [3.0, -1.0, -1.0, 0.0]
    assert change["in_both"].all()


def test_indicator_tables_by_hand_with_directions_and_reforms():
    old = pd.DataFrame({"fttbh": [5.0, 40.0, 10.0], "cost": [3.0, 1.0, 2.0]}, index=AGS[:3])
    new = pd.DataFrame(
        {"fttbh": [60.0, 45.0, 10.0], "cost": [1.0, 2.0, 3.0], "name": ["a", "b", "d"]},
        index=AGS[[0, 1, 3]],  # 05000003 merged away, 05000004 new
    )
    change = compare_releases(old, new, directions={"cost": "lower"})
    assert change.index.tolist() == AGS.tolist()
    assert change["in_both"].tolist() == [True, True, False, False]
    np.testing.assert_allclose(change["fttbh_change"], [55.0, 5.0, np.nan, np.nan])
    # ranks within each release: old fttbh 5, 40, 10 -> 3, 1, 2; new 60, 45, 10 -> 1, 2, 3
    np.testing.assert_array_equal(change["fttbh_rank_old"], [3, 1, 2, np.nan])
    np.testing.assert_array_equal(change["fttbh_rank_new"], [1, 2, np.nan, 3])
    np.testing.assert_array_equal(change["fttbh_rank_change"], [2, -1, np.nan, np.nan])
    # lower cost ranks first: old 3, 1, 2 -> 3, 1, 2; new 1, 2, 3 -> 1, 2, 3
    np.testing.assert_array_equal(change["cost_rank_change"], [2, -1, np.nan, np.nan])
    assert "name_old" not in change.columns  # text columns are not compared
    only = compare_releases(old, new, columns=["fttbh"])
    assert [c for c in only.columns if c.startswith("cost")] == []


@pytest.mark.parametrize(
    ("old", "new", "kwargs", "error", "match"),
    [
        ("table", "list", {}, ParameterError, "`new` must be a DataFrame"),
        ("table", "text", {}, MissingColumnError, "no numeric column in common"),
        ("table", "table", {"columns": ["x"]}, MissingColumnError, r"`old` has no column \['x'\]"),
        ("table", "table", {"columns": "v"}, ParameterError, "non-empty list"),
        ("table", "table", {"directions": {"v": "up"}}, ParameterError, "'higher' or 'lower'"),
        ("twice", "table", {}, DuplicateIdError, "05000001"),
        ("inf", "table", {}, MissingValuesError, r"`old`\['v'\] is infinite for \['05000002'\]"),
        ("table", "flags", {"columns": ["v"]}, ParameterError, r"`new`\['v'\] is not numeric"),
    ],
)
def test_refusals(old, new, kwargs, error, match):
    tables = {
        "table": pd.DataFrame({"v": [1.0, 2.0]}, index=AGS[:2]),
        "text": pd.DataFrame({"v": ["a", "b"]}, index=AGS[:2]),
        "twice": pd.DataFrame({"v": [1.0, 2.0]}, index=AGS[[0, 0]]),
        "inf": pd.DataFrame({"v": [1.0, np.inf]}, index=AGS[:2]),
        "flags": pd.DataFrame({"v": [True, False]}, index=AGS[:2]),
        "list": [1.0, 2.0],
    }
    with pytest.raises(error, match=match):
        compare_releases(tables[old], tables[new], **kwargs)


def test_inputs_are_not_changed():
    old = pd.DataFrame({"v": [1.0, 2.0]}, index=AGS[:2])
    new = old * 2
    before = old.copy(), new.copy()
    compare_releases(old, new)
    pd.testing.assert_frame_equal(old, before[0])
    pd.testing.assert_frame_equal(new, before[1])


# --- the Ruhr, end 2018 to mid 2021 (numbers quoted in docs/data.md) ----------------------------


@pytest.fixture(scope="module")
def ruhr_releases():
    return {r: read_breitbandatlas(p) for r, p in datasets.breitbandatlas_releases().items()}


def test_population_weighted_ruhr_shares_per_release(ruhr_releases):
    population = datasets.ruhr_municipalities()["population"]

    def ruhr(column):
        return {
            r: round(float((t[column] * population).sum() / population.sum()), 1)
            for r, t in ruhr_releases.items()
        }

    assert ruhr("ftthb_ge1000") == {
        "2018-12": 2.2,
        "2019-06": 6.4,
        "2019-12": 6.7,
        "2020-06": 10.2,
        "2021-06": 12.3,
    }
    assert ruhr("all_ge1000") == {
        "2018-12": 8.5,
        "2019-06": 12.8,
        "2019-12": 53.5,
        "2020-06": 66.3,
        "2021-06": 69.3,
    }
    # end 2018 is published in whole percent: coarse ranks, 35 municipalities tie at 0
    assert (ruhr_releases["2018-12"]["ftthb_ge1000"] % 1 == 0).all()
    assert (ruhr_releases["2018-12"]["ftthb_ge1000"] == 0).sum() == 35


def test_who_moved_between_end_2018_and_mid_2021(ruhr_releases):
    names = datasets.ruhr_municipalities()["name"]
    change = compare_releases(
        ruhr_releases["2018-12"], ruhr_releases["2021-06"], columns=["ftthb_ge1000", "all_ge1000"]
    )
    fttbh = change["ftthb_ge1000_change"].sort_values(ascending=False)
    assert names[fttbh.index[:4]].tolist() == ["Haltern am See", "Sonsbeck", "Selm", "Alpen"]
    assert fttbh.iloc[0] == pytest.approx(85.07)  # 3 % -> 88.07 %
    assert (change["ftthb_ge1000_new"] < 1).sum() == 13
    gigabit = change["all_ge1000_change"].sort_values()
    assert names[gigabit.index[:4]].tolist() == [
        "Dinslaken",
        "Bochum",
        "Rheinberg",
        "Neukirchen-Vluyn",
    ]
    assert change.loc["05911000", ["all_ge1000_old", "all_ge1000_new"]].tolist() == [90.0, 93.98]
    assert change.loc["05170008", "all_ge1000_new"] == 1.59  # Dinslaken
    assert (change["all_ge1000_new"] >= 50).sum() == 46


def test_the_north_south_gap_in_fttbh_widened(ruhr_releases):
    munis = datasets.ruhr_municipalities()
    rows = {}
    for release, table in ruhr_releases.items():
        gdf = munis.join(table[["ftthb_ge1000", "all_ge1000"]])
        fttbh = spatial.north_south(gdf, "ftthb_ge1000", permutations=99)
        gigabit = spatial.north_south(gdf, "all_ge1000", permutations=99)
        rows[release] = (
            round(fttbh.north_mean, 1),
            round(fttbh.south_mean, 1),
            round(fttbh.difference, 1),
            fttbh.difference_p_value,
            gigabit.difference_p_value,
        )
    assert [r[:3] for r in rows.values()] == [
        (4.0, 2.1, 1.9),
        (12.1, 4.2, 7.9),
        (12.3, 4.5, 7.8),
        (20.9, 5.8, 15.0),
        (27.1, 6.6, 20.5),
    ]
    p = {release: row[3] for release, row in rows.items()}
    assert p["2018-12"] == pytest.approx(0.56, abs=0.01)
    assert p["2019-06"] == pytest.approx(0.045, abs=0.002)
    assert p["2019-12"] == pytest.approx(0.051, abs=0.002)
    assert p["2020-06"] < 0.001 and p["2021-06"] < 0.0001
    assert min(row[4] for row in rows.values()) > 0.38  # gigabit: no step at any release
