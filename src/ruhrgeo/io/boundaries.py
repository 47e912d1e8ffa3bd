"""Municipal boundaries: read any OGR source (VG250 too), normalize the AGS, validate."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ruhrgeo._validate import existing_path, normalize_ags, require_unique
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    EmptyGeometryError,
    FileFormatError,
    InputTypeError,
    InvalidGeometryError,
    MissingColumnError,
    UnusableCRSError,
)

__all__ = ["read_municipalities"]

_VG250_LAND = 4  # GF 4: land area with structure; other GF values duplicate it or are water
_MUNICIPALITY_LAYERS = ("vg250_gem", "municipalities")
_POLYGONAL = ("Polygon", "MultiPolygon")


def read_municipalities(
    source: str | os.PathLike[str] | gpd.GeoDataFrame,
    *,
    layer: str | None = None,
    id_col: str | None = None,
    name_col: str | None = None,
    make_valid: bool = False,
) -> gpd.GeoDataFrame:
    """Read municipal polygons, indexed by their 8-character AGS.

    Parameters
    ----------
    source
        A path to anything GDAL reads (GeoPackage, Shapefile, GeoJSON, a ``.zip`` of
        them) or a GeoDataFrame, which is validated the same way and never modified.
    layer
        The layer of a multi-layer source. Without it, a layer named ``vg250_gem`` or
        ``municipalities`` is taken, or the only layer.
    id_col, name_col
        Columns with the AGS and the name. Default: ``AGS``/``ags`` and ``GEN``/``name``
        (case-insensitive).
    make_valid
        Repair invalid polygons (``shapely.make_valid``, polygonal parts kept) instead
        of raising :class:`~ruhrgeo.errors.InvalidGeometryError`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``ags`` (8-character string) with ``name``, ``geometry`` and the
        other attributes of the source; the CRS is kept. VG250 sources are filtered to
        ``GF == 4`` and dissolved by AGS; ``EWZ`` becomes ``population``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> raw = gpd.GeoDataFrame({"AGS": [5913000], "GEN": ["Dortmund"]},
    ...                        geometry=[shapely.box(0, 0, 1000, 1000)], crs=25832)
    >>> munis = read_municipalities(raw)
    >>> munis.index.tolist(), munis.loc["05913000", "name"]
    (['05913000'], 'Dortmund')
    """
    if isinstance(source, gpd.GeoDataFrame):
        if (id_col, name_col) == (None, None) and _normalized(source):
            return source.set_geometry(_checked_geometries(source, make_valid))
        frame = _from_frame(source)
        origin = "`municipalities`"
    elif isinstance(source, str | os.PathLike):
        frame = _read_file(source, layer)
        origin = f"`source` {os.fspath(source)!r}"
    else:
        kind = type(source).__name__
        hint = " (a DataFrame without geometry)" if isinstance(source, pd.DataFrame) else ""
        raise InputTypeError(
            f"`municipalities` must be a GeoDataFrame or the path of a vector file, got "
            f"{kind}{hint}; read boundaries with geopandas or give their file"
        )
    if frame.crs is None:
        raise CRSMissingError(
            f"{origin} has no CRS; set one with `gdf.set_crs(25832)` (VG250 is in EPSG:25832)"
        )
    _require_plausible_coordinates(frame, origin)
    columns = _columns(frame, origin)
    ags_column = _pick(columns, id_col, ("ags",), "id_col", origin)
    name_column = _pick(columns, name_col, ("gen", "name"), "name_col", origin)
    if name_col is None and {"gen", "name"} <= set(columns):
        raise MissingColumnError(
            f"{origin} has both {columns['gen']!r} and {columns['name']!r}; say which holds the "
            "municipality's name with `name_col=`"
        )
    vg250 = "gf" in columns
    if vg250:
        frame = frame[frame[columns["gf"]] == _VG250_LAND]
    if frame.empty:
        raise EmptyGeometryError(f"{origin} holds no municipality (after keeping GF == 4)")

    ags = normalize_ags(frame[ags_column].reset_index(drop=True), name=ags_column)
    renames = {ags_column: "ags", name_column: "name"}
    if "ewz" in columns:
        renames[columns["ewz"]] = "population"
    frame = frame.reset_index(drop=True).rename(columns=renames).assign(ags=ags.to_numpy())
    frame["name"] = frame["name"].astype(str)
    frame = frame.set_geometry(_checked_geometries(frame, make_valid))
    if vg250:
        frame = _dissolve(frame)
    require_unique(
        frame["ags"], "ags", "each municipality must appear once; dissolve parts by AGS first"
    )
    ordered = ["name", *(c for c in frame.columns if c not in ("ags", "name"))]
    return frame.set_index("ags")[ordered]


def _normalized(frame: gpd.GeoDataFrame) -> bool:
    """Whether ``frame`` is already what this function returns (only its geometries need
    checking): rows, a projected CRS, a unique index ``ags`` of 8-digit strings, ``name`` (text,
    none missing) first, and none of the columns the normalization renames, filters or
    dissolves."""
    index, columns = frame.index, [str(c).lower() for c in frame.columns]
    if (
        frame.empty
        or frame.crs is None
        or frame.crs.is_geographic
        or index.name != "ags"
        or index.dtype != "str"
        or not columns
        or frame.columns[0] != "name"
        or frame["name"].dtype != "str"
        or {"ags", "gen", "gf", "ewz"} & set(columns)
        or len(set(columns)) < len(columns)
    ):
        return False
    return bool(
        index.is_unique and index.str.fullmatch(r"\d{8}").all() and frame["name"].notna().all()
    )


def _from_frame(source: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with the AGS as a column (from the index when the index is named AGS)."""
    frame = source.copy()
    name = frame.index.name
    if name is not None and str(name).lower() == "ags":
        same = [c for c in frame.columns if str(c).lower() == "ags"]
        if same and not frame[same[0]].astype(str).equals(frame.index.to_series().astype(str)):
            raise DuplicateIdError(
                f"`municipalities` has an index {name!r} and a column {same[0]!r} with other "
                "values; keep one of them (e.g. `gdf.reset_index(drop=True)`)"
            )
        frame = frame.reset_index(drop=bool(same))
    return frame


