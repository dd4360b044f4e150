"""The DASK_SCHEDULER runs of itslive:invert / strainrates / downloadsubset: their parameter, where
they write, and how the workers reach it.

A local ``.zarr`` folder, or an ``s3://`` URL confined to the configured endpoint
(:func:`itslive_qgis.core.cluster.result_url`): the workers write it through that endpoint with
the options of :func:`itslive_qgis.core.cluster.result_storage_options` (ITS_LIVE's bucket as
configured, any other bucket signed by the workers' own AWS credential chain; no credential
travels with the tasks). The dock and itslive:loadresult load such a URL from its cached copy.
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterDefinition, QgsProcessingParameterString

from .. import settings
from ..i18n import tr
from .base import output_path_value, progress_for


def add_scheduler_parameter(alg) -> None:
    """The advanced DASK_SCHEDULER parameter of ``alg`` (default: the plugin's dask_scheduler setting)."""
    scheduler = QgsProcessingParameterString(
        alg.DASK_SCHEDULER,
        tr("Dask scheduler (empty = in process, local = this machine, or tcp://host:8786)"),
        defaultValue=settings.dask_scheduler(),
        optional=True,
    )
    scheduler.setFlags(scheduler.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
    alg.addParameter(scheduler)


def scheduler_of(alg, parameters, context):
    """The parsed DASK_SCHEDULER of ``alg`` (InputError naming it when it is not a scheduler value)."""
    from ..core.cluster import parse_scheduler

    return parse_scheduler(alg.parameterAsString(parameters, alg.DASK_SCHEDULER, context), alg.DASK_SCHEDULER)


def cluster_output(alg, parameters, context) -> tuple[str, dict | None]:
    """(OUTPUT, its fsspec options): a local .zarr path (no options) or the confined s3:// URL."""
    from ..core.cluster import result_storage_options, result_url

    output = output_path_value(parameters.get(alg.OUTPUT)) or ""
    if "://" not in output:
        return alg.parameterAsFileOutput(parameters, alg.OUTPUT, context), None
    config = alg.store_config()
    output = alg.run_core(result_url, output, config, settings.allow_other_hosts(), alg.OUTPUT)
    return output, result_storage_options(output, config)


def run_on_cluster(alg, parameters, context, feedback, scheduler, function, *args, **kwargs):
    """``function(*args, output=, scheduler=, progress=, storage_options=, **kwargs)`` through
    ``alg.run_core``: the cluster OUTPUT (:func:`cluster_output`) with its options, the scheduler's
    address (``local:<n>`` for a LocalCluster) and the "Running on ..." line of the log."""
    output, storage_options = cluster_output(alg, parameters, context)
    feedback.pushInfo(tr("Running on {}.").format(scheduler.describe()))
    return alg.run_core(
        function,
        *args,
        output=output,
        scheduler=scheduler.address or f"local:{scheduler.n_workers}",
        progress=progress_for(feedback),
        storage_options=storage_options,
        **kwargs,
    )


def input_options(alg, source) -> dict | None:
    """fsspec options of an s3:// INPUT store that the workers read (the configured endpoint), else None."""
    if not isinstance(source, str) or not source.startswith("s3://"):
        return None
    from ..core.cluster import result_storage_options

    return result_storage_options(source, alg.store_config())


def url_output_problem(alg, path: str | None, on_cluster: bool) -> str:
    """Why an fsspec-URL OUTPUT cannot be written ('' when ``path`` is no URL or a usable one)."""
    if path is None or "://" not in path:
        return ""
    from ..core.cluster import result_url
    from ..core.errors import InputError
    from ..i18n import tr

    if not on_cluster:
        return tr(
            "{}: {} is a URL: only a DASK_SCHEDULER run writes to a URL (a Zarr store); in process give a "
            "local file."
        ).format(alg.OUTPUT, path)
    try:
        result_url(path, settings.checked_store_config(), settings.allow_other_hosts(), alg.OUTPUT)
    except InputError as exc:
        return str(exc)
    return ""
