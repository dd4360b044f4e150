"""itslive:icesat2heights — ICESat-2 ATL06 land-ice heights for an extent and dates, as temporal points."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDateTime, QMetaType, QTimeZone

from ..i18n import tr
from .base import ItsLiveAlgorithm, dates_problem, extent_in_crs, progress_for


class Icesat2HeightsAlgorithm(ItsLiveAlgorithm):
    """ATL06 segments (h_li, sigma, time, beam, cycle, rgt, quality) as a point layer."""

    NAME = "icesat2heights"
    CAPABILITY = "elevation"
    GROUP = "Elevation"
    GROUP_ID = "elevation"
    INPUT = "INPUT"
    EXTENT = "EXTENT"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    BEAMS = "BEAMS"
    QUALITY_ONLY = "QUALITY_ONLY"
    OUTPUT = "OUTPUT"
    SOURCE = "SOURCE"
    SLIDERULE_URL = "SLIDERULE_URL"
    #: SOURCE options, in order: the granules (INPUT, or the CMR search), SlideRule's two services
    SOURCE_OPTIONS = ("granules", "atl06sp", "atl06p")
    DEFAULT_SLIDERULE_URL = "slideruleearth.io"
    #: BEAMS options, in order
    BEAM_OPTIONS = ("all", "strong")
    DEFAULT_QUALITY_ONLY = True
    #: output fields: name -> QMetaType
    FIELDS = (
        ("h_li", QMetaType.Type.Double),
        ("h_li_sigma", QMetaType.Type.Double),
        ("time", QMetaType.Type.QDateTime),
        ("beam", QMetaType.Type.QString),
        ("strong", QMetaType.Type.Bool),
        ("cycle", QMetaType.Type.Int),
        ("rgt", QMetaType.Type.Int),
        ("quality", QMetaType.Type.Int),
    )

    def displayName(self):
        return tr("ICESat-2 heights (ATL06)")

    def shortHelpString(self):
        return tr(
            "ICESat-2 ATL06 land-ice heights (one point per 40 m segment, every 20 m along track) for an "
            "extent and a date window, as a temporal point layer in EPSG:4326.\n\n"
            "Fields: h_li (m above the WGS84 ellipsoid), h_li_sigma (m, 1-sigma), time (UTC; GPS time of "
            "the segment minus the 18 leap seconds), beam (gt1l..gt3r), strong (true for the strong beam "
            "of each pair), cycle (91-day repeat cycle), rgt (reference ground track), quality "
            "(atl06_quality_summary, 0 = no known problem).\n\n"
            "INPUT: local ATL06 .h5 files or a folder of them (read with h5py), or an S3 location of "
            "granules (s3://nsidc-cumulus-prod-protected/ATLAS/ATL06/<version>/YYYY/MM/DD/, read with "
            "h5coro: only the datasets and rows of the extent), several separated by ';'. Empty: NASA's "
            "CMR granule search for the EXTENT and dates, then S3. The NASA cloud needs an Earthdata "
            "login (a QGIS authentication configuration chosen in Settings > Options > ITS_LIVE, or "
            "~/.netrc) and is reachable from AWS us-west-2; local files need none.\n"
            "EXTENT: any CRS (reprojected to longitude/latitude). START_DATE, END_DATE: YYYY-MM-DD, "
            "inclusive (UTC). BEAMS: all six or the three strong ones. QUALITY_ONLY (default on): keep "
            "atl06_quality_summary == 0. Fill values (3.4028235e+38) are never output.\n\n"
            "SOURCE: the ATL06 granules (INPUT, or the CMR search), or SlideRule's on-demand service "
            "(online only; no Earthdata login needed; SLIDERULE_URL, default slideruleearth.io, the public "
            "cluster): 'atl06sp' is the ATL06 product subset server-side (the same h_li, h_li_sigma and "
            "atl06_quality_summary as the granules); 'atl06p' is ATL06-SR, SlideRule's own fit of ATL03 "
            "photons (40 m segments every 20 m, land ice, high-confidence photons): its heights are "
            "SlideRule's h_mean and h_sigma written in the h_li and h_li_sigma fields, NOT ATL06's h_li "
            "(no first-photon-bias correction, another photon selection: expect centimetre to decimetre "
            "differences), and quality is SlideRule's pflags (0 = no processing flag). SlideRule positions "
            "are ITRF2014 (EPSG:7912), centimetres from EPSG:4326; INPUT is not used. SlideRule needs the "
            "sliderule set (itslive:installdependencies SETS=sliderule).\n\n"
            "Reference: Smith, B. et al. (2019), Land ice height-retrieval algorithm for NASA's ICESat-2 "
            "photon-counting laser altimeter, Remote Sens. Environ. 233, 111352, "
            "doi:10.1016/j.rse.2019.111352."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SOURCE,
                tr("Source"),
                options=[
                    tr("ATL06 granules: INPUT files, folder or s3://, or NASA's CMR search"),
                    tr("SlideRule: ATL06 subset (atl06sp, online)"),
                    tr("SlideRule: ATL06-SR from ATL03 photons (atl06p, online; heights are not h_li)"),
                ],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.INPUT,
                tr("ATL06 files, a folder or an s3:// location (';'-separated; empty = search NASA's CMR)"),
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent"), optional=True))
        for name, label in (
            (self.START_DATE, tr("Start date (YYYY-MM-DD, UTC)")),
            (self.END_DATE, tr("End date (YYYY-MM-DD, UTC)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.BEAMS, tr("Beams"), options=[tr("All six"), tr("Strong beams only")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.QUALITY_ONLY,
                tr("Only segments with atl06_quality_summary = 0"),
                defaultValue=self.DEFAULT_QUALITY_ONLY,
            )
        )
        url = QgsProcessingParameterString(
            self.SLIDERULE_URL,
            tr("SlideRule service (a domain: its public cluster over https)"),
            defaultValue=self.DEFAULT_SLIDERULE_URL,
            optional=True,
        )
        url.setFlags(url.flags() | Qgis.ProcessingParameterFlag.Advanced)
        self.addParameter(url)
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("ICESat-2 heights"), QgsProcessing.SourceType.TypeVectorPoint
            )
        )

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = dates_problem(
            self.parameterAsString(parameters, self.START_DATE, context),
            self.parameterAsString(parameters, self.END_DATE, context),
        ) or self._source_problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _source_problem(self, parameters, context) -> str:
        """The CMR search needs an extent; a NASA-cloud source needs a login (says what to set up)."""
        from .earthdata_login import login_problem

        inputs = self._inputs(parameters, context)
        if self._source(parameters, context) != "granules":
            return self._sliderule_problem(parameters, context, inputs)
        if not inputs and parameters.get(self.EXTENT) in (None, ""):
            return tr("Give ATL06 files in INPUT, or an EXTENT to search NASA's CMR for granules.")
        if not inputs or any(i.startswith("s3://") for i in inputs):
            return login_problem(self.store_config())
        return ""

    def _sliderule_problem(self, parameters, context, inputs) -> str:
        """SlideRule: an extent, no INPUT, its client installed, a usable URL."""
        from .. import deps
        from ..core.elevation import SLIDERULE_INSTALL_HELP, sliderule_host
        from ..core.errors import InputError

        if inputs:
            return tr(
                "INPUT is read by the granule source only: clear it, or choose SOURCE = ATL06 granules."
            )
        if parameters.get(self.EXTENT) in (None, ""):
            return tr("Give an EXTENT: SlideRule searches and subsets the granules of that area.")
        if not deps.is_available("sliderule"):
            return SLIDERULE_INSTALL_HELP
        try:
            sliderule_host(self._sliderule_url(parameters, context))
        except InputError as exc:
            return str(exc)
        return ""

    def _source(self, parameters, context) -> str:
        return self.SOURCE_OPTIONS[self.parameterAsEnum(parameters, self.SOURCE, context)]

    def _sliderule_url(self, parameters, context) -> str:
        text = (self.parameterAsString(parameters, self.SLIDERULE_URL, context) or "").strip()
        return text or self.DEFAULT_SLIDERULE_URL

    def _inputs(self, parameters, context) -> list[str]:
        text = self.parameterAsString(parameters, self.INPUT, context) or ""
        return [part.strip() for part in text.split(";") if part.strip()]

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.elevation import HeightQuery

        bbox = extent_in_crs(self, parameters, self.EXTENT, context, "EPSG:4326")
        query = self.run_core(
            HeightQuery,
            bbox=bbox,
            start=self.parameterAsString(parameters, self.START_DATE, context).strip() or None,
            end=self.parameterAsString(parameters, self.END_DATE, context).strip() or None,
            beams=self.BEAM_OPTIONS[self.parameterAsEnum(parameters, self.BEAMS, context)],
            quality_only=self.parameterAsBoolean(parameters, self.QUALITY_ONLY, context),
        )
        source = self._source(parameters, context)
        if source == "granules":
            frame, where = self._from_granules(parameters, context, feedback, query)
        else:
            frame, where = self._from_sliderule(parameters, context, feedback, query, source)
        if frame.empty:
            raise QgsProcessingException(
                tr(
                    "No ICESat-2 segment in the extent and dates ({}): widen the EXTENT or the dates, or "
                    "turn QUALITY_ONLY off."
                ).format(where)
            )
        sink, dest_id = self.parameterAsSink(
            parameters,
            self.OUTPUT,
            context,
            self._fields(source),
            QgsWkbTypes.Type.Point,
            QgsCoordinateReferenceSystem("EPSG:4326"),
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        self._write(sink, frame, feedback)
        feedback.pushInfo(tr("{} segments written").format(len(frame)))
        if context.willLoadLayerOnCompletion(dest_id):
            from ..layers.icesat2 import HeightsPostProcessor, keep_alive

            details = context.layerToLoadOnCompletionDetails(dest_id)
            details.setPostProcessor(keep_alive(HeightsPostProcessor()))
        return {self.OUTPUT: dest_id}

    def _from_granules(self, parameters, context, feedback, query):
        """(segments, what was read) from INPUT's granules or those NASA's CMR finds."""
        from .. import settings
        from ..core.elevation import find_granules
        from .earthdata_login import s3_keys

        inputs = self._inputs(parameters, context)
        config = self.store_config()
        remote = not inputs or any(i.startswith("s3://") for i in inputs)
        keys = s3_keys(self, config) if remote else None
        granules = self.run_core(
            find_granules, inputs, query, config=config, cmr_url=settings.cmr_url(), s3_credentials=keys
        )
        feedback.pushInfo(
            tr("{} ATL06 granule(s) from {}").format(
                len(granules), tr("CMR") if granules.origin == "CMR" else "INPUT"
            )
        )
        frame = self.run_core(read_segments, granules, query, config, keys, progress_for(feedback))
        return frame, tr("{} granule(s) read").format(len(granules))

    def _from_sliderule(self, parameters, context, feedback, query, product):
        """(segments, what was asked) from SlideRule's ``product`` service (core.elevation.sliderule)."""
        from ..core.elevation import read_sliderule

        url = self._sliderule_url(parameters, context)
        feedback.pushInfo(tr("SlideRule {} at {}").format(product, url))
        if product == "atl06p":
            feedback.pushWarning(
                tr(
                    "ATL06-SR: the h_li and h_li_sigma fields hold SlideRule's h_mean and h_sigma (its own "
                    "fit of ATL03 photons), not ATL06's h_li; quality holds its pflags."
                )
            )
        frame = self.run_core(read_sliderule, query, product, url, progress_for(feedback))
        return frame, tr("SlideRule {} answered").format(product)

    def _fields(self, source: str = "granules") -> QgsFields:
        """The output fields, each with a comment saying what it holds (ATL06-SR: what differs)."""
        notes = {
            "h_li": tr("ATL06 h_li: land-ice height, m above the WGS84 ellipsoid"),
            "h_li_sigma": tr("ATL06 h_li_sigma: 1-sigma uncertainty of h_li, m"),
            "time": tr("UTC time of the segment"),
            "beam": tr("ground track gt1l..gt3r"),
            "strong": tr("true for the strong beam of a pair"),
            "cycle": tr("91-day repeat cycle"),
            "rgt": tr("reference ground track"),
            "quality": tr("atl06_quality_summary (0 = no known problem)"),
        }
        if source == "atl06p":
            notes["h_li"] = tr(
                "SlideRule ATL06-SR h_mean (its fit of ATL03 photons), m above WGS84: NOT ATL06 h_li"
            )
            notes["h_li_sigma"] = tr("SlideRule ATL06-SR h_sigma, m")
            notes["quality"] = tr("SlideRule ATL06-SR pflags (0 = no processing flag)")
        fields = QgsFields()
        for name, kind in self.FIELDS:
            fields.append(QgsField(name, kind, "", 0, 0, notes[name]))
        return fields

    def _write(self, sink, frame, feedback) -> None:
        utc = QTimeZone.utc()
        ms = frame["time"].to_numpy().astype("datetime64[ms]").astype("int64")
        cols = [frame[c].to_numpy() for c in ("longitude", "latitude", "h_li", "h_li_sigma")]
        beams, strong = frame["beam"].to_numpy(), frame["strong"].to_numpy()
        cycle, rgt, quality = (frame[c].to_numpy() for c in ("cycle", "rgt", "quality"))
        for i in range(len(frame)):
            if i % 5000 == 0 and feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled: no output was written."))
            feature = QgsFeature()
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(float(cols[0][i]), float(cols[1][i]))))
            sigma = float(cols[3][i])
            feature.setAttributes(
                [
                    float(cols[2][i]),
                    sigma if sigma == sigma else None,
                    QDateTime.fromMSecsSinceEpoch(int(ms[i]), utc),
                    str(beams[i]),
                    bool(strong[i]),
                    int(cycle[i]),
                    int(rgt[i]),
                    int(quality[i]),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)


def read_segments(granules, query, config, keys, progress):
    """Open the granules and read the segments ``query`` selects (core only)."""
    from ..core.elevation import open_granules, read_heights

    with open_granules(granules, config=config, s3_credentials=keys) as readers:
        return read_heights(readers, query, progress=progress)
