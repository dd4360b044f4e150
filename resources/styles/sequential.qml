<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.40.6-Bratislava" styleCategories="Symbology|Legend">
  <pipe-data-defined-properties>
    <Option type="Map">
      <Option value="" name="name" type="QString"/>
      <Option name="properties"/>
      <Option value="collection" name="type" type="QString"/>
    </Option>
  </pipe-data-defined-properties>
  <pipe>
    <provider>
      <resampling zoomedOutResamplingMethod="nearestNeighbour" zoomedInResamplingMethod="nearestNeighbour" maxOversampling="2" enabled="false"/>
    </provider>
    <rasterrenderer classificationMin="0" band="1" type="singlebandpseudocolor" nodataColor="" opacity="1" alphaBand="-1" classificationMax="1">
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader classificationMode="1" colorRampType="INTERPOLATED" minimumValue="0" clip="0" maximumValue="1" labelPrecision="6">
          <item value="0" color="#000004" alpha="255" label="0"/>
          <item value="0.1" color="#150e37" alpha="255" label="0.1"/>
          <item value="0.2" color="#3b0f6f" alpha="255" label="0.2"/>
          <item value="0.3" color="#641a80" alpha="255" label="0.3"/>
          <item value="0.4" color="#8c2981" alpha="255" label="0.4"/>
          <item value="0.5" color="#b6377a" alpha="255" label="0.5"/>
          <item value="0.6" color="#dd4a69" alpha="255" label="0.6"/>
          <item value="0.7" color="#f66f5c" alpha="255" label="0.7"/>
          <item value="0.8" color="#fe9f6d" alpha="255" label="0.8"/>
          <item value="0.9" color="#fece91" alpha="255" label="0.9"/>
          <item value="1" color="#fcfdbf" alpha="255" label="1"/>
          <rampLegendSettings maximumLabel="" minimumLabel="" orientation="2" useContinuousLegend="1" prefix="" direction="0" suffix="">
            <numericFormat id="basic">
              <Option type="Map">
                <Option name="decimal_separator" type="invalid"/>
                <Option value="6" name="decimals" type="int"/>
                <Option value="0" name="rounding_type" type="int"/>
                <Option value="false" name="show_plus" type="bool"/>
                <Option value="true" name="show_thousand_separator" type="bool"/>
                <Option value="false" name="show_trailing_zeros" type="bool"/>
                <Option name="thousand_separator" type="invalid"/>
              </Option>
            </numericFormat>
          </rampLegendSettings>
        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast gamma="1" contrast="0" brightness="0"/>
    <huesaturation saturation="0" grayscaleMode="0" invertColors="0" colorizeBlue="128" colorizeStrength="100" colorizeRed="255" colorizeOn="0" colorizeGreen="128"/>
    <rasterresampler maxOversampling="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
