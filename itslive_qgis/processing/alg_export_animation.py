"""itslive:exportanimation — the itslive:exportmap layout for every frame of a time range, as a GIF or MP4.

Frames are the result's own time steps inside START_DATE..END_DATE (STEP_DAYS = 0) or regular
windows of STEP_DAYS days. Each frame is rendered and appended at once (memory: one frame): to the
GIF (quantised, its date label as the frame's GIF comment) or piped to ffmpeg for an H.264 MP4
(imageio-ffmpeg; the date labels in the video's comment metadata; see layers.animation for why
this encoder). Progress per frame; cancelling stops between frames and removes the partial file
(the file is written under a temporary name and renamed at the end).
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..i18n import tr
from .alg_export_map import ExportMapAlgorithm, parse_date

#: most frames one run writes (a typo in STEP_DAYS should not start a day-long render)
MAX_FRAMES = 2000


class ExportAnimationAlgorithm(ExportMapAlgorithm):
    """Export the map layout frame by frame over a time range to an animated GIF."""

    NAME = "exportanimation"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    STEP_DAYS = "STEP_DAYS"
    FRAME_MS = "FRAME_MS"
    FRAMES = "FRAMES"
    DATES = "DATES"
    DEFAULT_LAYOUT = "ITS_LIVE animation"

    def displayName(self):
        return tr("Export animation (GIF or MP4)")

    def shortHelpString(self):
        return tr(
            "The layout of 'Export map' (legend with units, scale bar, true-north arrow, title, ITS_LIVE "
            "citation) for every frame of a time range, written as an animated GIF or an H.264 MP4 video "
            "whose date label changes per frame.\n\n"
            "START_DATE, END_DATE (YYYY-MM-DD): the range (default: the whole result). STEP_DAYS: 0 = one "
            "frame per time step of the result, else windows of that many days. FRAME_MS: display time "
            "of a frame. OUTPUT: .gif, or .mp4 (needs the Python package imageio-ffmpeg, which brings "
            "its own ffmpeg). Frames are written one at a time (memory stays bounded); cancelling "
            "leaves no file."
        )

    def canExecute(self):
        """False, saying so, when Pillow (the GIF encoder) is missing."""
        import importlib.util

        if importlib.util.find_spec("PIL") is None:
            return False, tr(
                "Missing Python package: Pillow (it writes the GIF). Install it with: python -m pip install "
                "pillow"
            )
        return super().canExecute()

    def initAlgorithm(self, config=None):
        self.add_layout_parameters()
        for name, label in (
            (self.START_DATE, tr("First date (YYYY-MM-DD)")),
            (self.END_DATE, tr("Last date (YYYY-MM-DD)")),
        ):
            self.addParameter(QgsProcessingParameterString(name, label, optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.STEP_DAYS,
                tr("Frame step (days; 0 = the result's time steps)"),
                Qgis.ProcessingNumberParameterType.Double,
                defaultValue=0.0,
                minValue=0.0,
                maxValue=36500.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.FRAME_MS,
                tr("Frame duration (ms)"),
                Qgis.ProcessingNumberParameterType.Integer,
                defaultValue=400,
                minValue=20,
                maxValue=60000,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT,
                tr("Animation file"),
                fileFilter=tr("Animated GIF (*.gif);;MP4 video (*.mp4)"),
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.FRAMES, tr("Frames written")))
        self.addOutput(QgsProcessingOutputString(self.DATES, tr("Date labels of the frames")))
        self.addOutput(QgsProcessingOutputString(self.LAYOUT, tr("Layout name")))

    def processAlgorithm(self, parameters, context, feedback):
        from ..layers import layout as layouts
        from ..layers.animation import animation_writer

        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        if not output.lower().endswith((".gif", ".mp4")):
            raise QgsProcessingException(tr("OUTPUT must end in .gif or .mp4; got {}.").format(output))
        spec = self.map_spec(parameters, context)
        frames = self.frames(spec, parameters, context)
        layout = self.build(spec, frames[0])
        frame_ms = self.parameterAsInt(parameters, self.FRAME_MS, context)
        labels = []
        try:
            writer = animation_writer(output, frame_ms, [layouts.frame_label(f) for f in frames])
        except ImportError as exc:
            raise QgsProcessingException(
                tr(
                    "MP4 needs the Python package imageio-ffmpeg (it brings its own ffmpeg): install it "
                    "with: python -m pip install imageio-ffmpeg (or write a .gif)."
                )
            ) from exc
        try:
            for index, frame in enumerate(frames):
                if feedback.isCanceled():
                    raise QgsProcessingException(tr("Cancelled: no animation was written."))
                label = layouts.set_frame(layout, frame)
                writer.add(layouts.render_frame(layout, spec.dpi), label)
                labels.append(label)
                feedback.setProgress(100.0 * (index + 1) / len(frames))
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Cancelled: no animation was written."))
            writer.close()
        except QgsProcessingException:
            writer.abort()
            raise
        except Exception as exc:
            writer.abort()
            raise QgsProcessingException(tr("The animation could not be written: {}").format(exc)) from exc
        feedback.pushInfo(
            tr("{} frames ({} to {}) written to {}.").format(len(frames), labels[0], labels[-1], output)
        )
        layouts.set_frame(layout, frames[0])
        self.keep_layout(spec, layout, feedback)
        return {
            self.OUTPUT: output,
            self.FRAMES: len(frames),
            self.DATES: "\n".join(labels),
            self.LAYOUT: layout.name(),
        }

    def frames(self, spec, parameters, context) -> list:
        """The frames' time ranges: the result's steps in the range, or STEP_DAYS windows."""
        from ..layers.temporal import date_range, days_from_datetime

        start_text = self.parameterAsString(parameters, self.START_DATE, context).strip()
        end_text = self.parameterAsString(parameters, self.END_DATE, context).strip()
        step_days = self.parameterAsDouble(parameters, self.STEP_DAYS, context)
        steps = spec.steps
        if steps:
            first = days_from_datetime(steps[0].begin())
            last = days_from_datetime(steps[-1].end())
        elif step_days <= 0 or not (start_text and end_text):
            raise QgsProcessingException(
                tr("No time steps in these layers: give START_DATE, END_DATE and STEP_DAYS.")
            )
        start = parse_date(start_text, self.START_DATE) if start_text else first
        end = parse_date(end_text, self.END_DATE) + 1.0 if end_text else last
        if end <= start:
            raise QgsProcessingException(
                tr("{} is not after {}: swap them.").format(self.END_DATE, self.START_DATE)
            )
        if step_days > 0:
            count = int((end - start) // step_days) + (1 if (end - start) % step_days > 1e-9 else 0)
            if count > MAX_FRAMES:
                raise QgsProcessingException(
                    tr("{} frames: more than {}; choose a longer STEP_DAYS or a shorter range.").format(
                        count, MAX_FRAMES
                    )
                )
            frames = [
                date_range(start + k * step_days, min(start + (k + 1) * step_days, end)) for k in range(count)
            ]
        else:
            frames = [
                step
                for step in steps
                if days_from_datetime(step.end()) > start and days_from_datetime(step.begin()) < end
            ]
        if not frames:
            raise QgsProcessingException(tr("No time step between {} and {}.").format(start_text, end_text))
        if len(frames) > MAX_FRAMES:
            raise QgsProcessingException(
                tr("{} frames: more than {}; choose a shorter range.").format(len(frames), MAX_FRAMES)
            )
        return frames
