"""The whole index in one Excel workbook, one sheet per part (as COINr's ``export_to_excel``):
the data, the spec (COINr's iMeta) and the choices, the scores and ranks of every level, the
strengths and weaknesses, the audit and, if given, the uncertainty."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ruhrgeo.errors import ParameterError
from ruhrgeo.index.audits import audit
from ruhrgeo.index.choices import Choices
from ruhrgeo.index.composite_index import composite
from ruhrgeo.index.monte_carlo import UncertaintyResult
from ruhrgeo.index.profiles import strengths_weaknesses
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.spec_files import load_spec
from ruhrgeo.io.write import escape_formulas, write_atomic

__all__ = ["export_workbook"]


def export_workbook(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    spec: IndicatorSpec | None = None,
    *,
    uncertainty: UncertaintyResult | None = None,
    with_audit: bool = True,
    **choices: Any,
) -> Path:
    """Compute the index of ``table`` and write it with everything behind it to ``path``
    (.xlsx), atomically.

    Sheets: ``data`` (the indicators), ``spec`` (:meth:`~ruhrgeo.index.IndicatorSpec.to_coinr`),
    ``choices`` (every choice of the run), ``scores`` (aggregates, index, rank, above_average),
    ``ranks`` (each aggregate's ranks, 1 best), ``profiles`` (strengths and weaknesses),
    ``correlations``, ``flags`` and ``pca`` (the audit, unless ``with_audit=False``),
    ``rank_intervals`` and ``sensitivity`` (when an ``uncertainty`` result is given). Texts
    that a spreadsheet would run as formulas (``=``, ``+``, ``-``, ``@`` first) are written
    with a leading apostrophe.

    Parameters
    ----------
    table
        Indicator values, one column per indicator of ``spec``, indexed by the units' key.
    path
        The workbook to write (``.xlsx``).
    spec
        The indicator spec (default: the Digital-Index Ruhr's).
    uncertainty
        A result of :func:`~ruhrgeo.index.uncertainty` to add (its rank intervals and
        sensitivity indices).
    with_audit
        Add the audit's sheets.
    **choices
        The choices of the index, as for :func:`~ruhrgeo.index.composite`.

    Returns
    -------
    pathlib.Path
        The workbook written.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``path`` does not end in ``.xlsx``, or ``uncertainty`` is not an uncertainty result.
    ruhrgeo.errors.OutputError
        The workbook cannot be written.

    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.IndicatorValueError
        An indicator column is not numeric, or holds infinite values.
    ruhrgeo.errors.MethodError
        A choice is unknown or its parameters do not fit.
    ruhrgeo.errors.MissingValuesError
        Values are missing and ``missing="error"``.
    ruhrgeo.errors.StatisticsError
        A normalizer cannot scale an indicator (one value, no spread).

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"),
    ...                            Indicator("c", "y")))
    >>> table = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "c": [1.0, 3, 2, 4]},
    ...                      index=pd.Index(list("pqrs"), name="ags"))
    >>> path = export_workbook(table, pathlib.Path(tempfile.mkdtemp()) / "index.xlsx", spec)
    >>> openpyxl.load_workbook(path).sheetnames[:5]
    ['data', 'spec', 'choices', 'scores', 'ranks']
    """
    spec = spec if spec is not None else load_spec()
    target = Path(os.fspath(path))
    if target.suffix.lower() != ".xlsx":
        raise ParameterError(f"the workbook must end in .xlsx, got {target.name!r}")
    settings = dataclasses.asdict(Choices(**choices))
    scores = composite(table, spec, **choices)
    sheets: dict[str, pd.DataFrame] = {
        "data": table[spec.names()],
        "spec": spec.to_coinr(),
        "choices": pd.DataFrame(
            {"choice": list(settings), "value": list(map(str, settings.values()))}
        ),
        "scores": scores,
        "ranks": _ranks(scores, spec),
        "profiles": strengths_weaknesses(table, spec),
    }
    if with_audit:
        checked = audit(table, spec, **choices)
        sheets |= {"correlations": checked.correlations, "flags": checked.flags, "pca": checked.pca}
    if uncertainty is not None:
        if not isinstance(uncertainty, UncertaintyResult):
            raise ParameterError("`uncertainty` must be an uncertainty() result")
        sheets |= {"rank_intervals": uncertainty.rank_stats, "sensitivity": uncertainty.sensitivity}

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            for name, sheet in sheets.items():
                keep_index = name not in ("spec", "choices", "profiles")
                escape_formulas(sheet).to_excel(book, sheet_name=name, index=keep_index)

    return write_atomic(target, write)


def _ranks(scores: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """Each aggregate's and the index's ranks (1 best; ties share the best rank)."""
    columns = [*spec.aggregate_names(), "index"]
    return scores[columns].rank(ascending=False, method="min").astype("Int64")
