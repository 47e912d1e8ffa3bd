"""The overlay: exact cell fractions of municipalities x grids, and the shares they give.

One engine: :func:`coverage_share` (cold: fractions and layers tile by tile, memory bounded by
the tile) and :class:`Overlay` (fractions kept for reuse, saved and loaded) run the same share
kernel over the same tiles, in this process, in ``workers`` processes or on a Dask ``client``.
Layer sources (paths, open datasets, grids in memory, :class:`~ruhrgeo.GridSource` with its
read options) are opened once; units follow the one rule of :mod:`ruhrgeo.units`.
"""

from ruhrgeo.io.sources import GridSource
from ruhrgeo.overlay.engine import coverage_share
from ruhrgeo.overlay.fractions import Overlay
from ruhrgeo.overlay.regrid import regrid

__all__ = ["GridSource", "Overlay", "coverage_share", "regrid"]
