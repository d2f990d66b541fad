// Siaga map: region boundaries from the loaded GeoJSON (works offline), TPS as points,
// and an optional tile layer when the deployment configures one.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const map = L.map(el, { preferCanvas: true });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  const status = document.getElementById("map-status");
  const say = (text) => { if (status) status.textContent = text; };
  window.siagaMap = map;

  const colours = { normal: "#1f6feb", hard: "#d97706", boat: "#b91c1c" };
  const fitOnce = (layer) => {
    if (!el.dataset.fitted && layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      el.dataset.fitted = "1";
    }
  };

  const load = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });

  let boundaries = null;
  if (el.dataset.boundaries) {
    load(el.dataset.boundaries).then((geo) => {
      boundaries = L.geoJSON(geo, {
        style: { color: "#334155", weight: 1, fillColor: "#94a3b8", fillOpacity: 0.15 },
        onEachFeature: (f, layer) => {
          layer.bindTooltip(`${f.properties.nama} (${f.properties.kode})`);
          if (el.dataset.drill) layer.on("click", () => { window.location = el.dataset.drill + f.properties.kode; });
        },
      }).addTo(map);
      el.dataset.regions = geo.features.length;
      fitOnce(boundaries);
    }).catch((e) => say("Gagal memuat batas wilayah / boundaries failed: " + e.message));
  }

  if (el.dataset.points) {
    load(el.dataset.points).then((geo) => {
      const points = L.geoJSON(geo, {
        pointToLayer: (f, latlng) => L.circleMarker(latlng, {
          radius: 4, weight: 1, color: "#0f172a",
          fillColor: colours[f.properties.akses] || colours.normal, fillOpacity: 0.9,
        }),
        onEachFeature: (f, layer) => layer.bindPopup(
          `<b>${f.properties.nama}</b><br>${f.properties.kode}<br>DPT ${f.properties.dpt}` +
          `<br><a href="${el.dataset.tpsUrl}${f.properties.id}/">detail</a>`),
      }).addTo(map);
      el.dataset.points_loaded = geo.features.length;
      say(`${geo.features.length} TPS`);
      if (!boundaries) fitOnce(points);
    }).catch((e) => say("Gagal memuat TPS / TPS failed: " + e.message));
  } else if (el.dataset.lat) {
    const here = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    L.circleMarker(here, { radius: 7, color: "#b91c1c" }).addTo(map);
    map.setView(here, 14);
    el.dataset.fitted = "1";
  }
})();
