"""Dock section for the analysis algorithms: strain rates, flux divergence, particle tracks.

Wiring only: each button builds the parameter dict of ``itslive:strainrates``,
``itslive:fluxdivergence`` or ``itslive:track`` from the widgets and runs that algorithm in
the background (:class:`gui.runner.AlgorithmRun`); the output is then loaded into the project
by :class:`layers.LoadResultTask` (file reading off the main thread, layers added on it).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsMeshLayer,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
)
from qgis.gui import QgsCollapsibleGroupBox, QgsDoubleSpinBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ..i18n import tr
from ..processing.alg_flux_divergence import FluxDivergenceAlgorithm as Flux
from ..processing.alg_strain_rates import StrainRatesAlgorithm as Strain
from ..processing.alg_track import TrackAlgorithm as Track
from ..processing.velocity_inputs import VelocityParameterIds as Velocity
from ..processing.velocity_inputs import netcdf_subdataset
from .panel_base import AlgorithmPanel

STRAIN_ID = "itslive:strainrates"
FLUX_ID = "itslive:fluxdivergence"
TRACK_ID = "itslive:track"
NETCDF_SUFFIXES = (".nc", ".nc4", ".cdf")
OUTPUT_SUFFIX = {STRAIN_ID: "_strain.nc", FLUX_ID: "_flux.nc", TRACK_ID: "_tracks.gpkg"}
RESULT_KIND = {STRAIN_ID: "strain", FLUX_ID: "flux", TRACK_ID: "tracks"}
#: the form's upper bounds where the algorithms have none (lower bounds and defaults are theirs)
MAX_LENGTH_SCALE_M_SHOWN = 100_000.0
MAX_DURATION_DAYS_SHOWN = 1e6
MAX_STEP_DAYS_SHOWN = 1e4


class AnalysisPanel(AlgorithmPanel):
    """Strain rates, flux divergence and particle tracks of a velocity layer, run in the background.

    ``runFinished(ok, message)`` is emitted when a run (and the loading of its output) ends.
    """

    def __init__(self, iface, parent=None, project: QgsProject | None = None):
        super().__init__(iface, parent, project)
        self._build()
        self._refresh_timer = QTimer(self)  # one refresh after a batch of layers, not one per layer
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(300)
        self._refresh_timer.timeout.connect(self._refresh_velocity_layers)
        self.project.layersAdded.connect(self._schedule_refresh)
        self.project.layersRemoved.connect(self._schedule_refresh)
        if iface is not None and hasattr(iface, "currentLayerChanged"):
            iface.currentLayerChanged.connect(self._follow_active_layer)
        self._refresh_velocity_layers()
        if iface is not None:
            self._follow_active_layer(iface.activeLayer())

    # -- widgets ---------------------------------------------------------------------------------
    def _build(self):
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.velocity_combo = QgsMapLayerComboBox(self)
        self.velocity_combo.setObjectName("itslive_velocity_layer")
        self.velocity_combo.setFilters(
            Qgis.LayerFilters(Qgis.LayerFilter.RasterLayer | Qgis.LayerFilter.MeshLayer)
        )
        self.velocity_combo.setToolTip(
            tr("A NetCDF/Zarr layer with vx and vy, or a *_vx.tif with its *_vy.tif")
        )
        form.addRow(tr("Velocity layer"), self.velocity_combo)
        self.output_folder = QgsFileWidget(self)
        self.output_folder.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_folder.setToolTip(tr("Empty: beside the velocity file (or the temporary folder)"))
        form.addRow(tr("Output folder"), self.output_folder)
        layout.addLayout(form)

        strain = QgsCollapsibleGroupBox(tr("Strain rates"), self)
        strain_form = QFormLayout(strain)
        self.method_combo = QComboBox(strain)
        self.method_combo.addItems([tr("Central differences"), tr("Logarithmic (Alley et al. 2018)")])
        strain_form.addRow(tr("Method"), self.method_combo)
        self.method_combo.setCurrentIndex(Strain.DEFAULT_METHOD)
        self.length_spin = _spin(
            strain,
            Strain.DEFAULT_LENGTH_SCALE_M,
            Strain.MIN_LENGTH_SCALE_M,
            MAX_LENGTH_SCALE_M_SHOWN,
            0,
            tr(" m"),
        )
        strain_form.addRow(tr("Length scale"), self.length_spin)
        self.strain_button = QPushButton(tr("Strain rates"), strain)
        self.strain_button.setObjectName("itslive_strain_button")
        self.strain_button.clicked.connect(self.run_strain)
        strain_form.addRow(self.strain_button)
        layout.addWidget(strain)

        flux = QgsCollapsibleGroupBox(tr("Flux divergence"), self)
        flux_form = QFormLayout(flux)
        self.thickness_combo = QgsMapLayerComboBox(flux)
        self.thickness_combo.setObjectName("itslive_thickness_layer")
        self.thickness_combo.setFilters(Qgis.LayerFilter.RasterLayer)
        self.thickness_combo.setAllowEmptyLayer(True, tr("(choose an ice thickness raster)"))
        self.thickness_combo.setLayer(None)
        flux_form.addRow(tr("Ice thickness (m)"), self.thickness_combo)
        self.outline_combo = QgsMapLayerComboBox(flux)
        self.outline_combo.setFilters(Qgis.LayerFilter.PolygonLayer)
        self.outline_combo.setAllowEmptyLayer(True)
        self.outline_combo.setLayer(None)
        flux_form.addRow(tr("Glacier outline"), self.outline_combo)
        self.depth_spin = _spin(
            flux, Flux.DEFAULT_DEPTH_FACTOR, Flux.MIN_DEPTH_FACTOR, Flux.MAX_DEPTH_FACTOR, 2, ""
        )
        flux_form.addRow(tr("Depth factor"), self.depth_spin)
        self.flux_button = QPushButton(tr("Flux divergence..."), flux)
        self.flux_button.setObjectName("itslive_flux_button")
        self.flux_button.clicked.connect(self.run_flux)
        flux_form.addRow(self.flux_button)
        layout.addWidget(flux)

        track = QgsCollapsibleGroupBox(tr("Particle tracks"), self)
        track_form = QFormLayout(track)
        self.seeds_combo = QgsMapLayerComboBox(track)
        self.seeds_combo.setFilters(Qgis.LayerFilter.PointLayer)
        track_form.addRow(tr("Seed points"), self.seeds_combo)
        self.start_edit = QLineEdit(track)
        self.start_edit.setPlaceholderText(tr("YYYY-MM-DD (empty: first time of the field)"))
        track_form.addRow(tr("Start date"), self.start_edit)
        self.duration_spin = _spin(
            track, Track.DEFAULT_DURATION_DAYS, Track.MIN_DAYS, MAX_DURATION_DAYS_SHOWN, 1, tr(" days")
        )
        track_form.addRow(tr("Duration"), self.duration_spin)
        self.step_spin = _spin(
            track, Track.DEFAULT_STEP_DAYS, Track.MIN_DAYS, MAX_STEP_DAYS_SHOWN, 2, tr(" days")
        )
        track_form.addRow(tr("Time step"), self.step_spin)
        self.direction_combo = QComboBox(track)
        self.direction_combo.addItems([tr("Forward"), tr("Backward")])
        self.direction_combo.setCurrentIndex(Track.DEFAULT_DIRECTION)
        track_form.addRow(tr("Direction"), self.direction_combo)
        self.track_button = QPushButton(tr("Track particles..."), track)
        self.track_button.setObjectName("itslive_track_button")
        self.track_button.clicked.connect(self.run_track)
        track_form.addRow(self.track_button)
        layout.addWidget(track)

        from .seasonal_action import add_seasonal_fit

        self.seasonal_button = add_seasonal_fit(self, layout)
        self.add_status_row(layout, "itslive_analysis_status")
        self.action_buttons = [self.strain_button, self.flux_button, self.track_button, self.seasonal_button]
        layout.addStretch(1)

    # -- parameters ------------------------------------------------------------------------------
    def velocity_parameters(self) -> dict:
        """INPUT or VX/VY (and CRS) for the selected velocity layer; raises ValueError if none."""
        layer = self.velocity_combo.currentLayer()
        if layer is None:
            raise ValueError(
                tr("Choose a velocity layer (a NetCDF/Zarr with vx and vy, or a vx/vy GeoTIFF pair).")
            )
        params = velocity_parameters_for_layer(layer)
        if params is None:
            raise ValueError(
                tr(
                    "{} has no vx/vy velocities: choose a NetCDF/Zarr with vx and vy or a *_vx.tif layer."
                ).format(layer.name())
            )
        crs = layer.crs()
        if crs.isValid() and not crs.isGeographic():
            params[Velocity.CRS] = crs.authid() or crs.toWkt()
        return params

    def strain_parameters(self) -> dict:
        """Parameters of itslive:strainrates from the widgets."""
        params = self.velocity_parameters()
        params.update(
            {
                Strain.METHOD: self.method_combo.currentIndex(),
                Strain.LENGTH_SCALE: self.length_spin.value(),
                Strain.OUTPUT: self._output_path(params, STRAIN_ID),
            }
        )
        return params

    def flux_parameters(self) -> dict:
        """Parameters of itslive:fluxdivergence from the widgets."""
        params = self.velocity_parameters()
        thickness = self.thickness_combo.currentLayer()
        if thickness is None:
            raise ValueError(tr("Choose an ice thickness raster layer."))
        params[Flux.THICKNESS] = _layer_reference(thickness)
        outline = self.outline_combo.currentLayer()
        if outline is not None:
            params[Flux.BOUNDARY] = outline.id()
        params.update(
            {Flux.DEPTH_FACTOR: self.depth_spin.value(), Flux.OUTPUT: self._output_path(params, FLUX_ID)}
        )
        return params

    def track_parameters(self) -> dict:
        """Parameters of itslive:track from the widgets."""
        params = self.velocity_parameters()
        seeds = self.seeds_combo.currentLayer()
        if seeds is None:
            raise ValueError(tr("Choose a point layer of seeds."))
        params.update(
            {
                Track.SEEDS: seeds.id(),
                Track.START_DATE: self.start_edit.text().strip(),
                Track.DURATION_DAYS: self.duration_spin.value(),
                Track.STEP_DAYS: self.step_spin.value(),
                Track.DIRECTION: self.direction_combo.currentIndex(),
                Track.OUTPUT: self._output_path(params, TRACK_ID),
            }
        )
        return params

    # -- runs ------------------------------------------------------------------------------------
    def run_strain(self) -> bool:
        """Start itslive:strainrates in the background; False (with a message) if it cannot start."""
        return self.start_algorithm(
            STRAIN_ID, self.strain_parameters, tr("Computing strain rates..."), "strain"
        )

    def run_flux(self) -> bool:
        """Start itslive:fluxdivergence in the background."""
        return self.start_algorithm(
            FLUX_ID, self.flux_parameters, tr("Computing the flux divergence..."), "flux"
        )

    def run_track(self) -> bool:
        """Start itslive:track in the background."""
        return self.start_algorithm(TRACK_ID, self.track_parameters, tr("Tracking particles..."), "tracks")

    def shutdown(self):
        """Disconnect from the project and iface (plugin unload)."""
        self.cancel()
        self._refresh_timer.stop()
        for signal, slot in (
            (self.project.layersAdded, self._schedule_refresh),
            (self.project.layersRemoved, self._schedule_refresh),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        if self.iface is not None and hasattr(self.iface, "currentLayerChanged"):
            try:
                self.iface.currentLayerChanged.disconnect(self._follow_active_layer)
            except TypeError:
                pass

    # -- layers ----------------------------------------------------------------------------------
    def _schedule_refresh(self, *_args):
        self._refresh_timer.start()

    def _refresh_velocity_layers(self, *_args):
        """Offer only raster/mesh layers that hold vx and vy."""
        excluded = [
            layer
            for layer in self.project.mapLayers().values()
            if isinstance(layer, QgsRasterLayer | QgsMeshLayer)
            and velocity_parameters_for_layer(layer) is None
        ]
        self.velocity_combo.setExceptedLayerList(excluded)
        # thickness: any single-band raster that is not an ITS_LIVE result (velocity, strain, ...)
        current = self.thickness_combo.currentLayer()
        unsuitable = [
            layer
            for layer in self.project.mapLayers().values()
            if isinstance(layer, QgsRasterLayer)
            and (layer.customProperty("itslive/kind") or layer.bandCount() != 1
                 or velocity_parameters_for_layer(layer) is not None)
        ]  # fmt: skip
        self.thickness_combo.setExceptedLayerList(unsuitable)
        if current is None or current in unsuitable:
            self.thickness_combo.setLayer(None)

    def _follow_active_layer(self, layer):
        """The active layer becomes the velocity layer when it holds velocities."""
        if layer is not None and velocity_parameters_for_layer(layer) is not None:
            self.velocity_combo.setLayer(layer)

    def _output_path(self, params: dict, algorithm_id: str) -> str:
        source = params.get(Velocity.INPUT) or params.get(Velocity.VX)
        folder = self.output_folder.filePath().strip()
        stem = Path(str(source).rstrip("/")).stem
        if stem.endswith("_vx"):
            stem = stem[:-3]
        target = Path(folder) if folder else Path(str(source).rstrip("/")).parent
        if not _writable(target):
            target = Path(tempfile.gettempdir()) / "itslive_qgis"
            target.mkdir(parents=True, exist_ok=True)
        return str(_unique(target / (stem + OUTPUT_SUFFIX[algorithm_id])))


# ------------------------------------------------------------------------------------------------
# helpers


def velocity_parameters_for_layer(layer) -> dict | None:
    """``{"INPUT": path}`` or ``{"VX": path, "VY": path}`` for a layer holding velocities, else None."""
    if isinstance(layer, QgsMeshLayer):
        path = (
            QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path") or ""
        )
        return {Velocity.INPUT: path} if _dataset_has_velocity(path) else None
    if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal":
        return None
    source = layer.source()
    sub = netcdf_subdataset(source) or _zarr_subdataset(source)
    if sub is not None:
        return {Velocity.INPUT: sub[0]} if _dataset_has_velocity(sub[0]) else None
    if source.lower().endswith(NETCDF_SUFFIXES) or source.rstrip("/").lower().endswith(".zarr"):
        return {Velocity.INPUT: source} if _dataset_has_velocity(source) else None
    return _raster_pair(source)


def _raster_pair(path: str) -> dict | None:
    """``*_vx.tif`` with its ``*_vy.tif`` (either one given)."""
    p = Path(path)
    stem = p.stem
    for mine, other in (("vx", "vy"), ("vy", "vx")):
        if stem.lower().endswith(mine) and p.is_file():
            sibling = p.with_name(stem[: -len(mine)] + other + p.suffix)
            if sibling.is_file():
                vx, vy = (p, sibling) if mine == "vx" else (sibling, p)
                return {Velocity.VX: str(vx), Velocity.VY: str(vy)}
    return None


def _zarr_subdataset(source: str) -> tuple[str, str] | None:
    text = source.strip()
    if not text.upper().startswith("ZARR:"):
        return None
    path, _, var = text[5:].strip('"').rpartition('":')
    return (path, var.strip("/")) if path and os.path.isdir(path) else None


_VELOCITY_CACHE: dict = {}


def _dataset_has_velocity(path: str) -> bool:
    """True when the NetCDF file or Zarr folder holds ``vx`` and ``vy`` (cached per modification)."""
    if not path or not os.path.exists(path):
        return False
    key = (path, os.path.getmtime(path))
    if key not in _VELOCITY_CACHE:
        if os.path.isdir(path):
            found = os.path.isdir(os.path.join(path, "vx")) and os.path.isdir(os.path.join(path, "vy"))
        else:
            found = _netcdf_variables(path) >= {"vx", "vy"}
        _VELOCITY_CACHE[key] = found
    return _VELOCITY_CACHE[key]


def _netcdf_variables(path: str) -> set[str]:
    from osgeo import gdal

    try:
        dataset = gdal.Open(path)  # no gdal.UseExceptions(): that would switch it for all of QGIS
    except RuntimeError:
        return set()
    if dataset is None:
        return set()
    names = {
        value.rsplit(":", 1)[-1]
        for key, value in (dataset.GetMetadata("SUBDATASETS") or {}).items()
        if key.endswith("_NAME")
    }
    return names


def _layer_reference(layer) -> str:
    """A file path when the layer is a plain file (safe in any thread), else its layer id."""
    source = layer.source()
    return source if layer.providerType() == "gdal" and os.path.isfile(source) else layer.id()


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def _unique(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}_{n}{path.suffix}")
        n += 1
    return candidate


def _spin(
    parent, value: float, minimum: float, maximum: float, decimals: int, suffix: str
) -> QgsDoubleSpinBox:
    spin = QgsDoubleSpinBox(parent)
    spin.setDecimals(decimals)
    # the box rounds its bounds to its decimals: round the minimum up, never below the algorithm's
    spin.setRange(math.ceil(minimum * 10**decimals - 1e-9) / 10**decimals, maximum)
    spin.setValue(value)
    spin.setClearValue(value)
    spin.setSuffix(suffix)
    return spin
