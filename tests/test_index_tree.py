"""Index hierarchies of any depth, the choices validated once, and the registries: a
four-level tree (indicators -> pillars -> sub-indices -> index) computed by hand at every
level, specs refused for what they get wrong, files read as written."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import index
from ruhrgeo.errors import FileFormatError, IndexWarning, MethodError, SpecError
from ruhrgeo.index import (
    Aggregate,
    Choices,
    Indicator,
    IndicatorSpec,
    composite,
    monte_carlo,
    normalizers,
)
from ruhrgeo.index.aggregators import AGGREGATORS

ATOL = 1e-9
KEYS = pd.Index(["a", "b", "c", "d"], name="lau_id")
TABLE = pd.DataFrame(
    {
        "fiber": [10.0, 40.0, 70.0, 100.0],
        "cable": [50.0, 0.0, 100.0, 25.0],
        "cost": [4.0, 2.0, 1.0, 3.0],  # lower is better
        "startups": [1.0, 3.0, 2.0, 5.0],
        "patents": [0.0, 10.0, 5.0, 20.0],
    },
    index=KEYS,
)


def tree() -> IndicatorSpec:
    """indicators -> pillars (wired, price, economy) -> sub-indices (access, activity) -> index"""
    return IndicatorSpec(
        "four levels",
        (
            Indicator("fiber", "wired", weight=3),
            Indicator("cable", "wired", weight=1),
            Indicator("cost", "price", direction="lower"),
            Indicator("startups", "economy"),
            Indicator("patents", "economy", weight=2),
        ),
        (
            Aggregate("wired", "access", weight=2),
            Aggregate("price", "access", weight=1),
            Aggregate("economy", "activity"),
            Aggregate("access", weight=3),
            Aggregate("activity", weight=1),
        ),
        levels=("indicators", "pillars", "sub-indices", "index"),
    )


def minmax(x: pd.Series, lower: bool = False) -> pd.Series:
    return 100 * ((x.max() - x) if lower else (x - x.min())) / (x.max() - x.min())


def test_a_four_level_index_equals_the_hand_computation_at_every_level():
    n = {c: minmax(TABLE[c], c == "cost") for c in TABLE}
    wired = (3 * n["fiber"] + 1 * n["cable"]) / 4
    price = n["cost"]
    economy = (n["startups"] + 2 * n["patents"]) / 3
    with np.errstate(divide="ignore"):  # log 0 of the worst price: the mean is 0
        access = np.exp((2 * np.log(wired) + np.log(price)) / 3)  # gmean of the sub-index
    activity = economy
    total = (3 * access + activity) / 4
    aggregation = {"pillars": "amean", 3: "gmean", "index": "amean"}
    with pytest.warns(IndexWarning, match=r"zero score, which makes their gmean zero"):
        result = composite(TABLE, tree(), aggregation=aggregation)  # cost's worst unit, c
    expected = pd.DataFrame(
        {
            "wired": wired,
            "price": price,
            "economy": economy,
            "access": access.where(price > 0, 0.0),
            "activity": activity,
        }
    )
    expected["index"] = (3 * expected["access"] + expected["activity"]) / 4
    pd.testing.assert_frame_equal(
        result[list(expected.columns)], expected, check_names=False, atol=ATOL, rtol=0
    )
    assert result.index.name == "lau_id"  # the key is kept
    assert result["rank"].tolist() == expected["index"].rank(ascending=False).astype(int).tolist()
    assert np.isfinite(total).all()


def test_two_levels_as_a_mapping_and_as_a_tree_are_one_spec():
    areas = IndicatorSpec("s", (Indicator("fiber", "x"), Indicator("cost", "y")), {"x": 2, "y": 1})
    same = IndicatorSpec(
        "s",
        (Indicator("fiber", "x"), Indicator("cost", "y")),
        (Aggregate("x", weight=2), Aggregate("y", weight=1)),
    )
    assert areas == same and areas.levels == ("indicators", "areas", "index")
    pd.testing.assert_frame_equal(composite(TABLE, areas), composite(TABLE, same))


def test_the_tree_is_walked_as_declared():
    spec = tree()
    assert spec.depth == 4
    assert spec.aggregates_at(2) == ["wired", "price", "economy"]
    assert spec.aggregates_at(3) == ["access", "activity"]
    assert spec.aggregates_at(4) == ["index"]
    assert spec.names("access") == ["fiber", "cable", "cost"]
    assert spec.parent_of("price") == "access" and spec.parent_of("access") == "index"
    assert spec.level_key("sub-indices") == 3 == spec.level_key(3)
    kept = spec.subset(["startups", "patents"])
    assert kept.aggregate_names() == ["economy", "activity"] and kept.depth == 4


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: IndicatorSpec(
                "s", (Indicator("a", "p"),), (Aggregate("p", "q"), Aggregate("q", "p"))
            ),
            "may form a cycle",
        ),
        (
            lambda: IndicatorSpec(
                "s",
                (Indicator("a", "p"), Indicator("b", "q")),
                (Aggregate("p", "q"), Aggregate("q")),
            ),
            "different levels",
        ),
        (
            lambda: IndicatorSpec("s", (Indicator("a", "p"),), (Aggregate("q"),)),
            "'p', which the spec lacks",
        ),
        (
            lambda: IndicatorSpec("s", (Indicator("a", "p"),), (Aggregate("p", "nowhere"),)),
            "'nowhere'",
        ),
        (lambda: IndicatorSpec("s", (Indicator("p", "p"),)), r"names \['p'\] more than once"),
        (lambda: IndicatorSpec("s", (Indicator("index", "p"),)), "root of every spec"),
        (lambda: IndicatorSpec("s", (Indicator("a", "p"),), levels=("x", "y")), "`levels`"),
        (lambda: Aggregate("p", weight=float("inf")), "weight of aggregate 'p'"),
    ],
)
def test_bad_trees_are_refused(build, match):
    with pytest.raises(SpecError, match=match):
        build()


def test_thirty_thousand_indicators_load_at_once(tmp_path):
    """The check for repeated names was quadratic: 30,000 indicators took over 12 s."""
    lines = ["name = 'big'", "[areas]", "x = 1.0"]
    lines += [f"[[indicators]]\nname = 'i{k}'\narea = 'x'" for k in range(30_000)]
    path = tmp_path / "big.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    spec = index.load_spec(path)
    assert len(spec.indicators) == 30_000
    assert time.perf_counter() - start < 5


def test_spec_files_with_a_byte_order_mark_or_deep_nesting(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[areas]\nx = 1\n[[indicators]]\nname = 'a'\narea = 'x'\n")
    assert index.load_spec(path).names() == ["a"]
    deep = tmp_path / "deep.toml"
    deep.write_text("name = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"deep\.toml"):
        index.load_spec(deep)


def test_a_four_level_spec_round_trips_through_its_file(tmp_path):
    path = index.save_spec(tree(), tmp_path / "tree.toml")
    assert index.load_spec(path) == tree()
    assert "aggregates" in path.read_text() and "areas" not in path.read_text()


def test_choices_are_checked_once_with_the_rule_of_each():
    assert Choices(aggregation={"areas": "genmean"}, p=0.5).p == 0.5
    with pytest.raises(MethodError, match="`normalization` must be one of"):
        Choices(normalization="softmax")
    with pytest.raises(MethodError, match="exponent of genmean"):
        Choices(aggregation="genmean")
    with pytest.raises(MethodError, match="`p` is the exponent of genmean"):
        Choices(p=2)
    with pytest.raises(MethodError, match="not choices of an index"):
        Choices().replace(method="rank")
    with pytest.raises(MethodError, match="names the level 'pillar'"):
        composite(TABLE, tree(), aggregation={"pillar": "gmean"})
    assert Choices(aggregation={3: "gmean"}).per_level(tree()) == {
        2: "amean",
        3: "gmean",
        4: "amean",
    }


def test_the_registries_name_every_method():
    assert tuple(normalizers.NORMALIZERS) == index.METHODS
    assert tuple(AGGREGATORS) == index.AGGREGATIONS
    x = np.array([1.0, 2.0, 4.0])
    scores = normalizers.NORMALIZERS["fracmax"](x, False, {}, "v", pd.Index(list("abc")))
    assert scores.tolist() == [25.0, 50.0, 100.0]


def test_sensitivity_varies_any_choice_by_name():
    with pytest.warns(IndexWarning, match="missing values"):
        result = index.sensitivity(
            TABLE.assign(fiber=[np.nan, 40.0, 70.0, 100.0]),
            tree(),
            vary={"missing": ["skip", "median"], "treatment": [None, "log"]},
        )
    assert result.ranks.columns.tolist() == [
        "skip / none",
        "skip / log",
        "median / none",
        "median / log",
    ]
    with pytest.warns(IndexWarning, match="median"):
        direct = composite(
            TABLE.assign(fiber=[np.nan, 40.0, 70.0, 100.0]),
            tree(),
            missing="median",
            treatment="log",
        )["rank"]
    assert result.ranks["median / log"].tolist() == direct.astype(float).tolist()


def test_uncertainty_on_a_tree_is_the_same_in_small_chunks(monkeypatch):
    options = dict(n=16, seed=2, normalizations=["minmax", "rank"], aggregations=["amean"])
    whole = index.uncertainty(TABLE, tree(), treatments=[None], **options)
    monkeypatch.setattr(monte_carlo, "CHUNK_VALUES", 7)  # a run or two at a time
    chunked = index.uncertainty(TABLE, tree(), treatments=[None], **options)
    pd.testing.assert_frame_equal(whole.ranks, chunked.ranks)
    pd.testing.assert_frame_equal(whole.samples, chunked.samples)
    assert "weight of access" in whole.samples.columns  # an aggregate with a sibling varies
    assert whole.ranks.dtypes.unique().tolist() == [np.dtype(np.int16)]


def test_every_run_of_the_tree_equals_composite_with_its_choices():
    result = index.uncertainty(
        TABLE,
        tree(),
        n=8,
        seed=1,
        weight_noise=0.0,
        normalizations=["minmax", "rank"],
        aggregations=["amean", "hmean"],
        treatments=[None],
    )
    for run, row in result.samples.iloc[: len(result.samples) : 3].iterrows():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IndexWarning)  # zero scores under hmean
            expected = composite(
                TABLE, tree(), normalization=row["normalization"], aggregation=row["aggregation"]
            )["rank"]
        independent = result.ranks.columns
        if run in independent:
            assert result.ranks[run].tolist() == expected.tolist()


def test_audit_of_a_tree_reports_every_aggregate():
    checked = index.audit(TABLE, tree())
    assert checked.cronbach.index.tolist() == [
        "wired",
        "price",
        "economy",
        "access",
        "activity",
        "index",
    ]
    scores = pd.DataFrame({c: minmax(TABLE[c], c == "cost") for c in ("fiber", "cable")})
    cov = scores.cov().to_numpy()
    alpha = 2 * (1 - np.trace(cov) / cov.sum())
    assert checked.cronbach["wired"] == pytest.approx(alpha)
    assert checked.flags["parent"].tolist() == ["wired", "wired", "price", "economy", "economy"]


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.floats(0.1, 10), min_size=10, max_size=10),
    seed=st.integers(0, 1000),
)
def test_the_tree_aggregates_as_nested_weighted_means(weights, seed):
    """Any weights: each aggregate is the weighted mean of its children, at every level."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.random((6, 5)) * 100, columns=TABLE.columns, index=list("uvwxyz"))
    spec = tree()
    overrides = dict(zip([*spec.names(), *spec.aggregate_names()], weights, strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)  # sibling weights not summing to 1
        result = composite(table, spec, weights=overrides, normalization="scaled")
    scores = table.copy()
    scores["cost"] = 100 - scores["cost"]
    nodes = scores.join(result)
    for parent in [*spec.aggregate_names(), "index"]:
        kids = spec.children(parent)
        w = np.array([overrides[k] for k in kids])
        expected = nodes[kids].to_numpy() @ w / w.sum()
        np.testing.assert_allclose(nodes[parent].to_numpy(), expected, atol=1e-9)
