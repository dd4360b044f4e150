"""The ICESat-2 rows of the ITS_LIVE options page: the Earthdata login (a QGIS auth config) and the CMR URL.

Only the id of the authentication configuration is saved in the settings; the user name and
password stay in the QGIS authentication database.
"""

from __future__ import annotations

from qgis.gui import QgsAuthConfigSelect
from qgis.PyQt.QtWidgets import QLineEdit

from .. import settings
from ..i18n import tr


def add_earthdata_rows(page, form) -> None:
    """Add the auth-config chooser and the CMR URL to ``form``; widgets kept on ``page``."""
    page.earthdata_auth = QgsAuthConfigSelect(page, "Basic")
    page.earthdata_auth.setObjectName("itslive_earthdata_authcfg")
    page.earthdata_auth.setConfigId(str(settings.EARTHDATA_AUTHCFG.value() or ""))
    page.earthdata_auth.setToolTip(
        tr(
            "NASA Earthdata login for ICESat-2 granules in the NASA cloud: a 'Basic' authentication "
            "configuration (user name and password of urs.earthdata.nasa.gov), kept in the QGIS "
            "authentication database. Only its id is saved here. ~/.netrc also works."
        )
    )
    form.addRow(tr("Earthdata login (ICESat-2)"), page.earthdata_auth)
    page.cmr_url = QLineEdit(str(settings.CMR_URL.value() or ""))
    page.cmr_url.setObjectName("itslive_cmr_url")
    page.cmr_url.setPlaceholderText(tr("empty = NASA's CMR (https://cmr.earthdata.nasa.gov)"))
    form.addRow(tr("CMR granule search URL"), page.cmr_url)


def apply_earthdata(page) -> None:
    """Save the id of the chosen auth config and the CMR URL."""
    settings.EARTHDATA_AUTHCFG.setValue(page.earthdata_auth.configId() or "")
    settings.CMR_URL.setValue(page.cmr_url.text().strip())
