"""The Digital Index: indicator tables and specs, normalisation, aggregation, ranks, regions,
robustness and releases over time."""

from ruhrgeo.index.composite import METHODS, compare_regions, composite, need_ranking, normalize
from ruhrgeo.index.robustness import SensitivityResult, compare_releases, sensitivity
from ruhrgeo.index.spec import Indicator, IndicatorSpec, load_spec, save_spec
from ruhrgeo.io.tables import read_indicators

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
