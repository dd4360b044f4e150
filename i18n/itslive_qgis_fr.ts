<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>ItsLive</name>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="131" />
      <source> days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="97" />
      <source> m</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="83" />
      <source>A NetCDF/Zarr layer with vx and vy, or a *_vx.tif with its *_vy.tif</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="72" />
      <source>All Python packages the plugin uses are installed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="54" />
      <source>Analysis</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="53" />
      <source>Anonymous requests (the public bucket needs no account)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="263" />
      <source>Another analysis is still running: wait or cancel it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="54" />
      <source>Area polygons (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="60" />
      <source>Area polygons (optional, instead of the extent)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="258" />
      <source>Arrows from vx/vy drawn by the mesh layer (MDAL), sized by speed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="136" />
      <source>Backward</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="205" />
      <source>Both VX and VY rasters are needed (only one was given).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="45" />
      <source>Bucket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="183" />
      <source>CRS of the velocity grid (only when the file does not carry one)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="60" />
      <source>Cache folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="149" />
      <source>Cancel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="187" />
      <source>Cancelled: no output was written.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="240" />
      <source>Cancelling...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="93" />
      <source>Cannot create the output folder {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="139" />
      <source>Cannot look up cubes in this map CRS: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="57" />
      <source>Catalog file or URL (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="95" />
      <source>Central differences</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="312" />
      <source>Check that the seeds lie on cells with velocity data (field CRS {}, x {:.0f} to {:.0f} m, y {:.0f} to {:.0f} m)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="149" />
      <source>Choose a point layer of seeds (SEEDS).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="208" />
      <source>Choose a point layer of seeds.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="166" />
      <source>Choose a velocity layer (a NetCDF/Zarr with vx and vy, or a vx/vy GeoTIFF pair).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="134" />
      <source>Choose an ice thickness raster (THICKNESS).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="195" />
      <source>Choose an ice thickness raster layer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="36" />
      <source>Clip velocity mosaic</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="75" />
      <source>Clipped mosaics</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="39" />
      <source>Clips the ITS_LIVE v2 velocity mosaics (cloud-optimised GeoTIFFs under velocity_mosaic/v2/{annual,static}/cog/) to an area with HTTP range reads: only the tiles under the area are read, never whole files. YEAR 0 = the static (summary) mosaic, else the annual mosaic of that year (1985-2022). REGION: RGI region (e.g. 5 or RGI05A); default chosen from the area. VARIABLES: e.g. v,vx,vy,v_error,count (static mosaics also have dv_dt, v_amp, v_phase, ...). One GeoTIFF per variable in OUTPUT_FOLDER, in the mosaic's projection, with units (m/yr) and nodata. VX/VY outputs chain into itslive:strainrates.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="222" />
      <source>Computing strain rates...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="226" />
      <source>Computing the flux divergence...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="293" />
      <source>Copying band 1 of {} to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="187" />
      <source>Correct for the projection scale factor</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="50" />
      <source>Could not load algorithm {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="73" />
      <source>Could not read the model {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="110" />
      <source>Datacube URLs (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="61" />
      <source>Datacube footprints</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="47" />
      <source>Datacubes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="176" />
      <source>Datacubes covering the area: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="116" />
      <source>Depth factor</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="99" />
      <source>Depth factor (depth-averaged / surface speed)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="104" />
      <source>Device</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="137" />
      <source>Direction</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="53" />
      <source>Divergence of the ice flux, flux_divergence = d(H f vx)/dx + d(H f vy)/dy (m/yr), and the thickness change that flow alone causes, dynamic_dhdt = -flux_divergence (m/yr; negative = dynamic thinning, where more ice leaves a cell than enters it). Surface and basal mass balance are not included.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr along grid east / north; a time axis is kept), OR the two rasters VX and VY.
THICKNESS: ice thickness raster (m) in any CRS and resolution; it is reprojected bilinearly onto the velocity grid (no-data and negative values are masked). THICKNESS_ERROR (optional, m) is handled the same way and propagated with the velocity errors.
DEPTH_FACTOR f: depth-averaged / surface speed (1 = plug flow or sliding; about 0.8 for flow by internal deformation only).
BOUNDARY: glacier outline as a polygon layer (any CRS, reprojected to the velocity grid), OR BOUNDARY_POINTS: a CSV of outline vertices in order with x and y columns in the velocity CRS (an optional fid column separates rings). Cells outside are masked before differencing, so no flux leaks in from outside the ice.
CRS: the grid's CRS when the velocity file does not say (e.g. ITS_LIVE v1 clips: EPSG:3413). SCALE_CORRECTION (advanced, on): divergence on the ellipsoid, corrected for the projection scale factor.
OUTPUT: NetCDF (.nc, with the thickness on the velocity grid and the errors) or GeoTIFF (.tif, 2-D input only).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="310" />
      <source>Done: {} ({} layer(s) added)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="32" />
      <source>Download datacube subset</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="35" />
      <source>Downloads the image-pair velocities of the ITS_LIVE datacubes under an area (EXTENT, or the polygons of AOI, e.g. a selected glacier outline; any CRS) whose mid_date lies in [START_DATE, END_DATE] (YYYY-MM-DD, inclusive), and writes one clean file: -32767 fill values become NaN, pairs are sorted by mid_date (duplicates kept in a stable order), acquisition_date_img1 &lt;= acquisition_date_img2, date_dt in days, y stays descending; CF-1.8 NetCDF4 (compressed, .nc) or Zarr (.zarr) with the grid mapping, units (m/yr) and provenance.

Only the chunks under the area are read, many at a time, retried with backoff; an interrupted or cancelled download resumes without fetching completed chunks; the file appears only when complete. Tiles of one projection are joined on their common 120 m grid; tiles of another projection are resampled onto TARGET_CRS (default: the projection of the tile covering most of the area) with vx/vy rotated into its axes.

CUBES: optional comma-separated zarr URLs (the dock's selection), or CUBES_LAYER: the output of itslive:findcubes; default: every cube of the catalog covering the area. VARIABLES: default v, vx, vy, v_error and the per-pair metadata. SATELLITES: e.g. 8,9,2A,2B (first image). MIN_DT_DAYS/MAX_DT_DAYS bound date_dt (days); MIN_VALID_PCT bounds roi_valid_percentage (%); MAX_V_ERROR (m/yr) blanks worse pixels.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="132" />
      <source>Duration</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="106" />
      <source>Duration (days)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="88" />
      <source>Empty: beside the velocity file (or the temporary folder)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="71" />
      <source>End date (YYYY-MM-DD)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="56" />
      <source>Extent (any CRS)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="59" />
      <source>Extent (part of a cube)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="39" />
      <source>Find datacubes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="251" />
      <source>Flow vectors</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="105" />
      <source>Flux divergence</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="143" />
      <source>Flux divergence of {} with thickness {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="117" />
      <source>Flux divergence...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="136" />
      <source>Forward</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="156" />
      <source>Give an area: an extent or a polygon layer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="167" />
      <source>Give the glacier outline either as a polygon layer or as a CSV of points, not both.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="199" />
      <source>Give the velocities either as a dataset (INPUT) or as two rasters (VX and VY), not both.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="114" />
      <source>Glacier outline</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="82" />
      <source>Glacier outline (polygons, any CRS)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="27" />
      <source>ITS_LIVE</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="134" />
      <source>ITS_LIVE flux divergence — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="36" />
      <source>ITS_LIVE glacier and ice-sheet velocities</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="132" />
      <source>ITS_LIVE inversion — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="136" />
      <source>ITS_LIVE mosaic — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="139" />
      <source>ITS_LIVE result — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="133" />
      <source>ITS_LIVE strain rates — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="135" />
      <source>ITS_LIVE subset — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="137" />
      <source>ITS_LIVE tracks — {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="45" />
      <source>ITS_LIVE velocities</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="109" />
      <source>Ice thickness (m)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="107" />
      <source>Ice thickness uncertainty (m, 1-sigma)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="33" />
      <source>Invert pair velocities to a time series</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="98" />
      <source>Length scale</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="109" />
      <source>Length scale for the logarithmic method (metres)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="42" />
      <source>Lists the ITS_LIVE Zarr datacubes (100 km tiles, 120 m) whose footprint intersects the extent. A cube covers a place when the place intersects the cube's tile square in the cube's own projection (EPSG:3413, EPSG:3031 or UTM), so the answer is right for extents in any CRS, across the antimeridian and at UTM seams (where two cubes cover a place).

CATALOG: optional path or URL of a catalog_v02.json; default the configured endpoint's datacubes/catalog_v02.json (cached; refreshed when it changed).
OUTPUT: one polygon per cube in EPSG:4326 with zarr_url, epsg, granule_count and roi_percent_coverage (%), largest overlap first.

Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="109" />
      <source>Loading the ITS_LIVE catalog</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="64" />
      <source>Loading the datacube catalog...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="160" />
      <source>Loading {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="194" />
      <source>Loading {} was cancelled.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="296" />
      <source>Loading {}...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="95" />
      <source>Logarithmic (Alley et al. 2018)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="101" />
      <source>Logarithmic strain over a length scale (Alley et al. 2018)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="83" />
      <source>Maximum date_dt (days)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="103" />
      <source>Maximum v_error (m/yr)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="96" />
      <source>Method</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="82" />
      <source>Minimum date_dt (days)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="93" />
      <source>Minimum roi_valid_percentage (%)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/i18n.py" line="36" />
      <source>Missing Python packages: {}. Install them into the Python that QGIS uses, e.g. in a terminal: {} (on Windows use the OSGeo4W shell), then restart QGIS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="108" />
      <source>NetCDF (*.nc)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="115" />
      <source>NetCDF (*.nc);;Zarr (*.zarr)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="174" />
      <source>No ITS_LIVE datacube covers the area: check its position and CRS.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="265" />
      <source>No flow arrows for {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="169" />
      <source>No outline CSV at {}: check the path.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="312" />
      <source>No output file given.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="201" />
      <source>No velocities given: choose a NetCDF/Zarr velocity dataset (INPUT) or the two rasters VX and VY.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="207" />
      <source>No velocity dataset at {}: check the path.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="311" />
      <source>None of the {} seed(s) could be tracked ({}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="193" />
      <source>Outline: {} polygon(s) reprojected to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="89" />
      <source>Output folder</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="89" />
      <source>Pair weighting</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="123" />
      <source>Particle tracks</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="67" />
      <source>Paths of ice particles from seed points through a velocity field, by 4th-order Runge-Kutta steps with bilinear interpolation in space and, for a time-varying field (e.g. an inversion result with a time axis), linear interpolation in time.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr; a static mosaic clip or a field with a time axis), OR the two rasters VX and VY (static).
SEEDS: points in any CRS (reprojected to the field's CRS); every point of a multipoint feature is a seed.
START_DATE: YYYY-MM-DD; empty = the field's first time when tracking forward, its last time backward, and 2000-01-01 for a static field. DURATION_DAYS and STEP_DAYS: total time and Runge-Kutta step (days). DIRECTION: forward (where the ice goes) or backward (where it came from).
A particle stops at its last position with data when it would leave the grid, meet a cell without data or leave the field's time span (stop_reason: completed, left_grid, no_data, outside_time). Seeds without data are skipped with a warning.

OUTPUT: one LineStringM per seed in the field's CRS, first vertex at the seed; M = days since 1970-01-01 at each vertex (decreasing for backward tracks). Fields: seed_id (feature id of the seed), start and end (date-times: earliest and latest time on the path), direction, stop_reason. To animate with the temporal controller, set the layer's temporal mode to 'Separate fields for start and end date/time' with start and end (the toolbox does this when it loads the layer).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/runner.py" line="34" />
      <source>Processing algorithm {} is not available.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="73" />
      <source>RGI region (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="73" />
      <source>Regularisation weight (0 = automatic, GCV)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="82" />
      <source>Regularised derivative</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="92" />
      <source>Robust (down-weight outliers)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="44" />
      <source>S3 bucket holding the ITS_LIVE archive (default: its-live-data).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="51" />
      <source>S3-compatible endpoint URL</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="79" />
      <source>Satellites (e.g. 8,9,2A)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="127" />
      <source>Seed points</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="94" />
      <source>Seed points (any CRS)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="81" />
      <source>Show all datacube footprints on the map</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="48" />
      <source>Show or hide the ITS_LIVE panel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="310" />
      <source>Source file: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="130" />
      <source>Start date</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="67" />
      <source>Start date (YYYY-MM-DD)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="100" />
      <source>Start date YYYY-MM-DD (empty: first time of the field, 2000-01-01 if static)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="295" />
      <source>Start date {} is not a date: write it as YYYY-MM-DD, e.g. 2018-01-01.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="231" />
      <source>Static field and no start date: the tracks start on 2000-01-01.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="92" />
      <source>Strain rates</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="135" />
      <source>Strain rates by {} of {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="115" />
      <source>Subset</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="55" />
      <source>Subset file or datacube (path or URL)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="69" />
      <source>Surface strain rates (1/yr) of a velocity field.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (m/yr) on (y, x) or (time, y, x): a subset, an inversion result or a mosaic clip; OR the two rasters VX and VY (single band, same grid). Give one or the other.

Outputs, along the grid axes (x grid east, y grid north, whatever the row order; positive = extension): exx = dvx/dx, eyy = dvy/dy, exy = (dvx/dy + dvy/dx)/2, ezz = -(exx + eyy), effective strain rate e_eff = sqrt((exx^2 + eyy^2 + ezz^2)/2 + exy^2), principal strain rates e1 &gt;= e2 and e1_direction (degrees counter-clockwise from grid east); along flow: e_lon (longitudinal), e_trn (transverse) and e_shr (shear, positive when speed increases to the left of the flow). With vx_error/vy_error in the input, 1-sigma uncertainties too.

METHOD: central differences on the grid (one-sided at edges and next to gaps), or logarithmic strain rates of a strain square of half-size LENGTH_SCALE (metres, ground) advected with the flow (Alley et al. 2018), which averages noise over that length.
SCALE_CORRECTION (advanced, on by default): velocities are ground m/yr; derivatives are corrected for the projection scale factor of polar stereographic or UTM grids.
CRS: the grid's CRS when the file does not say (e.g. ITS_LIVE v1 clips: EPSG:3413).
OUTPUT: NetCDF (.nc, every variable, time axis kept) or GeoTIFF (.tif, 2-D input only, one band per variable described 'name: long name').

Reference: Alley, K. E. et al. (2018), Continent-wide estimates of Antarctic strain rates from Landsat 8-derived velocity grids, J. Glaciol. 64(244), 321-332, doi:10.1017/jog.2018.23.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="112" />
      <source>Target CRS (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="286" />
      <source>The algorithm failed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="149" />
      <source>The area layer has no polygon features (or none selected).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="211" />
      <source>The catalog is not loaded yet; footprints will show when it is.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="115" />
      <source>The datacube catalog could not be loaded: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="130" />
      <source>The datacube layer needs a zarr_url field (from itslive:findcubes).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="64" />
      <source>The environment variable {} = {} overrides the endpoint.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="71" />
      <source>The extent is empty: draw or choose an area on the map.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="191" />
      <source>The outline layer holds no polygon.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="247" />
      <source>The seed layer holds no point.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="245" />
      <source>The vx raster has no CRS: assign one or set the CRS parameter.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="301" />
      <source>The {} layer {} cannot be read as a raster file ({}): save it as GeoTIFF first.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="271" />
      <source>Thinned arrows of the first time step (MDAL found no vx/vy vector pair).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="108" />
      <source>Time series</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="134" />
      <source>Time step</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="64" />
      <source>Time step (days)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="64" />
      <source>Track particles</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="138" />
      <source>Track particles...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="230" />
      <source>Tracking particles...</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="170" />
      <source>Tracking {} seed(s) {} for {} days from {} through {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="36" />
      <source>Turns ITS_LIVE image-pair velocities (each the mean over its acquisition interval) into velocities on a regular grid of INTERVAL_DAYS steps, per pixel, for vx and vy (m/yr); speed v is derived. Each pair observes the exact fraction of every step its interval covers. The problem is regularised least squares with a penalty on the first or second time derivative (DERIVATIVE) weighted by LAMBDA; LAMBDA = 0 chooses it by generalised cross-validation. WEIGHTING 'errors' weights pairs by 1/sigma^2 from vx_error/vy_error; ROBUST re-weights outliers (IRLS). Steps no pair informs are NaN.

INPUT: a subset written by itslive:downloadsubset (.nc/.zarr) or an ITS_LIVE datacube (Zarr path or URL, read from the configured endpoint); EXTENT takes part of a cube.
SATELLITES: comma-separated list (e.g. 8,9,2A,2B); START_DATE/END_DATE: YYYY-MM-DD.
OUTPUT: CF NetCDF with dims (time, y, x), time at step centres with time_bnds; vx, vy, v, count (pairs touching the step), vx_sigma, vy_sigma, v_sigma (posterior 1-sigma, m/yr).

Runs batched over pixels with torch (CUDA when available and DEVICE allows).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="183" />
      <source>Unexpected error while loading {}: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="315" />
      <source>Unsupported output format {}: use .nc (NetCDF) or .tif (GeoTIFF).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="313" />
      <source>Variable: {} ({}), units: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="71" />
      <source>Variables</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="75" />
      <source>Variables (comma-separated; empty = defaults)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="165" />
      <source>Velocity dataset (NetCDF file or .zarr folder path; vx, vy in m/yr)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="85" />
      <source>Velocity layer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="307" />
      <source>Written {}, but loading failed: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="292" />
      <source>Written: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="129" />
      <source>YYYY-MM-DD (empty: first time of the field)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="62" />
      <source>Year (0 = static mosaic)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="317" />
      <source>and that the start date {} is within the field's time span {} to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="175" />
      <source>and vy raster (m/yr, grid north)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="104" />
      <source>auto</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="136" />
      <source>central differences</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="328" />
      <source>completed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="104" />
      <source>cpu</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="104" />
      <source>cuda</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="49" />
      <source>empty = AWS S3 (us-west-2); e.g. http://127.0.0.1:9000 for a mirror</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="83" />
      <source>first</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="138" />
      <source>logarithmic strain, L = {} m</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="89" />
      <source>none</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="326" />
      <source>on cells without data</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="90" />
      <source>or: outline vertices CSV (x, y in the velocity CRS)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="172" />
      <source>or: vx raster (m/yr, grid east)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="327" />
      <source>outside the field's time span</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="325" />
      <source>outside the velocity grid</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="89" />
      <source>pair errors</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="83" />
      <source>second</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="324" />
      <source>{} and {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="98" />
      <source>{} datacube(s) cover the extent.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="171" />
      <source>{} has no vx/vy velocities: choose a NetCDF/Zarr with vx and vy or a *_vx.tif layer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="163" />
      <source>{} pairs written to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="130" />
      <source>{} pairs, {} x {} pixels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="77" />
      <source>{} raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="194" />
      <source>{} seed(s) could not be tracked and were skipped: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="318" />
      <source>{} time steps from {} to {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="223" />
      <source>{} track(s) written.</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
