"""The alternatives an uncertainty analysis samples from, parsed and checked once, and the
scores of every combination of imputation, treatment and normalization, computed once."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ruhrgeo.errors import AggregationError, MethodError, RuhrgeoError
from ruhrgeo.index._pipeline import normalized
from ruhrgeo.index.aggregators import AGGREGATIONS, check_method
from ruhrgeo.index.choices import TREATMENTS
from ruhrgeo.index.imputation import IMPUTATIONS, impute
from ruhrgeo.index.normalizers import METHODS
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.treatment import treat

TREATMENT_PARAMS = ("winmax", "skew", "kurtosis")
NON_NEGATIVE = ("gmean", "hmean", "genmean")


class Alternative(NamedTuple):
    """One alternative of a choice: its label, name and parameters."""

    label: str
    name: Any
    params: dict[str, Any]


def alternatives(given: object, choice: str) -> list[Alternative]:
    """Parse a list of alternatives: each a name, or (name, {parameter: value})."""
    allowed: tuple[Any, ...] = {
        "normalization": METHODS,
        "aggregation": AGGREGATIONS,
        "imputation": ("skip", *IMPUTATIONS),
        "treatment": TREATMENTS,
    }[choice]
    if isinstance(given, str) or not isinstance(given, Sequence) or not given:
        raise MethodError(
            f"the {choice} alternatives must be a non-empty list of names or (name, params) "
            f"pairs, got {given!r}; names: {allowed}"
        )
    out = []
    for item in given:
        name, params = item, {}
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Mapping):
            name, params = item[0], dict(item[1])
        if name not in allowed:
            raise MethodError(f"unknown {choice} alternative {item!r}; choose from {allowed}")
        _check_params(choice, name, params)
        shown = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
        out.append(
            Alternative(
                f"{name or 'none'}({shown})" if shown else str(name or "none"), name, params
            )
        )
    labels = [a.label for a in out]
    doubled = sorted({lb for lb in labels if labels.count(lb) > 1})
    if doubled:
        raise MethodError(f"the {choice} alternatives name {doubled} more than once")
    return out


def _short(value: Any) -> str:
    if isinstance(value, pd.Series | Mapping):
        return f"<{len(value)} values>"
    return repr(value)


def _check_params(choice: str, name: Any, params: dict[str, Any]) -> None:
    if choice == "aggregation":
        unknown = sorted(set(params) - {"p"})
        if unknown:
            raise MethodError(f"aggregation {name!r} takes only `p`, got {unknown}")
        check_method(name, params.get("p"))
    elif choice == "imputation":
        grouped = str(name).startswith("group_")
        if set(params) - {"by"} or grouped != ("by" in params):
            raise MethodError(
                f"imputation {name!r} takes " + ("`by` only" if grouped else "no parameters")
            )
    elif choice == "treatment" and set(params) - set(TREATMENT_PARAMS):
        raise MethodError(f"treatment {name!r} takes {TREATMENT_PARAMS}, got {sorted(params)}")
    # normalizer parameters are checked by normalize() when the scores are computed


Scores = dict[tuple[int, int, int], np.ndarray]  # (imputation, treatment, normalizer) -> n x k


def all_scores(
    values: pd.DataFrame,
    spec: IndicatorSpec,
    imputations: list[Alternative],
    treatments: list[Alternative],
    normalizations: list[Alternative],
) -> Scores:
    """The scores of every (imputation, treatment, normalizer) triple, computed once."""
    table = {}
    for (i, imp), (t, tr) in itertools.product(enumerate(imputations), enumerate(treatments)):
        with _context(f"imputation {imp.label}, treatment {tr.label}"):
            filled = values if imp.name == "skip" else impute(values, imp.name, **imp.params).values
            if tr.name is not None:
                transform = None if tr.name == "winsorize" else tr.name
                filled = treat(filled, transform=transform, **tr.params).values
        for m, norm in enumerate(normalizations):
            with _context(
                f"normalization {norm.label} (imputation {imp.label}, treatment {tr.label})"
            ):
                table[(i, t, m)] = normalized(filled, spec, norm.name, norm.params).to_numpy()
    return table


def check_compatible(
    scores: Scores, normalizations: list[Alternative], aggregations: list[Alternative]
) -> None:
    """Refuse a normalizer giving negative scores with an aggregator that needs scores >= 0."""
    for agg in aggregations:
        if agg.name not in NON_NEGATIVE:
            continue
        for (_, _, m), table in scores.items():
            if np.nanmin(table) < 0:
                raise AggregationError(
                    f"normalization {normalizations[m].label} gives negative scores, which "
                    f"aggregation {agg.label} cannot take; drop one of them or shift the "
                    "scores, e.g. ('zscore', {'mean_sd': (10, 2)}) or ('minmax', {'bounds': "
                    "(1, 100)}) as COINr does"
                )


class _context:
    """Prefix an error raised inside with the alternative that caused it."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, _tb: object) -> bool:
        if isinstance(exc, RuhrgeoError) and not str(exc).startswith("uncertainty"):
            raise type(exc)(f"uncertainty, {self.where}: {exc}") from None
        return False
