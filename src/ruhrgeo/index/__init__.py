"""The Digital Index at the standard of the composite-indicator field (OECD/JRC Handbook,
COINr): indicator specs, imputation, outlier treatment, normalizers, aggregators, weights
(spec, equal, PCA, optimized), the audit, scenario and Monte Carlo sensitivity, figures, and
regions and releases over time."""

from ruhrgeo.index.aggregate import AGGREGATIONS, aggregate
from ruhrgeo.index.audit import AuditResult, audit
from ruhrgeo.index.composite import composite, need_ranking
from ruhrgeo.index.figures import plot_correlations, plot_rank_intervals
from ruhrgeo.index.impute import IMPUTATIONS, Imputed, impute
from ruhrgeo.index.normalize import METHODS, normalize
from ruhrgeo.index.regions import compare_regions, region_means, region_members
from ruhrgeo.index.releases import compare_releases
from ruhrgeo.index.robustness import SensitivityResult, remove_indicators, sensitivity
from ruhrgeo.index.spec import Indicator, IndicatorSpec, load_spec, save_spec
from ruhrgeo.index.treat import Treated, treat
from ruhrgeo.index.uncertainty import UncertaintyResult, uncertainty
from ruhrgeo.index.weights import optimize_weights, pca_weights
from ruhrgeo.io import read_indicators

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "METHODS",
    "AuditResult",
    "Imputed",
    "Indicator",
    "IndicatorSpec",
    "SensitivityResult",
    "Treated",
    "UncertaintyResult",
    "aggregate",
    "audit",
    "compare_regions",
    "compare_releases",
    "composite",
    "impute",
    "load_spec",
    "need_ranking",
    "normalize",
    "optimize_weights",
    "pca_weights",
    "plot_correlations",
    "plot_rank_intervals",
    "read_indicators",
    "region_means",
    "region_members",
    "remove_indicators",
    "save_spec",
    "sensitivity",
    "treat",
    "uncertainty",
]
