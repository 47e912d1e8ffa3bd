"""Text in figures: shown literally and bounded in length, the same in every figure.

matplotlib reads ``$...$`` in any text as mathematics (a name such as ``costs $x$`` is shown as
another text, and ``$\\foo$`` makes saving fail). Every figure ruhrgeo draws is finished by
:func:`literal`, which turns mathtext off for each of its texts; :func:`title` and
:func:`label` bound a user's text (a title of 50,000 characters exhausted memory when drawn)
and wrap titles.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.text import Text

from ruhrgeo.errors import MapTextError

__all__ = ["CREDIT_LIMIT", "LABEL_LIMIT", "TITLE_LIMIT", "label", "literal", "title"]

TITLE_LIMIT, TITLE_WIDTH = 200, 60  # characters of a title, and of one of its lines
LABEL_LIMIT = 60  # characters of a label (legend entry, tick, place name, axis)
CREDIT_LIMIT = 300  # characters of a credit line


def label(text: object, limit: int = LABEL_LIMIT) -> str:
    """``text`` as one line of at most ``limit`` characters (cut with an ellipsis).

    Examples
    --------
    >>> label("Mülheim an der Ruhr", limit=10)
    'Mülheim a…'
    """
    value = _valid(str(text)).replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def title(text: object, width: int = TITLE_WIDTH, limit: int = TITLE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters and wrapped at ``width``.

    Examples
    --------
    >>> print(title("FTTB/H coverage of households, mid 2021, Breitbandatlas", width=30))
    FTTB/H coverage of households,
    mid 2021, Breitbandatlas
    """
    value = label(text, limit)
    if len(value) <= width:
        return value
    return "\n".join(textwrap.wrap(value, width, break_long_words=True)) or value


def literal(fig: Figure) -> Figure:
    """``fig`` with mathtext turned off for every text it holds (tick labels included)."""
    for axes in fig.axes:  # materialize the ticks, so that their labels are set too
        axes.get_xticklabels()
        axes.get_yticklabels()
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def _valid(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MapTextError(
            f"the text {text[:40]!r} is not valid Unicode (it holds a lone surrogate, usually "
            "from a file read with the wrong encoding); read the file with its encoding "
            "(e.g. encoding='cp1252') or clean the text"
        ) from None
    return text
