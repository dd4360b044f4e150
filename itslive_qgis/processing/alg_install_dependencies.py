"""itslive:installdependencies: pip-install package sets into the plugin's folder in the profile.

Needs nothing but the standard library and pip, so it is registered (and runs) when every other
algorithm is disabled for missing packages: ``qgis_process run itslive:installdependencies --
SETS=core,numba`` sets up a lab's machines.
"""

from __future__ import annotations

from qgis.core import (
    QgsApplication,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterString,
)

from .. import deps, installer
from ..i18n import tr
from .base import ItsLiveAlgorithm


class InstallDependenciesAlgorithm(ItsLiveAlgorithm):
    NAME = "installdependencies"
    SETS = "SETS"
    COMMAND_ONLY = "COMMAND_ONLY"
    PYTHON = "PYTHON"
    FOLDER = "FOLDER"
    PACKAGES = "PACKAGES"
    COMMAND = "COMMAND"
    DOWNLOAD_MIB = "DOWNLOAD_MIB"
    RESTART_NEEDED = "RESTART_NEEDED"
    GROUP = "Setup"
    GROUP_ID = "setup"

    def displayName(self):
        return tr("Install Python packages")

    def shortHelpString(self):
        sets = "\n".join(f"{s.name}: {s.description}" for s in deps.SETS.values())
        return tr(
            "Installs the Python packages of the chosen sets with pip, using the Python QGIS runs, into "
            "<profile>/python/itslive_deps/<python version> (a folder the plugin owns and puts on sys.path "
            "when it starts). What QGIS's Python already has (numpy, GDAL, pyproj, shapely, netCDF4, h5py, "
            "rasterio, scipy, matplotlib, ...) is kept as it is: a constraints file made at run time pins "
            "it, numpy stays in its major version. The packages go into a new folder that replaces the "
            "previous one only when pip and an import check succeeded; a failure or a cancel leaves the "
            "previous folder as it was.\n\n"
            "SETS: comma-separated, core is always included:\n{}\n\n"
            "COMMAND_ONLY: only print the exact pip command for an environment of your own (conda, a "
            "venv, the OSGeo4W shell) and install nothing.\n"
            "PYTHON: the interpreter QGIS runs (found automatically when empty)."
        ).format(sets)

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterString(self.SETS, tr("Package sets (comma-separated)"), defaultValue="core")
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.COMMAND_ONLY, tr("Only show the pip command"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.PYTHON, tr("QGIS's Python (optional)"), optional=True)
        )
        self.addOutput(QgsProcessingOutputString(self.FOLDER, tr("Packages folder")))
        self.addOutput(QgsProcessingOutputString(self.PACKAGES, tr("Installed packages")))
        self.addOutput(QgsProcessingOutputString(self.COMMAND, tr("pip command for your own environment")))
        self.addOutput(QgsProcessingOutputNumber(self.DOWNLOAD_MIB, tr("Downloaded (MiB)")))
        self.addOutput(QgsProcessingOutputBoolean(self.RESTART_NEEDED, tr("Restart QGIS needed")))

    def processAlgorithm(self, parameters, context, feedback):
        try:
            sets = deps.parse_sets(self.parameterAsString(parameters, self.SETS, context))
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        python = self.parameterAsString(parameters, self.PYTHON, context).strip() or None
        profile = QgsApplication.qgisSettingsDirPath()
        try:
            if self.parameterAsBoolean(parameters, self.COMMAND_ONLY, context):
                command = installer.command_for(sets, python, profile)
                feedback.pushInfo(command)
                return {
                    self.FOLDER: "",
                    self.PACKAGES: "",
                    self.COMMAND: command,
                    self.DOWNLOAD_MIB: 0,
                    self.RESTART_NEEDED: False,
                }
            result = installer.install(
                sets,
                profile,
                python,
                log=feedback.pushConsoleInfo,
                progress=lambda f: feedback.setProgress(100.0 * f),
                cancelled=feedback.isCanceled,
            )
        except installer.InstallError as exc:
            raise QgsProcessingException(str(exc)) from exc
        installer.activate(profile)
        if result.restart_needed:
            feedback.pushWarning(tr("Restart QGIS: a package it had already loaded was replaced."))
        feedback.pushInfo(
            tr("Installed {} packages ({:.1f} MiB downloaded) into {}").format(
                len(result.packages), result.download_bytes / 2**20, result.folder
            )
        )
        return {
            self.FOLDER: str(result.folder),
            self.PACKAGES: ", ".join(f"{k}=={v}" for k, v in result.packages.items()),
            self.COMMAND: result.command,
            self.DOWNLOAD_MIB: round(result.download_bytes / 2**20, 1),
            self.RESTART_NEEDED: result.restart_needed,
        }
