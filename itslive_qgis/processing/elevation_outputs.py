"""The NetCDF output of the elevation algorithms, refused early when missing (optional only for models)."""

from __future__ import annotations

from qgis.core import QgsProcessingException

from ..i18n import tr


def nc_output(alg, parameters, context, name: str = "OUTPUT") -> str:
    """The .nc output path of ``alg``, checked before any work; a missing one is refused."""
    from ..core.errors import InputError
    from ..core.io import check_output

    output = alg.parameterAsFileOutput(parameters, name, context)
    if not output:
        raise QgsProcessingException(tr("{}: no output file given: choose a .nc file.").format(name))
    try:
        check_output(output, name, suffixes=(".nc",))
    except InputError as exc:
        raise QgsProcessingException(str(exc)) from exc
    return output


def height_change_problem(parameters) -> str:
    """Why the workflow model's height-change branch cannot run ('' when it is off or can run)."""
    if parameters.get("HEIGHT_CHANGE") in (None, ""):
        return ""
    if parameters.get("THICKNESS") in (None, ""):
        return tr(
            "HEIGHT_CHANGE needs THICKNESS: the mass balance subtracts the dynamic dh/dt of the flux "
            "divergence."
        )
    for name in ("dhdt", "mass_balance"):
        if parameters.get(name) in (None, ""):
            return tr("{}: HEIGHT_CHANGE is given, so choose a file for {}.").format(name, name)
    return ""
