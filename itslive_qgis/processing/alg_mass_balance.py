"""itslive:massbalance — the height change the flow does not explain: dhdt_observed - dynamic_dhdt (m/yr)."""

from __future__ import annotations

from qgis.core import Qgis, QgsProcessingParameterFile, QgsProcessingParameterFileDestination

from ..i18n import tr
from .base import ItsLiveAlgorithm
from .elevation_outputs import nc_output


class MassBalanceAlgorithm(ItsLiveAlgorithm):
    """Residual of an observed dh/dt and itslive:fluxdivergence's dynamic dh/dt, with its sigma."""

    NAME = "massbalance"
    CAPABILITY = "elevation"
    GROUP = "Elevation"
    GROUP_ID = "elevation"
    DHDT = "DHDT"
    FLUX_DIVERGENCE = "FLUX_DIVERGENCE"
    OUTPUT = "OUTPUT"

    def displayName(self):
        return tr("Mass balance (height change not explained by the flow)")

    def shortHelpString(self):
        return tr(
            "residual_dhdt = dhdt_observed - dynamic_dhdt (m/yr of ice), on the grid of the flux "
            "divergence, with residual_dhdt_sigma = sqrt(dhdt_sigma^2 + dynamic_dhdt_error^2) (the two "
            "taken as independent).\n\n"
            "Sign convention (that of itslive:fluxdivergence): dynamic_dhdt = -flux_divergence, negative "
            "where the flow thins the ice (more ice leaves a cell than enters it). So residual_dhdt = "
            "dhdt_observed + flux_divergence is the surface plus basal mass balance in metres of ice per "
            "year: positive = gain not explained by the flow (accumulation), negative = loss (surface or "
            "basal melt). The observed height change is taken as ice (no firn-compaction or density "
            "correction).\n\n"
            "DHDT: the NetCDF itslive:elevationchange wrote (dhdt, dhdt_sigma; carried bilinearly onto the "
            "flux grid when its grid differs). FLUX_DIVERGENCE: the NetCDF itslive:fluxdivergence wrote "
            "(dynamic_dhdt, dynamic_dhdt_error; a time axis is averaged). OUTPUT: CF NetCDF with "
            "residual_dhdt, residual_dhdt_sigma, dhdt_observed and dynamic_dhdt, and the sign convention "
            "in its attributes."
        )

    def initAlgorithm(self, config=None):
        for name, label in (
            (self.DHDT, tr("Observed elevation change (itslive:elevationchange, .nc)")),
            (self.FLUX_DIVERGENCE, tr("Flux divergence (itslive:fluxdivergence, .nc)")),
        ):
            self.addParameter(
                QgsProcessingParameterFile(
                    name,
                    label,
                    behavior=Qgis.ProcessingFileParameterBehavior.File,
                    fileFilter="NetCDF (*.nc);;All files (*)",
                )
            )
        self.addParameter(
            # optional only so that the workflow model need not ask for it when its height-change branch
            # is off; run alone, a missing OUTPUT is refused (nc_output)
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Mass balance"), "NetCDF (*.nc)", optional=True
            )
        )

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.elevation import mass_balance_to_file

        dhdt = self.parameterAsFile(parameters, self.DHDT, context)
        flux = self.parameterAsFile(parameters, self.FLUX_DIVERGENCE, context)
        output = nc_output(self, parameters, context)
        feedback.pushInfo(tr("Mass balance: {} minus the dynamic dh/dt of {}").format(dhdt, flux))
        path = self.run_core(mass_balance_to_file, dhdt, flux, output)
        return {self.OUTPUT: str(path)}
