"""Settings > Options > ITS_LIVE: endpoint, cache folder, network limits, safety limits, dependencies.

Every field is one typed entry of :mod:`itslive_qgis.settings` (its range is the entry's).
"""

from __future__ import annotations

import os

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from .. import settings
from ..core.io import ENV_ENDPOINT
from ..i18n import dependency_message, tr
from ..paths import icon_path


class ItsLiveOptionsFactory(QgsOptionsWidgetFactory):
    """Creates the ITS_LIVE page of the QGIS options dialog."""

    def __init__(self):
        super().__init__()
        self.setTitle("ITS_LIVE")

    def icon(self):
        return QIcon(icon_path())

    def createWidget(self, parent):
        return ItsLiveOptionsPage(parent)


class ItsLiveOptionsPage(QgsOptionsPageWidget):
    """The options page itself."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ItsLiveOptionsPage")
        values = settings.read()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.bucket = QLineEdit(values["bucket"])
        self.bucket.setToolTip(tr("S3 bucket holding the ITS_LIVE archive (default: its-live-data)."))
        form.addRow(tr("Bucket"), self.bucket)

        self.endpoint = QLineEdit(values["endpoint_url"])
        self.endpoint.setPlaceholderText(
            tr("empty = AWS S3 (us-west-2); e.g. http://127.0.0.1:9000 for a mirror")
        )
        form.addRow(tr("S3-compatible endpoint URL"), self.endpoint)

        self.anonymous = QCheckBox(tr("Anonymous requests (the public bucket needs no account)"))
        self.anonymous.setChecked(values["anonymous"])
        form.addRow("", self.anonymous)

        self.cache_dir = QgsFileWidget()
        self.cache_dir.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.cache_dir.setFilePath(values["cache_dir"])
        form.addRow(tr("Cache folder"), self.cache_dir)

        self.retries = _spin(QSpinBox(), "retries", values)
        self.retries.setToolTip(
            tr("Attempts per request; failures (429, 5xx, resets) are retried with backoff and jitter.")
        )
        form.addRow(tr("Attempts per request"), self.retries)
        self.timeout = _spin(QDoubleSpinBox(), "timeout_s", values)
        self.timeout.setSuffix(" s")
        form.addRow(tr("Request timeout"), self.timeout)
        self.concurrency = _spin(QSpinBox(), "concurrency", values)
        form.addRow(tr("Requests in flight"), self.concurrency)
        self.max_download = _spin(QDoubleSpinBox(), "max_download_gb", values)
        self.max_download.setSuffix(" GB")
        self.max_download.setToolTip(
            tr("A subset estimated above this is refused before any velocity is read (0 = no limit).")
        )
        form.addRow(tr("Largest download"), self.max_download)
        self.other_hosts = QCheckBox(
            tr("Allow datacube URLs on other hosts than the ITS_LIVE bucket or the endpoint above")
        )
        self.other_hosts.setToolTip(
            tr("Off: a catalog or URL naming another server is refused: no request goes anywhere else.")
        )
        self.other_hosts.setChecked(values["allow_other_hosts"])
        form.addRow("", self.other_hosts)
        from .earthdata_options import add_earthdata_rows

        add_earthdata_rows(self, form)

        override = os.environ.get(ENV_ENDPOINT)
        self.env_label = QLabel(
            tr("The environment variable {} = {} overrides the endpoint.").format(ENV_ENDPOINT, override)
            if override
            else ""
        )
        self.env_label.setWordWrap(True)
        layout.addWidget(self.env_label)

        message = dependency_message()
        self.deps_label = QLabel(message or tr("All Python packages the plugin uses are installed."))
        self.deps_label.setObjectName("itslive_deps_label")
        self.deps_label.setWordWrap(True)
        self.deps_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.deps_label)
        self.installer = None
        if message:
            from .installer_panel import InstallerPanel

            self.installer = InstallerPanel(self)
            self.installer.installed.connect(lambda _restart: self.deps_label.setText(dependency_message()))
            layout.addWidget(self.installer)
        layout.addStretch(1)

    def apply(self):
        """Save the page into QgsSettings."""
        settings.write(
            {
                "bucket": self.bucket.text().strip(),
                "endpoint_url": self.endpoint.text().strip(),
                "cache_dir": _chosen_cache_dir(self.cache_dir.filePath()),
                "anonymous": self.anonymous.isChecked(),
                "retries": self.retries.value(),
                "timeout_s": self.timeout.value(),
                "concurrency": self.concurrency.value(),
                "max_download_gb": self.max_download.value(),
                "allow_other_hosts": self.other_hosts.isChecked(),
            }
        )
        from .earthdata_options import apply_earthdata

        apply_earthdata(self)


def _spin(widget, name: str, values: dict):
    """A spin box bounded like the setting ``name`` (:data:`settings.RANGES`), showing its value."""
    widget.setRange(*settings.RANGES[name])
    widget.setValue(values[name])
    return widget


def _chosen_cache_dir(path: str) -> str:
    """The cache folder to save: '' while it is the default one shown (it then follows the default)."""
    from ..core.io import default_cache_dir

    path = path.strip()
    return "" if path == str(default_cache_dir()) else path
