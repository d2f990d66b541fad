// Custody map: nodes sized by the items held there, or escort missions with their legs and last positions.
(function () {
  const el = document.getElementById("custody-map");
  if (!el || !window.L) return;
  const { create, content, fit } = window.SiagaMap;
  const map = create(el);
  const layer = L.featureGroup().addTo(map);
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : []; };
  const text = (value) => () => content([[value]]);
  if (el.dataset.kind === "nodes") {
    read("custody-points").forEach((p) => {
      L.circleMarker([p.lat, p.lng], { radius: 4 + Math.min(10, Math.sqrt(p.total) / 4), color: "#1f6feb", weight: 1,
        fillOpacity: 0.7 }).bindTooltip(text(`${p.name}: ${p.total}`)).addTo(layer);
    });
  } else {
    read("custody-missions").forEach((m) => {
      m.legs.forEach((leg) => {
        L.polyline(leg.path, { color: leg.mode === "sea" ? "#0e7490" : "#92400e", weight: 4,
          dashArray: leg.arrived ? null : "6 6" }).bindTooltip(text(`${m.code} (${leg.mode})`)).addTo(layer);
      });
      const last = m.positions[m.positions.length - 1];
      if (last) L.circleMarker(last, { radius: 7, color: "#b91c1c", fillOpacity: 1 }).bindTooltip(text(m.code)).addTo(layer);
    });
  }
  el.dataset.layers = layer.getLayers().length;
  if (!fit(map, layer)) map.setView([-4.0, 122.5], 7);
})();
