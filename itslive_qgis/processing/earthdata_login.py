"""The Earthdata login of the ICESat-2 algorithms: from the QGIS authentication database, or ~/.netrc.

The options page stores only the id of a QGIS authentication configuration (``Basic``: user name
and password); the login itself stays in the QGIS auth database (encrypted by its master
password) and is read here, in memory, when a run needs NASA-cloud S3 keys. It is never written
to settings, projects or logs, and it is sent only to NASA's login host
(:func:`core.elevation.s3_credentials`). Reads from a configured S3 mirror (an endpoint URL in
the options, or ``ITSLIVE_S3_ENDPOINT_URL``) are anonymous and need no login.
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProcessingException

from ..i18n import tr


def earthdata_login():
    """The EarthdataLogin of the configured auth config, else of ~/.netrc, else None."""
    from .. import settings
    from ..core.elevation import EarthdataLogin, login_from_netrc

    authcfg = str(settings.EARTHDATA_AUTHCFG.value() or "").strip()
    if authcfg:
        config = QgsAuthMethodConfig()
        manager = QgsApplication.authManager()
        if manager.loadAuthenticationConfig(authcfg, config, True):
            user, password = config.config("username"), config.config("password")
            if user and password:
                return EarthdataLogin(user, password)
        raise QgsProcessingException(
            tr(
                "The Earthdata authentication configuration {} chosen in Settings > Options > ITS_LIVE could "
                "not be read (deleted, or the QGIS master password was not entered), or has no user name and "
                "password: choose another one."
            ).format(authcfg)
        )
    return login_from_netrc()


def needs_login(config) -> bool:
    """True when S3 reads go to AWS itself (no mirror endpoint configured): NASA's bucket needs keys."""
    return not config.endpoint_url


def login_problem(config) -> str:
    """What to set up ('' when a login is available or not needed), for checkParameterValues."""
    from ..core.elevation import EARTHDATA_SETUP_HELP

    if not needs_login(config):
        return ""
    try:
        login = earthdata_login()
    except QgsProcessingException as exc:
        return str(exc)
    return "" if login is not None else EARTHDATA_SETUP_HELP


def s3_keys(alg, config):
    """Temporary NASA S3 keys for this run (None when reading from a mirror); never logged."""
    from ..core.elevation import s3_credentials

    if not needs_login(config):
        return None
    login = earthdata_login()
    return alg.run_core(s3_credentials, login)
