"""What the global statistics' results share: JSON-able fields, esda's simulated numbers."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["Result", "p_text", "simulated"]


class Result:
    """JSON-able fields (numbers as floats), without the library object."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name == "esda":
                continue
            value = getattr(self, f.name)
            out[f.name] = value.item() if isinstance(value, np.generic) else value
        return {**out, "summary": self.summary()}  # type: ignore[attr-defined]


def simulated(obj: Any, name: str) -> float:
    return float(getattr(obj, name, np.nan))


def p_text(p: float) -> str:
    return "not tested" if np.isnan(p) else f"p_sim = {p:.4f}"
