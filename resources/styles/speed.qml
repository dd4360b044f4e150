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
    <rasterrenderer classificationMin="1" band="1" type="singlebandpseudocolor" nodataColor="" opacity="1" alphaBand="-1" classificationMax="10000">
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <rastershader>
        <colorrampshader classificationMode="1" colorRampType="INTERPOLATED" minimumValue="1" clip="0" maximumValue="10000" labelPrecision="6">
          <item value="1" color="#440154" alpha="255" label="1 m/yr"/>
          <item value="2" color="#481c6e" alpha="255" label="2 m/yr"/>
          <item value="5" color="#433c84" alpha="255" label="5 m/yr"/>
          <item value="10" color="#3b528b" alpha="255" label="10 m/yr"/>
          <item value="20" color="#32668e" alpha="255" label="20 m/yr"/>
          <item value="50" color="#287e8e" alpha="255" label="50 m/yr"/>
          <item value="100" color="#21908d" alpha="255" label="100 m/yr"/>
          <item value="200" color="#20a287" alpha="255" label="200 m/yr"/>
          <item value="500" color="#38b977" alpha="255" label="500 m/yr"/>
          <item value="1000" color="#5dc963" alpha="255" label="1000 m/yr"/>
          <item value="2000" color="#8ad547" alpha="255" label="2000 m/yr"/>
          <item value="5000" color="#cce11e" alpha="255" label="5000 m/yr"/>
          <item value="10000" color="#fde725" alpha="255" label="10000 m/yr"/>
          <rampLegendSettings maximumLabel="" minimumLabel="" orientation="2" useContinuousLegend="0" prefix="" direction="0" suffix=" m/yr">
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
