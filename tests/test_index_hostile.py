"""Hostile input to every public function of ruhrgeo.index: a specific RuhrgeoError naming
the input, never a bare exception, a silent wrong number or a modified input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import index
from ruhrgeo.errors import (
    AggregationError,
    DataFileNotFoundError,
    DuplicateIdError,
    FileFormatError,
    IndexWarning,
    IndicatorValueError,
    MethodError,
    MissingColumnError,
    MissingIdError,
    MissingValuesError,
    ParameterError,
    RuhrgeoError,
    SpecError,
    StatisticsError,
    WeightError,
)
from ruhrgeo.index import Indicator, IndicatorSpec

SPEC = IndicatorSpec(
    "toy",
    (Indicator("a", "x"), Indicator("b", "x", direction="lower"), Indicator("c", "y")),
)
AGS = [f"0591{i:04d}" for i in range(6)]


def good() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": [1.0, 2, 3, 4, 5, 6], "b": [6.0, 2, 5, 1, 3, 4], "c": [2.0, 9, 4, 7, 1, 3]},
        index=pd.Index(AGS, name="ags"),
    )


def with_value(column: str, row: int, value: object) -> pd.DataFrame:
    df = good().astype(object) if not isinstance(value, float) else good()
    df.iloc[row, df.columns.get_loc(column)] = value
    return df.astype(float) if isinstance(value, float) else df


# --- composite: tables and weights ---------------------------------------------------------------

COMPOSITE = [
    (
        "infinite indicator value",
        dict(df=with_value("a", 2, math.inf)),
        IndicatorValueError,
        r"1 indicator values are infinite \(a: 05910002\); replace them",
    ),
    (
        "minus infinity passes no policy",
        dict(df=with_value("c", 0, -math.inf), missing="skip"),
        IndicatorValueError,
        r"infinite \(c: 05910000\)",
    ),
    (
        "empty table",
        dict(df=good().iloc[:0]),
        IndicatorValueError,
        r"has no rows or no columns \(\(0, 3\)\)",
    ),
    ("not a table", dict(df=[[1, 2, 3]]), IndicatorValueError, "must be a DataFrame"),
    (
        "text column",
        dict(df=good().assign(a=list("uvwxyz"))),
        IndicatorValueError,
        r"not numeric: \['a'\]",
    ),
    (
        "boolean column",
        dict(df=good().assign(c=[True, False] * 3)),
        IndicatorValueError,
        r"not numeric: \['c'\]",
    ),
    (
        "doubled column",
        dict(df=pd.concat([good(), good()[["a"]]], axis=1)),
        IndicatorValueError,
        r"the columns \['a'\] more than once",
    ),
    (
        "AGS a column, not the index",
        dict(df=good().reset_index()),
        IndicatorValueError,
        r"has a column 'ags' but is indexed 0, 1, 2, ...; index it by its key first",
    ),
    ("doubled AGS", dict(df=pd.concat([good(), good().iloc[:1]])), DuplicateIdError, "05910000"),
    (
        "missing indicator",
        dict(df=good().drop(columns="b")),
        MissingColumnError,
        r"lacks 1 indicator\(s\) of spec 'toy': \['b'\]",
    ),
    (
        "missing value",
        dict(df=with_value("b", 3, math.nan)),
        MissingValuesError,
        r"1 indicator values are missing \(b: 05910003\)",
    ),
    (
        "a municipality without values",
        dict(
            df=good().assign(
                a=[np.nan] + [1.0] * 5, b=[np.nan] + [2.0] * 5, c=[np.nan, 1, 2, 3, 4, 5]
            ),
            missing="skip",
        ),
        MissingValuesError,
        r"\['05910000'\] have no indicator value at all",
    ),
    ("unknown missing policy", dict(missing="drop"), MethodError, "`missing` must be one of"),
    (
        "infinite weight",
        dict(weights={"a": math.inf}),
        WeightError,
        r"`weights\['a'\]` must be a finite number > 0, got inf",
    ),
    ("NaN weight", dict(weights={"b": math.nan}), WeightError, "got nan"),
    ("negative weight", dict(weights={"c": -1.0}), WeightError, "got -1.0"),
    ("zero weight", dict(weights={"a": 0}), WeightError, r"got 0; to leave an indicator out"),
    ("infinite area weight", dict(weights={"x": math.inf}), WeightError, r"`weights\['x'\]`"),
    ("text weight", dict(weights={"a": "2"}), WeightError, r"got the text '2'"),
    ("boolean weight", dict(weights={"a": True}), WeightError, r"got True \(a boolean"),
    ("unknown weight", dict(weights={"z": 1.0}), WeightError, r"not in the spec: \['z'\]"),
    ("unknown weight scheme", dict(weights="optimized"), WeightError, "optimize_weights"),
    ("weights as a list", dict(weights=[1, 2, 3]), WeightError, "must be a mapping"),
    (
        "unknown normalizer",
        dict(normalization="minmax_zero"),
        MethodError,
        r"`normalization` must be one of 'minmax'",
    ),
    (
        "unknown parameter",
        dict(params={"bound": (0, 1)}),
        MethodError,
        r"takes the parameters \['bounds'\]; unknown: \['bound'\]",
    ),
    (
        "reversed bounds",
        dict(params={"bounds": (100, 0)}),
        MethodError,
        r"`bounds` for `a` must be two finite numbers with the first < the second",
    ),
    ("infinite bounds", dict(params={"bounds": (0, math.inf)}), MethodError, "finite numbers"),
    (
        "zero sd",
        dict(normalization="zscore", params={"mean_sd": (0, 0)}),
        MethodError,
        r"`mean_sd's sd` for `a` must be a finite number > 0",
    ),
    (
        "goalposts missing",
        dict(normalization="goalposts"),
        MethodError,
        r"needs `goalposts` for `a`; give params",
    ),
    (
        "target at the worst value",
        dict(normalization="dist2targ", params={"target": {"a": 1, "b": 1, "c": 9}}),
        StatisticsError,
        r"`a`: the target \(1\) must be better than the worst value",
    ),
    (
        "unknown reference",
        dict(normalization="dist2ref", params={"reference": "05999999"}),
        MissingColumnError,
        r"names AGS not in the table: \['05999999'\]",
    ),
    (
        "reference group",
        dict(normalization="dist2ref", params={"reference": ["05910000"]}),
        MethodError,
        "the AGS of one municipality",
    ),
    ("unknown ties", dict(normalization="rank", params={"ties": "random"}), MethodError, "`ties`"),
    ("constant indicator", dict(df=good().assign(c=4.0)), StatisticsError, "`c` is constant"),
    (
        "unknown aggregation",
        dict(aggregation="median"),
        MethodError,
        r"`aggregation` must be one of 'amean'",
    ),
    (
        "levels misnamed",
        dict(aggregation={"area": "amean", "index": "amean"}),
        MethodError,
        r"names the level 'area'; the levels of spec 'toy' are \['areas', 'index'\]",
    ),
    (
        "genmean without p",
        dict(aggregation="genmean"),
        MethodError,
        r"`p \(the exponent of genmean\)` must be a finite number",
    ),
    ("genmean p = 0", dict(aggregation="genmean", p=0), MethodError, "use aggregation='gmean'"),
    ("genmean infinite p", dict(aggregation="genmean", p=math.inf), MethodError, "got inf"),
    ("p without genmean", dict(p=2.0), MethodError, "`p` is the exponent of genmean"),
    (
        "gmean of z-scores",
        dict(normalization="zscore", aggregation="gmean"),
        AggregationError,
        "gmean needs scores >= 0",
    ),
    ("unknown treatment", dict(treatment="trim"), MethodError, "`treatment` must be one of"),
    ("not a spec", dict(spec={"a": "x"}), SpecError, "`spec` must be an IndicatorSpec"),
]


COMPOSITE += [
    (
        "genmean overflows",
        dict(aggregation="genmean", p=400.0),
        AggregationError,
        "genmean with p = 400.0 overflows",
    ),
    (
        "normalizer as a list",
        dict(normalization=["minmax"]),
        MethodError,
        "`normalization` must be one of",
    ),
    ("aggregation as a list", dict(aggregation=["amean"]), MethodError, "`aggregation` must"),
    ("missing as a list", dict(missing=["skip"]), MethodError, "`missing` must be one of"),
    ("treatment as a dict", dict(treatment={}), MethodError, "`treatment` must be one of"),
]


@pytest.mark.parametrize(
    ("case", "kwargs", "error", "match"), COMPOSITE, ids=[c[0] for c in COMPOSITE]
)
def test_composite_refuses(case, kwargs, error, match):
    kwargs = {"df": good(), "spec": SPEC, **kwargs}
    before = kwargs["df"].copy() if isinstance(kwargs["df"], pd.DataFrame) else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexWarning)
        with pytest.raises(error, match=match):
            index.composite(kwargs.pop("df"), kwargs.pop("spec"), **kwargs)
    if before is not None:
        pd.testing.assert_frame_equal(kwargs.get("df", before), before)


def test_an_infinite_weight_used_to_drop_an_area():
    """Issue 16: an infinite weight turned most municipalities' area into NaN; now refused,
    and a huge finite weight gives the limit (the area is that indicator)."""
    with pytest.raises(WeightError):
        index.composite(good(), SPEC, weights={"a": math.inf, "b": 1.0})
    with pytest.warns(IndexWarning):
        huge = index.composite(good(), SPEC, weights={"a": 1e300, "b": 1.0})
    np.testing.assert_allclose(huge["x"], index.normalize(good()[["a"]])["a"])


def test_an_infinite_value_used_to_zero_every_other():
    """Issue 16: one inf passed missing='error' and made every finite minmax score 0."""
    for missing in ("error", "skip", "mean", "median"):
        with pytest.raises(IndicatorValueError, match="infinite"):
            index.composite(with_value("a", 0, math.inf), SPEC, missing=missing)


# --- the other entry points --------------------------------------------------------------------

ONE = IndicatorSpec("one", (Indicator("a", "x"),))
OTHERS = [
    (
        "need_ranking: area list",
        lambda: index.need_ranking(good(), SPEC, aggregate=["x"]),
        SpecError,
        "`aggregate` must be one of",
    ),
    ("normalize: unknown", lambda: index.normalize(good(), "best"), MethodError, "`method`"),
    (
        "normalize: infinity",
        lambda: index.normalize(with_value("a", 0, math.inf)),
        IndicatorValueError,
        r"infinite \(a: 05910000\)",
    ),
    (
        "normalize: text",
        lambda: index.normalize(good().assign(b="x")),
        IndicatorValueError,
        r"the table to normalize: indicator columns must be numeric; not numeric: \['b'\]",
    ),
    (
        "treat: doubled column",
        lambda: index.treat(pd.concat([good(), good()], axis=1)),
        IndicatorValueError,
        r"the table to treat has the columns \['a', 'b', 'c'\] more than",
    ),
    (
        "impute: empty",
        lambda: index.impute(good().iloc[:0]),
        IndicatorValueError,
        "the table to impute has no rows",
    ),
    ("aggregate: boolean", lambda: index.aggregate(good() > 2), IndicatorValueError, "not numeric"),
    (
        "normalize: all missing",
        lambda: index.normalize(good().assign(a=np.nan)),
        StatisticsError,
        "`a` has no values",
    ),
    (
        "normalize: direction",
        lambda: index.normalize(good(), directions={"a": "up"}),
        MethodError,
        r"`directions` must be 'higher' or 'lower', got \{'a': 'up'\}",
    ),
    (
        "normalize: fracmax of negatives",
        lambda: index.normalize(good() - 3, "fracmax"),
        StatisticsError,
        r"`a`: fracmax \(a fixed zero\) needs values >= 0",
    ),
    (
        "normalize: reference of zero",
        lambda: index.normalize(good(), "reference", params={"reference": 0.0}),
        StatisticsError,
        "the reference must be positive",
    ),
    (
        "normalize: values too far apart",
        lambda: index.normalize(good().assign(a=[-1e308, 1e308, 0, 0, 0, 1]), "minmax"),
        StatisticsError,
        "non-finite scores",
    ),
    ("aggregate: unknown", lambda: index.aggregate(good(), "max"), MethodError, "aggregation"),
    (
        "aggregate: bad weight",
        lambda: index.aggregate(good(), weights={"a": -2}),
        WeightError,
        r"`weights\['a'\]`",
    ),
    (
        "aggregate: unknown weight",
        lambda: index.aggregate(good(), weights={"q": 1}),
        WeightError,
        r"\['q'\]",
    ),
    (
        "need_ranking: top 0",
        lambda: index.need_ranking(good(), SPEC, aggregate="x", top=0),
        MethodError,
        "`top` must be a whole number >= 1",
    ),
    (
        "need_ranking: area",
        lambda: index.need_ranking(good(), SPEC),
        SpecError,
        r"`aggregate` must be one of \['x', 'y'\], got 'infrastructure'",
    ),
    ("impute: unknown", lambda: index.impute(good(), "mode"), MethodError, "imputation"),
    (
        "impute: group without by",
        lambda: index.impute(good(), "group_mean"),
        MethodError,
        "needs `by`",
    ),
    (
        "impute: by lacks AGS",
        lambda: index.impute(good(), "group_mean", by={AGS[0]: "K"}),
        MissingIdError,
        r"no group for 5 AGS",
    ),
    (
        "impute: by not a mapping",
        lambda: index.impute(good(), "group_mean", by=["K"] * 6),
        MethodError,
        "must be a Series or mapping",
    ),
    ("treat: transform", lambda: index.treat(good(), transform="sqrt"), MethodError, "`transform`"),
    ("treat: winmax", lambda: index.treat(good(), winmax=-1), MethodError, "`winmax`"),
    ("treat: skew", lambda: index.treat(good(), skew=math.nan), MethodError, "`skew`"),
    (
        "pca: too few rows",
        lambda: index.pca_weights(good().iloc[:2], SPEC),
        StatisticsError,
        "need more than 2 complete rows",
    ),
    (
        "optimize: level",
        lambda: index.optimize_weights(good(), SPEC, level="index"),
        MethodError,
        "`level`",
    ),
    (
        "optimize: importance",
        lambda: index.optimize_weights(good(), SPEC, importance={"x": 1}),
        WeightError,
        r"missing: \['y'\]",
    ),
    (
        "optimize: zero importance",
        lambda: index.optimize_weights(good(), SPEC, importance={"x": 0, "y": 1}),
        WeightError,
        r"`importance\['x'\]`",
    ),
    (
        "optimize: one area",
        lambda: index.optimize_weights(good(), ONE),
        StatisticsError,
        "needs two nodes or more",
    ),
    (
        "audit: correlation",
        lambda: index.audit(good(), SPEC, correlation="distance"),
        MethodError,
        "`correlation`",
    ),
    (
        "sensitivity: a string",
        lambda: index.sensitivity(good(), SPEC, vary={"normalization": "minmax"}),
        MethodError,
        "non-empty list",
    ),
    (
        "sensitivity: repeats",
        lambda: index.sensitivity(good(), SPEC, vary={"normalization": ["rank", "rank"]}),
        MethodError,
        "name 'rank' twice",
    ),
    (
        "sensitivity: weight sets",
        lambda: index.sensitivity(good(), SPEC, vary=[1]),
        MethodError,
        "`vary` must map choice names",
    ),
    (
        "removal: one indicator",
        lambda: index.remove_indicators(good(), ONE),
        SpecError,
        "nothing to remove",
    ),
    (
        "figure: wrong result",
        lambda: index.plot_rank_intervals(good()),
        ParameterError,
        "must be an uncertainty",
    ),
    (
        "figure: wrong audit",
        lambda: index.plot_correlations(good()),
        ParameterError,
        "must be an audit",
    ),
]


@pytest.mark.parametrize(("case", "call", "error", "match"), OTHERS, ids=[c[0] for c in OTHERS])
def test_other_entry_points_refuse(case, call, error, match):
    with pytest.raises(error, match=match):
        call()


def unc(**kwargs):
    return lambda: index.uncertainty(good(), SPEC, **{"n": 8, **kwargs})


UNCERTAINTY = [
    ("n zero", unc(n=0), r"`n` must be a whole number in \[4, 65,536\], got 0"),
    ("n negative", unc(n=-5), "got -5"),
    ("n fraction", unc(n=2.5), "got 2.5"),
    ("n boolean", unc(n=True), "got True"),
    ("n huge", unc(n=10**9), "got 1000000000"),
    ("seed negative", unc(seed=-1), r"`seed` must be a whole number in \[0, "),
    ("noise one", unc(weight_noise=1.0), r"`weight_noise` must be a finite number in \[0, 1\)"),
    ("noise NaN", unc(weight_noise=math.nan), "`weight_noise`"),
    ("bootstrap", unc(bootstrap=1), "`bootstrap`"),
    ("level", unc(level=1.5), "`level`"),
    ("a string", unc(normalizations="minmax"), "non-empty list of names"),
    ("empty", unc(aggregations=[]), "aggregation alternatives must be a non-empty list"),
    ("unknown", unc(treatments=[None, "trim"]), r"unknown treatment alternative 'trim'"),
    ("repeated", unc(normalizations=["rank", "rank"]), r"name \['rank'\] more than once"),
    ("bad parameter", unc(aggregations=[("gmean", {"q": 1})]), r"takes only `p`"),
    ("by on median", unc(imputations=[("median", {"by": {}})]), "no parameters"),
    (
        "nothing uncertain",
        unc(normalizations=["minmax"], aggregations=["amean"], treatments=[None], weight_noise=0.0),
        "nothing is uncertain",
    ),
]


@pytest.mark.parametrize(("case", "call", "match"), UNCERTAINTY, ids=[c[0] for c in UNCERTAINTY])
def test_uncertainty_refuses(case, call, match):
    with pytest.raises(MethodError, match=match):
        call()


def test_uncertainty_names_the_alternative_that_fails():
    with pytest.raises(AggregationError, match=r"normalization zscore gives negative scores"):
        index.uncertainty(good(), SPEC, n=8, normalizations=["minmax", "zscore"])
    with pytest.raises(
        StatisticsError,
        match=r"uncertainty, normalization minmax\(bounds=\(1, 100\)\) .*`c` is constant",
    ):
        index.uncertainty(good().assign(c=1.0), SPEC, n=8)


# --- specs -----------------------------------------------------------------------------------

SPECS = [
    ("infinite weight", "weight = inf", r"`weight of indicator 'a'` must be a finite number > 0"),
    ("NaN weight", "weight = nan", "got nan"),
    ("text weight", "weight = '2'", r"got the text '2'"),
    ("zero weight", "weight = 0", "got 0"),
    ("reserved area name", "area = 'rank'", "parent name 'rank' is reserved"),
    ("empty name", "name = ''", "non-empty text name"),
    ("direction", "direction = 'up'", "direction must be 'higher' or 'lower'"),
    ("target", "target = 'high'", "target of indicator 'a'` must be a finite number"),
    ("goalposts reversed", "goalposts = [10, 0]", r"lower < upper, got \[10, 0\]"),
    ("goalposts short", "goalposts = [10]", r"goalposts must be \[lower, upper\]"),
]


@pytest.mark.parametrize(("case", "line", "match"), SPECS, ids=[c[0] for c in SPECS])
def test_spec_file_values_refused(case, line, match, tmp_path):
    path = tmp_path / "spec.toml"
    key = line.split(" = ")[0]
    entry = {"name": "'a'", "area": "'x'", key: line.split(" = ")[1]}
    path.write_text("[[indicators]]\n" + "".join(f"{k} = {v}\n" for k, v in entry.items()))
    with pytest.raises(SpecError, match=match):
        index.load_spec(path)


SPEC_FILES = [
    ("missing", None, DataFileNotFoundError, "no file at"),
    ("a directory", "dir", DataFileNotFoundError, "is a folder, not a file"),
    ("binary", b"\xff\xfe\x00garbage", FileFormatError, "is not UTF-8 text"),
    ("empty", b"", FileFormatError, r"has no \[\[indicators\]\] tables"),
    ("not TOML", b"name = ", FileFormatError, "is not valid TOML"),
    ("indicators a number", b"indicators = 5", FileFormatError, r"must be \[\[indicators\]\]"),
    (
        "areas a list",
        b"areas = [1]\n[[indicators]]\nname='a'\narea='x'\n",
        FileFormatError,
        r"\[areas\] must be a table",
    ),
    (
        "version text",
        b"version = 'one'\n[[indicators]]\nname='a'\narea='x'\n",
        FileFormatError,
        "version must be an integer",
    ),
    (
        "no area key",
        b"[[indicators]]\nname='a'\n",
        FileFormatError,
        r"has no key\(s\) \['parent \(or area\)'\]",
    ),
    (
        "area weight inf",
        b"[areas]\nx = inf\n[[indicators]]\nname='a'\narea='x'\n",
        SpecError,
        "`weight of aggregate 'x'` must be a finite number > 0, got inf",
    ),
    (
        "empty area",
        b"[areas]\nx = 1\ny = 1\n[[indicators]]\nname='a'\narea='x'\n",
        SpecError,
        r"aggregates \['y'\] have no children",
    ),
    (
        "area named like an indicator",
        b"[[indicators]]\nname='a'\narea='a'\n",
        SpecError,
        r"names \['a'\] more than once",
    ),
]


@pytest.mark.parametrize(
    ("case", "content", "error", "match"), SPEC_FILES, ids=[c[0] for c in SPEC_FILES]
)
def test_spec_files_refused(case, content, error, match, tmp_path):
    path = tmp_path / "spec.toml"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=match):
        index.load_spec(path)


# --- hypothesis: any table gives a sane result or a RuhrgeoError --------------------------------

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e6),
    st.sampled_from([0.0, 1.0, 1.0, 100.0]),
)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 7))
    columns = draw(st.lists(st.sampled_from(["a", "b", "c", "name"]), min_size=2, max_size=4))
    data = {c: draw(st.lists(CELLS, min_size=rows, max_size=rows)) for c in columns}
    df = pd.DataFrame(data, index=[f"0591{i:04d}" for i in range(rows)], columns=columns)
    if draw(st.booleans()) and rows:
        df[columns[0]] = draw(st.sampled_from(["text", True, None]))
    return df


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    df=tables(),
    method=st.sampled_from(["minmax", "zscore", "rank", "fracmax", "reference", "prank"]),
    aggregation=st.sampled_from(index.AGGREGATIONS),
    missing=st.sampled_from(["error", "skip", "median"]),
)
def test_any_table_gives_a_sane_index_or_a_ruhrgeo_error(df, method, aggregation, missing):
    before = df.copy()
    p = 0.5 if aggregation == "genmean" else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IndexWarning)
            warnings.simplefilter("error", RuntimeWarning)
            result = index.composite(
                df, SPEC, normalization=method, aggregation=aggregation, p=p, missing=missing
            )
    except RuhrgeoError:
        pd.testing.assert_frame_equal(df, before)
        return
    pd.testing.assert_frame_equal(df, before)
    assert np.isfinite(result["index"]).all()
    assert result["rank"].min() == 1 and result["rank"].max() <= len(df)
    assert result.index.equals(df.index)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=tables())
def test_any_table_in_uncertainty_and_audit(df):
    before = df.copy()
    for call in (
        lambda: index.uncertainty(df, SPEC, n=4, bootstrap=2),
        lambda: index.audit(df, SPEC, missing="skip"),
        lambda: index.treat(df.select_dtypes("number")),
    ):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", IndexWarning)
                warnings.simplefilter("error", RuntimeWarning)  # nothing numpy would warn of
                call()
        except RuhrgeoError:
            pass
        pd.testing.assert_frame_equal(df, before)


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=0, max_size=8),
    weight=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3)),
    direction=st.text(max_size=6),
)
def test_any_indicator_is_valid_or_refused(name, weight, direction):
    try:
        ind = Indicator(name, "x", direction=direction, weight=weight)
    except SpecError:
        return
    assert ind.name.strip() and ind.direction in ("higher", "lower")
    assert math.isfinite(ind.weight) and ind.weight > 0
