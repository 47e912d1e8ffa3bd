"""esda's conditional randomization in plain NumPy, for small problems.

esda compiles its permutation kernels with numba on the first call of every process
(about 20 s); for a region of a few hundred units NumPy needs a fraction of a second.
This module repeats esda's algorithm step by step (``esda.crand``: the same permuted ids
from the same seed, the same statistic, the same "directed" pseudo p-value), so that the
results are esda's; above :data:`NUMPY_WORK` (units x permutations) esda itself runs.
:func:`esda_object` builds esda's object (without permutations where NumPy will run them)
and :func:`fill` gives it the permutation results under esda's names.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse, stats

from ruhrgeo import _optional


def _crand_dtype() -> type[np.floating]:
    """esda.crand's p-values are float32 since it computes them in ``esda.significance``
    (esda 2.7); before, float64 (esda 2.6, the lowest version ruhrgeo admits)."""
    return np.float32 if importlib.util.find_spec("esda.significance") else np.float64


# units x permutations up to which NumPy runs (about 1 s); beyond, esda's compiled kernels
NUMPY_WORK = 20_000_000

# esda.crand's statistics: (i, focal values, lag of the permuted neighbors, self weight,
# scaling) -> the simulated statistics of unit i, written as esda writes them
Statistic = Callable[[int, np.ndarray, np.ndarray, float, float], np.ndarray]


def moran_local(i: int, z: np.ndarray, lag: np.ndarray, w_ii: float, s: float) -> np.ndarray:
    return z[i] * (lag + w_ii * z[i]) * s


def moran_local_bv(i: int, z: np.ndarray, lag: np.ndarray, w_ii: float, s: float) -> np.ndarray:
    return z[i, 0] * (lag + w_ii * z[i, 1]) * s


def g_local(i: int, z: np.ndarray, lag: np.ndarray, w_ii: float, s: float) -> np.ndarray:
    return lag / (s - z[i])


def g_local_star(i: int, z: np.ndarray, lag: np.ndarray, w_ii: float, s: float) -> np.ndarray:
    return (lag + w_ii * z[i]) / s


@dataclass(frozen=True)
class Simulation:
    """esda's permutation results for the units of a local statistic."""

    p_sim: np.ndarray
    sims: np.ndarray | None  # (n, permutations) when kept, as esda's ``rlisas``/``rGs``


def permuted_ids(max_card: int, n: int, permutations: int, seed: int) -> np.ndarray:
    """``esda.crand.vec_permutations``: numba's ``np.random`` is NumPy's legacy Mersenne
    Twister, so a ``RandomState`` with the same seed draws the same ids; its
    ``choice(m, size, replace=False)`` is ``permutation(m)[:size]``, without the checks."""
    rng = np.random.RandomState(seed)  # esda's stream, for identical results
    out = np.empty((permutations, max_card), dtype=np.int64)
    for k in range(permutations):
        out[k] = rng.permutation(n - 1)[:max_card]
    return out


def simulate(
    z: np.ndarray,
    weights: sparse.sparray | sparse.spmatrix,
    observed: np.ndarray,
    statistic: Statistic,
    *,
    scaling: float,
    permutations: int,
    seed: int,
    keep: bool,
) -> Simulation:
    """Conditional randomization of ``statistic`` as ``esda.crand.crand`` does it.

    ``z`` holds the values (two columns for a bivariate statistic: the focal one, then the
    one whose neighbors are permuted), ``weights`` the transformed weights esda used.
    """
    adj = sparse.csr_matrix(weights, dtype=float, copy=True)
    self_weights = adj.diagonal()
    adj.setdiag(0)
    adj.eliminate_zeros()
    other = adj.data.astype(z.dtype)
    cards = np.diff(adj.indptr)
    n = len(z)
    lagged = z[:, -1] if z.ndim == 2 else z
    ids = permuted_ids(int(cards.max()), n, permutations, seed)
    p_sim = np.empty(n)
    sims = np.empty((n, permutations)) if keep else None
    start = 0
    for i in range(n):
        k = cards[i]
        j = ids[:, :k]
        # z without unit i, indexed by j, is z at j shifted past i
        lag = lagged[j + (j >= i)] @ other[start : start + k]
        start += k
        rstats = statistic(i, z, lag, self_weights[i], scaling)
        larger = int((rstats >= observed[i]).sum())
        larger = min(larger, permutations - larger)
        p_sim[i] = (larger + 1.0) / (permutations + 1.0)
        if sims is not None:
            sims[i] = rstats
    return Simulation(p_sim=p_sim, sims=sims)


