"""The one set of checks for scalar parameters (counts, numbers, flags, seeds, choices).

Every public function checks its scalar options here, so that one rule holds everywhere:
booleans are not numbers, text is not a number (the message says so), a whole number may be
given as ``9`` or ``9.0`` but not ``9.5``, and numbers are finite unless said otherwise. Each
check returns the value in its plain Python type and raises
:class:`~ruhrgeo.errors.ParameterError` (or the subclass given) naming the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real
from typing import Any, TypeVar

from ruhrgeo.errors import ParameterError

__all__ = ["choice", "flag", "number", "seed", "whole_number"]

T = TypeVar("T")
SEED_LIMIT = 2**32  # NumPy's legacy seeds (esda's permutations) take [0, 2**32)


def _got(value: object) -> str:
    if isinstance(value, str):
        return f"the text {value!r} (give a number, not text)"
    if isinstance(value, bool):
        return f"{value!r} (a boolean is not a number)"
    return repr(value)


def _shown(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f" in {left}{_shown(low)}, {_shown(high)}{right}"
    if low is not None:
        return f" {'>' if low_open else '>='} {_shown(low)}"
    if high is not None:
        return f" {'<' if high_open else '<='} {_shown(high)}"
    return ""


def whole_number(
    value: object,
    name: str,
    *,
    low: int | None = None,
    high: int | None = None,
    error: type[ParameterError] = ParameterError,
) -> int:
    """``value`` as an ``int`` when it is a whole number in ``[low, high]``.

    Examples
    --------
    >>> whole_number(99.0, "permutations", low=0)
    99
    >>> whole_number(True, "k", low=1)
    Traceback (most recent call last):
    ...
    ruhrgeo.errors.ParameterError: `k` must be a whole number >= 1, got True (a boolean ...
    """
    ok = isinstance(value, Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, float) and math.isfinite(value) and value.is_integer():
        ok = True
    if not ok or (low is not None and value < low) or (high is not None and value > high):  # type: ignore[operator]
        raise error(
            f"`{name}` must be a whole number{_range(low, high, False, False)}, got {_got(value)}"
        )
    return int(value)  # type: ignore[call-overload]


def number(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    error: type[ParameterError] = ParameterError,
) -> float:
    """``value`` as a ``float`` when it is a real number in the given range (finite unless
    ``finite=False``; NaN never).

    Examples
    --------
    >>> number(0.05, "alpha", low=0, high=1, low_open=True, high_open=True)
    0.05
    >>> number("10", "radius_km", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    ruhrgeo.errors.ParameterError: `radius_km` must be a finite number > 0, got the text '10' ...
    """
    kind = "finite number" if finite else "number"
    bad = not isinstance(value, Real) or isinstance(value, bool)
    if not bad:
        x = float(value)  # type: ignore[arg-type]
        bad = (
            math.isnan(x)
            or (finite and math.isinf(x))
            or (low is not None and (x <= low if low_open else x < low))
            or (high is not None and (x >= high if high_open else x > high))
        )
    if bad:
        raise error(
            f"`{name}` must be a {kind}{_range(low, high, low_open, high_open)}, got {_got(value)}"
        )
    return float(value)  # type: ignore[arg-type]


def flag(value: object, name: str, *, error: type[ParameterError] = ParameterError) -> bool:
    """``value`` when it is ``True`` or ``False`` (NumPy booleans too).

    Examples
    --------
    >>> flag(False, "fdr")
    False
    """
    if type(value).__name__ not in ("bool", "bool_"):
        raise error(f"`{name}` must be True or False, got {_got(value)}")
    return bool(value)


def seed(value: object, name: str = "seed", *, error: type[ParameterError] = ParameterError) -> int:
    """A random seed: a whole number in ``[0, 2**32)``.

    Examples
    --------
    >>> seed(0)
    0
    """
    return whole_number(value, name, low=0, high=SEED_LIMIT - 1, error=error)


def choice(
    value: T,
    name: str,
    options: Collection[Any],
    *,
    error: type[ParameterError] = ParameterError,
) -> T:
    """``value`` when it is one of ``options`` (compared by equality; unhashable values are
    refused, not crashed on).

    Examples
    --------
    >>> choice("queen", "graph", ("queen", "rook"))
    'queen'
    """
    try:
        known = value in options
    except TypeError:  # an unhashable value against a set
        known = False
    if not known or (isinstance(value, bool) and not any(isinstance(o, bool) for o in options)):
        shown = ", ".join(repr(o) for o in options)
        raise error(f"`{name}` must be one of {shown}; got {value!r}")
    return value
