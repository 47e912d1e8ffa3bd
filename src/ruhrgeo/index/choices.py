"""The choices of an index, in one place: validated once, passed through every step.

:class:`Choices` holds what the OECD/JRC Handbook calls the methodological choices:
the normalization and its parameters, the aggregation of each level (and ``p`` for a
generalized mean), the weights, the missing-value policy and the outlier treatment.
:func:`~ruhrgeo.index.composite`, :func:`~ruhrgeo.index.audit`, the weights, the
uncertainty and the sensitivity analyses all take the same keyword arguments and build one
:class:`Choices` from them; a choice is named everywhere by its field name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from ruhrgeo import _names
from ruhrgeo._params import choice, number
from ruhrgeo.errors import MethodError, WeightError
from ruhrgeo.index.aggregators import AGGREGATIONS
from ruhrgeo.index.normalizers import METHODS
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["CHOICES", "MISSING", "TREATMENTS", "Choices"]

MISSING = _names.MISSING
TREATMENTS = _names.TREATMENTS
WEIGHT_SCHEMES = ("equal", "pca")


@dataclass(frozen=True)
class Choices:
    """The methodological choices of one index, checked when made.

    Parameters
    ----------
    normalization
        The normalizer (:data:`~ruhrgeo.index.METHODS`, see
        :func:`~ruhrgeo.index.normalize`).
    params
        The normalizer's parameters (one value, or a mapping indicator -> value); the
        spec's targets and goalposts are used unless given.
    aggregation
        The aggregator of every level (:data:`~ruhrgeo.index.AGGREGATIONS`), or a mapping
        level -> aggregator, levels named as in ``spec.levels`` (e.g. ``"areas"``,
        ``"index"``) or numbered 2 .. N; levels not named take ``"amean"``.
    p
        The exponent of ``genmean`` (required where a level uses it, refused elsewhere).
    weights
        None (the spec's), ``"equal"``, ``"pca"``, or node -> weight for indicators and/or
        aggregates.
    missing
        ``"error"``, ``"skip"`` (weights renormalized over what a unit has), ``"mean"`` or
        ``"median"`` (imputed).
    treatment
        None, ``"winsorize"``, ``"log"`` or ``"boxcox"`` (:func:`~ruhrgeo.index.treat`).

    Raises
    ------
    ruhrgeo.errors.MethodError
        An unknown normalizer, aggregator, policy or treatment, or a bad ``p``.
    ruhrgeo.errors.WeightError
        ``weights`` of the wrong kind.

    Examples
    --------
    >>> Choices(aggregation={"areas": "amean", "index": "gmean"}).aggregation["index"]
    'gmean'
    >>> Choices(normalization="zscore").replace(missing="skip").missing
    'skip'
    """

    normalization: str = "minmax"
    params: Mapping[str, Any] | None = None
    aggregation: str | Mapping[int | str, str] = "amean"
    p: float | None = None
    weights: Mapping[str, float] | pd.Series | str | None = None
    missing: str = "error"
    treatment: str | None = None

    def __post_init__(self) -> None:
        choice(self.normalization, "normalization", METHODS, error=MethodError)
        if self.params is not None and not isinstance(self.params, Mapping):
            raise MethodError(f"`params` must map parameter names to values, got {self.params!r}")
        methods = self._methods()
        if "genmean" in methods:
            p = number(self.p, "p (the exponent of genmean)", error=MethodError)
            if p == 0:
                raise MethodError(
                    "genmean with p = 0 is the geometric mean: use aggregation='gmean'"
                )
            object.__setattr__(self, "p", p)
        elif self.p is not None:
            raise MethodError(
                f"`p` is the exponent of genmean; the aggregation is {self.aggregation!r}"
            )
        if isinstance(self.weights, str):
            if self.weights not in WEIGHT_SCHEMES:
                raise WeightError(
                    f"`weights` must be a mapping, 'equal' or 'pca', got {self.weights!r}; "
                    "optimized weights come from optimize_weights()"
                )
        elif self.weights is not None and not isinstance(self.weights, Mapping | pd.Series):
            raise WeightError(
                f"`weights` must be a mapping name -> weight, got {type(self.weights).__name__}"
            )
        choice(self.missing, "missing", MISSING, error=MethodError)
        choice(self.treatment, "treatment", TREATMENTS, error=MethodError)

    def _methods(self) -> list[str]:
        if isinstance(self.aggregation, Mapping):
            if not self.aggregation:
                raise MethodError("`aggregation` per level is empty; name an aggregator")
            methods = list(self.aggregation.values())
        else:
            methods = [self.aggregation]
        for method in methods:
            choice(method, "aggregation", AGGREGATIONS, error=MethodError)
        return methods

    def per_level(self, spec: IndicatorSpec) -> dict[int, str]:
        """The aggregator of each level 2 .. N of ``spec``."""
        if not isinstance(self.aggregation, Mapping):
            return dict.fromkeys(range(2, spec.depth + 1), self.aggregation)
        given: dict[int, str] = {}
        for key, method in self.aggregation.items():
            try:
                level = spec.level_key(key)
            except Exception:
                raise MethodError(
                    f"`aggregation` names the level {key!r}; the levels of spec {spec.name!r} "
                    f"are {list(spec.levels[1:])} (or 2 to {spec.depth})"
                ) from None
            if level in given:
                raise MethodError(f"`aggregation` names level {key!r} twice")
            given[level] = method
        return {level: given.get(level, "amean") for level in range(2, spec.depth + 1)}

    def replace(self, **changes: Any) -> Choices:
        """These choices with some changed (checked again)."""
        unknown = sorted(set(changes) - set(CHOICES))
        if unknown:
            raise MethodError(f"{unknown} are not choices of an index; choices: {list(CHOICES)}")
        return replace(self, **changes)


CHOICES: tuple[str, ...] = tuple(f.name for f in fields(Choices))
