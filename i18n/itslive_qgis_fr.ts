<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>ItsLive</name>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="70" />
      <source>All Python packages the plugin uses are installed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="51" />
      <source>Anonymous requests (the public bucket needs no account)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="45" />
      <source>Bucket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="58" />
      <source>Cache folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="80" />
      <source>Cancelled: no output was written.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="41" />
      <source>Could not load algorithm {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="62" />
      <source>Could not read the model {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="19" />
      <source>ITS_LIVE</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="29" />
      <source>ITS_LIVE glacier and ice-sheet velocities</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="45" />
      <source>ITS_LIVE velocities</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/i18n.py" line="36" />
      <source>Missing Python packages: {}. Install them into the Python that QGIS uses, e.g. in a terminal: {} (on Windows use the OSGeo4W shell), then restart QGIS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="44" />
      <source>S3 bucket holding the ITS_LIVE archive (default: its-live-data).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="49" />
      <source>S3-compatible endpoint URL</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="48" />
      <source>Show or hide the ITS_LIVE panel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="62" />
      <source>The environment variable {} = {} overrides the endpoint.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="48" />
      <source>empty = AWS S3 (us-west-2); e.g. http://127.0.0.1:9000 for a mirror</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
