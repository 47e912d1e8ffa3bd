"""The Digital Index at the standard of the composite-indicator field (OECD/JRC Handbook,
COINr): indicator specs as trees of any depth, imputation, outlier treatment, normalizers,
aggregators, weights (spec, equal, PCA, optimized), the audit, scenario and Monte Carlo
sensitivity, figures, and regions and releases over time.

The names below are imported on first use: ``import ruhrgeo.index`` loads none of SciPy,
SALib or matplotlib until a function needs them.
"""

from __future__ import annotations

from ruhrgeo._lazy import exports

_NAMES = {
    "AGGREGATIONS": "aggregators",
    "aggregate": "aggregators",
    "AuditResult": "audits",
    "audit": "audits",
    "CHOICES": "choices",
    "Choices": "choices",
    "composite": "composite_index",
    "need_ranking": "composite_index",
    "plot_correlations": "figures",
    "plot_rank_intervals": "figures",
    "plot_transitions": "figures",
    "IMPUTATIONS": "imputation",
    "Imputed": "imputation",
    "impute": "imputation",
    "METHODS": "normalizers",
    "normalize": "normalizers",
    "compare_regions": "regions",
    "region_means": "regions",
    "region_members": "membership",
    "compare_releases": "releases",
    "SensitivityResult": "robustness",
    "remove_indicators": "robustness",
    "sensitivity": "robustness",
    "Aggregate": "nodes",
    "Indicator": "nodes",
    "IndicatorSpec": "spec",
    "load_spec": "spec_files",
    "save_spec": "spec_files",
    "Treated": "treatment",
    "treat": "treatment",
    "UncertaintyResult": "monte_carlo",
    "uncertainty": "monte_carlo",
    "optimize_weights": "weights",
    "MarkovResult": "dynamics",
    "markov": "dynamics",
    "rank_mobility": "dynamics",
    "index_panel": "panels",
    "Screened": "preparation",
    "denominate": "preparation",
    "screen": "preparation",
    "strengths_weaknesses": "profiles",
    "export_workbook": "workbook",
    "stack_releases": "panels",
    "unstack_releases": "panels",
    "pca_weights": "weights",
}

__all__, __getattr__, __dir__ = exports(__name__, _NAMES)
