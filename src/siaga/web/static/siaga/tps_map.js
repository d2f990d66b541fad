// TPS map (/peta/ and a TPS page): region boundaries from the loaded GeoJSON, TPS as points.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const { create, load, content, fit, status, segment } = window.SiagaMap;
  const map = create(el);
  const say = status();
  const colours = { normal: "#1f6feb", hard: "#d97706", boat: "#b91c1c" };
  const fitOnce = (layer) => {
    if (!el.dataset.fitted && fit(map, layer)) el.dataset.fitted = "1";
  };

  let boundaries = null;
  if (el.dataset.boundaries) {
    load(el.dataset.boundaries).then((geo) => {
      boundaries = L.geoJSON(geo, {
        style: { color: "#334155", weight: 1, fillColor: "#94a3b8", fillOpacity: 0.15 },
        onEachFeature: (f, layer) => {
          const p = f.properties;
          layer.bindTooltip(() => content([[`${p.nama} (${p.kode})`]]));
          if (el.dataset.drill) layer.on("click", () => { window.location = el.dataset.drill + segment(p.kode); });
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
        onEachFeature: (f, layer) => {
          const p = f.properties;
          layer.bindPopup(() => content([[{ bold: p.nama }], [p.kode], ["DPT ", p.dpt],
            [{ link: "detail", href: `${el.dataset.tpsUrl}${segment(p.id)}/` }]]));
        },
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
