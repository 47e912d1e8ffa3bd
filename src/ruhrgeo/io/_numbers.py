"""Numbers as German and English tables write them: which convention a table uses, and its
values. A table uses one convention; where its cells cannot tell which, nothing is guessed.

``1.234,5`` is German (decimal comma, ``.`` between thousands); ``1,234.5`` and ``0.125``
are English (decimal point). ``1.234`` and ``1,234`` fit both (1234 or 1.234): if no other
cell decides, the table is ambiguous and refused.
"""

from __future__ import annotations

import re
from numbers import Real

import numpy as np
import pandas as pd

from ruhrgeo.errors import FileFormatError, NumberFormatError

# Markers the statistical offices use for missing or secret values
MISSING_MARKERS = ("", "-", ".", "x", "/", "...", "–", "—")
FORMATS = {
    ",": re.compile(r"^[+-]?(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$"),
    ".": re.compile(
        r"^[+-]?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
    ),
}
NAMES = {",": "decimal comma", ".": "decimal point"}
_NUMBER_LIKE = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?$")
_NOT_FINITE = re.compile(r"^[+-]?(?:inf|infinity|nan)$", re.IGNORECASE)


def is_number(value: object) -> bool:
    """A number cell of a workbook (not a bool, which Excel stores apart)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def numeric_columns(raw: pd.DataFrame, file: str) -> dict[str, pd.Series]:
    """Column -> its stripped text cells, for the columns that hold numbers.

    A column holds numbers if any cell looks like one; then every other cell must be a
    missing marker. Columns without any number (names) are left out.
    """
    out = {}
    for column in raw.columns:
        cells = raw[column]
        text = cells.map(lambda v: v if is_number(v) else str(v).strip())
        number_like = text.map(lambda v: is_number(v) or bool(_NUMBER_LIKE.match(v)))
        if not number_like.any():
            continue
        marked = text.isin(MISSING_MARKERS) & ~number_like
        bad = ~number_like & ~marked
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            value = text.iloc[row]
            why = (
                "is not a finite number"
                if _NOT_FINITE.match(value)
                else "is text in a column of numbers"
            )
            raise FileFormatError(
                f"{file}: column {column!r} mixes numbers and text: {value!r} in row {row + 2} "
                f"{why}; mark missing values with '-', '.' or 'x', or fix the value"
            )
        out[column] = text
    return out


def decide_decimal(columns: dict[str, pd.Series], decimal: str | None, file: str) -> str:
    """The decimal separator of the table: given and checked, or read off its cells."""
    cells = [
        (column, row, value)
        for column, text in columns.items()
        for row, value in enumerate(text)
        if isinstance(value, str) and value not in MISSING_MARKERS
    ]
    if decimal is not None:
        for column, row, value in cells:
            if not FORMATS[decimal].match(value):
                raise NumberFormatError(
                    f"{file}: {value!r} in column {column!r} (row {row + 2}) is no number "
                    f"with {NAMES[decimal]} (decimal={decimal!r}); fix the value, or give the "
                    "decimal separator the table really uses"
                )
        return decimal
    fits = {sep: [c for c in cells if FORMATS[sep].match(c[2])] for sep in FORMATS}
    only = {
        sep: [c for c in fits[sep] if not FORMATS[other].match(c[2])]
        for sep, other in ((",", "."), (".", ","))
    }
    for column, row, value in cells:
        if not (FORMATS[","].match(value) or FORMATS["."].match(value)):
            raise NumberFormatError(
                f"{file}: {value!r} in column {column!r} (row {row + 2}) is no number with "
                "decimal comma nor with decimal point; fix the value"
            )
    if only[","] and only["."]:
        de, en = only[","][0], only["."][0]
        raise NumberFormatError(
            f"{file} writes numbers in two formats: {de[2]!r} (column {de[0]!r}, row "
            f"{de[1] + 2}) has a decimal comma, {en[2]!r} (column {en[0]!r}, row {en[1] + 2}) "
            "a decimal point; write every number in one format"
        )
    if only[","] or only["."]:
        return "," if only[","] else "."
    ambiguous = [c for c in cells if not c[2].lstrip("+-").isdigit()]
    if ambiguous:
        column, row, value = ambiguous[0]
        as_thousands = float(value.replace(".", "").replace(",", ""))
        as_decimal = float(value.replace(",", "."))
        raise NumberFormatError(
            f"{file}: {value!r} in column {column!r} (row {row + 2}) may be "
            f"{as_thousands:g} (separator between thousands) or {as_decimal:g} (decimal "
            f"separator), and no other number in the table tells which; pass decimal=',' "
            "(German: 1.234,5) or decimal='.' (English: 1,234.5)"
        )
    return "."


def to_floats(text: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """Values of a number column, and where missing markers were."""
    marked = text.map(lambda v: not is_number(v) and v in MISSING_MARKERS).astype(bool)
    thousands = "." if decimal == "," else ","

    def value(cell: object) -> float:
        if is_number(cell):
            return float(cell)  # type: ignore[arg-type]
        if cell in MISSING_MARKERS:
            return float("nan")
        plain = str(cell).replace(thousands, "")
        return float(plain.replace(",", ".") if decimal == "," else plain)

    return text.map(value).astype(float), marked
