"""The Digital Index: indicator tables and specs, normalisation, aggregation, ranks, regions,
robustness and releases over time."""

from ruhrgeo.index.composite import composite, need_ranking
from ruhrgeo.index.normalise import METHODS, normalize
from ruhrgeo.index.regions import compare_regions
from ruhrgeo.index.releases import compare_releases
from ruhrgeo.index.robustness import SensitivityResult, sensitivity
from ruhrgeo.index.spec import Indicator, IndicatorSpec, load_spec, save_spec
from ruhrgeo.io import read_indicators

__all__ = [
    "METHODS",
    "Indicator",
    "IndicatorSpec",
    "SensitivityResult",
    "compare_regions",
    "compare_releases",
    "composite",
    "load_spec",
    "need_ranking",
    "normalize",
    "read_indicators",
    "save_spec",
    "sensitivity",
]
