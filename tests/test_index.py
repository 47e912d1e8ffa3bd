"""The index: hand-computed normalizations and composites, readers, policies, real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ruhrgeo import datasets, index
from ruhrgeo.errors import (
    DuplicateIdError,
    FileFormatError,
    IndexWarning,
    MethodError,
    MissingColumnError,
    MissingIdError,
    MissingValuesError,
    MissingValuesWarning,
    ParameterError,
    StatisticsError,
)
from ruhrgeo.index import (
    Indicator,
    IndicatorSpec,
    load_spec,
    robustness,
    save_spec,
)
from ruhrgeo.io import read_indicators

ATOL = 1e-9
AGS = pd.Index(["05000001", "05000002", "05000003", "05000004"], name="ags")


def toy_spec(**areas: float) -> IndicatorSpec:
    return IndicatorSpec(
        "toy",
        (
            Indicator("a", "x", weight=1.0),
            Indicator("b", "x", weight=3.0),
            Indicator("cost", "y", direction="lower"),
        ),
        areas or {"x": 1.0, "y": 1.0},
    )


def toy_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": [0.0, 10.0, 20.0, 40.0], "b": [5.0, 5.0, 15.0, 25.0], "cost": [2.0, 4.0, 4.0, 10.0]},
        index=AGS,
    )


# --- normalization ------------------------------------------------------------------------


def test_normalizations_by_hand():
    """The methods that were here before the full set (the rest: test_index_methods.py)."""
    df = toy_table()
    lower = {"cost": "lower"}
    mm = index.normalize(df, "minmax", directions=lower)
    np.testing.assert_allclose(mm["a"], [0, 25, 50, 100])
    np.testing.assert_allclose(mm["cost"], [100, 75, 75, 0])  # (10 - x) / 8
    zero = index.normalize(df, "fracmax", directions=lower)
    np.testing.assert_allclose(zero["b"], [20, 20, 60, 100])
    np.testing.assert_allclose(zero["cost"], [80, 60, 60, 0])  # (10 - x) / 10
    z = index.normalize(df, "zscore", directions=lower)
    a = df["a"]
    sd = np.sqrt(((a - 17.5) ** 2).sum() / 3)  # the sample sd, as COINr
    np.testing.assert_allclose(z["a"], (a - 17.5) / sd)
    cost_sd = np.sqrt(((df["cost"] - 5) ** 2).sum() / 3)
    np.testing.assert_allclose(z["cost"], -(df["cost"] - 5) / cost_sd)
    ref = index.normalize(df, "reference", directions=lower)
    np.testing.assert_allclose(ref["b"], 100 * df["b"] / 12.5)
    np.testing.assert_allclose(ref["cost"], 100 * 5 / df["cost"])
    fixed = index.normalize(df[["a"]], "reference", params={"reference": {"a": 20.0}})
    np.testing.assert_allclose(fixed["a"], [0, 50, 100, 200])
    group = index.normalize(df[["a"]], "reference", params={"reference": ["05000002", "05000003"]})
    np.testing.assert_allclose(group["a"], [0, 200 / 3, 400 / 3, 800 / 3])


def test_normalization_errors():
    with pytest.raises(MethodError, match="`method` must be one of"):
        index.normalize(toy_table(), "minmax_zero")
    with pytest.raises(StatisticsError, match="`a` is constant"):
        index.normalize(toy_table().assign(a=3.0), "minmax")


# --- composite ------------------------------------------------------------------------------


def test_composite_by_hand():
    result = index.composite(toy_table(), toy_spec())
    # x: (1 * a_mm + 3 * b_mm) / 4; b_mm = [0, 0, 50, 100]; y: cost_mm = [100, 75, 75, 0]
    x = (np.array([0, 25, 50, 100]) + 3 * np.array([0, 0, 50, 100])) / 4
    y = np.array([100, 75, 75, 0])
    np.testing.assert_allclose(result["x"], x, atol=ATOL)
    np.testing.assert_allclose(result["y"], y, atol=ATOL)
    np.testing.assert_allclose(result["index"], (x + y) / 2, atol=ATOL)
    assert result["rank"].tolist() == [2, 4, 1, 2]  # totals 50, 40.625, 68.75, 50: a tie
    assert result["above_average"].tolist() == [False, False, True, False]
    weighted = index.composite(toy_table(), toy_spec(x=3.0, y=1.0))
    np.testing.assert_allclose(weighted["index"], (3 * x + y) / 4, atol=ATOL)


def test_ranks_share_ties():
    df = pd.DataFrame({"a": [1.0, 3.0, 3.0, 0.0]}, index=AGS)
    spec = IndicatorSpec("one", (Indicator("a", "x"),))
    assert index.composite(df, spec)["rank"].tolist() == [3, 1, 1, 4]


def test_weight_overrides_are_normalized_with_a_warning():
    base = index.composite(toy_table(), toy_spec())
    with pytest.warns(IndexWarning, match="weights under 'x' sum to 4; normalized to 1"):
        same = index.composite(toy_table(), toy_spec(), weights={"a": 1.0, "b": 3.0})
    pd.testing.assert_frame_equal(base, same)
    even = index.composite(toy_table(), toy_spec(), weights={"a": 0.5, "b": 0.5})
    np.testing.assert_allclose(even["x"], np.array([0, 25, 100, 200]) / 2)
    with pytest.raises(ParameterError, match=r"`weights` names nodes not in the spec: \['c'\]"):
        index.composite(toy_table(), toy_spec(), weights={"c": 1.0})


def test_missing_value_policies():
    df = toy_table()
    df.loc["05000002", "b"] = np.nan
    with pytest.raises(MissingValuesError, match=r"1 indicator values are missing .*b: 05000002"):
        index.composite(df, toy_spec())
    with pytest.warns(IndexWarning, match="skipped, weights renormalized"):
        skipped = index.composite(df, toy_spec(), missing="skip")
    # b_mm over the three present values [5, 15, 25] -> [0, 50, 100]; 05000002 keeps a only
    assert skipped.loc["05000002", "x"] == pytest.approx(25.0)
    assert skipped.loc["05000003", "x"] == pytest.approx((50 + 3 * 50) / 4)
    with pytest.warns(IndexWarning, match="replaced by the indicator's median"):
        imputed = index.composite(df, toy_spec(), missing="median")
    # median of b is 15: b becomes [5, 15, 15, 25] -> [0, 50, 50, 100]
    assert imputed.loc["05000002", "x"] == pytest.approx((25 + 3 * 50) / 4)


def test_table_errors():
    with pytest.raises(
        MissingColumnError, match=r"lacks 1 indicator\(s\) of spec 'toy': \['cost'\]"
    ):
        index.composite(toy_table().drop(columns="cost"), toy_spec())
    doubled = pd.concat([toy_table(), toy_table().iloc[[0]]])
    with pytest.raises(DuplicateIdError, match="05000001"):
        index.composite(doubled, toy_spec())
    with pytest.raises(ParameterError, match=r"must be numeric; not numeric: \['a'\]"):
        index.composite(toy_table().assign(a=["1", "2", "x", "4"]), toy_spec())
    with pytest.raises(ParameterError, match="`missing` must be"):
        index.composite(toy_table(), toy_spec(), missing="drop")


def test_need_ranking():
    spec = IndicatorSpec("s", (Indicator("a", "infra"), Indicator("b", "other")))
    df = pd.DataFrame({"a": [5.0, 1.0, 9.0, 3.0], "b": 1.0}, index=AGS)
    need = index.need_ranking(df, spec, aggregate="infra", top=1)
    assert need.index.tolist() == ["05000003", "05000001", "05000004", "05000002"]
    assert need["group"].tolist() == ["best", "", "", "largest need"]
    assert need.loc["05000002", "gap_to_best"] == pytest.approx(100.0)


def test_sensitivity():
    df = toy_table()
    result = robustness.sensitivity(
        df,
        toy_spec(),
        vary={
            "normalization": list(robustness.SCENARIO_METHODS),
            "weights": {"spec weights": None, "flat": {"a": 1.0, "b": 1.0}},
        },
    )
    assert result.ranks.shape == (4, 8)
    assert result.correlations["spearman"].between(-1, 1).all()
    assert (result.rank_range["range"] >= 0).all()
    assert "Spearman rho" in result.summary()
    same = robustness.sensitivity(
        df, toy_spec(), vary={"weights": {"spec weights": None, "same": {"a": 1.0, "b": 3.0}}}
    )
    assert same.correlations["spearman"].tolist() == [1.0]


# --- spec and reader --------------------------------------------------------------------------


def test_default_spec_and_round_trip(tmp_path):
    spec = load_spec()
    assert len(spec.indicators) == 12
    assert [len(spec.children(a)) for a in spec.aggregates_at(2)] == [3, 3, 3, 3]
    path = save_spec(spec, tmp_path / "spec.toml")
    assert load_spec(path) == spec


def test_spec_errors(tmp_path):
    with pytest.raises(ParameterError, match="direction must be 'higher' or 'lower'"):
        IndicatorSpec("s", (Indicator("a", "x", direction="up"),))
    with pytest.raises(ParameterError, match="which the spec lacks"):
        IndicatorSpec("s", (Indicator("a", "x"),), {"y": 1.0})
    with pytest.raises(ParameterError, match="names \\['a'\\] more than once"):
        IndicatorSpec("s", (Indicator("a", "x"), Indicator("a", "y")))
    bad = tmp_path / "bad.toml"
    bad.write_text("[[indicators]]\nname = 'a'\narea = 'x'\ncolor = 'red'\n")
    with pytest.raises(FileFormatError, match=r"entry 'a' has the unknown key\(s\) \['color'\]"):
        load_spec(bad)
    bad.write_text("name = ")
    with pytest.raises(FileFormatError, match="not valid TOML"):
        load_spec(bad)


def test_read_indicators_german_csv(tmp_path):
    path = tmp_path / "regionalstatistik.csv"
    path.write_text(
        "AGS;Name;Beschäftigte;Quote\n"
        "5913000;Dortmund;245.123;3,5\n"
        "05911000;Bochum;-;2,25\n"
        "05112;Duisburg;1.002;.\n",
        encoding="utf-8",
    )
    with pytest.raises(MissingIdError, match=r"5 digits.*'05112'.*kreis_lookup"):
        read_indicators(path)
    with pytest.warns(
        MissingValuesWarning, match=r"Beschäftigte: 1 \(05911000\); Quote: 1 \(05112000\)"
    ):
        table = read_indicators(path, kreis_lookup={"05112": "05112000"})
    assert table.index.tolist() == ["05913000", "05911000", "05112000"]
    assert table["Beschäftigte"].tolist()[0] == 245123.0 and np.isnan(
        table.loc["05911000", "Beschäftigte"]
    )
    assert table["Quote"].tolist()[:2] == [3.5, 2.25]
    assert table["Name"].tolist() == ["Dortmund", "Bochum", "Duisburg"]


def test_read_indicators_english_csv_and_xlsx(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text('ags,jobs,share\n5913000,"1,234",0.5\n5911000,980,x\n')
    with pytest.warns(MissingValuesWarning):
        table = read_indicators(csv)
    assert table["jobs"].tolist() == [1234.0, 980.0]
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame({"Kennziffer": [5913000, 5911000], "v": [1.5, 2.0]}).to_excel(xlsx, index=False)
    table = read_indicators(xlsx, id_col="Kennziffer")
    assert table.index.tolist() == ["05913000", "05911000"] and table["v"].tolist() == [1.5, 2.0]


def test_read_indicators_errors(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ags;v\n05913000;1\n5913000;2\n")
    with pytest.raises(DuplicateIdError, match="05913000"):
        read_indicators(path)
    path.write_text("ags;v\n05913000;1\n05911000;viel\n")
    with pytest.raises(FileFormatError, match="mixes numbers and text: 'viel' in row 3"):
        read_indicators(path)
    path.write_text("key;v\n05913000;1\n")
    with pytest.raises(MissingColumnError, match="no column 'ags'"):
        read_indicators(path)
    other = tmp_path / "t.json"
    other.write_text("{}")
    with pytest.raises(FileFormatError, match=r"must be \.csv or \.xlsx"):
        read_indicators(other)


# --- real data: the infrastructure sub-index of 2021 -----------------------------------------


@pytest.fixture(scope="module")
def ruhr_infra():
    """The docs' table from the shipped data: 5G (the Kreis' household share), FTTB/H and
    gigabit of 2021."""
    munis = datasets.ruhr_municipalities()
    bb = datasets.breitbandatlas_2021()
    kreise = datasets.breitbandatlas_kreise_2021()
    infra = pd.DataFrame(
        {
            "5g_area_share": munis["kreis_ags"].map(kreise["5g_ge2"]),
            "fttbh_household_share": bb.loc[munis.index, "ftthb_ge1000"],
            "gigabit_household_share": bb.loc[munis.index, "all_ge1000"],
        }
    )
    spec = load_spec()
    return infra, spec.subset(spec.names("infrastructure")), munis["name"]


def test_shipped_data_equal_the_shared_originals(ruhr_infra, shared_data):
    """The shipped columns are the Breitbandatlas' own (../shared/data, when present)."""
    bb = pd.read_csv(shared_data / "coverage" / "ruhr_breitband_2021-06.csv", dtype={"ags": str})
    bb = bb.set_index("ags")
    infra = ruhr_infra[0]
    np.testing.assert_allclose(
        infra["5g_area_share"], bb.loc[infra.index, "kreis_5g_ge2_households"]
    )
    np.testing.assert_allclose(infra["fttbh_household_share"], bb.loc[infra.index, "ftthb_ge1000"])


