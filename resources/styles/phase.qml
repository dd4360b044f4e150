<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis styleCategories="Symbology|Legend" version="3.40.6-Bratislava">
  <pipe-data-defined-properties>
    <Option type="Map">
      <Option name="name" value="" type="QString"/>
      <Option name="properties"/>
      <Option name="type" value="collection" type="QString"/>
    </Option>
  </pipe-data-defined-properties>
  <pipe>
    <provider>
      <resampling zoomedInResamplingMethod="nearestNeighbour" enabled="false" zoomedOutResamplingMethod="nearestNeighbour" maxOversampling="2"/>
    </provider>
    <rasterrenderer classificationMin="1" classificationMax="367" opacity="1" alphaBand="-1" nodataColor="" type="singlebandpseudocolor" band="1">
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader classificationMode="1" clip="1" maximumValue="367" colorRampType="DISCRETE" minimumValue="1" labelPrecision="6">
          <item alpha="255" label="Jan" color="#46b9eb" value="31.5"/>
          <item alpha="255" label="Feb" color="#4667eb" value="59.5"/>
          <item alpha="255" label="Mar" color="#7846eb" value="90.5"/>
          <item alpha="255" label="Apr" color="#ca46eb" value="120.5"/>
          <item alpha="255" label="May" color="#eb46b9" value="151.5"/>
          <item alpha="255" label="Jun" color="#eb4667" value="181.5"/>
          <item alpha="255" label="Jul" color="#eb7846" value="212.5"/>
          <item alpha="255" label="Aug" color="#ebca46" value="243.5"/>
          <item alpha="255" label="Sep" color="#b9eb46" value="273.5"/>
          <item alpha="255" label="Oct" color="#67eb46" value="304.5"/>
          <item alpha="255" label="Nov" color="#46eb78" value="334.5"/>
          <item alpha="255" label="Dec" color="#46ebca" value="366.5"/>
          <rampLegendSettings suffix="" useContinuousLegend="1" prefix="" maximumLabel="" minimumLabel="" orientation="2" direction="0">
            <numericFormat id="basic">
              <Option type="Map">
                <Option name="decimal_separator" type="invalid"/>
                <Option name="decimals" value="6" type="int"/>
                <Option name="rounding_type" value="0" type="int"/>
                <Option name="show_plus" value="false" type="bool"/>
                <Option name="show_thousand_separator" value="true" type="bool"/>
                <Option name="show_trailing_zeros" value="false" type="bool"/>
                <Option name="thousand_separator" type="invalid"/>
              </Option>
            </numericFormat>
          </rampLegendSettings>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" gamma="1" contrast="0"/>
    <huesaturation grayscaleMode="0" invertColors="0" colorizeRed="255" saturation="0" colorizeGreen="128" colorizeOn="0" colorizeStrength="100" colorizeBlue="128"/>
    <rasterresampler maxOversampling="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
