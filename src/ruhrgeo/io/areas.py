"""Areas: polygons keyed by any unique id (Kreise, Stadtbezirke, postcode areas, grid cells,
LAU or NUTS regions), read and checked at the edge of every step.

:func:`read_areas` reads a file or frame keyed by the column you name; :func:`as_areas` is the
check every step applies to the GeoDataFrame it is given: a named, unique key as the index
(``read_municipalities`` gives ``ags``), a CRS, plausible coordinates, and valid, non-empty
polygons. Keys are kept exactly as given (strings or integers) in every result.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    EmptyGeometryError,
    FileFormatError,
    InputTypeError,
    InvalidGeometryError,
    MissingColumnError,
    MissingIdError,
    UnusableCRSError,
)

__all__ = ["as_areas", "as_keyed", "read_areas"]

_POLYGONAL = ("Polygon", "MultiPolygon")
_PREFERRED_LAYERS = ("vg250_gem", "municipalities")


def read_areas(
    source: str | os.PathLike[str] | gpd.GeoDataFrame,
    *,
    id_col: str | None = None,
    name_col: str | None = None,
    layer: str | None = None,
    make_valid: bool = False,
) -> gpd.GeoDataFrame:
    """Read polygons keyed by any unique id: the areas every step of ruhrgeo works on.

    Parameters
    ----------
    source
        A path to anything GDAL reads (GeoPackage, Shapefile, GeoJSON, a ``.zip`` of them)
        or a GeoDataFrame, which is checked the same way and never modified.
    id_col
        The column with the key (strings or integers, unique, none missing). Default for a
        GeoDataFrame: its index, when the index is named.
    name_col
        A column with the areas' names, renamed ``name`` (for maps, labels and messages).
    layer
        The layer of a multi-layer source.
    make_valid
        Repair invalid polygons (``shapely.make_valid``, polygonal parts kept) instead of
        raising :class:`~ruhrgeo.errors.InvalidGeometryError`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the key (index name ``id_col``), the other columns and the geometry as
        read; the CRS is kept.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        ``id_col`` or ``name_col`` is not a column.
    ruhrgeo.errors.MissingIdError
        No key was named, a key is missing, or keys are neither text nor whole numbers.
    ruhrgeo.errors.DuplicateIdError
        A key occurs twice.
    ruhrgeo.errors.CRSMissingError, ruhrgeo.errors.UnusableCRSError
        No CRS, or coordinates that do not fit it.
    ruhrgeo.errors.EmptyGeometryError, ruhrgeo.errors.InvalidGeometryError
        Missing, empty, non-polygonal or invalid geometries.
    ruhrgeo.errors.FileFormatError
        The file cannot be read as vector data.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> raw = gpd.GeoDataFrame({"kreis_ags": ["05913", "05911"], "GEN": ["Dortmund", "Bochum"]},
    ...                        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
    ...                        crs=25832)
    >>> kreise = read_areas(raw, id_col="kreis_ags", name_col="GEN")
    >>> kreise.index.name, kreise.index.tolist(), kreise["name"].tolist()
    ('kreis_ags', ['05913', '05911'], ['Dortmund', 'Bochum'])
    """
    if isinstance(source, gpd.GeoDataFrame):
        frame, origin = source, "`areas`"
        if id_col is not None or frame.index.name is None:
            frame = frame.reset_index(drop=frame.index.name is None)
    elif isinstance(source, str | os.PathLike):
        frame, origin = read_vector(source, layer), f"`source` {os.fspath(source)!r}"
    else:
        raise InputTypeError(not_a_frame(source))
    if id_col is None:
        if frame.index.name is None:
            raise MissingIdError(
                f"{origin} has no key: name its id column with `id_col=` (e.g. "
                "id_col='kreis_ags'), or pass a GeoDataFrame indexed by a named key"
            )
    else:
        columns = column_map(frame, origin)
        key = pick_column(columns, id_col, (), "id_col", origin)
        frame = frame.set_index(key)
    if name_col is not None:
        columns = column_map(frame, origin)
        chosen = pick_column(columns, name_col, (), "name_col", origin)
        if "name" in frame.columns and chosen != "name":
            frame = frame.drop(columns="name")
        frame = frame.rename(columns={chosen: "name"})
    return as_areas(frame, origin, make_valid=make_valid)


def as_areas(
    areas: object, what: str = "`areas`", *, make_valid: bool = False, points: bool = False
) -> gpd.GeoDataFrame:
    """``areas`` checked as every step takes them: a GeoDataFrame indexed by a named, unique key
    (strings or integers), with a CRS, plausible coordinates and valid, non-empty polygons.

    A frame without a named index but with an ``ags`` column is read as municipalities
    (:func:`~ruhrgeo.read_municipalities`: the AGS normalized). The result is the frame
    itself when nothing needed changing, else a new frame; the input is never modified.
    With ``points=True`` (statistics on distance graphs) points are taken beside polygons.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> grid = gpd.GeoDataFrame({"cell": [1, 2]}, geometry=[shapely.box(0, 0, 1, 1),
    ...                         shapely.box(1, 0, 2, 1)], crs=25832).set_index("cell")
    >>> as_areas(grid).index.tolist()
    [1, 2]
    """
    if not isinstance(areas, gpd.GeoDataFrame):
        raise InputTypeError(not_a_frame(areas))
    if areas.index.name is None:
        if any(str(c).lower() == "ags" for c in areas.columns):
            from ruhrgeo.io.boundaries import read_municipalities

            return read_municipalities(areas, make_valid=make_valid)
        raise MissingIdError(
            f"{what} has no key: index it by a unique id (e.g. `gdf.set_index('kreis_ags')`) "
            "or read it with ruhrgeo.read_areas(..., id_col=...); municipalities with an AGS "
            "column are read by ruhrgeo.read_municipalities"
        )
    if areas.empty:
        raise EmptyGeometryError(f"{what} holds no area (no rows)")
    check_keys(areas.index, what)
    if areas.crs is None:
        raise CRSMissingError(
            f"{what} has no CRS; set one with `gdf.set_crs(25832)` (VG250 is in EPSG:25832)"
        )
    check_coordinates(areas, what)
    geometry = checked_geometries(areas, make_valid, what, points=points)
    if geometry is areas.geometry:
        return areas
    return areas.set_geometry(geometry)


def as_keyed(frame: object, what: str = "`gdf`") -> pd.DataFrame:
    """``frame`` checked for the steps that take areas or a plain table of them (a table
    with a given graph): a GeoDataFrame as :func:`as_areas` checks it, a DataFrame indexed
    by a named, unique key.

    Examples
    --------
    >>> import pandas as pd
    >>> as_keyed(pd.DataFrame({"v": [1.0]}, index=pd.Index(["a"], name="id"))).index.tolist()
    ['a']
    """
    if isinstance(frame, gpd.GeoDataFrame):
        return as_areas(frame, what, points=True)
    if not isinstance(frame, pd.DataFrame):
        raise InputTypeError(not_a_frame(frame))
    if frame.index.name is None:
        raise MissingIdError(
            f"{what} has no key: index it by a unique, named id (e.g. "
            "`df.set_index('ags')`); the results keep that key"
        )
    check_keys(frame.index, what)
    return frame


def check_keys(index: pd.Index, what: str) -> None:
    """Refuse missing, blank, repeated or unusable keys (floats, mixed or nested values)."""
    if index.hasnans:
        rows = np.flatnonzero(index.isna())[:5].tolist()
        raise MissingIdError(f"{what} has {int(index.isna().sum())} missing key(s) (rows {rows})")
    if not (pd.api.types.is_integer_dtype(index) or _all_text(index)):
        examples = list(dict.fromkeys(map(repr, index[:5])))
        raise MissingIdError(
            f"{what} is keyed by {index.dtype} values (e.g. {', '.join(examples)}); keys must "
            "be texts or whole numbers: convert them (e.g. `gdf.index = gdf.index.astype(str)`)"
        )
    if _all_text(index):
        blank = np.flatnonzero(pd.Series(index, dtype=object).str.strip().eq("").to_numpy())
        if len(blank):
            raise MissingIdError(
                f"{what} has {len(blank)} blank key(s) in `{index.name}` (rows "
                f"{blank[:5].tolist()}); give every area a key"
            )
    if not index.is_unique:
        doubled = index[index.duplicated()].unique()
        shown = ", ".join(map(str, list(doubled[:10])))
        raise DuplicateIdError(
            f"{what} has {len(doubled)} repeated key(s) in `{index.name}`: {shown}; each area "
            "must appear once (dissolve its parts first)"
        )


def _all_text(index: pd.Index) -> bool:
    if pd.api.types.is_string_dtype(index) and not pd.api.types.is_object_dtype(index):
        return True
    return bool(pd.api.types.is_object_dtype(index) and all(isinstance(v, str) for v in index))


def not_a_frame(value: object) -> str:
    kind = type(value).__name__
    if isinstance(value, pd.DataFrame):
        return (
            f"the areas must be polygons, got a {kind} without geometry (a table such as a "
            "CSV has no boundaries); read the boundaries from a GeoPackage, Shapefile or "
            "GeoJSON, or join the table onto them"
        )
    return (
        f"the areas must be a GeoDataFrame or the path of a vector file (GeoPackage, "
        f"Shapefile, GeoJSON), got {kind}"
    )


def check_coordinates(frame: gpd.GeoDataFrame, what: str) -> None:
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
            f"{what} is declared as {crs.to_string()} (degrees) but its coordinates reach "
            f"({x0:.0f}, {y0:.0f}, {x1:.0f}, {y1:.0f}), meters rather; set its real CRS, e.g. "
            "`gdf.set_crs(25832, allow_override=True)`"
        )


def checked_geometries(
    frame: gpd.GeoDataFrame, make_valid: bool, what: str = "`areas`", *, points: bool = False
) -> gpd.GeoSeries:
    """The frame's geometry when every one is a valid, non-empty polygon; repaired ones with
    ``make_valid``; else the error naming the first ten areas at fault."""
    geoms = frame.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise EmptyGeometryError(
            f"{what}: areas with missing or empty geometry: {named(frame, empty)}; "
            "drop them or fix the source"
        )
    kinds = shapely.get_type_id(geoms)
    allowed = (3, 6, 0, 4) if points else (3, 6)  # (Multi)Polygon, and (Multi)Point
    not_polygonal = ~np.isin(kinds, allowed)
    if not_polygonal.any():
        what_kind = "polygons or points" if points else "polygons"
        raise InvalidGeometryError(
            f"{what}: areas must be {what_kind}; not such: {named(frame, not_polygonal)}"
        )
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame.geometry
    if not make_valid:
        first = int(np.flatnonzero(invalid)[0])
        raise InvalidGeometryError(
            f"{what}: invalid geometry in {int(invalid.sum())} areas: {named(frame, invalid)} "
            f"(first: {shapely.is_valid_reason(geoms[first])}); repair them or pass "
            "`make_valid=True`"
        )
    geoms = geoms.copy()
    geoms[invalid] = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
    return gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs, name=frame.geometry.name)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def named(frame: pd.DataFrame, mask: np.ndarray) -> str:
    """The first ten rows of ``mask`` as ``key (name)``, for messages."""
    keys = frame.index if frame.index.name is not None else frame.get("ags", frame.index)
    keys = pd.Index(keys)[mask][:10]
    names = frame["name"].to_numpy()[mask][:10] if "name" in frame.columns else [None] * 10
    text = ", ".join(
        f"{k} ({n})" if n is not None else str(k) for k, n in zip(keys, names, strict=False)
    )
    more = int(mask.sum()) - len(keys)
    return text + (f" and {more} more" if more > 0 else "")


def column_map(frame: gpd.GeoDataFrame, origin: str) -> dict[str, str]:
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


def pick_column(
    columns: dict[str, str], given: str | None, defaults: tuple[str, ...], arg: str, origin: str
) -> str:
    """The column named ``given`` (any case), else the first of ``defaults`` present."""
    if given is not None and not isinstance(given, str):
        raise MissingColumnError(f"`{arg}` must be a column name (text), got {given!r}")
    wanted = (given.lower(),) if given else defaults
    for key in wanted:
        if key in columns:
            return columns[key]
    raise MissingColumnError(
        f"{origin} has no column {' or '.join(repr(w) for w in wanted)} "
        f"(columns: {sorted(map(str, columns.values()))[:20]}); name the right one with `{arg}=`"
    )


def read_vector(source: str | os.PathLike[str], layer: str | None) -> gpd.GeoDataFrame:
    """A vector file (or a zip of one) as a GeoDataFrame, or a FileFormatError naming it."""
    path = existing_path(source, "source", folder_ok=True)
    target = str(path)
    if path.suffix.lower() == ".zip":
        target = _zip_member(path, layer)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(target)]
        chosen = layer or _default_layer(layers, target)
        frame = gpd.read_file(target, layer=chosen, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        hint = (
            "; a CSV holds no boundaries: give a GeoPackage, Shapefile or GeoJSON"
            if path.suffix.lower() in (".csv", ".txt", ".xlsx")
            else "; give a GeoPackage, Shapefile, GeoJSON or a zip of one"
        )
        raise FileFormatError(
            f"`source` {os.fspath(source)!r} cannot be read as vector data ({exc}){hint}"
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame) or (len(frame) and frame.geometry.isna().all()):
        raise FileFormatError(
            f"`source` {os.fspath(source)!r} holds a table without geometries, not boundaries; "
            "give a GeoPackage, Shapefile or GeoJSON (join a table to boundaries by its key)"
        )
    return frame


def _default_layer(layers: list[str], target: str) -> str | None:
    if len(layers) <= 1:
        return None
    known = [name for name in layers if name.lower() in _PREFERRED_LAYERS]
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