def test_real_ruhr_infrastructure_sub_index(ruhr_infra):
    """The numbers quoted in docs/index-method.md."""
    infra, sub, names = ruhr_infra
    need = index.need_ranking(infra, sub)
    assert names[need.index[:3]].tolist() == ["Haltern am See", "Gelsenkirchen", "Gladbeck"]
    assert names[need.index[-3:]].tolist() == ["Neukirchen-Vluyn", "Rheinberg", "Dinslaken"]
    assert need["infrastructure"].iloc[0] == pytest.approx(93.55, abs=0.01)
    ranks = need["rank_best"].rename(names).to_dict()
    assert [ranks["Hünxe"], ranks["Schermbeck"], ranks["Sonsbeck"]] == [39, 48, 23]
    result = robustness.sensitivity(infra, sub)
    rho = result.correlations["spearman"].round(3).to_dict()
    assert rho == {
        "fracmax": 0.779,
        "zscore": 0.981,
        "reference": 0.691,
    }
    assert (result.rank_range["range"] <= 2).sum() == 6
    assert result.rank_range.loc["05170016", "range"] == 31  # Hünxe: rank 8 to 39


def test_real_ruhr_audit_and_uncertainty(ruhr_infra):
    """The audit, the Sobol' indices and the rank intervals quoted in docs/index-method.md."""
    infra, sub, names = ruhr_infra
    audit = index.audit(infra, sub)
    assert audit.cronbach["infrastructure"] == pytest.approx(0.445, abs=5e-4)
    assert audit.pca.loc["infrastructure", "pc1_explained"] == pytest.approx(0.516, abs=5e-4)
    assert audit.pca.loc["infrastructure", "components_over_1"] == 2
    flags = audit.flags.round(2)
    assert flags["corr_parent"].tolist() == [0.76, 0.54, 0.80]
    assert flags["importance_share"].tolist() == [0.38, 0.20, 0.42]
    assert audit.correlations.loc["5g_area_share", "fttbh_household_share"].round(2) == -0.04
    assert (flags["flag"] == "").all() and audit.summary().endswith("Flags: none.")

    result = index.uncertainty(infra, sub, n=1024, seed=0)
    assert len(result.samples) == 6144
    table = result.sensitivity.round(2)
    assert table.index.tolist() == ["treatment", "normalization", "aggregation", "weights"]
    assert table.loc["normalization"].tolist() == [0.84, 0.78, 0.90, 0.91, 0.87, 0.98]
    assert table.loc["aggregation"].tolist() == [0.07, 0.05, 0.10, 0.14, 0.13, 0.16]
    assert table.loc["weights"].tolist() == [0.01, 0.0, 0.02, 0.02, 0.02, 0.03]
    assert table.loc["treatment"].tolist() == [0.0] * 6
    shift = result.samples.groupby("normalization")["mean_rank_shift"].mean().round(1)
    assert (shift["fracmax"], shift["zscore(mean_sd=(10, 2))"]) == (8.3, 1.9)
    removal = result.removal.abs()
    assert removal.mean().round(1).tolist() == [8.5, 4.3, 3.7]
    assert removal["5g_area_share"].max() == 25
    stats = result.rank_stats.rename(index=names)
    robust = stats.index[stats["interval"] <= 2]
    assert sorted(robust) == ["Dinslaken", "Haltern am See"]
    assert sorted(stats.index[stats["interval"] <= 3]) == [
        "Bottrop",
        "Dinslaken",
        "Gelsenkirchen",
        "Gladbeck",
        "Haltern am See",
    ]
    widest = stats.sort_values("interval", ascending=False).head(5)
    quoted = {
        "Sonsbeck": (23, 3, 40),
        "Alpen": (27, 5, 38),
        "Hamminkeln": (32, 7, 40),
        "Hünxe": (39, 13, 46),
        "Xanten": (36, 12, 43),
        "Schermbeck": (48, 22, 48),
    }
    assert set(widest.index) == set(quoted) - {"Schermbeck"}  # all five in Kreis Wesel
    for name, (nominal, low, high) in quoted.items():
        assert tuple(stats.loc[name, ["nominal_rank", "rank_low", "rank_high"]]) == (
            nominal,
            low,
            high,
        )
    assert tuple(stats.loc["Haltern am See", ["nominal_rank", "rank_low", "rank_high"]]) == (
        1,
        1,
        2,
    )
