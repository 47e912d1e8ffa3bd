"""Optional, cached, hash-checked downloads of official data (never needed by the tests or
the demo)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruhrgeo.errors import DownloadError, ParameterError

__all__ = ["VG250_URL", "fetch_vg250"]

VG250_URL = (
    "https://daten.gdz.bkg.bund.de/produkte/vg/vg250_ebenen_0101/aktuell/"
    "vg250_01-01.utm32s.gpkg.ebenen.zip"
)
_SHA256 = re.compile(r"sha256:[0-9a-fA-F]{64}")


def fetch_vg250(
    *,
    known_hash: str,
    url: str = VG250_URL,
    cache_dir: str | os.PathLike[str] | None = None,
    downloader: Callable[..., Any] | None = None,
) -> Path:
    """Download the official BKG VG250 (GeoPackage zip) once, check it and cache it.

    Never called by the tests or the demo. The BKG replaces the file at ``url`` every year,
    so the file you expect must be named by its SHA-256: compute it once (``sha256sum``) for
    the release you mean and pass it; a cached file with another hash is fetched again, and a
    download with another hash is refused (and not kept). Read the result with
    ``read_municipalities(path, layer="vg250_gem")``. Licence dl-de/by-2-0,
    "© GeoBasis-DE / BKG (year)".

    Parameters
    ----------
    known_hash
        ``"sha256:"`` and the 64 hex digits of the file expected.
    url
        Where to download from (http, https, ftp, or anything ``downloader`` fetches).
    cache_dir
        Cache folder; default the user cache (``pooch.os_cache("ruhrgeo")``).
    downloader
        A pooch downloader (a proxy, a progress bar, or a local copy in tests).

    Returns
    -------
    pathlib.Path
        The cached zip file, checked against ``known_hash``.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``known_hash`` is not ``"sha256:"`` and 64 hex digits.
    ruhrgeo.errors.DownloadError
        The download failed, its URL is of no protocol pooch knows, or the file has another
        SHA-256.

    Examples
    --------
    >>> import hashlib, shutil, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> source = folder / "vg250.zip"
    >>> _ = source.write_bytes(b"a stand-in for the BKG's file")
    >>> digest = "sha256:" + hashlib.sha256(source.read_bytes()).hexdigest()
    >>> copy = lambda url, out, pooch: shutil.copyfile(source, out)  # no network in examples
    >>> fetch_vg250(known_hash=digest, cache_dir=folder / "cache", downloader=copy).read_bytes()
    b"a stand-in for the BKG's file"
    """
    import pooch

    if not isinstance(known_hash, str) or not _SHA256.fullmatch(known_hash):
        raise ParameterError(
            f"`known_hash` must be 'sha256:' and the 64 hex digits of the file you expect, got "
            f"{known_hash!r}; compute it once with `sha256sum` for the release you mean"
        )
    cache = cache_dir or pooch.os_cache("ruhrgeo")
    try:
        path = pooch.retrieve(
            url, known_hash=known_hash.lower(), path=cache, downloader=downloader, progressbar=False
        )
    except ValueError as exc:  # pooch: another hash, or a URL of no protocol it knows
        raise DownloadError(f"VG250 from {url!r} refused: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise DownloadError(f"VG250 could not be downloaded from {url!r} ({exc})") from None
    except Exception as exc:  # requests' and other downloaders' own errors
        raise DownloadError(
            f"VG250 could not be downloaded from {url!r} ({type(exc).__name__}: {exc})"
        ) from None
    return Path(path)
