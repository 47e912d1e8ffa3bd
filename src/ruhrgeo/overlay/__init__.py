"""The overlay: exact cell fractions of areas x grids, and the shares they give.

One path: :func:`coverage_share` (fractions and layers tile by tile, memory bounded by the
tile) and :class:`Overlay` (fractions kept for reuse, saved and loaded) run the same share
kernel over the same tiles, in this process, in ``workers`` processes or on a Dask ``client``.
Follow a call from :func:`coverage_share` (``coverage.py``) to the table: the areas and the
lattice's tiles (``engine.Plan``, ``tiles.py``), the exact fractions of each tile
(``fractions.py``, exactextract), the kernel's sums over whole runs and the rest
(``runs.py``, ``kernel.py``, ``blocks.py``), the runners (``runners.py``), sums to shares
(``shares.py``). Layer sources are opened once by :mod:`ruhrgeo.io.readers`; count weights on
another grid are moved by ``regrid.py``; ``persist.py`` owns the saved format. Units follow
the one rule of :mod:`ruhrgeo.units`.
"""

from ruhrgeo.io.sources import GridSource
from ruhrgeo.overlay.coverage import coverage_share
from ruhrgeo.overlay.kept import Overlay
from ruhrgeo.overlay.regridding import regrid

__all__ = ["GridSource", "Overlay", "coverage_share", "regrid"]
