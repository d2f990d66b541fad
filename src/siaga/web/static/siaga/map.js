// The one map set-up of every Siaga map page: a Leaflet map drawn from local assets (it works
// offline), the deployment's optional tile layer, JSON loading, and popup/tooltip content built
// as DOM text. Data never becomes HTML here, so a hostile TPS or unit name stays plain text.
//
// `layered` gives a map that speaks: the kab/kota and kecamatan outlines under everything (no tiles
// needed), a choropleth of areas at the overview zoom, and points clustered by the packaged
// Leaflet.markercluster once zoomed in. Colours come from the page's legend (CSS classes on its
// swatches, map.css), so the legend and the map cannot disagree; its checkboxes filter the points.
window.SiagaMap = (function () {
  const maps = [];
  const CLUSTER_OFF_ZOOM = 15;  // street level: every point on its own
  const allMarkers = [];  // every point of every layered map, clustered or not (for tests and tools)

  // A map in `el`; the tile layer only when the page passes one (data-tiles).
  const create = (el) => {
    // maxZoom: the cluster plugin needs one even when no tile layer sets it.
    // zoomSnap: quarter steps let an area fill more of the map at its overview zoom.
    const map = L.map(el, { preferCanvas: true, maxZoom: 18, zoomSnap: 0.25 });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
    maps.push(map);
    return map;
  };

  const load = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });

  // Content for bindPopup/bindTooltip: a list of lines, each a list of parts; a part is text
  // (string or number), {bold: text} or {link: text, href: url}. Everything goes in as text.
  const content = (lines) => {
    const box = document.createElement("div");
    lines.forEach((parts, i) => {
      if (i) box.appendChild(document.createElement("br"));
      parts.forEach((part) => {
        let node;
        if (part !== null && typeof part === "object" && "link" in part) {
          node = document.createElement("a");
          node.href = part.href;
          node.textContent = part.link;
        } else if (part !== null && typeof part === "object") {
          node = document.createElement("b");
          node.textContent = part.bold;
        } else {
          node = document.createTextNode(part ?? "–");
        }
        box.appendChild(node);
      });
    });
    return box;
  };

  // Fit the view to a layer once it has something; true when it did.
  const fit = (map, layer) => {
    if (!layer.getLayers().length) return false;
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    return true;
  };

  // A writer for the page's status line (#map-status), silent when the page has none.
  const status = () => {
    const node = document.getElementById("map-status");
    return (text) => { if (node) node.textContent = text; };
  };

  // A path segment taken from data (a TPS or region code) made safe to append to a URL.
  const segment = (value) => encodeURIComponent(String(value));

  // Indonesian number format (8.154; 26,04) whatever the browser's language.
  const number = (n, digits = 0) => Number(n).toLocaleString("id-ID", { minimumFractionDigits: digits,
                                                                       maximumFractionDigits: digits });

  // The kab/kota ("74.01") or kecamatan ("74.01.02") of a 13-digit TPS code.
  const areaOfTps = (code, level) => {
    const c = String(code);
    return level === 2 ? `${c.slice(0, 2)}.${c.slice(2, 4)}` : `${c.slice(0, 2)}.${c.slice(2, 4)}.${c.slice(4, 6)}`;
  };

  // A legend (<fieldset class="map-legend" data-legend="...">) read as {key: {colour, rank, label, box}}.
  const legend = (name) => {
    const root = document.querySelector(`[data-legend="${name}"]`);
    const items = {};
    if (!root) return { root, items };
    root.querySelectorAll("[data-key]").forEach((item) => {
      const swatch = item.querySelector(".swatch");
      items[item.dataset.key] = {
        item, colour: swatch ? getComputedStyle(swatch).backgroundColor : "#94a3b8",
        rank: Number(item.dataset.rank || 0), box: item.querySelector("input[type=checkbox]"),
        label: item.dataset.label || item.textContent.replace("…", "").trim(),
        count: item.querySelector(".count"),
      };
    });
    return { root, items };
  };

  const setCounts = (lg, counts) => {
    Object.entries(lg.items).forEach(([key, it]) => { if (it.count) it.count.textContent = number(counts[key] || 0); });
  };

  // Outline layers of kab/kota (2, data-outlines-kab) and kecamatan (3, data-outlines-kec) under the data.
  const outlines = (map, el) => {
    const urls = { 2: el.dataset.outlinesKab, 3: el.dataset.outlinesKec };
    if (!urls[2] && !urls[3]) return Promise.resolve({});
    map.createPane("outlines").style.zIndex = 350;
    const styles = { 2: { color: "#1e293b", weight: 1.6, fill: false }, 3: { color: "#64748b", weight: 0.6, fill: false } };
    return Promise.all([2, 3].filter((level) => urls[level]).map((level) => load(urls[level]).then((geo) => {
      const layer = L.geoJSON(geo, { pane: "outlines", style: styles[level], interactive: false }).addTo(map);
      el.dataset[`outlines${level}`] = geo.features.length;
      return [level, { geo, layer }];
    }).catch(() => [level, null]))).then((pairs) => Object.fromEntries(pairs));
  };

  // The map that speaks. opts: el, points (GeoJSON promise), keyOf(props) -> legend key,
  // popup(props) -> content lines, areas: {level, name (legend), keyOf(code, pointsOf) , tooltip}, filter(props).
  const layered = (opts) => {
    const el = opts.el;
    if (opts.areas && !opts.areas.level) opts.areas = null;  // a kecamatan or smaller: points only
    const map = create(el);
    const say = status();
    const pointLegend = legend(opts.legend || "points");
    const areaLegend = legend((opts.areas && opts.areas.legend) || "areas");
    const markers = {};
    let features = [];
    let overview = null;
    let framed = false;
    const cluster = L.markerClusterGroup({
      chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50, disableClusteringAtZoom: CLUSTER_OFF_ZOOM,
      iconCreateFunction: (c) => {
        // A cluster takes the colour of its most urgent member (highest legend rank).
        let best = null;
        c.getAllChildMarkers().forEach((m) => {
          const it = pointLegend.items[m.options.key];
          if (it && (!best || it.rank > best.rank)) best = it;
        });
        const box = document.createElement("div");
        const span = document.createElement("span");
        span.textContent = number(c.getChildCount());
        box.appendChild(span);
        if (best) box.style.background = best.colour;
        return L.divIcon({ html: box, className: "siaga-cluster", iconSize: L.point(34, 34) });
      },
    });
    const areaLayer = L.geoJSON(null, {
      style: () => ({ color: "#334155", weight: 0.8, fillOpacity: 0.65, fillColor: "#e5e7eb" }),
    });
    areaLayer.addTo(map);

    const visible = (p) => {
      const it = pointLegend.items[opts.keyOf(p)];
      return (!it || !it.box || it.box.checked) && (!opts.filter || opts.filter(p));
    };

    const colourArea = () => {
      const counts = {};
      const byArea = {};
      features.forEach((f) => {
        if (!visible(f.properties)) return;
        const a = areaOfTps(f.properties.kode, opts.areas.level);
        (byArea[a] = byArea[a] || []).push(f.properties);
      });
      areaLayer.eachLayer((layer) => {
        const key = opts.areas.keyOf(layer.feature.properties.kode, byArea[layer.feature.properties.kode] || []);
        layer.feature.properties._key = key;
        const it = areaLegend.items[key];
        counts[key] = (counts[key] || 0) + 1;
        layer.setStyle({ fillColor: it ? it.colour : "#e5e7eb" });
      });
      setCounts(areaLegend, counts);
    };

    // Points of the checked classes into the cluster; counts per class of what is loaded.
    const redraw = () => {
      cluster.clearLayers();
      const counts = {};
      const shown = [];
      features.forEach((f) => {
        const key = opts.keyOf(f.properties);
        if (!visible(f.properties)) return;
        counts[key] = (counts[key] || 0) + 1;
        shown.push(markers[f.properties.kode]);
      });
      cluster.addLayers(shown);
      setCounts(pointLegend, counts);
      el.dataset.points_visible = shown.length;
      if (opts.areas) colourArea();
    };

    // Overview zoom: choropleth; zoomed in: clustered points over pale areas.
    const mode = () => {
      if (overview === null) return;
      const zoomed = !opts.areas || map.getZoom() > overview;  // no areas to colour: points at every zoom
      if (zoomed && !map.hasLayer(cluster)) map.addLayer(cluster);
      if (!zoomed && map.hasLayer(cluster)) map.removeLayer(cluster);
      areaLayer.setStyle({ fillOpacity: zoomed ? 0.12 : 0.65 });
      el.dataset.mode = zoomed ? "points" : "areas";
    };
    map.on("zoomend", mode);

    const makeMarker = (f) => {
      const [lng, lat] = f.geometry.coordinates;
      const key = opts.keyOf(f.properties);
      const it = pointLegend.items[key];
      const m = L.circleMarker([lat, lng], { key, radius: 5, weight: 1, color: "#0f172a",
        fillColor: it ? it.colour : "#94a3b8", fillOpacity: 0.9 });
      m.bindPopup(() => content(opts.popup(f.properties, pointLegend.items[opts.keyOf(f.properties)] || {})));
      m.feature = f;  // as L.geoJSON would: tests and tools find a point by its properties
      markers[f.properties.kode] = m;
      allMarkers.push(m);
      return m;
    };

    const outlined = outlines(map, el).then((layers) => {
      const base = layers[opts.areas ? opts.areas.level : 2];
      if (opts.areas && base) {
        areaLayer.addData(base.geo);
        areaLayer.eachLayer((layer) => {
          const p = layer.feature.properties;
          layer.bindTooltip(() => content(opts.areas.tooltip(p, areaLegend.items[p._key] || {})));
          if (opts.areas.drill) layer.on("click", () => { window.location = opts.areas.drill + segment(p.kode); });
        });
        el.dataset.areas_loaded = base.geo.features.length;
      }
      const drawn = base || layers[3] || layers[2];
      if (drawn) el.dataset.regions = drawn.geo.features.length;
      const frame = base || layers[2] || layers[3];
      if (frame && frame.layer.getLayers().length) {
        map.fitBounds(frame.layer.getBounds(), { padding: [8, 8] });
        framed = true;
      }
      return layers;
    });

    const loaded = Promise.all([outlined, opts.points.catch((e) => {
      say(`${el.dataset.failed || "Gagal memuat"}: ${e.message}`);
      return { features: [] };
    })]).then(([, geo]) => {
      features = geo.features;
      features.forEach(makeMarker);
      el.dataset.points_loaded = features.length;
      // TPS without coordinates are counted in the figures but cannot be drawn: say how many.
      const total = Number(el.dataset.total || 0);
      say(total > features.length
        ? `${number(features.length)} / ${number(total)} TPS · ${number(total - features.length)} ${el.dataset.noCoords || "tanpa koordinat"}`
        : `${number(features.length)} TPS`);
      // No outlines to frame the view: the points do, else the province's centre.
      if (!framed && !fit(map, L.featureGroup(Object.values(markers)))) map.setView([-4.0, 122.3], 7);
      overview = map.getZoom();
      redraw();
      mode();
      const focus = new URLSearchParams(window.location.search).get("fokus");
      if (focus) show(focus);
      el.dataset.ready = "1";
    });

    [pointLegend, areaLegend].forEach((lg) => Object.values(lg.items).forEach((it) => {
      if (it.box) it.box.addEventListener("change", redraw);
    }));

    // Zoom to one TPS (from a list beside the map) and open its popup.
    const show = (code) => {
      const m = markers[code];
      if (!m) return false;
      // Straight to the street level, where the plugin no longer clusters, then open the point's popup.
      const open = () => { m.openPopup(); el.dataset.focused = code; };
      if (!map.hasLayer(cluster)) map.addLayer(cluster);
      if (map.getZoom() >= CLUSTER_OFF_ZOOM && map.getBounds().contains(m.getLatLng()) && m._map) return open(), true;
      map.once("moveend", () => setTimeout(open, 0));
      map.setView(m.getLatLng(), Math.max(map.getZoom(), CLUSTER_OFF_ZOOM), { animate: false });
      return true;
    };
    document.querySelectorAll(`[data-focus-map="${el.id}"] a[data-focus]`).forEach((a) => {
      a.addEventListener("click", (e) => {
        if (show(a.dataset.focus)) { e.preventDefault(); el.scrollIntoView({ block: "nearest" }); }
      });
    });

    // A live page changes a point's key (its state): recolour it and its area.
    const update = (code, props) => {
      const f = features.find((x) => x.properties.kode === code);
      const m = markers[code];
      if (!f || !m) return;
      Object.assign(f.properties, props);
      const key = opts.keyOf(f.properties);
      m.options.key = key;
      const it = pointLegend.items[key];
      m.setStyle({ fillColor: it ? it.colour : "#94a3b8" });
      scheduled = scheduled || setTimeout(() => { scheduled = null; redraw(); }, 2000);
    };
    let scheduled = null;

    return { map, loaded, show, update, redraw, cluster, areaLayer };
  };

  // Legend key of a share (web/_map_share_legend.html): 0 %, under 25, under 50, under 75, 75 % and more.
  const shareKey = (n, total) => {
    if (!total || !n) return "share0";
    const pct = (100 * n) / total;
    return pct < 25 ? "share1" : pct < 50 ? "share2" : pct < 75 ? "share3" : "share4";
  };
  const percent = (n, total) => (total ? `${((100 * n) / total).toLocaleString("id-ID", { maximumFractionDigits: 1 })}%` : "–");

  // The level coloured at the overview zoom of an area (as regions.outlines.choropleth_level, for pages whose
  // view does not pass it): kab/kota for a province or the country, kecamatan for a kab/kota, else none.
  const choroplethLevel = (area) => ({ 0: 2, 1: 2, 2: 3 })[area ? area.split(".").length : 0] || 0;

  return { choroplethLevel, markers: allMarkers, shareKey, percent, maps, create, load, content, fit, status, segment, number, legend, setCounts, outlines, layered, areaOfTps };
})();
