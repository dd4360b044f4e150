"""Date widgets for the plugin's YYYY-MM-DD string parameters in Processing dialogs.

The parameters stay strings (``qgis_process`` and models pass ``2014-01-01``); this wrapper,
named in the parameter's ``widget_wrapper`` metadata, shows a calendar date edit in the
algorithm and batch dialogs and, in the model designer, an editable list of the model's
string inputs (like Processing's own string wrapper), so a model input can still feed it.
"""

from __future__ import annotations

from processing.gui.wrappers import DIALOG_BATCH, DIALOG_STANDARD, WidgetWrapper
from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterString,
)
from qgis.gui import QgsDateEdit
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QComboBox

DATE_FORMAT = "yyyy-MM-dd"


class DateWidgetWrapper(WidgetWrapper):
    """A calendar date edit (empty allowed when the parameter is optional) holding ``yyyy-MM-dd``."""

    def createWidget(self):
        if self.dialogType in (DIALOG_STANDARD, DIALOG_BATCH):
            widget = QgsDateEdit()
            widget.setDisplayFormat(DATE_FORMAT)
            widget.setCalendarPopup(True)
            widget.setAllowNull(self._optional())
            default = QDate.fromString(str(self.parameterDefinition().defaultValue() or ""), DATE_FORMAT)
            if default.isValid():
                widget.setDate(default)
            else:
                widget.clear()
            return widget
        strings = self.dialog.getAvailableValuesOfType(
            [QgsProcessingParameterString], [QgsProcessingOutputString]
        )
        widget = QComboBox()
        widget.setEditable(True)
        for value in strings:
            widget.addItem(self.dialog.resolveValueDescription(value), value)
        return widget

    def setValue(self, value):
        if value is None:
            return
        if isinstance(self.widget, QgsDateEdit):
            date = value if isinstance(value, QDate) else QDate.fromString(str(value)[:10], DATE_FORMAT)
            if date.isValid():
                self.widget.setDate(date)
            return
        self.setComboValue(value)

    def value(self):
        if isinstance(self.widget, QgsDateEdit):
            if self.widget.isNull():
                return None
            return self.widget.date().toString(DATE_FORMAT)
        return self.comboValue(lambda v: bool(v) or self._optional())

    def _optional(self) -> bool:
        flags = self.parameterDefinition().flags()
        return bool(flags & QgsProcessingParameterDefinition.Flag.FlagOptional)
