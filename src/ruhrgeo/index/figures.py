"""Figures of the index: rank intervals, the audit's correlation heatmap, and the Markov
transitions between releases.

Both return a matplotlib :class:`~matplotlib.figure.Figure` without pyplot (no global
state); write them with :func:`ruhrgeo.maps.save_png`. Labels are drawn as plain text
(a ``$`` in a name is not read as mathematics) and bounded in length.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ruhrgeo._figures import label, literal
from ruhrgeo._figures import title as heading
from ruhrgeo.errors import ParameterError
from ruhrgeo.index.audits import AuditResult
from ruhrgeo.index.dynamics import MarkovResult
from ruhrgeo.index.monte_carlo import UncertaintyResult

__all__ = ["plot_correlations", "plot_rank_intervals", "plot_transitions"]


def plot_rank_intervals(
    result: UncertaintyResult,
    *,
    names: Mapping[str, str] | pd.Series | None = None,
    title: str | None = None,
) -> Figure:
    """Each municipality's nominal rank (dot), median rank (bar) and rank interval (line),
    best first.

    Parameters
    ----------
    result
        A result of :func:`~ruhrgeo.index.uncertainty`.
    names
        Key -> name shown on the axis (default: the keys).
    title
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``result`` is not an uncertainty result.
    ruhrgeo.errors.MapTextError
        A name or title that is not valid text.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec, uncertainty
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 5, 3, 4, 2], "b": [2.0, 1, 7, 3, 9]}, index=list("pqrst"))
    >>> fig = plot_rank_intervals(uncertainty(df, spec, n=16, aggregations=["amean"]))
    >>> fig.axes[0].get_xlabel()
    'rank (1 = best)'
    """
    if not isinstance(result, UncertaintyResult):
        raise ParameterError(f"`result` must be an uncertainty() result, got {type(result)}")
    table = result.rank_stats.sort_values(["nominal_rank", "median_rank"])
    labels = _labels(table.index, names)
    y = np.arange(len(table))
    fig = Figure(figsize=(7, max(3.0, 0.2 * len(table) + 1.2)), layout="constrained")
    ax = fig.add_subplot()
    ax.hlines(y, table["rank_low"], table["rank_high"], color="#8c8c8c", lw=2, label="interval")
    ax.scatter(table["median_rank"], y, marker="|", s=80, color="#2c7bb6", label="median")
    ax.scatter(table["nominal_rank"], y, s=18, color="#d7191c", zorder=3, label="nominal")
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = best)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(heading(title) if title else f"Rank intervals ({result.level:.0%} of the runs)")
    return literal(fig)


def plot_correlations(audit_result: AuditResult, *, title: str | None = None) -> Figure:
    """The audit's correlation matrix (indicators, aggregates, index) as a heatmap, with a
    note that the indicators are oriented (higher = better) and a ``(−)`` at each one whose
    sign was turned, so that a lower-is-better indicator does not seem to work against its
    aggregate.

    Parameters
    ----------
    audit_result
        A result of :func:`~ruhrgeo.index.audit`.
    title
        The figure's title (default: the correlation and what it covers).

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap (write it with :func:`ruhrgeo.maps.save_png`).

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``audit_result`` is not an audit result.
    ruhrgeo.errors.MapTextError
        A title that is not valid text.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec, audit
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x")))
    >>> df = pd.DataFrame({"a": [1.0, 5, 3, 4, 2], "b": [2.0, 1, 7, 3, 9]})
    >>> fig = plot_correlations(audit(df, spec))
    >>> fig.axes[0].get_title()
    'Pearson correlations: indicators, aggregates, index'
    >>> fig.texts[0].get_text()
    'Oriented: higher = better for every indicator'
    """
    if not isinstance(audit_result, AuditResult):
        raise ParameterError(f"`audit_result` must be an audit() result, got {type(audit_result)}")
    corr = audit_result.correlations
    turned = set(audit_result.reversed)
    size = max(4.0, 0.45 * len(corr) + 2)
    fig = Figure(figsize=(size + 1, size), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(corr.to_numpy(), cmap="RdBu", vmin=-1, vmax=1)
    labels = [label(f"{c} (−)" if c in turned else c) for c in corr.columns]
    ticks = np.arange(len(corr))
    ax.set_xticks(ticks, labels, rotation=90, fontsize=7)
    ax.set_yticks(ticks, labels, fontsize=7)
    if len(corr) <= 25:
        for (i, j), value in np.ndenumerate(corr.to_numpy()):
            if np.isfinite(value):
                color = "white" if abs(value) > 0.6 else "black"
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6, color=color)
    fig.colorbar(image, ax=ax, shrink=0.8, label="correlation")
    default = f"{audit_result.correlation.capitalize()} correlations: indicators, aggregates, index"
    ax.set_title(heading(title) if title else default)
    note = "Oriented: higher = better for every indicator" + (
        "; (−) marks those where lower is better, their sign turned" if turned else ""
    )
    fig.text(0.01, 0.005, label(note, 120), fontsize=7, color="#555555", ha="left", va="bottom")
    return literal(fig)


def _labels(index: pd.Index, names: Mapping[str, str] | pd.Series | None) -> list[str]:
    lookup = dict(names.items()) if names is not None else {}
    return [label(lookup.get(a, a)) for a in index]


def plot_transitions(result: MarkovResult, *, title: str | None = None) -> Figure:
    """The transition probabilities of :func:`~ruhrgeo.index.markov` as a heatmap (rows:
    the class before, columns: after), with the counts; a spatial result adds one panel per
    class of the neighbors.

    Parameters
    ----------
    result
        A result of :func:`~ruhrgeo.index.markov`.
    title
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One heatmap, or one per class of the neighbors for a spatial chain.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``result`` is not a Markov result.
    ruhrgeo.errors.MapTextError
        A title that is not valid text.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import markov
    >>> values = pd.DataFrame({"r1": [1.0, 2, 3, 4, 5, 6], "r2": [2.0, 1, 4, 3, 6, 5]})
    >>> plot_transitions(markov(values, k=3)).axes[0].get_xlabel()
    'class in the next release'
    """
    if not isinstance(result, MarkovResult):
        raise ParameterError(f"`result` must be a markov() result, got {type(result)}")
    panels = {"all areas": result.probabilities}
    if result.conditional is not None:
        panels |= {f"neighbors in {k[4:]}": v for k, v in result.conditional.items()}
    k = len(result.probabilities)
    fig = Figure(figsize=(3.2 * len(panels) + 0.8, 3.4), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (name, matrix) in zip(axes, panels.items(), strict=True):
        values = matrix.to_numpy(dtype=float)
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=1)
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                color = "white" if value > 0.6 else "black"
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7, color=color)
        ticks = np.arange(k)
        ax.set_xticks(ticks, list(matrix.columns), fontsize=7)
        ax.set_yticks(ticks, list(matrix.index), fontsize=7)
        ax.set_xlabel("class in the next release")
        ax.set_title(name, fontsize=9)
    axes[0].set_ylabel("class before")
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="probability")
    fig.suptitle(heading(title) if title else "Transitions between quantile classes")
    return literal(fig)
