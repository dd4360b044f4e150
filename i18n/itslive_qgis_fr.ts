<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
  <context>
    <name>ItsLive</name>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="308" />
      <source> (give two rasters as VX and VY instead)</source>
      <translation> (ou donnez deux rasters VX et VY)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="328" />
      <source> (inverted ± 1σ)</source>
      <translation> (inversion ± 1σ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/legend.py" line="31" />
      <source> (pair intervals {:.0f}-{:.0f} days)</source>
      <translation> (intervalles des paires {:.0f} à {:.0f} jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="115" />
      <source> d</source>
      <translation> j</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="146" />
      <source> days</source>
      <translation> jours</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="105" />
      <source> m</source>
      <translation> m</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="125" />
      <source> m/yr</source>
      <translation> m/an</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="119" />
      <source>(choose an ice thickness raster)</source>
      <translation>(choisir un raster d'épaisseur de glace)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="92" />
      <source>(use the extent above)</source>
      <translation>(utiliser l'emprise ci-dessus)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="556" />
      <source>, {:.0f} m from the click</source>
      <translation>, à {:.0f} m du clic</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="77" />
      <source>1/yr</source>
      <translation>1/an</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="292" />
      <source>91-day repeat cycle</source>
      <translation>cycle de répétition de 91 jours</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="142" />
      <source>; lines: height change dh at the point's cell (right axis)</source>
      <translation>; lignes : variation d'altitude dh dans la cellule du point (axe de droite)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="84" />
      <source>A NetCDF/Zarr layer with vx and vy, or a *_vx.tif with its *_vy.tif</source>
      <translation>Une couche NetCDF/Zarr contenant vx et vy, ou un *_vx.tif accompagné de son *_vy.tif</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="93" />
      <source>A figure of ITS_LIVE result layers for a paper or a talk, made as a QGIS print layout: the map over an extent at one date, a legend of the layers with their units, a scale bar, a north arrow pointing to TRUE north (polar stereographic maps are rotated relative to north), an optional graticule, the date range of the time step, a title and the ITS_LIVE data citation (Gardner et al., 2025).

LAYERS: the layers to draw, top first; or INPUT: a result file, loaded styled; default: the project's visible layers. DATE (YYYY-MM-DD): the time step containing that date (default: the first step). OUTPUT: .png (at DPI) or .pdf (vector legend and text). The layout is saved in the project as LAYOUT_NAME, to adjust in the layout designer.

BASEMAP (under the layers): none; the ITS_LIVE static velocity mosaic clipped to the map (speed in grey, read from the configured store: works with a mirror, offline); a hillshade of the DEM raster layer given as DEM (offline); or the ITS_LIVE web tiles (vel_web_tiles/, online only).</source>
      <translation>Une figure des couches de résultats ITS_LIVE pour un article ou un exposé, faite comme une mise en page QGIS : la carte sur une emprise à une date, une légende des couches avec leurs unités, une échelle graphique, une flèche pointant vers le nord GÉOGRAPHIQUE (les cartes stéréographiques polaires sont tournées par rapport au nord), un canevas géographique facultatif, les dates du pas de temps, un titre et la citation des données ITS_LIVE (Gardner et al., 2025).

LAYERS : les couches à dessiner, celle du dessus d'abord ; ou INPUT : un fichier de résultat, chargé avec son style ; par défaut : les couches visibles du projet. DATE (AAAA-MM-JJ) : le pas de temps contenant cette date (par défaut : le premier pas). OUTPUT : .png (à DPI) ou .pdf (légende et texte vectoriels). La mise en page est enregistrée dans le projet sous LAYOUT_NAME, à retoucher dans l'éditeur de mise en page.

BASEMAP (sous les couches) : aucun ; la mosaïque statique de vitesse ITS_LIVE découpée sur la carte (vitesse en gris, lue depuis le stockage configuré : fonctionne avec un miroir, hors ligne) ; un ombrage de la couche raster MNT donnée en DEM (hors ligne) ; ou les tuiles web ITS_LIVE (vel_web_tiles/, en ligne seulement).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/export_button.py" line="24" />
      <source>A figure of this result: legend with units, scale bar, north arrow, date, citation</source>
      <translation>Une figure de ce résultat : légende avec unités, barre d'échelle, flèche du nord, date, citation</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="152" />
      <source>A file could not be read or written{}: {}. Check the path, its permissions and the free space; nothing was replaced.</source>
      <translation>Un fichier n'a pas pu être lu ou écrit{} : {}. Vérifiez le chemin, ses droits et l'espace libre ; rien n'a été remplacé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="59" />
      <source>A flowline (a line everywhere parallel to the flow) through START, traced upstream and downstream through the velocity field (INPUT dataset or VX/VY rasters, m/yr). A time-varying field (a cube, a subset, an inversion) is averaged over time first, component by component.

The particle tracker of itslive:track follows the flow DIRECTION with steps of STEP_M map metres (4th-order Runge-Kutta, bilinear interpolation), so the vertex spacing is the same in fast and slow ice. Each direction stops after MAX_LENGTH_M metres, at the grid's edge, at missing data, or on ice slower than MIN_SPEED m/yr (no defined direction).

OUTPUT: one LineStringM from the upstream to the downstream end, M = distance along the line from its upstream end (metres); fields length_m, upstream_m, downstream_m (from START) and why each end stopped. Sample velocities along it with itslive:profile.</source>
      <translation>Une ligne d'écoulement (partout parallèle à l'écoulement) passant par START, tracée vers l'amont et vers l'aval dans le champ de vitesse (jeu de données INPUT ou rasters VX/VY, m/yr). Un champ variable dans le temps (un cube, un extrait, une inversion) est d'abord moyenné dans le temps, composante par composante.

Le suivi de particules d'itslive:track suit la DIRECTION de l'écoulement par pas de STEP_M mètres de carte (Runge-Kutta d'ordre 4, interpolation bilinéaire) : l'espacement des sommets est le même en glace rapide et lente. Chaque sens s'arrête après MAX_LENGTH_M mètres, au bord de la grille, sur une donnée manquante ou sur de la glace plus lente que MIN_SPEED m/yr (direction non définie).

OUTPUT : une LineStringM de l'extrémité amont à l'extrémité aval, M = distance le long de la ligne depuis l'amont (mètres) ; champs length_m, upstream_m, downstream_m (depuis START) et la raison de l'arrêt de chaque extrémité. Échantillonnez les vitesses le long de la ligne avec itslive:profile.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="28" />
      <source>A second smoother: trend + seasonal (quasi-periodic) + noise Gaussian process in which each pair observes the mean velocity over its interval; hyper-parameters by marginal likelihood. Dashed line: posterior step means, band: 1 sigma.</source>
      <translation>Un second lissage : processus gaussien tendance + saison (quasi périodique) + bruit, où chaque paire observe la vitesse moyenne sur son intervalle ; hyperparamètres par vraisemblance marginale. Tirets : moyennes a posteriori par pas, bande : 1 sigma.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="86" />
      <source>A subset estimated above this is refused before any velocity is read (0 = no limit).</source>
      <translation>Un sous-ensemble estimé au-delà est refusé avant la lecture de toute vitesse (0 = sans limite).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="41" />
      <source>A subset file, or type a datacube path or URL</source>
      <translation>Un fichier d'extrait, ou saisissez le chemin ou l'URL d'un cube de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="114" />
      <source>ATL06 files, a folder or an s3:// location (';'-separated; empty = search NASA's CMR)</source>
      <translation>Fichiers ATL06, un dossier ou un emplacement s3:// (séparés par « ; » ; vide = recherche dans le CMR de la NASA)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="104" />
      <source>ATL06 granules: INPUT files, folder or s3://, or NASA's CMR search</source>
      <translation>Granules ATL06 : fichiers INPUT, dossier ou s3://, ou recherche dans le CMR de la NASA</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="287" />
      <source>ATL06 h_li: land-ice height, m above the WGS84 ellipsoid</source>
      <translation>h_li d'ATL06 : altitude de la glace, m au-dessus de l'ellipsoïde WGS84</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="288" />
      <source>ATL06 h_li_sigma: 1-sigma uncertainty of h_li, m</source>
      <translation>h_li_sigma d'ATL06 : incertitude à 1 sigma de h_li, m</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="276" />
      <source>ATL06-SR: the h_li and h_li_sigma fields hold SlideRule's h_mean and h_sigma (its own fit of ATL03 photons), not ATL06's h_li; quality holds its pflags.</source>
      <translation>ATL06-SR : les champs h_li et h_li_sigma contiennent les h_mean et h_sigma de SlideRule (son propre ajustement des photons ATL03), pas les h_li d'ATL06 ; quality contient son pflags.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="84" />
      <source>ATL15 .nc, height-change .zarr (path or URL), or ATL06 files / folder / s3:// (';'-separated)</source>
      <translation>ATL15 .nc, .zarr de variation d'altitude (chemin ou URL), ou fichiers / dossier / s3:// ATL06 (séparés par « ; »)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="127" />
      <source>ATL15 lag (0 = trend of delta_h; k = mean of dhdt_lag k)</source>
      <translation>Décalage ATL15 (0 = tendance de delta_h ; k = moyenne de dhdt_lag k)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="147" />
      <source>Across the line</source>
      <translation>En travers de la ligne</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="332" />
      <source>Active layer (subset or inversion file)</source>
      <translation>Couche active (fichier d'extrait ou d'inversion)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="61" />
      <source>Adds a result file of the ITS_LIVE algorithms to the current project, styled the way the dock loads it: an inversion, subset or mosaic becomes speed and velocity rasters (m/yr) with flow arrows, a strain-rate file its strain-rate rasters (1/yr), a flux-divergence file dynamic_dhdt and flux_divergence (m/yr), tracks their lines. Every time-dependent variable is ONE raster whose bands are time steps (temporal controller ready); only the main variable is switched on.

INPUT: a NetCDF (.nc), GeoTIFF (.tif) or GeoPackage (.gpkg) written by an ITS_LIVE algorithm. STORE, instead: the Zarr store (.zarr folder) a DASK_SCHEDULER run wrote, chosen with the folder picker (a file picker cannot choose a folder); its metadata file (.zmetadata or zarr.json) picked as INPUT means the store that holds it. A store is loaded through a NetCDF copy written once beside it (&lt;store&gt;.nc). GROUP: name of the layer-tree group (default 'ITS_LIVE &lt;kind&gt; — &lt;file name&gt;'); an existing group of that name receives the layers.
OUTPUT: the same file path, so the step chains in a model; LAYERS: number of layers queued for loading.

The layers are added when the algorithm or the model holding it finishes. Under qgis_process, where no project is kept, the file is only checked and nothing is loaded.</source>
      <translation>Ajoute au projet en cours un fichier résultat des algorithmes ITS_LIVE, avec le même style que lorsque le panneau ITS_LIVE le charge : une inversion, un extrait ou une mosaïque donne des rasters de norme et de composantes de la vitesse (m/yr) avec des flèches d'écoulement ; un fichier de vitesses de déformation, ses rasters de vitesses de déformation (1/yr) ; un fichier de divergence du flux, dynamic_dhdt et flux_divergence (m/yr) ; des trajectoires, leurs lignes. Chaque variable dépendant du temps forme UN SEUL raster dont les bandes sont les pas de temps (prêt pour le contrôleur temporel) ; seule la variable principale est affichée.

INPUT : un fichier NetCDF (.nc), GeoTIFF (.tif) ou GeoPackage (.gpkg) écrit par un algorithme ITS_LIVE. STORE, à la place : le magasin Zarr (dossier .zarr) écrit par un calcul avec DASK_SCHEDULER, choisi avec le sélecteur de dossier (un sélecteur de fichier ne peut pas choisir un dossier) ; son fichier de métadonnées (.zmetadata ou zarr.json) choisi comme INPUT désigne le magasin qui le contient. Un magasin est chargé au moyen d'une copie NetCDF écrite une fois à côté (&lt;store&gt;.nc). GROUP : nom du groupe dans l'arbre des couches (par défaut 'ITS_LIVE &lt;type&gt; — &lt;nom du fichier&gt;') ; si un groupe de ce nom existe déjà, il reçoit les couches.
OUTPUT : le même chemin de fichier, pour enchaîner l'étape dans un modèle ; LAYERS : nombre de couches mises en attente de chargement.

Les couches sont ajoutées à la fin de l'algorithme ou du modèle qui le contient. Sous qgis_process, où aucun projet n'est conservé, le fichier est seulement vérifié et rien n'est chargé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="111" />
      <source>All Python packages the plugin uses are installed.</source>
      <translation>Tous les paquets Python utilisés par l'extension sont installés.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="126" />
      <source>All six</source>
      <translation>Les six</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="90" />
      <source>Allow datacube URLs on other hosts than the ITS_LIVE bucket or the endpoint above</source>
      <translation>Autoriser les URL de cubes sur d'autres hôtes que le bucket ITS_LIVE ou le point d'accès ci-dessus</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="147" />
      <source>Along the line</source>
      <translation>Le long de la ligne</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="63" />
      <source>Also on request in VARIABLES: dt_max (days, the longest valid image pair) and sensor_flag (1 where the sensor group contributed, else 0), per sensor group on (sensor, y, x). A cube without a composite in the 2025 layout is read from the older composites/annual/v02/&lt;region&gt;/ITS_LIVE_vel_annual_EPSG&lt;epsg&gt;_G0120_X&lt;x&gt;_Y&lt;y&gt;.zarr when there is one (the log says so).</source>
      <translation>Aussi sur demande dans VARIABLES : dt_max (jours, la plus longue paire d'images valide) et sensor_flag (1 là où le groupe de capteurs a contribué, sinon 0), par groupe de capteurs sur (sensor, y, x). Un cube sans composite dans la disposition de 2025 est lu depuis l'ancienne composites/annual/v02/&lt;region&gt;/ITS_LIVE_vel_annual_EPSG&lt;epsg&gt;_G0120_X&lt;x&gt;_Y&lt;y&gt;.zarr s'il en existe une (le journal l'indique).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="160" />
      <source>Analysis</source>
      <translation>Analyse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="99" />
      <source>Animated GIF (*.gif);;MP4 video (*.mp4)</source>
      <translation>GIF animé (*.gif);;Vidéo MP4 (*.mp4)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="98" />
      <source>Animation file</source>
      <translation>Fichier d'animation</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/composite_form.py" line="23" />
      <source>Annual composite</source>
      <translation>Composite annuel</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/composite_form.py" line="25" />
      <source>Annual composite: annual mean velocities of the years in the time window, with the climatology, trend and seasonal amplitude and phase (itslive:composite)</source>
      <translation>Composite annuel : vitesses moyennes annuelles des années de la fenêtre temporelle, avec la climatologie, la tendance, l'amplitude et la phase saisonnières (itslive:composite)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="64" />
      <source>Anonymous requests (the public bucket needs no account)</source>
      <translation>Requêtes anonymes (le compartiment public ne nécessite pas de compte)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="73" />
      <source>Another run is still going: wait or cancel it.</source>
      <translation>Un autre traitement est encore en cours : attendez sa fin ou annulez-le.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="62" />
      <source>Area</source>
      <translation>Zone</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="181" />
      <source>Area CRS: not set</source>
      <translation>SCR de la zone : non défini</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="183" />
      <source>Area CRS: {} - {}</source>
      <translation>SCR de la zone : {} - {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="64" />
      <source>Area polygons (optional)</source>
      <translation>Polygones de la zone (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="76" />
      <source>Area polygons (optional, instead of the extent)</source>
      <translation>Polygones de la zone (facultatif, à la place de l'emprise)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="358" />
      <source>Arrows from vx/vy drawn by the mesh layer (MDAL), sized by speed.</source>
      <translation>Flèches tracées à partir de vx/vy par la couche maillage (MDAL), dimensionnées selon la vitesse.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="77" />
      <source>Attempts per request</source>
      <translation>Tentatives par requête</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="75" />
      <source>Attempts per request; failures (429, 5xx, resets) are retried with backoff and jitter.</source>
      <translation>Tentatives par requête ; les échecs (429, 5xx, coupures) sont relancés avec attente croissante et aléa.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="280" />
      <source>BASEMAP hillshade needs a DEM raster layer as DEM.</source>
      <translation>L'ombrage de BASEMAP demande une couche raster MNT en DEM.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="154" />
      <source>Backward</source>
      <translation>Vers l'amont</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="174" />
      <source>Base map under the layers</source>
      <translation>Fond de carte sous les couches</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="55" />
      <source>Base map: ITS_LIVE static velocity mosaic (v2), speed in grey</source>
      <translation>Fond de carte : mosaïque statique des vitesses ITS_LIVE (v2), vitesse en gris</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="85" />
      <source>Base map: ITS_LIVE velocity web tiles</source>
      <translation>Fond de carte : tuiles web de vitesse ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="74" />
      <source>Base map: {}</source>
      <translation>Fond de carte : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="365" />
      <source>Baseline (date_dt)</source>
      <translation>Intervalle entre images (date_dt)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="126" />
      <source>Beams</source>
      <translation>Faisceaux</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="104" />
      <source>Both VX and VY rasters are needed (only one was given).</source>
      <translation>Les deux rasters VX et VY sont nécessaires (un seul a été fourni).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="137" />
      <source>Browse image of {}</source>
      <translation>Image d'aperçu de {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="125" />
      <source>Browse image — {}</source>
      <translation>Image d'aperçu — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="41" />
      <source>Browse...</source>
      <translation>Parcourir...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="56" />
      <source>Bucket</source>
      <translation>Compartiment (bucket)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="262" />
      <source>CMR</source>
      <translation>CMR</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/earthdata_options.py" line="32" />
      <source>CMR granule search URL</source>
      <translation>URL de recherche de granules CMR</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="109" />
      <source>CRS of the grid (projected, metres)</source>
      <translation>SCR de la grille (projeté, mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="82" />
      <source>CRS of the velocity grid (only when the file does not carry one)</source>
      <translation>SCR de la grille de vitesse (seulement si le fichier n'en indique pas)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="263" />
      <source>CSV files (*.csv)</source>
      <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="71" />
      <source>Cache folder</source>
      <translation>Dossier de cache</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="100" />
      <source>Cancel</source>
      <translation>Annuler</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="136" />
      <source>Cancelled: no animation was written.</source>
      <translation>Annulé : aucune animation n'a été écrite.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="153" />
      <source>Cancelled: no layer was loaded.</source>
      <translation>Annulé : aucune couche n'a été chargée.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="293" />
      <source>Cancelled: no output was written.</source>
      <translation>Annulé : aucune sortie n'a été écrite.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="65" />
      <source>Cancelled: the previous packages folder is unchanged.</source>
      <translation>Annulé : le dossier de paquets précédent est inchangé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="155" />
      <source>Cancelling ...</source>
      <translation>Annulation ...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="66" />
      <source>Cancelling...</source>
      <translation>Annulation...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="107" />
      <source>Cannot create the output folder {} (OUTPUT_FOLDER): {}</source>
      <translation>Impossible de créer le dossier de sortie {} (OUTPUT_FOLDER) : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="322" />
      <source>Cannot estimate: {}</source>
      <translation>Estimation impossible : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="197" />
      <source>Cannot look up cubes in this map CRS: {}</source>
      <translation>Impossible de rechercher les cubes dans ce SCR de carte : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="57" />
      <source>Catalog file or URL (optional)</source>
      <translation>Fichier ou URL du catalogue (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="96" />
      <source>Central differences</source>
      <translation>Différences centrées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="341" />
      <source>Check that the seeds lie on cells with velocity data (field CRS {}, x {:.0f} to {:.0f} m, y {:.0f} to {:.0f} m)</source>
      <translation>Vérifiez que les points de départ se trouvent sur des cellules ayant des données de vitesse (SCR du champ {}, x de {:.0f} à {:.0f} m, y de {:.0f} à {:.0f} m)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="204" />
      <source>Choose a line layer (LINE).</source>
      <translation>Choisissez une couche de lignes (LINE).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="66" />
      <source>Choose a line layer.</source>
      <translation>Choisissez une couche de lignes.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="178" />
      <source>Choose a point layer of seeds (SEEDS).</source>
      <translation>Choisissez une couche de points de départ (SEEDS).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="222" />
      <source>Choose a point layer of seeds.</source>
      <translation>Choisissez une couche de points de départ.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="162" />
      <source>Choose a polygon layer of glacier outlines (OUTLINE).</source>
      <translation>Choisissez une couche de polygones de contours de glaciers (OUTLINE).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="93" />
      <source>Choose a subset file (download one first) or give a datacube URL.</source>
      <translation>Choisissez un fichier d'extrait (téléchargez-en un d'abord) ou indiquez l'URL d'un cube de données.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="89" />
      <source>Choose a velocity dataset.</source>
      <translation>Choisissez un jeu de vitesses.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="176" />
      <source>Choose a velocity layer (a NetCDF/Zarr with vx and vy, or a vx/vy GeoTIFF pair).</source>
      <translation>Choisissez une couche de vitesse (un NetCDF/Zarr contenant vx et vy, ou une paire de GeoTIFF vx/vy).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="211" />
      <source>Choose an area: the canvas extent, a drawn extent or polygons.</source>
      <translation>Choisissez une zone : l'emprise du canevas, une emprise dessinée ou des polygones.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="146" />
      <source>Choose an ice thickness raster (THICKNESS).</source>
      <translation>Choisissez un raster d'épaisseur de glace (THICKNESS).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="207" />
      <source>Choose an ice thickness raster layer.</source>
      <translation>Choisissez une couche raster d'épaisseur de glace.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="75" />
      <source>Choose an outline (polygon) layer.</source>
      <translation>Choisissez une couche de contours (polygones).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="333" />
      <source>Clear</source>
      <translation>Effacer</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="66" />
      <source>Click a glacier: its ITS_LIVE velocity history in the ITS_LIVE panel</source>
      <translation>Cliquez sur un glacier : son historique de vitesse ITS_LIVE s'affiche dans le panneau ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="302" />
      <source>Click on the map to plot the velocity history of a point</source>
      <translation>Cliquez sur la carte pour tracer l'historique de vitesse d'un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="46" />
      <source>Clip velocity mosaic</source>
      <translation>Découper la mosaïque de vitesse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="87" />
      <source>Clipped mosaics</source>
      <translation>Mosaïques découpées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="49" />
      <source>Clips the ITS_LIVE v2 velocity mosaics (cloud-optimised GeoTIFFs under velocity_mosaic/v2/{annual,static}/cog/) to an area with HTTP range reads: only the tiles under the area are read, never whole files. YEAR 0 = the static (summary) mosaic, else the annual mosaic of that year (1985-2022). REGION: RGI region (e.g. 5 or RGI05A); default chosen from the area. VARIABLES: e.g. v,vx,vy,v_error,count (static mosaics also have dv_dt, v_amp, v_phase, ...). One GeoTIFF per variable in OUTPUT_FOLDER, in the mosaic's projection, with units (m/yr) and nodata. VX/VY outputs chain into itslive:strainrates.</source>
      <translation>Découpe les mosaïques de vitesse ITS_LIVE v2 (GeoTIFF optimisés pour le cloud, sous velocity_mosaic/v2/{annual,static}/cog/) sur une zone par lectures HTTP partielles (requêtes range) : seules les tuiles sous la zone sont lues, jamais les fichiers entiers. YEAR 0 = la mosaïque statique (de synthèse), sinon la mosaïque annuelle de cette année (1985-2022). REGION : région RGI (p. ex. 5 ou RGI05A) ; par défaut, déduite de la zone. VARIABLES : p. ex. v,vx,vy,v_error,count (les mosaïques statiques ont aussi dv_dt, v_amp, v_phase, ...). Un GeoTIFF par variable dans OUTPUT_FOLDER, dans la projection de la mosaïque, avec les unités (m/yr) et la valeur nodata. Les sorties VX/VY s'enchaînent avec itslive:strainrates.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="239" />
      <source>Computing strain rates...</source>
      <translation>Calcul des vitesses de déformation...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="245" />
      <source>Computing the flux divergence...</source>
      <translation>Calcul de la divergence du flux...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="196" />
      <source>Copying band 1 of {} to {}</source>
      <translation>Copie de la bande 1 de {} vers {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="86" />
      <source>Correct for the projection scale factor</source>
      <translation>Corriger le facteur d'échelle de la projection</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="64" />
      <source>Could not load algorithm {}: {}</source>
      <translation>Impossible de charger l'algorithme {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="146" />
      <source>Could not read the model {}</source>
      <translation>Impossible de lire le modèle {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="49" />
      <source>Coverage %</source>
      <translation>Couverture %</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="329" />
      <source>DASK_SCHEDULER (advanced; default from the plugin settings): empty downloads in process; 'local' (or 'local:4') starts a dask LocalCluster of 2 (4) worker processes on this machine; an address (tcp://host:8786) uses a running dask.distributed scheduler (Coiled, Dask Gateway, dask-scheduler), best next to the data (AWS us-west-2). The workers plan the same subset, read the cube chunks under their blocks themselves (16 x 16 cells of the output with every pair) and write them into a Zarr store: OUTPUT is then a .zarr folder (a local cluster) or an s3:// URL the workers can write. The store equals the in-process .zarr subset (same pairs, order, values and attributes) and is marked complete only when every block is written; a worker lost in the middle has its blocks run again; cancel leaves no store. The dock loads it through a NetCDF copy beside it (&lt;store&gt;.nc). Needs the optional package distributed.</source>
      <translation>DASK_SCHEDULER (avancé ; par défaut celui des réglages de l'extension) : vide, le téléchargement se fait dans le processus ; « local » (ou « local:4 ») démarre sur cette machine un LocalCluster dask de 2 (4) processus de calcul ; une adresse (tcp://hôte:8786) utilise un ordonnanceur dask.distributed déjà lancé (Coiled, Dask Gateway, dask-scheduler), de préférence près des données (AWS us-west-2). Les processus de calcul planifient le même extrait, lisent eux-mêmes les blocs du cube sous leurs blocs (16 x 16 cellules de la sortie avec toutes les paires) et les écrivent dans un magasin Zarr : OUTPUT est alors un dossier .zarr (grappe locale) ou une URL s3:// où ils peuvent écrire. Le magasin est identique à l'extrait .zarr calculé dans le processus (mêmes paires, même ordre, mêmes valeurs et attributs) et n'est déclaré complet qu'une fois tous les blocs écrits ; les blocs d'un processus perdu en cours de route sont recalculés ; une annulation ne laisse aucun magasin. Le panneau le charge au moyen d'une copie NetCDF écrite à côté (&lt;store&gt;.nc). Nécessite le paquet facultatif distributed.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="88" />
      <source>DASK_SCHEDULER (advanced; default from the plugin settings): empty runs in process; 'local' (or 'local:4') a dask LocalCluster on this machine; or a scheduler address (tcp://host:8786). The workers read INPUT (a NetCDF path they see, or a Zarr store at a path or s3:// URL) in blocks with a halo of neighbours, so the result equals the in-process one, and write a Zarr store: OUTPUT is then a .zarr folder or an s3:// URL, marked complete only at the end.</source>
      <translation>DASK_SCHEDULER (avancé ; par défaut celui des réglages de l'extension) : vide, le calcul se fait dans le processus ; « local » (ou « local:4 ») un LocalCluster dask sur cette machine ; ou l'adresse d'un ordonnanceur (tcp://hôte:8786). Les processus de calcul lisent INPUT (un chemin NetCDF qu'ils voient, ou un magasin Zarr à un chemin ou une URL s3://) par blocs entourés d'une marge de voisins, si bien que le résultat est celui du calcul dans le processus, et écrivent un magasin Zarr : OUTPUT est alors un dossier .zarr ou une URL s3://, déclaré complet seulement à la fin.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="288" />
      <source>DASK_SCHEDULER (advanced; default from the plugin settings): empty runs in process; 'local' (or 'local:4') starts a dask LocalCluster of 2 (4) worker processes on this machine; an address (tcp://host:8786) uses a running dask.distributed scheduler (Coiled, Dask Gateway, dask-scheduler). The workers read the cube chunks themselves (give the cube's s3:// or ITS_LIVE URL, or a path they can see), invert one block of whole chunk columns each and write the result as a Zarr store: OUTPUT is then a .zarr folder (a local cluster) or an s3:// URL the workers can write through the configured endpoint (the dock and itslive:loadresult load it from a NetCDF copy in the cache folder, made once and reused while the store is unchanged). The store is marked complete only when every block is written; a worker lost in the middle has its blocks run again. Needs the optional package distributed.</source>
      <translation>DASK_SCHEDULER (avancé ; par défaut celui des réglages de l'extension) : vide, le calcul se fait dans le processus ; « local » (ou « local:4 ») démarre sur cette machine un LocalCluster dask de 2 (4) processus de calcul ; une adresse (tcp://hôte:8786) utilise un ordonnanceur dask.distributed déjà lancé (Coiled, Dask Gateway, dask-scheduler). Les processus de calcul lisent eux-mêmes les blocs du cube (donnez l'URL s3:// ou ITS_LIVE du cube, ou un chemin qu'ils voient), inversent chacun un bloc de colonnes entières de blocs Zarr et écrivent le résultat dans un magasin Zarr : OUTPUT est alors un dossier .zarr (grappe locale) ou une URL s3:// où ils peuvent écrire par le point d'accès configuré (le panneau et itslive:loadresult la chargent depuis une copie NetCDF dans le dossier de cache, faite une fois et réutilisée tant que le magasin ne change pas). Le magasin n'est déclaré complet qu'une fois tous les blocs écrits ; les blocs d'un processus perdu en cours de route sont recalculés. Nécessite le paquet facultatif distributed.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="185" />
      <source>DEM for the hillshade (metres)</source>
      <translation>MNT pour l'ombrage (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/cluster_outputs.py" line="24" />
      <source>Dask scheduler (empty = in process, local = this machine, or tcp://host:8786)</source>
      <translation>Ordonnanceur Dask (vide = dans le processus, local = cette machine, ou tcp://hôte:8786)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="74" />
      <source>Datacube URL or path</source>
      <translation>URL ou chemin du cube de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="82" />
      <source>Datacube URLs (optional)</source>
      <translation>URL des cubes de données (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="395" />
      <source>Datacube catalog downloaded: {} cubes.</source>
      <translation>Catalogue des cubes de données téléchargé : {} cubes.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="400" />
      <source>Datacube catalog up to date: {} cubes.</source>
      <translation>Catalogue des cubes de données à jour : {} cubes.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="61" />
      <source>Datacube footprints</source>
      <translation>Emprises des cubes de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="155" />
      <source>Datacube footprints (output of itslive:findcubes, optional)</source>
      <translation>Emprises des cubes de données (sortie de itslive:findcubes, facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="126" />
      <source>Datacubes</source>
      <translation>Cubes de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="331" />
      <source>Datacubes (network)</source>
      <translation>Cubes de données (réseau)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="159" />
      <source>Date</source>
      <translation>Date</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="309" />
      <source>Date (acquisition interval of each image pair)</source>
      <translation>Date (intervalle d'acquisition de chaque paire d'images)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="122" />
      <source>Date label</source>
      <translation>Étiquette de date</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="103" />
      <source>Date labels of the frames</source>
      <translation>Étiquettes de date des images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="115" />
      <source>Date of the frame (YYYY-MM-DD)</source>
      <translation>Date de l'image (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="130" />
      <source>Depth factor</source>
      <translation>Facteur de profondeur</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="105" />
      <source>Depth factor (depth-averaged / surface speed)</source>
      <translation>Facteur de profondeur (vitesse moyennée sur l'épaisseur / vitesse de surface)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="71" />
      <source>Device</source>
      <translation>Matériel de calcul</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="156" />
      <source>Direction</source>
      <translation>Sens</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="148" />
      <source>Distance along the line (km)</source>
      <translation>Distance le long de la ligne (km)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="59" />
      <source>Divergence of the ice flux, flux_divergence = d(H f vx)/dx + d(H f vy)/dy (m/yr), and the thickness change that flow alone causes, dynamic_dhdt = -flux_divergence (m/yr; negative = dynamic thinning, where more ice leaves a cell than enters it). Surface and basal mass balance are not included.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr along grid east / north; a time axis is kept), OR the two rasters VX and VY.
THICKNESS: ice thickness raster (m) in any CRS and resolution; it is reprojected bilinearly onto the velocity grid (no-data and negative values are masked). THICKNESS_ERROR (optional, m) is handled the same way and propagated with the velocity errors.
DEPTH_FACTOR f: depth-averaged / surface speed (1 = plug flow or sliding; about 0.8 for flow by internal deformation only).
BOUNDARY: glacier outline as a polygon layer (any CRS, reprojected to the velocity grid), OR BOUNDARY_POINTS: a CSV of outline vertices in order with x and y columns in the velocity CRS (an optional fid column separates rings). Cells outside are masked before differencing, so no flux leaks in from outside the ice.
CRS: the grid's CRS when the velocity file does not say (e.g. ITS_LIVE v1 clips: EPSG:3413). SCALE_CORRECTION (advanced, on): divergence on the ellipsoid, corrected for the projection scale factor.
OUTPUT: NetCDF (.nc, with the thickness on the velocity grid and the errors) or GeoTIFF (.tif, 2-D input only).</source>
      <translation>Divergence du flux de glace, flux_divergence = d(H f vx)/dx + d(H f vy)/dy (m/yr), et variation d'épaisseur due au seul écoulement, dynamic_dhdt = -flux_divergence (m/yr ; négatif = amincissement dynamique, là où il sort d'une cellule plus de glace qu'il n'en entre). Les bilans de masse de surface et basal ne sont pas pris en compte.

Vitesses : INPUT, un jeu de données NetCDF ou Zarr contenant vx et vy (m/yr au sol, selon l'est / le nord de la grille ; un axe temporel est conservé), OU les deux rasters VX et VY.
THICKNESS : raster d'épaisseur de glace (m) dans n'importe quel SCR et à n'importe quelle résolution ; il est reprojeté par interpolation bilinéaire sur la grille de vitesse (les valeurs sans donnée et négatives sont masquées). THICKNESS_ERROR (facultatif, m) est traité de la même façon et propagé avec les erreurs de vitesse.
DEPTH_FACTOR f : vitesse moyennée sur l'épaisseur / vitesse de surface (1 = écoulement en bloc ou glissement ; environ 0,8 pour un écoulement par seule déformation interne).
BOUNDARY : contour du glacier sous forme de couche de polygones (n'importe quel SCR, reprojetée sur la grille de vitesse), OU BOUNDARY_POINTS : un CSV des sommets du contour, dans l'ordre, avec des colonnes x et y dans le SCR des vitesses (une colonne fid facultative sépare les anneaux). Les cellules extérieures sont masquées avant la différenciation, si bien qu'aucun flux ne provient de l'extérieur de la glace.
CRS : le SCR de la grille lorsque le fichier de vitesse ne l'indique pas (p. ex. découpes ITS_LIVE v1 : EPSG:3413). SCALE_CORRECTION (avancé, activé) : divergence calculée sur l'ellipsoïde, corrigée du facteur d'échelle de la projection.
OUTPUT : NetCDF (.nc, avec l'épaisseur sur la grille de vitesse et les erreurs) ou GeoTIFF (.tif, entrée 2D uniquement).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="149" />
      <source>Done: {} ({} layer(s) added)</source>
      <translation>Terminé : {} ({} couche(s) ajoutée(s))</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="62" />
      <source>Down-weight outliers (robust)</source>
      <translation>Réduire le poids des valeurs aberrantes (robuste)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="133" />
      <source>Download</source>
      <translation>Téléchargement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="68" />
      <source>Download datacube subset</source>
      <translation>Télécharger un extrait de cubes de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="72" />
      <source>Downloaded (MiB)</source>
      <translation>Téléchargé (Mio)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="273" />
      <source>Downloading the subset from every datacube under the area...</source>
      <translation>Téléchargement de l'extrait de tous les cubes de données sous la zone...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="269" />
      <source>Downloading the subset from {} cube(s): {}</source>
      <translation>Téléchargement de l'extrait de {} cube(s) : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="71" />
      <source>Downloads the image-pair velocities of the ITS_LIVE datacubes under an area (EXTENT, or the polygons of AOI, e.g. a selected glacier outline; any CRS) whose mid_date lies in [START_DATE, END_DATE] (YYYY-MM-DD, inclusive), and writes one clean file: -32767 fill values become NaN, pairs are sorted by mid_date (duplicates kept in a stable order), acquisition_date_img1 &lt;= acquisition_date_img2, date_dt in days, y stays descending; CF-1.8 NetCDF4 (compressed, .nc) or Zarr (.zarr) with the grid mapping, units (m/yr) and provenance.

Only the chunks under the area are read, many at a time, retried with backoff; an interrupted or cancelled download resumes without fetching completed chunks; the file appears only when complete. Tiles of one projection are joined on their common 120 m grid; tiles of another projection are resampled onto TARGET_CRS (default: the projection of the tile covering most of the area) with vx/vy rotated into its axes.

CUBES: optional comma-separated zarr URLs (the dock's selection), or CUBES_LAYER: the output of itslive:findcubes; default: every cube of the catalog covering the area. VARIABLES: default v, vx, vy, v_error and the per-pair metadata. SATELLITES: e.g. 8,9,2A,2B (first image). MIN_DT_DAYS/MAX_DT_DAYS bound date_dt (days); MIN_VALID_PCT bounds roi_valid_percentage (%); MAX_V_ERROR (m/yr) blanks worse pixels.</source>
      <translation>Télécharge les vitesses par paire d'images des cubes de données ITS_LIVE sous une zone (EXTENT, ou les polygones de AOI, p. ex. le contour d'un glacier sélectionné ; n'importe quel SCR) dont la mid_date est comprise dans [START_DATE, END_DATE] (AAAA-MM-JJ, bornes incluses), et écrit un seul fichier propre : les valeurs de remplissage -32767 deviennent NaN, les paires sont triées par mid_date (doublons conservés dans un ordre stable), acquisition_date_img1 &lt;= acquisition_date_img2, date_dt en jours, y reste décroissant ; NetCDF4 CF-1.8 (compressé, .nc) ou Zarr (.zarr) avec le grid mapping, les unités (m/yr) et la provenance.

Seuls les blocs (chunks) sous la zone sont lus, plusieurs à la fois, avec de nouvelles tentatives à délai croissant ; un téléchargement interrompu ou annulé reprend sans récupérer de nouveau les blocs déjà terminés ; le fichier n'apparaît qu'une fois complet. Les tuiles d'une même projection sont assemblées sur leur grille commune de 120 m ; les tuiles d'une autre projection sont rééchantillonnées dans TARGET_CRS (par défaut : la projection de la tuile qui couvre la plus grande partie de la zone), vx/vy étant tournés selon ses axes.

CUBES : URL zarr facultatives séparées par des virgules (la sélection du panneau ITS_LIVE), ou CUBES_LAYER : la sortie de itslive:findcubes ; par défaut : tous les cubes du catalogue qui couvrent la zone. VARIABLES : par défaut v, vx, vy, v_error et les métadonnées de chaque paire. SATELLITES : p. ex. 8,9,2A,2B (première image). MIN_DT_DAYS/MAX_DT_DAYS bornent date_dt (jours) ; MIN_VALID_PCT borne roi_valid_percentage (%) ; MAX_V_ERROR (m/yr) masque les pixels dont l'erreur est supérieure.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="164" />
      <source>Draw a graticule (WGS 84)</source>
      <translation>Dessiner un canevas géographique (WGS 84)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="148" />
      <source>Duration</source>
      <translation>Durée</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="114" />
      <source>Duration (days)</source>
      <translation>Durée (jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="124" />
      <source>END_YEAR ({}) is before START_YEAR ({}).</source>
      <translation>END_YEAR ({}) précède START_YEAR ({}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="49" />
      <source>EPSG</source>
      <translation>EPSG</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="246" />
      <source>EXTENT is empty: draw or choose an area on the map.</source>
      <translation>EXTENT est vide : dessinez ou choisissez une zone sur la carte.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/earthdata_options.py" line="28" />
      <source>Earthdata login (ICESat-2)</source>
      <translation>Identifiant Earthdata (ICESat-2)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="146" />
      <source>Elevation change</source>
      <translation>Variation d'altitude</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="52" />
      <source>Elevation change (dh/dt)</source>
      <translation>Variation d'altitude (dh/dt)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="89" />
      <source>Empty: beside the velocity file (or the temporary folder)</source>
      <translation>Vide : à côté du fichier de vitesse (ou dans le dossier temporaire)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="104" />
      <source>End date (YYYY-MM-DD)</source>
      <translation>Date de fin (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="121" />
      <source>End date (YYYY-MM-DD, UTC)</source>
      <translation>Date de fin (AAAA-MM-JJ, UTC)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="136" />
      <source>Estimate size</source>
      <translation>Estimer la taille</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="316" />
      <source>Estimating the ITS_LIVE subset</source>
      <translation>Estimation de l'extrait ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="315" />
      <source>Estimating...</source>
      <translation>Estimation...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="224" />
      <source>Export CSV...</source>
      <translation>Exporter en CSV...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="237" />
      <source>Export PNG...</source>
      <translation>Exporter en PNG...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="43" />
      <source>Export animation (GIF or MP4)</source>
      <translation>Exporter une animation (GIF ou MP4)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="90" />
      <source>Export map (PNG or PDF)</source>
      <translation>Exporter une carte (PNG ou PDF)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/export_button.py" line="21" />
      <source>Export map…</source>
      <translation>Exporter une carte…</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="118" />
      <source>Export the glacier statistics plot</source>
      <translation>Exporter le graphique des statistiques du glacier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="274" />
      <source>Export the plot (PNG)</source>
      <translation>Exporter le graphique (PNG)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="107" />
      <source>Export the profile curves</source>
      <translation>Exporter les courbes du profil</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="114" />
      <source>Export the profile plot</source>
      <translation>Exporter le graphique du profil</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="263" />
      <source>Export the time series (CSV)</source>
      <translation>Exporter la série temporelle (CSV)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="118" />
      <source>Extent</source>
      <translation>Emprise</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="72" />
      <source>Extent (any CRS)</source>
      <translation>Emprise (n'importe quel SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="142" />
      <source>Extent (default: the layers)</source>
      <translation>Emprise (par défaut : celle des couches)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="77" />
      <source>Extent (optional)</source>
      <translation>Emprise (facultative)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="76" />
      <source>Extent (optional, any CRS)</source>
      <translation>Emprise (facultative, tout SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="108" />
      <source>Extent (part of a cube)</source>
      <translation>Emprise (partie d'un cube)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="88" />
      <source>Fetching the browse image</source>
      <translation>Téléchargement de l'image d'aperçu</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="58" />
      <source>Field holding the granule URL</source>
      <translation>Champ contenant l'URL du granule</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="94" />
      <source>Field naming each outline (e.g. rgi_id)</source>
      <translation>Champ qui nomme chaque contour (p. ex. rgi_id)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="39" />
      <source>Find datacubes</source>
      <translation>Rechercher les cubes de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="71" />
      <source>First date (YYYY-MM-DD)</source>
      <translation>Première date (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="79" />
      <source>First mid_date (YYYY-MM-DD)</source>
      <translation>Premier mid_date (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="84" />
      <source>First year</source>
      <translation>Première année</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="29" />
      <source>Fit a semi-annual term too</source>
      <translation>Ajuster aussi un terme semi-annuel</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="46" />
      <source>Fits, per pixel, v(t) = v0 + dv_dt (t - t0) + A cos(w t) + B sin(w t) (w = 2 pi / 365.25 d; t0 = 2018-01-01, the composites' reference date), optionally with a semi-annual term, to vx and vy separately.

INPUT: a subset (.nc, .zarr), a datacube path or URL, or an inversion result (itslive:invert). With image pairs, each pair observes the AVERAGE of the model over its interval (the sinusoid integrated over [acquisition_date_img1, acquisition_date_img2], as ITS_LIVE's composites do), weighted by 1/vx_error^2 (1/vy_error^2); an inversion result's steps average over time_bnds, weighted by 1/vx_sigma^2. ROBUST (default): iteratively reweighted least squares with Huber weights (c = 1.345, residuals scaled by the pair error and a per-pixel MAD), then observations beyond 5 robust sigmas are dropped. Uncertainties: 1-sigma from the covariance, scaled by the reduced chi-square when above 1.

Outputs (CF NetCDF on the input's grid, names and units of the annual composite, so the two compare layer for layer): vx0, vy0 (m/yr at t0), dvx_dt, dvy_dt (m/yr^2), vx_amp, vy_amp (m/yr), vx_phase, vy_phase (day of year of the maximum, 1 + (t mod 365.25) with t in days since 1970-01-01), each with _error; the speed along the mean flow direction u = (vx0, vy0)/|v0|: v0 = |(vx0, vy0)|, dv_dt = u . (dvx_dt, dvy_dt), v_amp and v_phase from u . (A, B); count0 (observations used) and outlier_percent. SEMIANNUAL adds *_amp2, *_phase2. EXTENT limits the pixels; START_DATE/END_DATE (YYYY-MM-DD) keep the observations inside the window.

Leaving out a real semi-annual cycle biases the annual amplitude where winter has no optical pairs; the semi-annual option removes that bias.</source>
      <translation>Ajuste, par pixel, v(t) = v0 + dv_dt (t - t0) + A cos(w t) + B sin(w t) (w = 2 pi / 365.25 j ; t0 = 2018-01-01, la date de référence des composites), avec en option un terme semi-annuel, à vx et vy séparément.

INPUT : un extrait (.nc, .zarr), le chemin ou l'URL d'un cube de données, ou un résultat d'inversion (itslive:invert). Avec des paires d'images, chaque paire observe la MOYENNE du modèle sur son intervalle (la sinusoïde intégrée sur [acquisition_date_img1, acquisition_date_img2], comme les composites d'ITS_LIVE), pondérée par 1/vx_error^2 (1/vy_error^2) ; les pas d'un résultat d'inversion moyennent sur time_bnds, pondérés par 1/vx_sigma^2. ROBUST (par défaut) : moindres carrés itérativement repondérés avec des poids de Huber (c = 1.345, résidus divisés par l'erreur de la paire et une MAD par pixel), puis les observations au-delà de 5 sigmas robustes sont écartées. Incertitudes : 1 sigma de la covariance, multipliée par le khi-deux réduit quand il dépasse 1.

Sorties (NetCDF CF sur la grille de l'entrée, noms et unités du composite annuel, pour comparer couche à couche) : vx0, vy0 (m/an à t0), dvx_dt, dvy_dt (m/an^2), vx_amp, vy_amp (m/an), vx_phase, vy_phase (jour de l'année du maximum, 1 + (t mod 365.25) avec t en jours depuis 1970-01-01), chacune avec _error ; la vitesse le long de la direction moyenne de l'écoulement u = (vx0, vy0)/|v0| : v0 = |(vx0, vy0)|, dv_dt = u . (dvx_dt, dvy_dt), v_amp et v_phase d'après u . (A, B) ; count0 (observations utilisées) et outlier_percent. SEMIANNUAL ajoute *_amp2, *_phase2. EXTENT limite les pixels ; START_DATE/END_DATE (AAAA-MM-JJ) gardent les observations à l'intérieur de la fenêtre.

Omettre un vrai cycle semi-annuel biaise l'amplitude annuelle là où l'hiver n'a pas de paires optiques ; l'option semi-annuelle supprime ce biais.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="63" />
      <source>Fitting the seasonal cycle...</source>
      <translation>Ajustement du cycle saisonnier...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="233" />
      <source>Flow vectors</source>
      <translation>Vecteurs d'écoulement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="103" />
      <source>Flowline</source>
      <translation>Ligne d'écoulement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="56" />
      <source>Flowline from a point</source>
      <translation>Ligne d'écoulement depuis un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="152" />
      <source>Flowline of {:.0f} m ({:.0f} m upstream: {}; {:.0f} m downstream: {})</source>
      <translation>Ligne d'écoulement de {:.0f} m ({:.0f} m vers l'amont : {} ; {:.0f} m vers l'aval : {})</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="114" />
      <source>Flux divergence</source>
      <translation>Divergence du flux</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="47" />
      <source>Flux divergence (itslive:fluxdivergence, .nc)</source>
      <translation>Divergence du flux (itslive:fluxdivergence, .nc)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="155" />
      <source>Flux divergence of {} with thickness {}</source>
      <translation>Divergence du flux de {} avec l'épaisseur {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="131" />
      <source>Flux divergence...</source>
      <translation>Divergence du flux...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="133" />
      <source>For an environment of your own (conda, a venv, the OSGeo4W shell):</source>
      <translation>Pour votre propre environnement (conda, un venv, le shell OSGeo4W) :</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="55" />
      <source>For each polygon of OUTLINE (e.g. RGI outlines; the selected features only when you tick 'Selected features only'), the time series of the glacier's velocity from INPUT: a datacube (.zarr, one row per image pair, time = mid_date, with date_start and date_end), a subset, an inversion result (one row per step) or a static field (one row).

Columns: area_km2 (the outline's area on the grid), observed_fraction (area of pixels with both components valid / area of the outline), n_pixels_observed, vx_mean, vy_mean and v_mean (area-weighted mean of the components, then the speed, m/yr), vx_median, vy_median, v_median (weighted medians of the components, then the speed), and v_mean_of_speeds.

Why the components are averaged first: a pixel's speed is always positive, so its noise does not cancel; on slow or noisy ice the mean of the pixels' speeds is biased UP (by about 1.25 times the error where the true speed is near zero). Averaging vx and vy first lets the noise cancel; v_mean_of_speeds is given only to show the difference.
Weights: the exact area of each pixel inside the outline (pixels partly inside count by their fraction). MIN_OBSERVED: leave out times when less of the glacier is observed (0 keeps every time with any observation).
OUTPUT: a table (CSV, GeoPackage, ...), without geometry; outline_id from ID_FIELD (or the feature id).</source>
      <translation>Pour chaque polygone d'OUTLINE (p. ex. des contours RGI ; seulement les entités sélectionnées si vous cochez « Entités sélectionnées uniquement »), la série temporelle de la vitesse du glacier d'après INPUT : un cube de données (.zarr, une ligne par paire d'images, time = mid_date, avec date_start et date_end), un extrait, un résultat d'inversion (une ligne par pas) ou un champ statique (une ligne).

Colonnes : area_km2 (surface du contour sur la grille), observed_fraction (surface des pixels dont les deux composantes sont valides / surface du contour), n_pixels_observed, vx_mean, vy_mean et v_mean (moyenne des composantes pondérée par la surface, puis la norme, m/yr), vx_median, vy_median, v_median (médianes pondérées des composantes, puis la norme) et v_mean_of_speeds.

Pourquoi moyenner d'abord les composantes : la norme d'un pixel est toujours positive, son bruit ne se compense donc pas ; sur de la glace lente ou bruitée, la moyenne des normes des pixels est biaisée VERS LE HAUT (d'environ 1,25 fois l'erreur là où la vitesse vraie est proche de zéro). Moyenner vx et vy d'abord laisse le bruit se compenser ; v_mean_of_speeds n'est donné que pour montrer la différence.
Poids : la surface exacte de chaque pixel à l'intérieur du contour (les pixels partiellement à l'intérieur comptent pour leur fraction). MIN_OBSERVED : écarte les dates où une plus petite part du glacier est observée (0 garde toute date ayant une observation).
OUTPUT : une table (CSV, GeoPackage, ...), sans géométrie ; outline_id d'après ID_FIELD (ou l'identifiant de l'entité).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="154" />
      <source>Forward</source>
      <translation>Vers l'aval</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="186" />
      <source>Fraction observed</source>
      <translation>Fraction observée</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="88" />
      <source>Frame duration (ms)</source>
      <translation>Durée d'une image (ms)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="78" />
      <source>Frame step (days; 0 = the result's time steps)</source>
      <translation>Pas entre images (jours ; 0 = les pas de temps du résultat)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="102" />
      <source>Frames written</source>
      <translation>Images écrites</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="134" />
      <source>GDAL cannot read the granule {}: {}</source>
      <translation>GDAL ne peut pas lire le granule {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="104" />
      <source>Gaussian process</source>
      <translation>Processus gaussien</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="26" />
      <source>Gaussian process (pairs as interval means)</source>
      <translation>Processus gaussien (paires = moyennes sur l'intervalle)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="78" />
      <source>Gaussian process failed: {}</source>
      <translation>Échec du processus gaussien : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="168" />
      <source>Give ATL06 files in INPUT, or an EXTENT to search NASA's CMR for granules.</source>
      <translation>Donnez des fichiers ATL06 dans INPUT, ou une EXTENT pour chercher des granules dans le CMR de la NASA.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="120" />
      <source>Give INPUT (a result file) or STORE (a .zarr folder), not both.</source>
      <translation>Donnez INPUT (un fichier résultat) ou STORE (un dossier .zarr), pas les deux.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="167" />
      <source>Give a REFERENCE_GRID, or an EXTENT and PIXEL_SIZE_M for the output grid.</source>
      <translation>Donnez une REFERENCE_GRID, ou une EXTENT et PIXEL_SIZE_M pour la grille de sortie.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="184" />
      <source>Give an EXTENT: SlideRule searches and subsets the granules of that area.</source>
      <translation>Donnez une EXTENT : SlideRule cherche et découpe les granules de cette zone.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="419" />
      <source>Give an area: an extent or a polygon layer.</source>
      <translation>Indiquez une zone : une emprise ou une couche de polygones.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="164" />
      <source>Give either INPUT (files or an s3:// location) or INPUT_POINTS (a heights layer).</source>
      <translation>Donnez soit INPUT (des fichiers ou un emplacement s3://), soit INPUT_POINTS (une couche d'altitudes).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="179" />
      <source>Give the glacier outline either as a polygon layer or as a CSV of points, not both.</source>
      <translation>Indiquez le contour du glacier soit sous forme de couche de polygones, soit sous forme de CSV de points, mais pas les deux.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="98" />
      <source>Give the velocities either as a dataset (INPUT) or as two rasters (VX and VY), not both.</source>
      <translation>Indiquez les vitesses soit sous forme de jeu de données (INPUT), soit sous forme de deux rasters (VX et VY), mais pas les deux.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="126" />
      <source>Glacier outline</source>
      <translation>Contour du glacier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="88" />
      <source>Glacier outline (polygons, any CRS)</source>
      <translation>Contour du glacier (polygones, n'importe quel SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="87" />
      <source>Glacier outlines (polygons, any CRS)</source>
      <translation>Contours de glaciers (polygones, tout SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/outlines.py" line="25" />
      <source>Glacier outlines: only pixels inside these polygons (optional, any CRS)</source>
      <translation>Contours de glaciers : seulement les pixels dans ces polygones (facultatif, tout SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="185" />
      <source>Glacier speed (m/yr)</source>
      <translation>Vitesse du glacier (m/an)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="113" />
      <source>Glacier statistics</source>
      <translation>Statistiques du glacier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="232" />
      <source>Glacier statistics (itslive:glacierstats)</source>
      <translation>Statistiques du glacier (itslive:glacierstats)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="52" />
      <source>Glacier statistics over time</source>
      <translation>Statistiques de glacier dans le temps</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="167" />
      <source>Glaciers</source>
      <translation>Glaciers</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="74" />
      <source>Granule reads not configured: {}</source>
      <translation>Lecture des granules non configurée : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="53" />
      <source>Granule table</source>
      <translation>Table des granules</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="199" />
      <source>Granule: {}</source>
      <translation>Granule : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="49" />
      <source>Granules</source>
      <translation>Granules</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="71" />
      <source>Granules loaded</source>
      <translation>Granules chargés</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/elevation_outputs.py" line="30" />
      <source>HEIGHT_CHANGE needs THICKNESS: the mass balance subtracts the dynamic dh/dt of the flux divergence.</source>
      <translation>HEIGHT_CHANGE demande THICKNESS : le bilan de masse soustrait le dh/dt dynamique de la divergence du flux.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="189" />
      <source>Height change from the gridded file {}</source>
      <translation>Variation d'altitude à partir du fichier maillé {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="214" />
      <source>Height change from {} ICESat-2 segments</source>
      <translation>Variation d'altitude à partir de {} segments ICESat-2</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="178" />
      <source>Hillshade of the DEM</source>
      <translation>Ombrage du MNT</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="62" />
      <source>Hillshade of {}</source>
      <translation>Ombrage de {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="123" />
      <source>Hovmoller diagram (distance x time, m/yr)</source>
      <translation>Diagramme de Hovmöller (distance x temps, m/yr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="104" />
      <source>Hovmoller time bin (days)</source>
      <translation>Classe de temps du diagramme de Hovmöller (jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="67" />
      <source>ICESat-2 ATL06 land-ice heights (one point per 40 m segment, every 20 m along track) for an extent and a date window, as a temporal point layer in EPSG:4326.

Fields: h_li (m above the WGS84 ellipsoid), h_li_sigma (m, 1-sigma), time (UTC; GPS time of the segment minus the 18 leap seconds), beam (gt1l..gt3r), strong (true for the strong beam of each pair), cycle (91-day repeat cycle), rgt (reference ground track), quality (atl06_quality_summary, 0 = no known problem).

INPUT: local ATL06 .h5 files or a folder of them (read with h5py), or an S3 location of granules (s3://nsidc-cumulus-prod-protected/ATLAS/ATL06/&lt;version&gt;/YYYY/MM/DD/, read with h5coro: only the datasets and rows of the extent), several separated by ';'. Empty: NASA's CMR granule search for the EXTENT and dates, then S3. The NASA cloud needs an Earthdata login (a QGIS authentication configuration chosen in Settings &gt; Options &gt; ITS_LIVE, or ~/.netrc) and is reachable from AWS us-west-2; local files need none.
EXTENT: any CRS (reprojected to longitude/latitude). START_DATE, END_DATE: YYYY-MM-DD, inclusive (UTC). BEAMS: all six or the three strong ones. QUALITY_ONLY (default on): keep atl06_quality_summary == 0. Fill values (3.4028235e+38) are never output.

SOURCE: the ATL06 granules (INPUT, or the CMR search), or SlideRule's on-demand service (online only; no Earthdata login needed; SLIDERULE_URL, default slideruleearth.io, the public cluster): 'atl06sp' is the ATL06 product subset server-side (the same h_li, h_li_sigma and atl06_quality_summary as the granules); 'atl06p' is ATL06-SR, SlideRule's own fit of ATL03 photons (40 m segments every 20 m, land ice, high-confidence photons): its heights are SlideRule's h_mean and h_sigma written in the h_li and h_li_sigma fields, NOT ATL06's h_li (no first-photon-bias correction, another photon selection: expect centimetre to decimetre differences), and quality is SlideRule's pflags (0 = no processing flag). SlideRule positions are ITRF2014 (EPSG:7912), centimetres from EPSG:4326; INPUT is not used. SlideRule needs the sliderule set (itslive:installdependencies SETS=sliderule).

Reference: Smith, B. et al. (2019), Land ice height-retrieval algorithm for NASA's ICESat-2 photon-counting laser altimeter, Remote Sens. Environ. 233, 111352, doi:10.1016/j.rse.2019.111352.</source>
      <translation>Altitudes de la glace ICESat-2 ATL06 (un point par segment de 40 m, tous les 20 m le long de la trace) pour une emprise et une période, en couche de points temporelle en EPSG:4326.

Champs : h_li (m au-dessus de l'ellipsoïde WGS84), h_li_sigma (m, 1 sigma), time (UTC ; temps GPS du segment moins les 18 secondes intercalaires), beam (gt1l..gt3r), strong (vrai pour le faisceau fort de chaque paire), cycle (cycle de répétition de 91 jours), rgt (trace de référence au sol), quality (atl06_quality_summary, 0 = aucun problème connu).

INPUT : des fichiers ATL06 .h5 locaux ou un dossier qui en contient (lus avec h5py), ou un emplacement S3 de granules (s3://nsidc-cumulus-prod-protected/ATLAS/ATL06/&lt;version&gt;/AAAA/MM/JJ/, lus avec h5coro : seuls les jeux de données et les lignes de l'emprise), plusieurs séparés par « ; ». Vide : recherche de granules dans le CMR de la NASA pour l'EXTENT et les dates, puis S3. Le cloud de la NASA demande un identifiant Earthdata (une configuration d'authentification QGIS choisie dans Préférences &gt; Options &gt; ITS_LIVE, ou ~/.netrc) et n'est accessible que depuis AWS us-west-2 ; les fichiers locaux n'en demandent aucun.
EXTENT : n'importe quel SCR (reprojeté en longitude/latitude). START_DATE, END_DATE : AAAA-MM-JJ, inclus (UTC). BEAMS : les six faisceaux ou les trois forts. QUALITY_ONLY (activé par défaut) : garder atl06_quality_summary == 0. Les valeurs de remplissage (3.4028235e+38) ne sont jamais écrites.

SOURCE : les granules ATL06 (INPUT, ou la recherche CMR), ou le service à la demande de SlideRule (en ligne seulement ; aucun identifiant Earthdata nécessaire ; SLIDERULE_URL, par défaut slideruleearth.io, la grappe publique) : « atl06sp » est le produit ATL06 découpé côté serveur (les mêmes h_li, h_li_sigma et atl06_quality_summary que les granules) ; « atl06p » est ATL06-SR, l'ajustement propre à SlideRule des photons ATL03 (segments de 40 m tous les 20 m, glace terrestre, photons de haute confiance) : ses altitudes sont les h_mean et h_sigma de SlideRule écrits dans les champs h_li et h_li_sigma, ce NE sont PAS les h_li d'ATL06 (pas de correction du biais du premier photon, une autre sélection de photons : attendez-vous à des écarts du centimètre au décimètre), et quality est le pflags de SlideRule (0 = aucun indicateur de traitement). Les positions de SlideRule sont en ITRF2014 (EPSG:7912), à quelques centimètres d'EPSG:4326 ; INPUT n'est pas utilisé. SlideRule demande l'ensemble sliderule (itslive:installdependencies SETS=sliderule).

Référence : Smith, B. et al. (2019), Land ice height-retrieval algorithm for NASA's ICESat-2 photon-counting laser altimeter, Remote Sens. Environ. 233, 111352, doi:10.1016/j.rse.2019.111352.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="136" />
      <source>ICESat-2 h_li (m)</source>
      <translation>h_li ICESat-2 (m)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="146" />
      <source>ICESat-2 heights</source>
      <translation>Altitudes ICESat-2</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="64" />
      <source>ICESat-2 heights (ATL06)</source>
      <translation>Altitudes ICESat-2 (ATL06)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="138" />
      <source>ICESat-2 heights within {:.0f} m of each point: {} segment(s)</source>
      <translation>Altitudes ICESat-2 à moins de {:.0f} m de chaque point : {} segment(s)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="180" />
      <source>INPUT is read by the granule source only: clear it, or choose SOURCE = ATL06 granules.</source>
      <translation>INPUT n'est lu que par la source granules : videz-le, ou choisissez SOURCE = granules ATL06.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="116" />
      <source>INPUT: give a subset, a datacube path or URL, or an inversion result.</source>
      <translation>INPUT : donnez un extrait, le chemin ou l'URL d'un cube de données, ou un résultat d'inversion.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="205" />
      <source>INPUT: {} is a folder: choose {}.</source>
      <translation>INPUT : {} est un dossier : choisissez {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="215" />
      <source>INPUT: {} {}: choose {}.</source>
      <translation>INPUT : {} {} : choisissez {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="278" />
      <source>INPUT_POINTS could not be read.</source>
      <translation>INPUT_POINTS n'a pas pu être lu.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="283" />
      <source>INPUT_POINTS has no field {}: give the layer itslive:icesat2heights wrote.</source>
      <translation>INPUT_POINTS n'a pas de champ {} : donnez la couche écrite par itslive:icesat2heights.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="314" />
      <source>INPUT_POINTS holds no point with a height and a time.</source>
      <translation>INPUT_POINTS ne contient aucun point avec une altitude et une date.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="54" />
      <source>ITS_LIVE</source>
      <translation>ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_composite.py" line="44" />
      <source>ITS_LIVE annual composite at the point</source>
      <translation>Composite annuel ITS_LIVE au point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="220" />
      <source>ITS_LIVE composite — {}</source>
      <translation>Composite ITS_LIVE — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="54" />
      <source>ITS_LIVE datacube footprints</source>
      <translation>Emprises des cubes de données ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="216" />
      <source>ITS_LIVE flux divergence — {}</source>
      <translation>ITS_LIVE divergence du flux — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="50" />
      <source>ITS_LIVE glacier and ice-sheet velocities</source>
      <translation>Vitesses ITS_LIVE des glaciers et des calottes polaires</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="250" />
      <source>ITS_LIVE height change at the point</source>
      <translation>ITS_LIVE : changement d'altitude au point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="214" />
      <source>ITS_LIVE inversion — {}</source>
      <translation>ITS_LIVE inversion — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/export_button.py" line="51" />
      <source>ITS_LIVE map — {}</source>
      <translation>Carte ITS_LIVE — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="218" />
      <source>ITS_LIVE mosaic — {}</source>
      <translation>ITS_LIVE mosaïque — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="125" />
      <source>ITS_LIVE pair {} — {}</source>
      <translation>Paire ITS_LIVE {} — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="83" />
      <source>ITS_LIVE point Gaussian process</source>
      <translation>Processus gaussien ITS_LIVE d'un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="486" />
      <source>ITS_LIVE point inversion</source>
      <translation>Inversion ITS_LIVE en un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="222" />
      <source>ITS_LIVE result — {}</source>
      <translation>ITS_LIVE résultat — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="137" />
      <source>ITS_LIVE results (*.nc *.nc4 *.tif *.tiff *.gpkg);;All files (*)</source>
      <translation>Résultats ITS_LIVE (*.nc *.nc4 *.tif *.tiff *.gpkg);;Tous les fichiers (*)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="87" />
      <source>ITS_LIVE results (*.nc *.nc4 *.tif *.tiff *.gpkg);;Zarr store metadata (.zmetadata zarr.json);;All files (*)</source>
      <translation>Résultats ITS_LIVE (*.nc *.nc4 *.tif *.tiff *.gpkg);;Métadonnées d'un magasin Zarr (.zmetadata zarr.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="47" />
      <source>ITS_LIVE static mosaic, v (m/yr)</source>
      <translation>Mosaïque statique ITS_LIVE, v (m/an)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="177" />
      <source>ITS_LIVE static velocity mosaic (grey, offline-safe)</source>
      <translation>Mosaïque statique de vitesse ITS_LIVE (gris, hors ligne)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="215" />
      <source>ITS_LIVE strain rates — {}</source>
      <translation>ITS_LIVE vitesses de déformation — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="217" />
      <source>ITS_LIVE subset — {}</source>
      <translation>ITS_LIVE extrait — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="143" />
      <source>ITS_LIVE time series at {:.6g}, {:.6g}</source>
      <translation>Série temporelle ITS_LIVE en {:.6g}, {:.6g}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="219" />
      <source>ITS_LIVE tracks — {}</source>
      <translation>ITS_LIVE trajectoires — {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="53" />
      <source>ITS_LIVE velocities</source>
      <translation>Vitesses ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="83" />
      <source>ITS_LIVE velocity web tiles (online)</source>
      <translation>Tuiles web de vitesse ITS_LIVE (en ligne)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="179" />
      <source>ITS_LIVE web tiles (online)</source>
      <translation>Tuiles web ITS_LIVE (en ligne)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="121" />
      <source>Ice thickness (m)</source>
      <translation>Épaisseur de glace (m)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="113" />
      <source>Ice thickness uncertainty (m, 1-sigma)</source>
      <translation>Incertitude sur l'épaisseur de glace (m, 1 sigma)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/composite_form.py" line="22" />
      <source>Image pairs</source>
      <translation>Paires d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="103" />
      <source>Image-pair granules</source>
      <translation>Granules des paires d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="56" />
      <source>Image-pair granules of a datacube</source>
      <translation>Granules des paires d'images d'un cube de données</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="198" />
      <source>Image-pair velocity {}</source>
      <translation>Vitesse de la paire d'images {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="39" />
      <source>Install Python packages</source>
      <translation>Installer les paquets Python</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="97" />
      <source>Install the missing packages</source>
      <translation>Installer les paquets manquants</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="70" />
      <source>Installed packages</source>
      <translation>Paquets installés</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="57" />
      <source>Installed {} packages ({:.0f} MiB downloaded) into {}.</source>
      <translation>{} paquets installés ({:.0f} Mio téléchargés) dans {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="107" />
      <source>Installed {} packages ({:.1f} MiB downloaded) into {}</source>
      <translation>{} paquets installés ({:.1f} Mio téléchargés) dans {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="34" />
      <source>Installing ITS_LIVE's Python packages</source>
      <translation>Installation des paquets Python d'ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="144" />
      <source>Installing with pip ...</source>
      <translation>Installation avec pip ...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="43" />
      <source>Installs the Python packages of the chosen sets with pip, using the Python QGIS runs, into &lt;profile&gt;/python/itslive_deps/&lt;python version&gt; (a folder the plugin owns and puts on sys.path when it starts). What QGIS's Python already has (numpy, GDAL, pyproj, shapely, netCDF4, h5py, rasterio, scipy, matplotlib, ...) is kept as it is: a constraints file made at run time pins it, numpy stays in its major version. The packages go into a new folder that replaces the previous one only when pip and an import check succeeded; a failure or a cancel leaves the previous folder as it was.

SETS: comma-separated, core is always included:
{}

COMMAND_ONLY: only print the exact pip command for an environment of your own (conda, a venv, the OSGeo4W shell) and install nothing.
PYTHON: the interpreter QGIS runs (found automatically when empty).</source>
      <translation>Installe avec pip les paquets Python des ensembles choisis, avec le Python qu'exécute QGIS, dans &lt;profile&gt;/python/itslive_deps/&lt;version de python&gt; (un dossier propre à l'extension, placé sur sys.path à son démarrage). Ce que le Python de QGIS possède déjà (numpy, GDAL, pyproj, shapely, netCDF4, h5py, rasterio, scipy, matplotlib, ...) reste tel quel : un fichier de contraintes créé à l'exécution le fixe, numpy reste dans sa version majeure. Les paquets vont dans un nouveau dossier qui ne remplace le précédent que si pip et un contrôle d'import ont réussi ; un échec ou une annulation laisse le dossier précédent tel quel.

SETS : séparés par des virgules, core est toujours inclus :
{}

COMMAND_ONLY : affiche seulement la commande pip exacte pour votre propre environnement (conda, un venv, le shell OSGeo4W) et n'installe rien.
PYTHON : l'interpréteur qu'exécute QGIS (trouvé automatiquement si vide).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="142" />
      <source>Inversion</source>
      <translation>Inversion</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="500" />
      <source>Inversion failed: {}</source>
      <translation>Échec de l'inversion : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="77" />
      <source>Invert</source>
      <translation>Inverser</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="72" />
      <source>Invert pair velocities to a time series</source>
      <translation>Inverser les vitesses des paires en série temporelle</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="148" />
      <source>Inverting...</source>
      <translation>Inversion en cours...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="138" />
      <source>Keep the time axis (time, y, x): dh per epoch, or dh/dt per lag window</source>
      <translation>Garder l'axe temporel (time, y, x) : dh par époque, ou dh/dt par fenêtre de décalage</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="219" />
      <source>LINE holds no line with at least two vertices.</source>
      <translation>LINE ne contient aucune ligne d'au moins deux sommets.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="214" />
      <source>LINE: the first feature has {} parts; use a single line (explode it first).</source>
      <translation>LINE : la première entité a {} parties ; utilisez une ligne simple (éclatez-la d'abord).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="482" />
      <source>Landsat {}</source>
      <translation>Landsat {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="88" />
      <source>Largest download</source>
      <translation>Plus grand téléchargement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="72" />
      <source>Last date (YYYY-MM-DD)</source>
      <translation>Dernière date (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="80" />
      <source>Last mid_date (YYYY-MM-DD)</source>
      <translation>Dernier mid_date (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="84" />
      <source>Last year</source>
      <translation>Dernière année</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="103" />
      <source>Layer group name (optional)</source>
      <translation>Nom du groupe de couches (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="129" />
      <source>Layers (top first; default: the visible layers)</source>
      <translation>Couches (celle du dessus d'abord ; par défaut : les couches visibles)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="106" />
      <source>Layers loaded</source>
      <translation>Couches chargées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="338" />
      <source>Layout '{}' saved in the project.</source>
      <translation>Mise en page « {} » enregistrée dans le projet.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="104" />
      <source>Layout name</source>
      <translation>Nom de la mise en page</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="168" />
      <source>Layout name in the project</source>
      <translation>Nom de la mise en page dans le projet</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="102" />
      <source>Leave out times when less of the glacier is observed (fraction 0-1)</source>
      <translation>Écarter les dates où une plus petite part du glacier est observée (fraction 0-1)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/layout.py" line="176" />
      <source>Legend</source>
      <translation>Légende</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="107" />
      <source>Length scale</source>
      <translation>Échelle de longueur</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="114" />
      <source>Length scale for the logarithmic method (metres)</source>
      <translation>Échelle de longueur pour la méthode logarithmique (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="57" />
      <source>Line (first or selected feature)</source>
      <translation>Ligne (première entité ou entité sélectionnée)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="93" />
      <source>Line (first or selected feature, any CRS)</source>
      <translation>Ligne (première entité ou entité sélectionnée, tout SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="42" />
      <source>Lists the ITS_LIVE Zarr datacubes (100 km tiles, 120 m) whose footprint intersects the extent. A cube covers a place when the place intersects the cube's tile square in the cube's own projection (EPSG:3413, EPSG:3031 or UTM), so the answer is right for extents in any CRS, across the antimeridian and at UTM seams (where two cubes cover a place).

CATALOG: optional path or URL of a catalog_v02.json; default the configured endpoint's datacubes/catalog_v02.json (cached; refreshed when it changed).
OUTPUT: one polygon per cube in EPSG:4326 with zarr_url, epsg, granule_count and roi_percent_coverage (%), largest overlap first.

Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</source>
      <translation>Liste les cubes de données Zarr ITS_LIVE (tuiles de 100 km, résolution 120 m) dont l'emprise intersecte l'emprise indiquée. Un cube couvre un lieu lorsque ce lieu intersecte le carré de la tuile du cube dans la projection propre du cube (EPSG:3413, EPSG:3031 ou UTM) : la réponse est donc juste pour des emprises dans n'importe quel SCR, de part et d'autre de l'antiméridien et aux limites des fuseaux UTM (où deux cubes couvrent un même lieu).

CATALOG : chemin ou URL facultatif d'un catalog_v02.json ; par défaut, le fichier datacubes/catalog_v02.json du point de terminaison configuré (mis en cache ; actualisé lorsqu'il a changé).
OUTPUT : un polygone par cube en EPSG:4326 avec zarr_url, epsg, granule_count et roi_percent_coverage (%), par recouvrement décroissant.

Données : NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="271" />
      <source>Load image-pair granule</source>
      <translation>Charger le granule de la paire d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="35" />
      <source>Load image-pair granules</source>
      <translation>Charger les granules des paires d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="58" />
      <source>Load result into project</source>
      <translation>Charger le résultat dans le projet</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="54" />
      <source>Load this pair's granule (speed and arrows)</source>
      <translation>Charger le granule de cette paire (vitesse et flèches)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="115" />
      <source>Loaded {}</source>
      <translation>Chargé : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="138" />
      <source>Loading the ITS_LIVE catalog</source>
      <translation>Chargement du catalogue ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="73" />
      <source>Loading the ITS_LIVE panels…</source>
      <translation>Chargement des panneaux ITS_LIVE…</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="86" />
      <source>Loading the datacube catalog...</source>
      <translation>Chargement du catalogue des cubes de données...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="79" />
      <source>Loading the image-pair granule</source>
      <translation>Chargement du granule de la paire d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="244" />
      <source>Loading {}</source>
      <translation>Chargement de {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="293" />
      <source>Loading {} was cancelled.</source>
      <translation>Le chargement de {} a été annulé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="123" />
      <source>Loading {}...</source>
      <translation>Chargement de {}...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="38" />
      <source>Loads the granules named by the granule_url field of a table (the output of 'Image-pair granules of a datacube'; check 'Selected features only' to load the selected rows) as groups holding the pair's speed (m/yr, log colours) and flow arrows. Granules are read by HTTP range requests (GDAL /vsis3/) from the configured store: only the header and the chunks drawn are fetched. MAX_GRANULES guards against loading a whole table by mistake.

Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</source>
      <translation>Charge les granules nommés par le champ granule_url d'une table (la sortie de « Granules des paires d'images d'un cube de données » ; cochez « Entités sélectionnées uniquement » pour charger les lignes sélectionnées) en groupes contenant la vitesse de la paire (m/an, couleurs logarithmiques) et les flèches d'écoulement. Les granules sont lus par requêtes HTTP partielles (GDAL /vsis3/) depuis le stockage configuré : seuls l'en-tête et les blocs affichés sont téléchargés. MAX_GRANULES évite de charger toute une table par erreur.

Données : NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="96" />
      <source>Logarithmic (Alley et al. 2018)</source>
      <translation>Logarithmique (Alley et al. 2018)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="106" />
      <source>Logarithmic strain over a length scale (Alley et al. 2018)</source>
      <translation>Déformation logarithmique sur une échelle de longueur (Alley et al. 2018)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="79" />
      <source>Longest trace each way (metres)</source>
      <translation>Tracé le plus long dans chaque sens (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="186" />
      <source>Looking up ITS_LIVE datacubes</source>
      <translation>Recherche des cubes de données ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="122" />
      <source>MP4 needs the Python package imageio-ffmpeg (it brings its own ffmpeg): install it with: python -m pip install imageio-ffmpeg (or write a .gif).</source>
      <translation>Le MP4 demande le paquet Python imageio-ffmpeg (il apporte son propre ffmpeg) : installez-le avec : python -m pip install imageio-ffmpeg (ou écrivez un .gif).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="145" />
      <source>Map CRS (default: the project's)</source>
      <translation>SCR de la carte (par défaut : celui du projet)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="119" />
      <source>Map file</source>
      <translation>Fichier de la carte</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="199" />
      <source>Map written to {} ({}).</source>
      <translation>Carte écrite dans {} ({}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="61" />
      <source>Mass balance</source>
      <translation>Bilan de masse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="24" />
      <source>Mass balance (height change not explained by the flow)</source>
      <translation>Bilan de masse (variation d'altitude non expliquée par l'écoulement)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="71" />
      <source>Mass balance: {} minus the dynamic dh/dt of {}</source>
      <translation>Bilan de masse : {} moins le dh/dt dynamique de {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="119" />
      <source>Maximum date_dt (days)</source>
      <translation>date_dt maximal (jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="128" />
      <source>Maximum v_error</source>
      <translation>v_error maximale</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="143" />
      <source>Maximum v_error (m/yr)</source>
      <translation>v_error maximal (m/yr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="35" />
      <source>Mean, trend, annual amplitude and phase of every pixel of the velocity layer (a subset or an inversion result), with their 1-sigma errors (itslive:seasonalfit)</source>
      <translation>Moyenne, tendance, amplitude et phase annuelles de chaque pixel de la couche de vitesses (un sous-ensemble ou un résultat d'inversion), avec leurs erreurs à 1 sigma (itslive:seasonalfit)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="97" />
      <source>Method</source>
      <translation>Méthode</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="118" />
      <source>Minimum date_dt (days)</source>
      <translation>date_dt minimal (jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="133" />
      <source>Minimum roi_valid_percentage (%)</source>
      <translation>roi_valid_percentage minimal (%)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="123" />
      <source>Minimum valid pixels</source>
      <translation>Part minimale de pixels valides</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="62" />
      <source>Missing Python package: Pillow (it writes the GIF). Install it with: python -m pip install pillow</source>
      <translation>Paquet Python manquant : Pillow (il écrit le GIF). Installez-le avec : python -m pip install pillow</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/i18n.py" line="38" />
      <source>Missing Python packages: {}. Install them with "Install the missing packages" in the ITS_LIVE panel or in Settings &gt; Options &gt; ITS_LIVE (pip, into a folder of this QGIS profile; QGIS's own numpy, GDAL, PROJ and GEOS stay as they are), or from a terminal (the second command for an environment of your own): {}</source>
      <translation>Paquets Python manquants : {}. Installez-les avec « Installer les paquets manquants » dans le panneau ITS_LIVE ou dans Préférences &gt; Options &gt; ITS_LIVE (pip, dans un dossier de ce profil QGIS ; numpy, GDAL, PROJ et GEOS de QGIS restent tels quels), ou depuis un terminal (la seconde commande pour votre propre environnement) : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="64" />
      <source>Most granules loaded</source>
      <translation>Nombre maximal de granules chargés</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/earthdata_options.py" line="22" />
      <source>NASA Earthdata login for ICESat-2 granules in the NASA cloud: a 'Basic' authentication configuration (user name and password of urs.earthdata.nasa.gov), kept in the QGIS authentication database. Only its id is saved here. ~/.netrc also works.</source>
      <translation>Identifiant NASA Earthdata pour les granules ICESat-2 du cloud de la NASA : une configuration d'authentification « Basic » (nom d'utilisateur et mot de passe de urs.earthdata.nasa.gov), conservée dans la base d'authentification de QGIS. Seul son identifiant est enregistré ici. ~/.netrc fonctionne aussi.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="74" />
      <source>NetCDF (*.nc)</source>
      <translation>NetCDF (*.nc)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="131" />
      <source>NetCDF (*.nc);;Zarr (*.zarr)</source>
      <translation>NetCDF (*.nc);;Zarr (*.zarr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="173" />
      <source>NetCDF (*.nc);;Zarr store, with a Dask scheduler (*.zarr)</source>
      <translation>NetCDF (*.nc);;Magasin Zarr, avec un ordonnanceur Dask (*.zarr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="223" />
      <source>No ICESat-2 segment in the extent and dates ({}): widen the EXTENT or the dates, or turn QUALITY_ONLY off.</source>
      <translation>Aucun segment ICESat-2 dans l'emprise et les dates ({}) : élargissez l'EXTENT ou les dates, ou désactivez QUALITY_ONLY.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="170" />
      <source>No ICESat-2 segment within {:.0f} m of the clicked point(s)</source>
      <translation>Aucun segment ICESat-2 à moins de {:.0f} m du ou des points cliqués</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="286" />
      <source>No ITS_LIVE datacube or file at {} ({}): check the path.</source>
      <translation>Aucun datacube ITS_LIVE ni fichier à {} ({}) : vérifiez le chemin.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_composite.py" line="88" />
      <source>No annual composite for the point: {}</source>
      <translation>Pas de composite annuel pour le point : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="163" />
      <source>No browse image beside this granule ({}).</source>
      <translation>Aucune image d'aperçu à côté de ce granule ({}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="202" />
      <source>No feature of {} is selected.</source>
      <translation>Aucune entité de {} n'est sélectionnée.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="365" />
      <source>No flow arrows for {}: {}</source>
      <translation>Pas de flèches d'écoulement pour {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="86" />
      <source>No granule URL in the table (or in its selected rows).</source>
      <translation>Aucune URL de granule dans la table (ou dans ses lignes sélectionnées).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="181" />
      <source>No outline CSV at {}: check the path.</source>
      <translation>Aucun CSV de contour à l'emplacement {} : vérifiez le chemin.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="95" />
      <source>No project to load the granules into.</source>
      <translation>Aucun projet où charger les granules.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="131" />
      <source>No result file at {}: check the path.</source>
      <translation>Aucun fichier résultat à l'emplacement {} : vérifiez le chemin.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="122" />
      <source>No result given: choose a result file (INPUT) or a Zarr store folder (STORE).</source>
      <translation>Aucun résultat indiqué : choisissez un fichier résultat (INPUT) ou le dossier d'un magasin Zarr (STORE).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="195" />
      <source>No time step between {} and {}.</source>
      <translation>Aucun pas de temps entre {} et {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="169" />
      <source>No time steps in these layers: give START_DATE, END_DATE and STEP_DAYS.</source>
      <translation>Aucun pas de temps dans ces couches : donnez START_DATE, END_DATE et STEP_DAYS.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="100" />
      <source>No velocities given: choose a NetCDF/Zarr velocity dataset (INPUT) or the two rasters VX and VY.</source>
      <translation>Aucune vitesse fournie : choisissez un jeu de données de vitesse NetCDF/Zarr (INPUT) ou les deux rasters VX et VY.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="106" />
      <source>No velocity dataset at {}: check the path.</source>
      <translation>Aucun jeu de données de vitesse à l'emplacement {} : vérifiez le chemin.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="176" />
      <source>None</source>
      <translation>Aucun</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="340" />
      <source>None of the {} seed(s) could be tracked ({}).</source>
      <translation>Aucun des {} point(s) de départ n'a pu être suivi ({}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="65" />
      <source>Not set: use the map canvas extent button or draw one</source>
      <translation>Non définie : utiliser l'emprise du canevas ou en dessiner une</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="226" />
      <source>Nothing to draw: choose LAYERS, give a result file as INPUT, or switch layers on.</source>
      <translation>Rien à dessiner : choisissez LAYERS, donnez un fichier de résultat en INPUT ou activez des couches.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="106" />
      <source>Number of granules</source>
      <translation>Nombre de granules</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="172" />
      <source>OUTLINE holds no polygon.</source>
      <translation>OUTLINE ne contient aucun polygone.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="112" />
      <source>OUTPUT must end in .gif or .mp4; got {}.</source>
      <translation>OUTPUT doit se terminer par .gif ou .mp4 ; reçu {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="195" />
      <source>OUTPUT must end in .png or .pdf; got {}.</source>
      <translation>OUTPUT doit se terminer par .png ou .pdf ; reçu {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="46" />
      <source>Observed elevation change (itslive:elevationchange, .nc)</source>
      <translation>Variation d'altitude observée (itslive:elevationchange, .nc)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="93" />
      <source>Off: a catalog or URL naming another server is refused: no request goes anywhere else.</source>
      <translation>Désactivé : un catalogue ou une URL désignant un autre serveur est refusé ; aucune requête ne part ailleurs.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="132" />
      <source>Only segments with atl06_quality_summary = 0</source>
      <translation>Seulement les segments avec atl06_quality_summary = 0</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="63" />
      <source>Only show the pip command</source>
      <translation>Afficher seulement la commande pip</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="330" />
      <source>Open a profile</source>
      <translation>Ouvrir un profil</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="335" />
      <source>Open glacier statistics</source>
      <translation>Ouvrir des statistiques de glacier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="204" />
      <source>Open profile...</source>
      <translation>Ouvrir un profil...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="235" />
      <source>Open statistics table...</source>
      <translation>Ouvrir une table de statistiques...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="60" />
      <source>Open the granule URL</source>
      <translation>Ouvrir l'URL du granule</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="97" />
      <source>Or a Zarr store (.zarr folder of a DASK_SCHEDULER run)</source>
      <translation>Ou un magasin Zarr (dossier .zarr d'un calcul avec DASK_SCHEDULER)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="135" />
      <source>Or a result file (NetCDF, GeoTIFF or GeoPackage)</source>
      <translation>Ou un fichier de résultat (NetCDF, GeoTIFF ou GeoPackage)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="94" />
      <source>Or polygons</source>
      <translation>Ou des polygones</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="147" />
      <source>Out of memory: choose a smaller area or fewer dates, then run again.</source>
      <translation>Mémoire insuffisante : choisissez une zone plus petite ou moins de dates, puis relancez.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="205" />
      <source>Outline: {} polygon(s) reprojected to {}</source>
      <translation>Contour : {} polygone(s) reprojeté(s) en {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="58" />
      <source>Outlines (polygons)</source>
      <translation>Contours (polygones)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="132" />
      <source>Output file</source>
      <translation>Fichier de sortie</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="90" />
      <source>Output folder</source>
      <translation>Dossier de sortie</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="119" />
      <source>PNG image (*.png);;PDF document (*.pdf)</source>
      <translation>Image PNG (*.png);;Document PDF (*.pdf)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="274" />
      <source>PNG images (*.png)</source>
      <translation>Images PNG (*.png)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="59" />
      <source>Package sets (comma-separated)</source>
      <translation>Ensembles de paquets (séparés par des virgules)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="69" />
      <source>Packages folder</source>
      <translation>Dossier des paquets</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="150" />
      <source>Page height (mm)</source>
      <translation>Hauteur de la page (mm)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="149" />
      <source>Page width (mm)</source>
      <translation>Largeur de la page (mm)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="141" />
      <source>Pair weighting</source>
      <translation>Pondération des paires</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="137" />
      <source>Particle tracks</source>
      <translation>Trajectoires de particules</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="75" />
      <source>Paths of ice particles from seed points through a velocity field, by 4th-order Runge-Kutta steps with bilinear interpolation in space and, for a time-varying field (e.g. an inversion result with a time axis), linear interpolation in time.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (ground m/yr; a static mosaic clip or a field with a time axis), OR the two rasters VX and VY (static).
SEEDS: points in any CRS (reprojected to the field's CRS); every point of a multipoint feature is a seed.
START_DATE: YYYY-MM-DD; empty = the field's first time when tracking forward, its last time backward, and 2000-01-01 for a static field. DURATION_DAYS and STEP_DAYS: total time and Runge-Kutta step (days). DIRECTION: forward (where the ice goes) or backward (where it came from).
A particle stops at its last position with data when it would leave the grid, meet a cell without data or leave the field's time span (stop_reason: completed, left_grid, no_data, outside_time). Seeds without data are skipped with a warning.

OUTPUT: one LineStringM per seed in the field's CRS, first vertex at the seed; M = days since 1970-01-01 at each vertex (decreasing for backward tracks). Fields: seed_id (feature id of the seed), start and end (date-times: earliest and latest time on the path), direction, stop_reason. To animate with the temporal controller, set the layer's temporal mode to 'Separate fields for start and end date/time' with start and end (the toolbox does this when it loads the layer).</source>
      <translation>Trajectoires de particules de glace issues de points de départ à travers un champ de vitesse, par pas de Runge-Kutta d'ordre 4 avec interpolation bilinéaire dans l'espace et, pour un champ variable dans le temps (p. ex. un résultat d'inversion avec un axe temporel), interpolation linéaire dans le temps.

Vitesses : INPUT, un jeu de données NetCDF ou Zarr contenant vx et vy (m/yr au sol ; une découpe de mosaïque statique ou un champ avec un axe temporel), OU les deux rasters VX et VY (statiques).
SEEDS : points dans n'importe quel SCR (reprojetés dans le SCR du champ) ; chaque point d'une entité multipoint est un point de départ.
START_DATE : AAAA-MM-JJ ; vide = le premier instant du champ pour un suivi vers l'aval, son dernier instant pour un suivi vers l'amont, et 2000-01-01 pour un champ statique. DURATION_DAYS et STEP_DAYS : durée totale et pas de Runge-Kutta (jours). DIRECTION : vers l'aval (où va la glace) ou vers l'amont (d'où elle vient).
Une particule s'arrête à sa dernière position pourvue de données lorsqu'elle quitterait la grille, rencontrerait une cellule sans donnée ou sortirait de la période couverte par le champ (stop_reason : completed, left_grid, no_data, outside_time). Les points de départ sans donnée sont ignorés, avec un avertissement.

OUTPUT : une LineStringM par point de départ dans le SCR du champ, premier sommet au point de départ ; M = jours écoulés depuis le 1970-01-01 à chaque sommet (décroissant pour les trajectoires vers l'amont). Champs : seed_id (identifiant de l'entité du point de départ), start et end (dates-heures : premier et dernier instant de la trajectoire), direction, stop_reason. Pour l'animer avec le contrôleur temporel, réglez le mode temporel de la couche sur des champs séparés pour la date/heure de début et de fin, avec start et end (la boîte à outils le fait lorsqu'elle charge la couche).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="326" />
      <source>Pick a point on the map</source>
      <translation>Choisir un point sur la carte</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="114" />
      <source>Pixel size (metres)</source>
      <translation>Taille de pixel (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="127" />
      <source>Pixels whose v_error is larger are blanked (MAX_V_ERROR)</source>
      <translation>Les pixels dont la v_error est plus grande sont masqués (MAX_V_ERROR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="513" />
      <source>Plotting needs matplotlib: install python3-matplotlib (or pip install matplotlib).</source>
      <translation>Le tracé nécessite matplotlib : installez python3-matplotlib (ou pip install matplotlib).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="345" />
      <source>Point</source>
      <translation>Point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/dock.py" line="151" />
      <source>Point series</source>
      <translation>Série en un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="107" />
      <source>Preparing the time-series plot</source>
      <translation>Préparation du graphique de série temporelle</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/runner.py" line="34" />
      <source>Processing algorithm {} is not available.</source>
      <translation>L'algorithme de traitement {} n'est pas disponible.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="89" />
      <source>Product</source>
      <translation>Produit</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="118" />
      <source>Profile (NetCDF)</source>
      <translation>Profil (NetCDF)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="309" />
      <source>Profile {}: {} samples</source>
      <translation>Profil {} : {} échantillons</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="553" />
      <source>P{} {} px ({}, {})</source>
      <translation>P{} {} px ({}, {})</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="64" />
      <source>QGIS cannot open the DEM {}.</source>
      <translation>QGIS ne peut pas ouvrir le MNT {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/basemap.py" line="49" />
      <source>QGIS cannot open the mosaic clip {}.</source>
      <translation>QGIS ne peut pas ouvrir le découpage de mosaïque {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="183" />
      <source>QGIS cannot open {}: {}</source>
      <translation>QGIS ne peut pas ouvrir {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="67" />
      <source>QGIS's Python (optional)</source>
      <translation>Python de QGIS (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="84" />
      <source>RGI region (optional)</source>
      <translation>Région RGI (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="55" />
      <source>Rate of surface height change dh/dt (m/yr) on a grid, with its 1-sigma uncertainty dhdt_sigma (m/yr) and count, written as CF NetCDF (y, x) with its grid mapping.

Sources (INPUT, or INPUT_POINTS):
- an ICESat-2 ATL15 file (.nc): a weighted linear trend of delta_h over the dates in the window (count = dates), or with LAG = k &gt;= 1 the mean of the dhdt_lag{k} rates in the window;
- the ITS_LIVE height-change cube (a local .zarr, or its URL in the its-live-data bucket, read anonymously like the velocity cubes, e.g. s3://its-live-data/height_change/Antarctica/Grounded/ANT_G1920V01_GroundedIceHeight.zarr; dh, rmse, quality_flag; time in days since 1950-01-01): a weighted trend of dh, flagged values left out;
- ATL06 files, a folder or an s3:// location (as in itslive:icesat2heights), or INPUT_POINTS, the layer itslive:icesat2heights wrote: in each cell a robust weighted fit of a plane (the surface slope, since repeat tracks wander across it) plus a linear trend; outliers beyond 3 scaled MADs are dropped; count = repeat passes (rgt, cycle) kept; a cell needs 3 passes over 180 days.

Grid: REFERENCE_GRID, a raster or NetCDF whose grid the output takes (e.g. a velocity result, so that itslive:massbalance can subtract the flux divergence), else EXTENT in CRS (a projected CRS in metres, default EPSG:3413) with PIXEL_SIZE_M. Gridded inputs are carried onto it bilinearly. START_DATE, END_DATE: YYYY-MM-DD (inclusive).

TIME_AXIS (ATL15 and the height-change cube only): the output also has a time axis: with LAG = 0, dh (m, relative to the input's own reference epoch) and dh_sigma at each epoch in the window, beside the 2-D trend dhdt; with LAG = k, dhdt and dhdt_sigma (m/yr) per lag window, time at its centre and time_bnds its start and end (CF).</source>
      <translation>Taux de variation de l'altitude de surface dh/dt (m/an) sur une grille, avec son incertitude à 1 sigma dhdt_sigma (m/an) et count, écrit en NetCDF CF (y, x) avec sa projection.

Sources (INPUT, ou INPUT_POINTS) :
- un fichier ICESat-2 ATL15 (.nc) : une tendance linéaire pondérée de delta_h sur les dates de la période (count = dates), ou avec LAG = k &gt;= 1 la moyenne des taux dhdt_lag{k} de la période ;
- le cube ITS_LIVE de variation d'altitude (un .zarr local, ou son URL dans le bucket its-live-data, lu anonymement comme les cubes de vitesse, p. ex. s3://its-live-data/height_change/Antarctica/Grounded/ANT_G1920V01_GroundedIceHeight.zarr ; dh, rmse, quality_flag ; temps en jours depuis le 1950-01-01) : une tendance pondérée de dh, valeurs signalées exclues ;
- des fichiers ATL06, un dossier ou un emplacement s3:// (comme pour itslive:icesat2heights), ou INPUT_POINTS, la couche écrite par itslive:icesat2heights : dans chaque cellule un ajustement pondéré robuste d'un plan (la pente de la surface, car les traces répétées s'en écartent) et d'une tendance linéaire ; les valeurs aberrantes au-delà de 3 MAD normalisées sont écartées ; count = passages répétés (rgt, cycle) gardés ; une cellule demande 3 passages sur 180 jours.

Grille : REFERENCE_GRID, un raster ou un NetCDF dont la sortie prend la grille (p. ex. un résultat de vitesses, pour que itslive:massbalance puisse soustraire la divergence du flux), sinon EXTENT dans CRS (un SCR projeté en mètres, EPSG:3413 par défaut) avec PIXEL_SIZE_M. Les entrées maillées y sont portées par interpolation bilinéaire. START_DATE, END_DATE : AAAA-MM-JJ (inclus).

TIME_AXIS (ATL15 et le cube de variation d'altitude seulement) : la sortie a aussi un axe temporel : avec LAG = 0, dh (m, relatif à l'époque de référence propre à l'entrée) et dh_sigma à chaque époque de la fenêtre, à côté de la tendance 2-D dhdt ; avec LAG = k, dhdt et dhdt_sigma (m/an) par fenêtre de décalage, time en son centre et time_bnds son début et sa fin (CF).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="298" />
      <source>Read here: the background queue is busy ({}).</source>
      <translation>Lu ici : la file des tâches d'arrière-plan est occupée ({}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/composite_form.py" line="53" />
      <source>Reading the annual composites of the area (years of the time window; pair filters do not apply)...</source>
      <translation>Lecture des composites annuels de la zone (années de la fenêtre temporelle ; les filtres de paires ne s'appliquent pas)...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="148" />
      <source>Reading the image pairs under the point...</source>
      <translation>Lecture des paires d'images sous le point...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="60" />
      <source>Reading the profile</source>
      <translation>Lecture du profil</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="158" />
      <source>Reads the {} cube(s) selected in Datacubes: {}</source>
      <translation>Lit les {} cube(s) sélectionné(s) dans Cubes de données : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="153" />
      <source>Reads: every datacube under the area (none selected in Datacubes).</source>
      <translation>Lit : tous les cubes de données sous la zone (aucun sélectionné dans Cubes de données).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="102" />
      <source>Reference grid (raster or NetCDF; optional)</source>
      <translation>Grille de référence (raster ou NetCDF ; facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="53" />
      <source>Regularisation weight</source>
      <translation>Poids de régularisation</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="124" />
      <source>Regularisation weight (0 = automatic, cross-validation)</source>
      <translation>Poids de régularisation (0 = automatique, validation croisée)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="393" />
      <source>Regularisation weight lambda; larger is smoother. 0 = chosen by cross-validation over images.</source>
      <translation>Poids de régularisation lambda ; plus il est grand, plus la série est lisse. 0 = choisi par validation croisée sur les images.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="133" />
      <source>Regularised derivative</source>
      <translation>Dérivée régularisée</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="80" />
      <source>Request timeout</source>
      <translation>Délai d'attente d'une requête</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="82" />
      <source>Requests in flight</source>
      <translation>Requêtes simultanées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="151" />
      <source>Resolution (dpi)</source>
      <translation>Résolution (ppp)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="73" />
      <source>Restart QGIS needed</source>
      <translation>Redémarrage de QGIS nécessaire</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="61" />
      <source>Restart QGIS: a package it had already loaded was replaced.</source>
      <translation>Redémarrez QGIS : un paquet déjà chargé a été remplacé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="105" />
      <source>Result file</source>
      <translation>Fichier résultat</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="85" />
      <source>Result file (NetCDF, GeoTIFF or GeoPackage)</source>
      <translation>Fichier résultat (NetCDF, GeoTIFF ou GeoPackage)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="148" />
      <source>Robust (down-weight outliers)</source>
      <translation>Robuste (réduire le poids des valeurs aberrantes)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="90" />
      <source>Robust to outliers (Huber, clipping)</source>
      <translation>Robuste aux valeurs aberrantes (Huber, écrêtage)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="55" />
      <source>Run glacier statistics</source>
      <translation>Calculer les statistiques du glacier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="35" />
      <source>Run on a velocity dataset</source>
      <translation>Calculer sur un jeu de vitesses</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="53" />
      <source>Run profile</source>
      <translation>Calculer le profil</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/cluster_outputs.py" line="56" />
      <source>Running on {}.</source>
      <translation>Calcul sur {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="106" />
      <source>Running {}...</source>
      <translation>Exécution de {}...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="55" />
      <source>S3 bucket holding the ITS_LIVE archive (default: its-live-data).</source>
      <translation>Compartiment S3 contenant l'archive ITS_LIVE (par défaut : its-live-data).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="62" />
      <source>S3-compatible endpoint URL</source>
      <translation>URL du point de terminaison compatible S3</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="124" />
      <source>STORE: {} is not a Zarr store (.zarr folder): choose the folder a DASK_SCHEDULER run wrote.</source>
      <translation>STORE : {} n'est pas un magasin Zarr (dossier .zarr) : choisissez le dossier écrit par un calcul avec DASK_SCHEDULER.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="100" />
      <source>Sample spacing along the line (metres)</source>
      <translation>Espacement des échantillons le long de la ligne (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="157" />
      <source>Sampling {} every {} m along a {}-vertex line</source>
      <translation>Échantillonnage de {} tous les {} m le long d'une ligne de {} sommets</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="344" />
      <source>Satellite</source>
      <translation>Satellite</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="344" />
      <source>Satellite (one point) / point</source>
      <translation>Satellite (un point) / point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="112" />
      <source>Satellites</source>
      <translation>Satellites</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="115" />
      <source>Satellites (e.g. 8,9,2A)</source>
      <translation>Satellites (p. ex. 8,9,2A)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="27" />
      <source>Seasonal cycle</source>
      <translation>Cycle saisonnier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="43" />
      <source>Seasonal cycle fit</source>
      <translation>Ajustement du cycle saisonnier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="32" />
      <source>Seasonal fit</source>
      <translation>Ajustement saisonnier</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_gp.py" line="35" />
      <source>Second smoother</source>
      <translation>Second lissage</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="141" />
      <source>Seed points</source>
      <translation>Points de départ</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="102" />
      <source>Seed points (any CRS)</source>
      <translation>Points de départ (n'importe quel SCR)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="95" />
      <source>Selected features only</source>
      <translation>Entités sélectionnées uniquement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="484" />
      <source>Sentinel-{}</source>
      <translation>Sentinel-{}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="353" />
      <source>Show</source>
      <translation>Afficher</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="108" />
      <source>Show all datacube footprints on the map</source>
      <translation>Afficher toutes les emprises des cubes de données sur la carte</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="57" />
      <source>Show its browse image</source>
      <translation>Afficher son image d'aperçu</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="56" />
      <source>Show or hide the ITS_LIVE panel</source>
      <translation>Afficher ou masquer le panneau ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="104" />
      <source>Show the pip command</source>
      <translation>Afficher la commande pip</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="165" />
      <source>Size budget, GB (download or uncompressed output; empty = the plugin option, 0 = no limit)</source>
      <translation>Taille maximale, Go (téléchargement ou sortie non compressée ; vide = option de l'extension, 0 = sans limite)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="297" />
      <source>SlideRule ATL06-SR h_mean (its fit of ATL03 photons), m above WGS84: NOT ATL06 h_li</source>
      <translation>h_mean d'ATL06-SR de SlideRule (son ajustement des photons ATL03), m au-dessus du WGS84 : PAS le h_li d'ATL06</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="300" />
      <source>SlideRule ATL06-SR h_sigma, m</source>
      <translation>h_sigma d'ATL06-SR de SlideRule, m</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="301" />
      <source>SlideRule ATL06-SR pflags (0 = no processing flag)</source>
      <translation>pflags d'ATL06-SR de SlideRule (0 = aucun indicateur de traitement)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="138" />
      <source>SlideRule service (a domain: its public cluster over https)</source>
      <translation>Service SlideRule (un domaine : sa grappe publique en https)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="282" />
      <source>SlideRule {} answered</source>
      <translation>SlideRule {} a répondu</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="273" />
      <source>SlideRule {} at {}</source>
      <translation>SlideRule {} sur {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="105" />
      <source>SlideRule: ATL06 subset (atl06sp, online)</source>
      <translation>SlideRule : découpe d'ATL06 (atl06sp, en ligne)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="106" />
      <source>SlideRule: ATL06-SR from ATL03 photons (atl06p, online; heights are not h_li)</source>
      <translation>SlideRule : ATL06-SR à partir des photons ATL03 (atl06p, en ligne ; les altitudes ne sont pas des h_li)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="402" />
      <source>Smoothing</source>
      <translation>Lissage</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="57" />
      <source>Smoothness of</source>
      <translation>Lisser la</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="102" />
      <source>Source</source>
      <translation>Source</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="410" />
      <source>Source file: {}</source>
      <translation>Fichier source : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="147" />
      <source>Speed</source>
      <translation>Vitesse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="341" />
      <source>Speed v</source>
      <translation>Vitesse v</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="144" />
      <source>Start date</source>
      <translation>Date de début</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="103" />
      <source>Start date (YYYY-MM-DD)</source>
      <translation>Date de début (AAAA-MM-JJ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="120" />
      <source>Start date (YYYY-MM-DD, UTC)</source>
      <translation>Date de début (AAAA-MM-JJ, UTC)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="108" />
      <source>Start date YYYY-MM-DD (empty: first time of the field, 2000-01-01 if static)</source>
      <translation>Date de début AAAA-MM-JJ (vide : premier instant du champ, 2000-01-01 s'il est statique)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="324" />
      <source>Start date {} is not a date: write it as YYYY-MM-DD, e.g. 2018-01-01.</source>
      <translation>La date de début {} n'est pas une date : écrivez-la sous la forme AAAA-MM-JJ, p. ex. 2018-01-01.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="74" />
      <source>Start point</source>
      <translation>Point de départ</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="260" />
      <source>Static field and no start date: the tracks start on 2000-01-01.</source>
      <translation>Champ statique et aucune date de début : les trajectoires commencent le 2000-01-01.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="132" />
      <source>Statistics of {} outline(s) over {}</source>
      <translation>Statistiques de {} contour(s) sur {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="316" />
      <source>Statistics {}: {} rows, {} outline(s)</source>
      <translation>Statistiques {} : {} lignes, {} contour(s)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="85" />
      <source>Stop on ice slower than (m/yr)</source>
      <translation>S'arrêter sur la glace plus lente que (m/yr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="93" />
      <source>Strain rates</source>
      <translation>Vitesses de déformation</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="173" />
      <source>Strain rates by {} of {}</source>
      <translation>Vitesses de déformation par {} pour {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="126" />
      <source>Strong beams only</source>
      <translation>Faisceaux forts seulement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="175" />
      <source>Subset</source>
      <translation>Extrait</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="40" />
      <source>Subset (*.nc *.zarr)</source>
      <translation>Extrait (*.nc *.zarr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="104" />
      <source>Subset (*.nc *.zarr);;All files (*)</source>
      <translation>Extrait (*.nc *.zarr);;Tous les fichiers (*)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="103" />
      <source>Subset file or datacube (path or URL)</source>
      <translation>Fichier d'extrait ou cube de données (chemin ou URL)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="42" />
      <source>Subset or cube</source>
      <translation>Extrait ou cube</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="74" />
      <source>Subset or inversion result (*.nc *.zarr);;All files (*)</source>
      <translation>Extrait ou résultat d'inversion (*.nc *.zarr);;Tous les fichiers (*)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_seasonal_fit.py" line="73" />
      <source>Subset, datacube (path or URL) or inversion result</source>
      <translation>Extrait, cube de données (chemin ou URL) ou résultat d'inversion</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="62" />
      <source>Surface strain rates (1/yr) of a velocity field.

Velocities: INPUT, a NetCDF or Zarr dataset with vx and vy (m/yr) on (y, x) or (time, y, x): a subset, an inversion result or a mosaic clip; OR the two rasters VX and VY (single band, same grid). Give one or the other.

Outputs, along the grid axes (x grid east, y grid north, whatever the row order; positive = extension): exx = dvx/dx, eyy = dvy/dy, exy = (dvx/dy + dvy/dx)/2, ezz = -(exx + eyy), effective strain rate e_eff = sqrt((exx^2 + eyy^2 + ezz^2)/2 + exy^2), principal strain rates e1 &gt;= e2 and e1_direction (degrees counter-clockwise from grid east); along flow: e_lon (longitudinal), e_trn (transverse) and e_shr (shear, positive when speed increases to the left of the flow). With vx_error/vy_error in the input, 1-sigma uncertainties too.

METHOD: central differences on the grid (one-sided at edges and next to gaps), or logarithmic strain rates of a strain square of half-size LENGTH_SCALE (metres, ground) advected with the flow (Alley et al. 2018), which averages noise over that length.
SCALE_CORRECTION (advanced, on by default): velocities are ground m/yr; derivatives are corrected for the projection scale factor of polar stereographic or UTM grids.
CRS: the grid's CRS when the file does not say (e.g. ITS_LIVE v1 clips: EPSG:3413).
OUTPUT: NetCDF (.nc, every variable, time axis kept) or GeoTIFF (.tif, 2-D input only, one band per variable described 'name: long name').

Reference: Alley, K. E. et al. (2018), Continent-wide estimates of Antarctic strain rates from Landsat 8-derived velocity grids, J. Glaciol. 64(244), 321-332, doi:10.1017/jog.2018.23.</source>
      <translation>Vitesses de déformation de surface (1/yr) d'un champ de vitesse.

Vitesses : INPUT, un jeu de données NetCDF ou Zarr contenant vx et vy (m/yr) sur (y, x) ou (time, y, x) : un extrait, un résultat d'inversion ou une découpe de mosaïque ; OU les deux rasters VX et VY (une seule bande, même grille). Indiquez l'un ou l'autre.

Sorties, selon les axes de la grille (x vers l'est de la grille, y vers le nord de la grille, quel que soit l'ordre des lignes ; positif = extension) : exx = dvx/dx, eyy = dvy/dy, exy = (dvx/dy + dvy/dx)/2, ezz = -(exx + eyy), vitesse de déformation effective e_eff = sqrt((exx^2 + eyy^2 + ezz^2)/2 + exy^2), vitesses de déformation principales e1 &gt;= e2 et e1_direction (degrés dans le sens antihoraire depuis l'est de la grille) ; selon l'écoulement : e_lon (longitudinale), e_trn (transversale) et e_shr (cisaillement, positive lorsque la vitesse augmente vers la gauche de l'écoulement). Si l'entrée contient vx_error/vy_error, les incertitudes à 1 sigma sont également calculées.

METHOD : différences centrées sur la grille (décentrées aux bords et à côté des lacunes), ou vitesses de déformation logarithmiques d'un carré de déformation de demi-côté LENGTH_SCALE (mètres, au sol) advecté par l'écoulement (Alley et al. 2018), ce qui moyenne le bruit sur cette longueur.
SCALE_CORRECTION (avancé, activé par défaut) : les vitesses sont en m/yr au sol ; les dérivées sont corrigées du facteur d'échelle de la projection pour les grilles stéréographiques polaires ou UTM.
CRS : le SCR de la grille lorsque le fichier ne l'indique pas (p. ex. découpes ITS_LIVE v1 : EPSG:3413).
OUTPUT : NetCDF (.nc, toutes les variables, axe temporel conservé) ou GeoTIFF (.tif, entrée 2D uniquement, une bande par variable, décrite 'name: long name').

Référence : Alley, K. E. et al. (2018), Continent-wide estimates of Antarctic strain rates from Landsat 8-derived velocity grids, J. Glaciol. 64(244), 321-332, doi:10.1017/jog.2018.23.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="211" />
      <source>TIME_AXIS needs a gridded input with a time axis (ATL15 or the height-change cube).</source>
      <translation>TIME_AXIS demande une entrée maillée avec un axe temporel (ATL15 ou le cube de variation d'altitude).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="101" />
      <source>Target CRS (optional)</source>
      <translation>SCR cible (facultatif)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/earthdata_login.py" line="32" />
      <source>The Earthdata authentication configuration {} chosen in Settings &gt; Options &gt; ITS_LIVE could not be read (deleted, or the QGIS master password was not entered), or has no user name and password: choose another one.</source>
      <translation>La configuration d'authentification Earthdata {} choisie dans Préférences &gt; Options &gt; ITS_LIVE n'a pas pu être lue (supprimée, ou mot de passe principal de QGIS non saisi), ou n'a ni nom d'utilisateur ni mot de passe : choisissez-en une autre.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="42" />
      <source>The ITS_LIVE annual composites of the datacubes under an area (EXTENT, or the polygons of AOI; any CRS), mosaicked onto one 120 m grid and written as CF NetCDF.

Variables (the composite's names and units): annual mean v, vx, vy (m/yr) with v_error, vx_error, vy_error and count on (time, y, x), time = 1 January of each year; the climatology v0, vx0, vy0 (m/yr, at the composite's reference date 2018-01-01) with errors; the trends dv_dt, dvx_dt, dvy_dt (m/yr^2); the seasonal amplitude v_amp, vx_amp, vy_amp (m/yr) with errors and phase v_phase, vx_phase, vy_phase (day of year of the maximum); count0, outlier_percent (%), landice, floatingice. The seasonal model is v0 + dv_dt (t - t0) + v_amp cos(2 pi (doy - v_phase) / 365.25).

CUBES: optional comma-separated datacube URLs (the dock's selection); default every cube of the catalog covering the area. Each cube's composite is the catalog's composite_zarr_url, else composites/annual/v2-updated-september2025/&lt;region&gt;/ITS_LIVE_velocity_EPSG&lt;epsg&gt;_120m_X&lt;x&gt;_Y&lt;y&gt;.zarr beside it. Tiles of another projection than TARGET_CRS (default: the tile covering most of the area) are resampled by nearest neighbour and their vectors, errors and seasonal cycles rotated into the output's axes; speeds are unchanged.
START_YEAR, END_YEAR: the annual layers kept (inclusive). VARIABLES: comma-separated (default all).

Reference: Gardner, A. S. et al., ITS_LIVE global glacier velocity data in near real time, doi:10.5194/egusphere-2025-392.</source>
      <translation>Les composites annuels ITS_LIVE des cubes de données sous une zone (EXTENT, ou les polygones d'AOI ; tout SCR), mosaïqués sur une grille unique de 120 m et écrits en NetCDF CF.

Variables (noms et unités du composite) : moyennes annuelles v, vx, vy (m/an) avec v_error, vx_error, vy_error et count sur (time, y, x), time = 1er janvier de chaque année ; la climatologie v0, vx0, vy0 (m/an, à la date de référence du composite, 2018-01-01) avec erreurs ; les tendances dv_dt, dvx_dt, dvy_dt (m/an^2) ; l'amplitude saisonnière v_amp, vx_amp, vy_amp (m/an) avec erreurs et la phase v_phase, vx_phase, vy_phase (jour de l'année du maximum) ; count0, outlier_percent (%), landice, floatingice. Le modèle saisonnier est v0 + dv_dt (t - t0) + v_amp cos(2 pi (doy - v_phase) / 365.25).

CUBES : URL de cubes séparées par des virgules, facultatives (la sélection du panneau) ; par défaut chaque cube du catalogue couvrant la zone. Le composite de chaque cube est le composite_zarr_url du catalogue, sinon composites/annual/v2-updated-september2025/&lt;region&gt;/ITS_LIVE_velocity_EPSG&lt;epsg&gt;_120m_X&lt;x&gt;_Y&lt;y&gt;.zarr à côté de lui. Les tuiles d'une autre projection que TARGET_CRS (par défaut : la tuile couvrant la plus grande part de la zone) sont rééchantillonnées au plus proche voisin, et leurs vecteurs, erreurs et cycles saisonniers tournés dans les axes de la sortie ; les vitesses ne changent pas.
START_YEAR, END_YEAR : les couches annuelles gardées (incluses). VARIABLES : séparées par des virgules (par défaut toutes).

Référence : Gardner, A. S. et al., ITS_LIVE global glacier velocity data in near real time, doi:10.5194/egusphere-2025-392.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="127" />
      <source>The active layer is not a subset or inversion file (.nc or .zarr): select one.</source>
      <translation>La couche active n'est pas un fichier d'extrait ou d'inversion (.nc ou .zarr) : sélectionnez-en un.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="116" />
      <source>The algorithm failed.</source>
      <translation>L'algorithme a échoué.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="143" />
      <source>The animation could not be written: {}</source>
      <translation>L'animation n'a pas pu être écrite : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="414" />
      <source>The area layer has no polygon features (or none selected).</source>
      <translation>La couche de zone ne contient aucune entité polygonale (ou aucune n'est sélectionnée).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="121" />
      <source>The browse image of this granule is not a readable image.</source>
      <translation>L'image d'aperçu de ce granule n'est pas une image lisible.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="325" />
      <source>The catalog is not loaded yet; footprints will show when it is.</source>
      <translation>Le catalogue n'est pas encore chargé ; les emprises s'afficheront dès qu'il le sera.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="144" />
      <source>The datacube catalog could not be loaded: {}</source>
      <translation>Le catalogue des cubes de données n'a pas pu être chargé : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="397" />
      <source>The datacube catalog could not be refreshed; using the cached copy ({} cubes).</source>
      <translation>Le catalogue des cubes de données n'a pas pu être actualisé ; copie en cache utilisée ({} cubes).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="248" />
      <source>The datacube layer needs a zarr_url field (from itslive:findcubes).</source>
      <translation>La couche de cubes de données doit avoir un champ zarr_url (issu de itslive:findcubes).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="274" />
      <source>The download runs on the Dask cluster '{}' (the dask_scheduler setting); its workers write the Zarr store {}, loaded here when complete.</source>
      <translation>Le téléchargement s'exécute sur la grappe Dask « {} » (réglage dask_scheduler) ; ses processus de calcul écrivent le magasin Zarr {}, chargé ici une fois complet.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="103" />
      <source>The environment variable {} = {} overrides the endpoint.</source>
      <translation>La variable d'environnement {} = {} remplace le point de terminaison.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="71" />
      <source>The extent is empty: draw or choose an area on the map.</source>
      <translation>L'emprise est vide : dessinez ou choisissez une zone sur la carte.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="189" />
      <source>The granule {} holds no valid velocity (every cell is missing): nothing to show.</source>
      <translation>Le granule {} ne contient aucune vitesse valide (toutes les cellules manquent) : rien à afficher.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="59" />
      <source>The image pairs (velocity_image_pair granules) behind a datacube: one row per pair with its acquisition dates, mid_date, date_dt (days), satellites, sensors, missions, roi_valid_percentage (%), the cells with a valid v in the extent, and granule_url.

CUBE: datacube URL (zarr_url from itslive:findcubes) or local .zarr. EXTENT (optional): keep the pairs with at least one valid velocity in it. START_DATE, END_DATE (YYYY-MM-DD, inclusive): window on mid_date. SATELLITES (e.g. 8,9,2A): both images from these. MIN_DT_DAYS / MAX_DT_DAYS bound date_dt; MIN_VALID_PCT the valid-pixel percentage.

Load a granule from the table with its action 'Load image-pair granule', or the selected rows with 'Load image-pair granules' (selected features only). Granules are read by HTTP range requests from the configured store.

Data: NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</source>
      <translation>Les paires d'images (granules velocity_image_pair) derrière un cube de données : une ligne par paire avec ses dates d'acquisition, mid_date, date_dt (jours), satellites, capteurs, missions, roi_valid_percentage (%), les cellules de l'emprise où v est valide, et granule_url.

CUBE : URL du cube (zarr_url de itslive:findcubes) ou .zarr local. EXTENT (facultatif) : garder les paires ayant au moins une vitesse valide dans l'emprise. START_DATE, END_DATE (AAAA-MM-JJ, inclus) : fenêtre sur mid_date. SATELLITES (p. ex. 8,9,2A) : les deux images de ces satellites. MIN_DT_DAYS / MAX_DT_DAYS bornent date_dt ; MIN_VALID_PCT le pourcentage de pixels valides.

Chargez un granule depuis la table avec son action « Charger le granule de la paire d'images », ou les lignes sélectionnées avec « Charger les granules des paires d'images » (entités sélectionnées uniquement). Les granules sont lus par requêtes HTTP partielles depuis le stockage configuré.

Données : NASA MEaSUREs ITS_LIVE (Gardner et al., doi:10.5194/egusphere-2025-392).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="144" />
      <source>The inversion runs on the Dask cluster '{}' (the dask_scheduler setting); its workers write the Zarr store {}, loaded here when complete.</source>
      <translation>L'inversion s'exécute sur la grappe Dask « {} » (réglage dask_scheduler) ; ses processus de calcul écrivent le magasin Zarr {}, chargé ici une fois complet.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="46" />
      <source>The layout of 'Export map' (legend with units, scale bar, true-north arrow, title, ITS_LIVE citation) for every frame of a time range, written as an animated GIF or an H.264 MP4 video whose date label changes per frame.

START_DATE, END_DATE (YYYY-MM-DD): the range (default: the whole result). STEP_DAYS: 0 = one frame per time step of the result, else windows of that many days. FRAME_MS: display time of a frame. OUTPUT: .gif, or .mp4 (needs the Python package imageio-ffmpeg, which brings its own ffmpeg). Frames are written one at a time (memory stays bounded); cancelling leaves no file.</source>
      <translation>La mise en page de « Exporter une carte » (légende avec unités, barre d'échelle, flèche du nord vrai, titre, citation ITS_LIVE) pour chaque image d'une période, écrite en GIF animé ou en vidéo MP4 H.264 dont l'étiquette de date change à chaque image.

START_DATE, END_DATE (AAAA-MM-JJ) : la période (par défaut : tout le résultat). STEP_DAYS : 0 = une image par pas de temps du résultat, sinon des fenêtres de ce nombre de jours. FRAME_MS : durée d'affichage d'une image. OUTPUT : .gif, ou .mp4 (demande le paquet Python imageio-ffmpeg, qui apporte son propre ffmpeg). Les images sont écrites une à une (la mémoire reste bornée) ; une annulation ne laisse aucun fichier.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="203" />
      <source>The outline layer holds no polygon.</source>
      <translation>La couche de contour ne contient aucun polygone.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="215" />
      <source>The profiles nearest to these dates, one curve each (one curve per date).</source>
      <translation>Les profils les plus proches de ces dates, une courbe chacun (une courbe par date).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/seasonal_action.py" line="50" />
      <source>The seasonal fit needs a subset or an inversion result (NetCDF or Zarr), not a GeoTIFF pair.</source>
      <translation>L'ajustement saisonnier demande un sous-ensemble ou un résultat d'inversion (NetCDF ou Zarr), pas une paire de GeoTIFF.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="276" />
      <source>The seed layer holds no point.</source>
      <translation>La couche de points de départ ne contient aucun point.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/composite_form.py" line="59" />
      <source>The size estimate is for image pairs: an annual composite holds one layer per year (a few MB).</source>
      <translation>L'estimation de taille vaut pour les paires d'images : un composite annuel contient une couche par année (quelques Mo).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="176" />
      <source>The velocity field is static: no Hovmoller diagram (it needs a time axis).</source>
      <translation>Le champ de vitesse est statique : pas de diagramme de Hovmöller (il faut un axe temporel).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="148" />
      <source>The vx raster has no CRS: assign one or set the CRS parameter.</source>
      <translation>Le raster vx n'a pas de SCR : attribuez-lui-en un ou renseignez le paramètre CRS.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="204" />
      <source>The {} layer {} cannot be read as a raster file ({}): save it as GeoTIFF first.</source>
      <translation>La couche {} « {} » ne peut pas être lue comme fichier raster ({}) : enregistrez-la d'abord en GeoTIFF.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="371" />
      <source>Thinned arrows of the first time step (MDAL found no vx/vy vector pair).</source>
      <translation>Flèches éclaircies du premier pas de temps (MDAL n'a trouvé aucune paire vectorielle vx/vy).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="49" />
      <source>Tile (centre)</source>
      <translation>Tuile (centre)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="162" />
      <source>Time (year)</source>
      <translation>Temps (année)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="172" />
      <source>Time series</source>
      <translation>Série temporelle</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="152" />
      <source>Time step</source>
      <translation>Pas de temps</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="114" />
      <source>Time step (days)</source>
      <translation>Pas de temps (jours)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="105" />
      <source>Time window (mid_date)</source>
      <translation>Fenêtre temporelle (mid_date)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="147" />
      <source>Title</source>
      <translation>Titre</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="122" />
      <source>Tracing the flowline through ({:.1f}, {:.1f}) in {}</source>
      <translation>Tracé de la ligne d'écoulement passant par ({:.1f}, {:.1f}) dans {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="72" />
      <source>Track particles</source>
      <translation>Suivre des particules</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="157" />
      <source>Track particles...</source>
      <translation>Suivre des particules...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="250" />
      <source>Tracking particles...</source>
      <translation>Suivi des particules...</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="199" />
      <source>Tracking {} seed(s) {} for {} days from {} through {}</source>
      <translation>Suivi de {} point(s) de départ ({}) pendant {} jours à partir du {} dans {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="75" />
      <source>Turns ITS_LIVE image-pair velocities (each the mean over its acquisition interval) into velocities on a regular grid of INTERVAL_DAYS steps, per pixel, for vx and vy (m/yr); speed v is derived. Each pair observes the exact fraction of every step its interval covers. The problem is regularised least squares with a penalty on the first or second time derivative (DERIVATIVE) weighted by LAMBDA; LAMBDA = 0 chooses it by cross-validation that leaves out whole images (every pair sharing an image), because ITS_LIVE errors are correlated through shared images. WEIGHTING 'pair errors' (the default) weights pairs by 1/sigma^2 from vx_error/vy_error (v_error when those are absent); 'none' weights every pair alike, which lets the noisy short pairs dominate real ITS_LIVE data. ROBUST re-weights outliers (IRLS). Steps no pair informs are NaN.

INPUT: a subset written by itslive:downloadsubset (.nc/.zarr) or an ITS_LIVE datacube (Zarr path or URL, read from the configured endpoint); EXTENT takes part of a cube.
OUTLINE (optional polygons, e.g. selected glacier outlines): only the pixels inside them are inverted; the others are NaN and chunks wholly outside are not read.
SATELLITES: comma-separated list (e.g. 8,9,2A,2B); START_DATE/END_DATE: YYYY-MM-DD.
OUTPUT: CF NetCDF with dims (time, y, x), time at step centres with time_bnds; vx, vy, v, count (pairs touching the step), vx_sigma, vy_sigma, v_sigma (posterior 1-sigma, m/yr).

On the CPU, compiled band solvers (numba) run pixel batches on every core; on a CUDA GPU (DEVICE auto or cuda) batched torch solvers run.</source>
      <translation>Transforme les vitesses ITS_LIVE par paire d'images (chacune étant la moyenne sur son intervalle d'acquisition) en vitesses sur une grille temporelle régulière de pas INTERVAL_DAYS, pixel par pixel, pour vx et vy (m/yr) ; la norme v en est déduite. Chaque paire observe la fraction exacte de chaque pas couverte par son intervalle. Le problème est résolu par moindres carrés régularisés, avec une pénalité sur la dérivée temporelle première ou seconde (DERIVATIVE) pondérée par LAMBDA ; avec LAMBDA = 0, ce poids est choisi par une validation croisée qui écarte des images entières (toutes les paires qui partagent une image), car les erreurs ITS_LIVE sont corrélées par les images partagées. WEIGHTING 'pair errors' (par défaut) pondère les paires par 1/sigma^2 d'après vx_error/vy_error (v_error à défaut) ; 'none' donne le même poids à toutes les paires, ce qui laisse les paires courtes et bruitées dominer sur les données ITS_LIVE réelles. ROBUST réduit le poids des valeurs aberrantes (IRLS). Les pas qu'aucune paire ne renseigne valent NaN.

INPUT : un extrait écrit par itslive:downloadsubset (.nc/.zarr) ou un cube de données ITS_LIVE (chemin ou URL Zarr, lu depuis le point de terminaison configuré) ; EXTENT permet de n'en prendre qu'une partie.
OUTLINE (polygones facultatifs, p. ex. des contours de glaciers sélectionnés) : seuls les pixels à l'intérieur sont inversés ; les autres valent NaN et les blocs entièrement à l'extérieur ne sont pas lus.
SATELLITES : liste séparée par des virgules (p. ex. 8,9,2A,2B) ; START_DATE/END_DATE : AAAA-MM-JJ.
OUTPUT : NetCDF CF de dimensions (time, y, x), temps au centre des pas avec time_bnds ; vx, vy, v, count (nombre de paires recouvrant le pas), vx_sigma, vy_sigma, v_sigma (écart type a posteriori à 1 sigma, m/yr).

Sur le CPU, des solveurs à bande compilés (numba) traitent des lots de pixels sur tous les cœurs ; sur un GPU CUDA (DEVICE auto ou cuda), ce sont des solveurs torch par lots.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="289" />
      <source>UTC time of the segment</source>
      <translation>heure UTC du segment</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="274" />
      <source>Unexpected error while loading {}: {}</source>
      <translation>Erreur inattendue lors du chargement de {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="413" />
      <source>Variable: {} ({}), units: {}</source>
      <translation>Variable : {} ({}), unités : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="109" />
      <source>Variables</source>
      <translation>Variables</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_composite.py" line="97" />
      <source>Variables (comma-separated; empty = all)</source>
      <translation>Variables (séparées par des virgules ; vide = toutes)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="111" />
      <source>Variables (comma-separated; empty = defaults)</source>
      <translation>Variables (séparées par des virgules ; vide = valeurs par défaut)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="63" />
      <source>Velocity along a line, over time: samples every SPACING_M metres (map metres in the velocity grid's CRS, default 120 m = one ITS_LIVE cell) along the first feature of LINE (or the first selected one), from a datacube (.zarr), a subset, an inversion result or a static field (NetCDF/Zarr with vx, vy in m/yr); a datacube URL is read from the configured store, only the chunks under the line.

OUTPUT (.nc): dims (time, distance), or (distance) for a static field; v = speed of the interpolated components (m/yr), v_along = component along the line, positive in the line's direction (the flow-parallel speed a flowline model wants when the line is a flowline), v_across = component across it, positive to the left; distance_m (metres from the first vertex), x and y of each sample. Bilinear interpolation of vx and vy; a sample next to a missing cell that carries weight is NaN. Cube pairs keep their mid_date (sorted) and date_dt.
HOVMOLLER (optional GeoTIFF): a distance x time raster of v_along (m/yr): x = km along the line (one pixel per sample), y = decimal year (rows of BIN_DAYS days, the latest on top, the mean of the profiles in each bin); it has no map CRS.
Draw the line with the digitizing tools, or make a flowline with itslive:flowline.</source>
      <translation>Vitesse le long d'une ligne, dans le temps : échantillons tous les SPACING_M mètres (mètres de carte dans le SCR de la grille de vitesse, 120 m par défaut = une cellule ITS_LIVE) le long de la première entité de LINE (ou de la première sélectionnée), d'après un cube de données (.zarr), un extrait, un résultat d'inversion ou un champ statique (NetCDF/Zarr avec vx, vy en m/yr) ; l'URL d'un cube de données est lue depuis le stockage configuré, seulement les blocs sous la ligne.

OUTPUT (.nc) : dimensions (time, distance), ou (distance) pour un champ statique ; v = norme des composantes interpolées (m/yr), v_along = composante le long de la ligne, positive dans le sens de la ligne (la vitesse parallèle à l'écoulement qu'attend un modèle de ligne d'écoulement quand la ligne en est une), v_across = composante en travers, positive vers la gauche ; distance_m (mètres depuis le premier sommet), x et y de chaque échantillon. Interpolation bilinéaire de vx et vy ; un échantillon voisin d'une cellule manquante qui a du poids vaut NaN. Les paires d'un cube gardent leur mid_date (triée) et date_dt.
HOVMOLLER (GeoTIFF facultatif) : un raster distance x temps de v_along (m/yr) : x = km le long de la ligne (un pixel par échantillon), y = année décimale (lignes de BIN_DAYS jours, la plus récente en haut, moyenne des profils de chaque classe) ; il n'a pas de SCR de carte.
Dessinez la ligne avec les outils de numérisation, ou créez une ligne d'écoulement avec itslive:flowline.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="48" />
      <source>Velocity dataset</source>
      <translation>Jeu de vitesses</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="79" />
      <source>Velocity dataset (NetCDF file or .zarr folder path; vx, vy in m/yr)</source>
      <translation>Jeu de données de vitesse (fichier NetCDF ou chemin d'un dossier .zarr ; vx, vy en m/yr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="111" />
      <source>Velocity datasets (*.nc *.zarr .zmetadata)</source>
      <translation>Jeux de vitesses (*.nc *.zarr .zmetadata)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="86" />
      <source>Velocity layer</source>
      <translation>Couche de vitesse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="60" />
      <source>Velocity profile along a line</source>
      <translation>Profil de vitesse le long d'une ligne</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="201" />
      <source>Velocity profile along a line (itslive:profile)</source>
      <translation>Profil de vitesse le long d'une ligne (itslive:profile)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/plugin.py" line="62" />
      <source>Velocity time series at a point</source>
      <translation>Série temporelle de vitesse en un point</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flowline.py" line="76" />
      <source>Vertex spacing (metres)</source>
      <translation>Espacement des sommets (mètres)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="61" />
      <source>Weighting</source>
      <translation>Pondération</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="110" />
      <source>Workflow: cubes, subset, time series, strain rates, dh/dt</source>
      <translation>Chaîne de traitement : cubes, extrait, série temporelle, vitesses de déformation, dh/dt</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/panel_base.py" line="146" />
      <source>Written {}, but loading failed: {}</source>
      <translation>Fichier {} écrit, mais son chargement a échoué : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="267" />
      <source>Wrote {}</source>
      <translation>Fichier écrit : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="143" />
      <source>YYYY-MM-DD (empty: first time of the field)</source>
      <translation>AAAA-MM-JJ (vide : premier instant du champ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="72" />
      <source>Year (0 = static mosaic)</source>
      <translation>Année (0 = mosaïque statique)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="126" />
      <source>Zarr store, with a Dask scheduler (*.zarr)</source>
      <translation>Magasin Zarr, avec un ordonnanceur Dask (*.zarr)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="93" />
      <source>[installed]</source>
      <translation>[installé]</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="198" />
      <source>a NetCDF (.nc), GeoTIFF (.tif) or GeoPackage (.gpkg) file written by an ITS_LIVE algorithm</source>
      <translation>un fichier NetCDF (.nc), GeoTIFF (.tif) ou GeoPackage (.gpkg) écrit par un algorithme ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="197" />
      <source>a finite number</source>
      <translation>un nombre fini</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="207" />
      <source>across</source>
      <translation>en travers</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="111" />
      <source>all; e.g. 8,9,2A,2B</source>
      <translation>tous ; p. ex. 8,9,2A,2B</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="207" />
      <source>along the line</source>
      <translation>le long de la ligne</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="169" />
      <source>an input file</source>
      <translation>un fichier d'entrée</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="346" />
      <source>and that the start date {} is within the field's time span {} to {}</source>
      <translation>et que la date de début {} est comprise dans la période couverte par le champ, du {} au {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="74" />
      <source>and vy raster (m/yr, grid north)</source>
      <translation>et raster vy (m/yr, nord de la grille)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_composite.py" line="115" />
      <source>annual composite (± 1σ)</source>
      <translation>composite annuel (± 1σ)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="193" />
      <source>at least {}</source>
      <translation>au moins {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="195" />
      <source>at most {}</source>
      <translation>au plus {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="294" />
      <source>atl06_quality_summary (0 = no known problem)</source>
      <translation>atl06_quality_summary (0 = aucun problème connu)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="69" />
      <source>auto</source>
      <translation>auto</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="52" />
      <source>automatic (cross-validation)</source>
      <translation>automatique (validation croisée)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="191" />
      <source>between {} and {}</source>
      <translation>entre {} et {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="97" />
      <source>cancelled</source>
      <translation>annulé</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="213" />
      <source>cannot be read</source>
      <translation>ne peut pas être lu</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="174" />
      <source>central differences</source>
      <translation>différences centrées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="349" />
      <source>colour pairs by</source>
      <translation>colorer les paires par</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="357" />
      <source>completed</source>
      <translation>terminées</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_composite.py" line="121" />
      <source>composite seasonal model</source>
      <translation>modèle saisonnier du composite</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="164" />
      <source>cpu</source>
      <translation>cpu</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="164" />
      <source>cuda</source>
      <translation>cuda</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="40" />
      <source>datacube (.zarr), subset or inversion (.nc); vx, vy in m/yr</source>
      <translation>cube de données (.zarr), extrait ou inversion (.nc) ; vx, vy en m/an</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="120" />
      <source>date_dt min / max</source>
      <translation>date_dt min / max</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="213" />
      <source>dates YYYY-MM-DD, comma-separated (empty: 24 spread)</source>
      <translation>dates AAAA-MM-JJ, séparées par des virgules (vide : 24 réparties)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="108" />
      <source>default: v, vx, vy, v_error and pair metadata</source>
      <translation>par défaut : v, vx, vy, v_error et métadonnées des paires</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="79" />
      <source>degree</source>
      <translation>degré</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/options.py" line="60" />
      <source>empty = AWS S3 (us-west-2); e.g. http://127.0.0.1:9000 for a mirror</source>
      <translation>vide = AWS S3 (us-west-2) ; p. ex. http://127.0.0.1:9000 pour un miroir</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/earthdata_options.py" line="31" />
      <source>empty = NASA's CMR (https://cmr.earthdata.nasa.gov)</source>
      <translation>vide = CMR de la NASA (https://cmr.earthdata.nasa.gov)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="351" />
      <source>error bars</source>
      <translation>barres d'erreur</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="134" />
      <source>first</source>
      <translation>première</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="55" />
      <source>first derivative</source>
      <translation>dérivée première</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/provider.py" line="129" />
      <source>flux: THICKNESS is given, so choose a file for the flux divergence (flux).</source>
      <translation>flux : THICKNESS est donné, choisissez donc un fichier pour la divergence du flux (flux).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="290" />
      <source>ground track gt1l..gt3r</source>
      <translation>trace au sol gt1l..gt3r</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_elevation.py" line="222" />
      <source>height change dh (m)</source>
      <translation>variation d'altitude dh (m)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/layout.py" line="407" />
      <source>ice velocity (m/yr)</source>
      <translation>vitesse de la glace (m/an)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="322" />
      <source>image pair (bar = acquisition interval)</source>
      <translation>paire d'images (barre = intervalle d'acquisition)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="373" />
      <source>inverted series, step</source>
      <translation>série inversée, pas</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="303" />
      <source>is a GeoPackage/SQLite file</source>
      <translation>est un fichier GeoPackage/SQLite</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="302" />
      <source>is a GeoTIFF raster</source>
      <translation>est un raster GeoTIFF</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="211" />
      <source>is a text file (CSV or similar)</source>
      <translation>est un fichier texte (CSV ou semblable)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="210" />
      <source>is empty (0 bytes)</source>
      <translation>est vide (0 octet)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="305" />
      <source>is not a NetCDF file</source>
      <translation>n'est pas un fichier NetCDF</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="212" />
      <source>is not a NetCDF, GeoTIFF or GeoPackage file</source>
      <translation>n'est pas un fichier NetCDF, GeoTIFF ni GeoPackage</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="176" />
      <source>logarithmic strain, L = {} m</source>
      <translation>déformation logarithmique, L = {} m</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="75" />
      <source>m/yr</source>
      <translation>m/an</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="199" />
      <source>no date</source>
      <translation>sans date</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/download_panel.py" line="117" />
      <source>no limit</source>
      <translation>sans limite</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="59" />
      <source>none</source>
      <translation>aucune</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="355" />
      <source>on cells without data</source>
      <translation>sur des cellules sans donnée</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="211" />
      <source>one curve per date</source>
      <translation>une courbe par date</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="210" />
      <source>one curve per year</source>
      <translation>une courbe par année</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="94" />
      <source>or: ICESat-2 heights layer (itslive:icesat2heights)</source>
      <translation>ou : couche d'altitudes ICESat-2 (itslive:icesat2heights)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="107" />
      <source>or: extent</source>
      <translation>ou : emprise</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_flux_divergence.py" line="96" />
      <source>or: outline vertices CSV (x, y in the velocity CRS)</source>
      <translation>ou : CSV des sommets du contour (x, y dans le SCR des vitesses)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="71" />
      <source>or: vx raster (m/yr, grid east)</source>
      <translation>ou : raster vx (m/yr, est de la grille)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="297" />
      <source>other tasks</source>
      <translation>d'autres tâches</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="356" />
      <source>outside the field's time span</source>
      <translation>hors de la période couverte par le champ</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="354" />
      <source>outside the velocity grid</source>
      <translation>hors de la grille de vitesse</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="142" />
      <source>pair errors</source>
      <translation>erreurs des paires</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="59" />
      <source>pair errors (1/sigma^2)</source>
      <translation>erreurs des paires (1/sigma^2)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_install_dependencies.py" line="71" />
      <source>pip command for your own environment</source>
      <translation>Commande pip pour votre propre environnement</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="293" />
      <source>reference ground track</source>
      <translation>trace de référence au sol</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mass_balance.py" line="27" />
      <source>residual_dhdt = dhdt_observed - dynamic_dhdt (m/yr of ice), on the grid of the flux divergence, with residual_dhdt_sigma = sqrt(dhdt_sigma^2 + dynamic_dhdt_error^2) (the two taken as independent).

Sign convention (that of itslive:fluxdivergence): dynamic_dhdt = -flux_divergence, negative where the flow thins the ice (more ice leaves a cell than enters it). So residual_dhdt = dhdt_observed + flux_divergence is the surface plus basal mass balance in metres of ice per year: positive = gain not explained by the flow (accumulation), negative = loss (surface or basal melt). The observed height change is taken as ice (no firn-compaction or density correction).

DHDT: the NetCDF itslive:elevationchange wrote (dhdt, dhdt_sigma; carried bilinearly onto the flux grid when its grid differs). FLUX_DIVERGENCE: the NetCDF itslive:fluxdivergence wrote (dynamic_dhdt, dynamic_dhdt_error; a time axis is averaged). OUTPUT: CF NetCDF with residual_dhdt, residual_dhdt_sigma, dhdt_observed and dynamic_dhdt, and the sign convention in its attributes.</source>
      <translation>residual_dhdt = dhdt_observed - dynamic_dhdt (m/an de glace), sur la grille de la divergence du flux, avec residual_dhdt_sigma = sqrt(dhdt_sigma^2 + dynamic_dhdt_error^2) (les deux supposés indépendants).

Convention de signe (celle de itslive:fluxdivergence) : dynamic_dhdt = -flux_divergence, négatif là où l'écoulement amincit la glace (plus de glace sort d'une cellule qu'il n'en entre). Ainsi residual_dhdt = dhdt_observed + flux_divergence est le bilan de masse de surface plus basal en mètres de glace par an : positif = gain non expliqué par l'écoulement (accumulation), négatif = perte (fonte de surface ou basale). La variation d'altitude observée est comptée comme de la glace (sans correction de tassement du névé ni de densité).

DHDT : le NetCDF écrit par itslive:elevationchange (dhdt, dhdt_sigma ; porté par interpolation bilinéaire sur la grille du flux si les grilles diffèrent). FLUX_DIVERGENCE : le NetCDF écrit par itslive:fluxdivergence (dynamic_dhdt, dynamic_dhdt_error ; un axe temporel est moyenné). OUTPUT : NetCDF CF avec residual_dhdt, residual_dhdt_sigma, dhdt_observed et dynamic_dhdt, et la convention de signe dans ses attributs.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="382" />
      <source>robust</source>
      <translation>robuste</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="134" />
      <source>second</source>
      <translation>seconde</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/invert_panel.py" line="55" />
      <source>second derivative</source>
      <translation>dérivée seconde</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="207" />
      <source>speed</source>
      <translation>norme</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="255" />
      <source>the catalog's zarr_url</source>
      <translation>le zarr_url du catalogue</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_elevation_change.py" line="234" />
      <source>the heights layer</source>
      <translation>la couche d'altitudes</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="363" />
      <source>to</source>
      <translation>à</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="291" />
      <source>true for the strong beam of a pair</source>
      <translation>vrai pour le faisceau fort d'une paire</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="180" />
      <source>v (m/yr) — pair {}</source>
      <translation>v (m/an) — paire {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="398" />
      <source>weight pairs by their errors</source>
      <translation>pondérer les paires par leurs erreurs</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="349" />
      <source>{} (ITS_LIVE)</source>
      <translation>{} (ITS_LIVE)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="149" />
      <source>{} (m/yr)</source>
      <translation>{} (m/an)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_figure.py" line="33" />
      <source>{} (m/yr) from ITS_LIVE image pairs</source>
      <translation>{} (m/an) des paires d'images ITS_LIVE</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="477" />
      <source>{} ({}) is before {} ({}): swap them.</source>
      <translation>{} ({}) est avant {} ({}) : inversez-les.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="198" />
      <source>{} ({}) must be {}; got {}.</source>
      <translation>{} ({}) doit être {} ; reçu {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="261" />
      <source>{} ATL06 granule(s) from {}</source>
      <translation>{} granule(s) ATL06 issu(s) de {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="249" />
      <source>{} and {}</source>
      <translation>{} et {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_figure.py" line="37" />
      <source>{} at {}</source>
      <translation>{} en {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="331" />
      <source>{} at {} point(s): {} image pairs</source>
      <translation>{} en {} point(s) : {} paires d'images</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_figure.py" line="38" />
      <source>{} at {} points</source>
      <translation>{} en {} points</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="265" />
      <source>{} blocks on the cluster in {:.1f} s; the result store is complete: {}</source>
      <translation>{} blocs calculés sur la grappe en {:.1f} s ; le magasin résultat est complet : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="75" />
      <source>{} cannot be read as a table: {}</source>
      <translation>{} ne peut pas être lu comme une table : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="165" />
      <source>{} curve(s) along a {:.1f} km line</source>
      <translation>{} courbe(s) le long d'une ligne de {:.1f} km</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_find_cubes.py" line="98" />
      <source>{} datacube(s) cover the extent.</source>
      <translation>{} cube(s) de données couvre(nt) l'emprise.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_form.py" line="100" />
      <source>{} failed: {}</source>
      <translation>Échec de {} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="162" />
      <source>{} failed: {}: {}. If {} is damaged (a truncated download, a deleted or cut chunk), write or download it again; set ITSLIVE_DEBUG=1 for the details.</source>
      <translation>{} a échoué : {} : {}. Si {} est endommagé (téléchargement tronqué, chunk supprimé ou coupé), écrivez-le ou téléchargez-le à nouveau ; ITSLIVE_DEBUG=1 donne les détails.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="145" />
      <source>{} frames ({} to {}) written to {}.</source>
      <translation>{} images ({} à {}) écrites dans {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="181" />
      <source>{} frames: more than {}; choose a longer STEP_DAYS or a shorter range.</source>
      <translation>{} images : plus de {} ; choisissez un STEP_DAYS plus long ou une période plus courte.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="198" />
      <source>{} frames: more than {}; choose a shorter range.</source>
      <translation>{} images : plus de {} ; choisissez une période plus courte.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="266" />
      <source>{} granule(s) read</source>
      <translation>{} granule(s) lu(s)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="89" />
      <source>{} granules: more than MAX_GRANULES ({}); select fewer rows or raise it.</source>
      <translation>{} granules : plus que MAX_GRANULES ({}) ; sélectionnez moins de lignes ou augmentez-le.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/analysis_panel.py" line="181" />
      <source>{} has no vx/vy velocities: choose a NetCDF/Zarr with vx and vy or a *_vx.tif layer.</source>
      <translation>{} n'a pas de vitesses vx/vy : choisissez un NetCDF/Zarr contenant vx et vy ou une couche *_vx.tif.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/legend.py" line="28" />
      <source>{} image pairs by mid_date, {} to {}</source>
      <translation>{} paires d'images par mid_date, du {} au {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_granules.py" line="166" />
      <source>{} image-pair granule(s) of {}.</source>
      <translation>{} granule(s) de paires d'images de {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="146" />
      <source>{} is a readable {} result; no project to load it into, nothing loaded.</source>
      <translation>{} est un résultat {} lisible ; aucun projet dans lequel le charger, rien n'a été chargé.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="80" />
      <source>{} is not a glacier statistics table (no {}).</source>
      <translation>{} n'est pas une table de statistiques de glacier (pas de {}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_animation.py" line="175" />
      <source>{} is not after {}: swap them.</source>
      <translation>{} n'est pas après {} : inversez-les.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_result.py" line="156" />
      <source>{} layer(s) of {} will be added to the group '{}'.</source>
      <translation>{} couche(s) issue(s) de {} seront ajoutée(s) au groupe « {} ».</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="185" />
      <source>{} must be a number ({}); got {!r}.</source>
      <translation>{} doit être un nombre ({}) ; reçu {!r}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="313" />
      <source>{} pairs in {} blocks on the cluster in {:.1f} s; the subset store is complete: {}</source>
      <translation>{} paires en {} blocs sur la grappe en {:.1f} s ; le magasin de l'extrait est complet : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="276" />
      <source>{} pairs written to {}</source>
      <translation>{} paires écrites dans {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_invert.py" line="245" />
      <source>{} pairs, {} x {} pixels</source>
      <translation>{} paires, {} x {} pixels</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_mosaic.py" line="89" />
      <source>{} raster</source>
      <translation>raster {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_glacier_stats.py" line="154" />
      <source>{} rows written.</source>
      <translation>{} lignes écrites.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_profile.py" line="180" />
      <source>{} samples over {:.0f} m, {} valid values written to {}</source>
      <translation>{} échantillons sur {:.0f} m, {} valeurs valides écrites dans {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="223" />
      <source>{} seed(s) could not be tracked and were skipped: {}</source>
      <translation>{} point(s) de départ n'ont pas pu être suivis et ont été ignorés : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_icesat2_heights.py" line="239" />
      <source>{} segments written</source>
      <translation>{} segments écrits</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/cube_list.py" line="274" />
      <source>{} selected cube(s) are not in the catalog and were deselected: {}</source>
      <translation>{} cube(s) sélectionné(s) absent(s) du catalogue, désélectionné(s) : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_panel.py" line="451" />
      <source>{} series, {} image pairs ({} objects read)</source>
      <translation>{} série(s), {} paires d'images ({} objets lus)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/legend.py" line="34" />
      <source>{} steps of {:g} days, {} to {}</source>
      <translation>{} pas de {:g} jours, du {} au {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/loader.py" line="418" />
      <source>{} time steps from {} to {}</source>
      <translation>{} pas de temps du {} au {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_track.py" line="252" />
      <source>{} track(s) written.</source>
      <translation>{} trajectoire(s) écrite(s).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/layers/granule.py" line="248" />
      <source>{} – {}</source>
      <translation>{} – {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/installer_panel.py" line="84" />
      <source>{} — {} (about {:.0f} MiB)</source>
      <translation>{} — {} (environ {:.0f} Mio)</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/timeseries_plot.py" line="213" />
      <source>{} → {} (baseline {:.1f} days)
{} {:.0f}{} m/yr, satellites {}/{}
{}</source>
      <translation>{} → {} (intervalle {:.1f} jours)
{} {:.0f}{} m/yr, satellites {}/{}
{}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/elevation_outputs.py" line="36" />
      <source>{}: HEIGHT_CHANGE is given, so choose a file for {}.</source>
      <translation>{} : HEIGHT_CHANGE est donné, choisissez donc un fichier pour {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="175" />
      <source>{}: mean</source>
      <translation>{} : moyenne</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/glacier_panel.py" line="181" />
      <source>{}: median</source>
      <translation>{} : médiane</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="283" />
      <source>{}: no input given: choose {}.</source>
      <translation>{} : aucune entrée : choisissez {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/elevation_outputs.py" line="17" />
      <source>{}: no output file given: choose a .nc file.</source>
      <translation>{} : aucun fichier de sortie donné : choisissez un fichier .nc.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="238" />
      <source>{}: no output file given: choose a .nc or .tif file.</source>
      <translation>{} : aucun fichier de sortie : choisissez un fichier .nc ou .tif.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/outlines.py" line="46" />
      <source>{}: the layer has no polygon (or none selected).</source>
      <translation>{} : la couche n'a aucun polygone (ou aucun sélectionné).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_load_granules.py" line="82" />
      <source>{}: the table has no field {}.</source>
      <translation>{} : la table n'a pas de champ {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="456" />
      <source>{}: unknown satellite(s) {}: use Landsat 4, 5, 7, 8, 9 or Sentinel 1A, 1B, 2A, 2B, comma-separated (e.g. 8,9,2A).</source>
      <translation>{} : satellite(s) inconnu(s) {} : utilisez Landsat 4, 5, 7, 8, 9 ou Sentinel 1A, 1B, 2A, 2B, séparés par des virgules (p. ex. 8,9,2A).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/velocity_inputs.py" line="240" />
      <source>{}: unsupported output format {}: use .nc (NetCDF) or .tif (GeoTIFF).</source>
      <translation>{} : format de sortie non pris en charge {} : utilisez .nc (NetCDF) ou .tif (GeoTIFF).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="199" />
      <source>{}: with DASK_SCHEDULER give INPUT, a NetCDF or Zarr velocity dataset (not rasters).</source>
      <translation>{} : avec DASK_SCHEDULER, donnez INPUT, un jeu de vitesses NetCDF ou Zarr (pas des rasters).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_strain_rates.py" line="153" />
      <source>{}: with DASK_SCHEDULER the result is a Zarr store: give a .zarr folder or an s3:// URL.</source>
      <translation>{} : avec DASK_SCHEDULER, le résultat est un magasin Zarr : donnez un dossier .zarr ou une URL s3://.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_download_subset.py" line="206" />
      <source>{}: with DASK_SCHEDULER the subset is a Zarr store written by the workers: give a .zarr folder or an s3:// URL (or empty DASK_SCHEDULER for a NetCDF file).</source>
      <translation>{} : avec DASK_SCHEDULER, l'extrait est un magasin Zarr écrit par les processus de calcul : donnez un dossier .zarr ou une URL s3:// (ou videz DASK_SCHEDULER pour un fichier NetCDF).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="358" />
      <source>{}: {!r} is not a date: use YYYY-MM-DD (e.g. 2020-01-31).</source>
      <translation>{} : {!r} n'est pas une date : utilisez AAAA-MM-JJ (p. ex. 2020-01-31).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/gui/point_granule.py" line="97" />
      <source>{}: {}</source>
      <translation>{} : {}</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="295" />
      <source>{}: {} cannot be read as NetCDF ({}): it may be truncated or damaged; write or download it again.</source>
      <translation>{} : {} ne peut pas être lu comme NetCDF ({}) : il est peut-être tronqué ou endommagé ; écrivez-le ou téléchargez-le à nouveau.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/cluster_outputs.py" line="86" />
      <source>{}: {} is a URL: only a DASK_SCHEDULER run writes to a URL (a Zarr store); in process give a local file.</source>
      <translation>{} : {} est une URL : seule une exécution avec DASK_SCHEDULER écrit vers une URL (un magasin Zarr) ; dans le processus, donnez un fichier local.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="241" />
      <source>{}: {} is a file, not a folder: choose a folder.</source>
      <translation>{} : {} est un fichier, pas un dossier : choisissez un dossier.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="290" />
      <source>{}: {} is a folder but not a Zarr store: choose {}.</source>
      <translation>{} : {} est un dossier mais pas un store Zarr : choisissez {}.</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/alg_export_map.py" line="308" />
      <source>{}: {} is outside the result's time steps ({} to {}).</source>
      <translation>{} : {} est hors des pas de temps du résultat ({} à {}).</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/outlines.py" line="62" />
      <source>{}: {} pixels inside the outline(s), {:.2f} km2</source>
      <translation>{} : {} pixels dans le(s) contour(s), {:.2f} km2</translation>
    </message>
    <message>
      <location filename="../itslive_qgis/processing/base.py" line="309" />
      <source>{}: {} {}: choose {}{}.</source>
      <translation>{} : {} {} : choisissez {}{}.</translation>
    </message>
  </context>
</TS>