def numpy_sized(n: int, permutations: int) -> bool:
    """NumPy runs small problems, and every problem where numba (the extra ``fast``) is not
    installed: esda's kernels would then run as plain Python loops, far slower."""
    return n * permutations <= NUMPY_WORK or not _optional.available("numba")


def esda_object(
    cls: type,
    args: tuple,
    options: dict[str, Any],
    *,
    permutations: int,
    seed: int,
    keep: bool,
    n_jobs: int,
) -> Any:
    """esda's object: with its own permutations above the NumPy size, else without."""
    n = len(args[0])
    compiled = bool(permutations) and not numpy_sized(n, permutations)
    with warnings.catch_warnings():
        # esda's notice about its future default p-value; ruhrgeo keeps and documents it
        warnings.simplefilter("ignore", DeprecationWarning)
        return cls(
            *args,
            **options,
            permutations=permutations if compiled else 0,
            seed=seed,
            keep_simulations=keep,
            n_jobs=n_jobs,
        )


# What esda sets beside the raw simulations when they are not kept (esda 2.6 to 2.9):
# Moran_Local ``sim`` (None) and the moments (NaN), Moran_Local_BV ``sim``, G_Local neither.
_WITHOUT_SIMS = {
    "Moran_Local": ("sim", "moments"),
    "Moran_Local_Rate": ("sim", "moments"),
    "Moran_Local_BV": ("sim",),
    "G_Local": (),
}


def fill(
    obj: Any,
    z: np.ndarray,
    observed: np.ndarray,
    statistic: Statistic,
    scaling: float,
    *,
    permutations: int,
    seed: int,
    keep: bool,
    sims: tuple[str, str, str, str],
) -> None:
    """Fill esda's object (built with ``permutations=0``) with the permutation results.

    ``sims`` names esda's attributes: kept simulations (``rlisas``/``rGs``), mean, SD and
    variance of the simulated statistics (``EI_sim``/``EG_sim``, ...).
    """
    run = simulate(
        z,
        obj.w.sparse,
        observed,
        statistic,
        scaling=scaling,
        permutations=permutations,
        seed=seed,
        keep=keep,
    )
    raw, mean, sd, var = sims
    kind = type(obj).__name__
    obj.permutations = permutations
    # as esda keeps them: esda.crand's dtype, except a LISA with its simulations kept, whose
    # p-values esda computes again in float64
    single = kind == "G_Local" or not keep
    obj.p_sim = run.p_sim.astype(_crand_dtype()) if single else run.p_sim
    if run.sims is None:  # esda's attributes without kept simulations (its raw arrays
        setattr(obj, raw, None)  # are left uninitialized there: None here)
        if "sim" in _WITHOUT_SIMS[kind]:
            obj.sim = None
        if "moments" not in _WITHOUT_SIMS[kind]:
            return
        moments = (np.nan, np.nan, np.nan, np.nan, np.nan)
    else:
        setattr(obj, raw, run.sims)
        obj.sim = run.sims.T
        m, s = obj.sim.mean(axis=0), obj.sim.std(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (observed - m) / s
        moments = (m, s, s * s, z_sim, stats.norm.sf(np.abs(z_sim)))
    for name, value in zip((mean, sd, var, "z_sim", "p_z_sim"), moments, strict=True):
        setattr(obj, name, value)
