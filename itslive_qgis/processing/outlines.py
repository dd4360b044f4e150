"""The OUTLINE parameter (a polygon layer, or its selected features) of algorithms that take an area:
the union of its polygons in the data's CRS, and a dataset reduced to it (core.glacier.mask_dataset:
pixels outside NaN, chunks wholly outside never read)."""

from __future__ import annotations

from qgis.core import (
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
)

from ..i18n import tr

OUTLINE = "OUTLINE"


def add_outline_parameter(alg, name: str = OUTLINE) -> None:
    """An optional polygon layer (its selected features when the user ticks 'Selected features only')."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            name,
            tr("Glacier outlines: only pixels inside these polygons (optional, any CRS)"),
            [QgsProcessing.SourceType.TypeVectorPolygon],
            optional=True,
        )
    )


def outline_geometry(alg, parameters, context, crs, name: str = OUTLINE):
    """The union of the outline polygons as a shapely geometry in ``crs`` (QGIS CRS); None if not given."""
    import shapely.wkb

    if parameters.get(name) in (None, ""):
        return None
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        return None
    request = QgsFeatureRequest().setDestinationCrs(crs, context.transformContext())
    geoms = [
        f.geometry() for f in source.getFeatures(request) if f.hasGeometry() and not f.geometry().isEmpty()
    ]
    if not geoms:
        raise QgsProcessingException(tr("{}: the layer has no polygon (or none selected).").format(name))
    return shapely.wkb.loads(bytes(QgsGeometry.unaryUnion(geoms).asWkb()))


def apply_outline(alg, parameters, context, ds, feedback, name: str = OUTLINE):
    """``ds`` reduced to the outline's pixels (NaN outside) when OUTLINE is given, else ``ds`` itself."""
    if parameters.get(name) in (None, ""):
        return ds
    from ..core.geo import crs_from_dataset
    from ..core.glacier import mask_dataset
    from .velocity_inputs import qgis_crs

    crs = alg.run_core(crs_from_dataset, ds)
    geometry = outline_geometry(alg, parameters, context, qgis_crs(crs), name)
    masked, mask = alg.run_core(mask_dataset, ds, geometry)
    feedback.pushInfo(
        tr("{}: {} pixels inside the outline(s), {:.2f} km2").format(
            name, int(mask.inside.sum()), mask.area_m2 / 1e6
        )
    )
    return masked
