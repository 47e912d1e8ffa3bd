"""The overlay: exact cell fractions of municipalities x grids, and the shares they give."""

from ruhrgeo.overlay.engine import Overlay, coverage_share
from ruhrgeo.overlay.regrid import regrid

__all__ = ["Overlay", "coverage_share", "regrid"]
