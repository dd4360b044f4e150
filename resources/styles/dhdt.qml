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
    <rasterrenderer classificationMin="-10" band="1" type="singlebandpseudocolor" nodataColor="" opacity="1" alphaBand="-1" classificationMax="10">
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader classificationMode="1" colorRampType="INTERPOLATED" minimumValue="-10" clip="0" maximumValue="10" labelPrecision="6">
          <item value="-10" color="#ca0020" alpha="255" label="-10 m/yr"/>
          <item value="-8" color="#db4247" alpha="255" label="-8 m/yr"/>
          <item value="-6" color="#ec846e" alpha="255" label="-6 m/yr"/>
          <item value="-4" color="#f5b599" alpha="255" label="-4 m/yr"/>
          <item value="-2" color="#f6d6c8" alpha="255" label="-2 m/yr"/>
          <item value="0" color="#f7f7f7" alpha="255" label="0 m/yr"/>
          <item value="2" color="#cfe3ed" alpha="255" label="2 m/yr"/>
          <item value="4" color="#a6cfe3" alpha="255" label="4 m/yr"/>
          <item value="6" color="#76b4d5" alpha="255" label="6 m/yr"/>
          <item value="8" color="#3d93c2" alpha="255" label="8 m/yr"/>
          <item value="10" color="#0571b0" alpha="255" label="10 m/yr"/>
          <rampLegendSettings maximumLabel="" minimumLabel="" orientation="2" useContinuousLegend="1" prefix="" direction="0" suffix=" m/yr">
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
