"""Warnings attributed to the caller's line, not to ruhrgeo's own.

``warnings.warn(..., stacklevel=n)`` with a fixed ``n`` points at the right line only for one
call path; ruhrgeo's functions call each other, so a fixed level points into ruhrgeo for
most paths. :func:`warn` instead walks the stack and attributes the warning to the frame
just outside the outermost ruhrgeo frame: the user's line that called ruhrgeo.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str, category: type[Warning]) -> None:
    """Issue ``message`` as ``category``, attributed to the first frame outside ruhrgeo.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("careful", UserWarning)
    >>> caught[0].filename.startswith("<doctest")
    True
    """
    warnings.warn(message, category, stacklevel=caller_level())


def caller_level() -> int:
    """The ``stacklevel`` (for a ``warnings.warn`` call in the function that calls this one)
    of the frame just outside the outermost ruhrgeo frame."""
    frame = sys._getframe(1)  # the function that calls warnings.warn: level 1
    level, outermost = 1, 1
    while frame is not None:
        if frame.f_code.co_filename.startswith(_PACKAGE):
            outermost = level
        frame = frame.f_back
        level += 1
    return outermost + 1