def _columns(frame: gpd.GeoDataFrame, origin: str) -> dict[str, str]:
    """Column names by their lower case (refusing names that differ only in case)."""
    columns: dict[str, str] = {}
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        key = str(column).lower()
        if key in columns:
            raise DuplicateIdError(
                f"{origin} has the columns {columns[key]!r} and {column!r}, which differ only in "
                "case; rename or drop one"
            )
        columns[key] = column
    return columns


def _require_plausible_coordinates(frame: gpd.GeoDataFrame, origin: str) -> None:
    """Refuse meters labeled as degrees (they would turn into NaN when reprojected). Degrees
    labeled as meters need no check here: they lie near the origin, on no German grid."""
    crs = frame.crs
    if not crs.is_geographic:
        return
    valid = frame.geometry[~(frame.geometry.is_empty | frame.geometry.isna())]
    if valid.empty:
        return
    x0, y0, x1, y1 = valid.total_bounds
    if x0 < -180 or x1 > 360 or y0 < -90 or y1 > 90:
        raise UnusableCRSError(
            f"{origin} is declared as {crs.to_string()} (degrees) but its coordinates reach "
            f"({x0:.0f}, {y0:.0f}, {x1:.0f}, {y1:.0f}), meters rather; set its real CRS, e.g. "
            "`gdf.set_crs(25832, allow_override=True)`"
        )


def _read_file(source: str | os.PathLike[str], layer: str | None) -> gpd.GeoDataFrame:
    path = existing_path(source, "source")
    target = str(path)
    if path.suffix.lower() == ".zip":
        target = _zip_member(path, layer)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(target)]
        chosen = layer or _default_layer(layers, target)
        return gpd.read_file(target, layer=chosen, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(
            f"`source` {os.fspath(source)!r} cannot be read as vector data ({exc}); "
            "give a GeoPackage, Shapefile, GeoJSON or a zip of one"
        ) from None


def _default_layer(layers: list[str], target: str) -> str | None:
    if len(layers) <= 1:
        return None
    known = [name for name in layers if name.lower() in _MUNICIPALITY_LAYERS]
    if len(known) == 1:
        return known[0]
    raise FileFormatError(
        f"`source` {target!r} has {len(layers)} layers {layers}; name one with `layer=`"
    )


def _zip_member(path: Path, layer: str | None) -> str:
    """The /vsizip/ path of the vector file inside a zip (VG250 zips nest folders)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        raise FileFormatError(f"`source` {str(path)!r} is not a valid zip file") from None
    vectors = [n for n in names if n.lower().endswith((".gpkg", ".shp", ".geojson", ".json"))]
    if layer is not None:
        matching = [n for n in vectors if Path(n).stem.lower() == layer.lower()]
        vectors = matching or [n for n in vectors if n.lower().endswith(".gpkg")]
    if len(vectors) != 1:
        raise FileFormatError(
            f"`source` {str(path)!r} holds {len(vectors)} candidate vector files "
            f"{vectors[:8]}; name the one to read with `layer=` (e.g. 'vg250_gem')"
        )
    return f"/vsizip/{path}/{vectors[0]}"


def _pick(
    columns: dict[str, str], given: str | None, defaults: tuple[str, ...], arg: str, origin: str
) -> str:
    wanted = (given.lower(),) if given else defaults
    for key in wanted:
        if key in columns:
            return columns[key]
    raise MissingColumnError(
        f"{origin} has no column {' or '.join(repr(w) for w in wanted)} "
        f"(columns: {sorted(columns.values())}); name the right one with `{arg}=`"
    )


def _checked_geometries(frame: gpd.GeoDataFrame, make_valid: bool) -> gpd.GeoSeries:
    geoms = frame.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise EmptyGeometryError(
            f"municipalities with missing or empty geometry: {_named(frame, empty)}; "
            "drop them or fix the source"
        )
    kinds = shapely.get_type_id(geoms)
    not_polygonal = ~np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    if not_polygonal.any():
        raise InvalidGeometryError(
            f"municipalities must be polygons; not polygonal: {_named(frame, not_polygonal)}"
        )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        if not make_valid:
            first = int(np.flatnonzero(invalid)[0])
            raise InvalidGeometryError(
                f"invalid geometry in {int(invalid.sum())} municipalities: "
                f"{_named(frame, invalid)} (first: {shapely.is_valid_reason(geoms[first])}); "
                "repair them or pass `make_valid=True`"
            )
        geoms = geoms.copy()
        geoms[invalid] = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
    return gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs, name=frame.geometry.name)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _named(frame: pd.DataFrame, mask: np.ndarray) -> str:
    rows = frame.loc[mask, ["ags", "name"]].head(10)
    more = int(mask.sum()) - len(rows)
    text = ", ".join(f"{a} ({n})" for a, n in rows.itertuples(index=False))
    return text + (f" and {more} more" if more > 0 else "")


def _dissolve(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not frame["ags"].duplicated().any():
        return frame
    geometry = frame.geometry.name
    merged = frame.groupby("ags", sort=False)[geometry].agg(shapely.union_all)
    first = frame.drop(columns=geometry).groupby("ags", sort=False).first()
    out = gpd.GeoDataFrame(first, geometry=gpd.GeoSeries(merged, crs=frame.crs), crs=frame.crs)
    return out.reset_index()
