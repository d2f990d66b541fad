// Custody map over the kab/kota and kecamatan outlines: nodes sized by the items held there, or escort missions
// with their legs (road or sea, dashed until arrived) and last positions; the legend counts and filters them.
(function () {
  const el = document.getElementById("custody-map");
  if (!el || !window.L) return;
  const { create, content, fit, outlines, legend, setCounts } = window.SiagaMap;
  const map = create(el);
  const layer = L.featureGroup().addTo(map);
  const lg = legend("points");
  const colour = (key) => (lg.items[key] ? lg.items[key].colour : "#1f6feb");
  const shown = (key) => !lg.items[key] || !lg.items[key].box || lg.items[key].box.checked;
  const onlyOpen = document.querySelector("[data-filter=open] input");
  const read = (id) => { const n = document.getElementById(id); return n ? JSON.parse(n.textContent) : []; };
  const text = (value) => () => content([[value]]);

  const draw = () => {
    layer.clearLayers();
    const counts = {};
    const add = (key, made) => { counts[key] = (counts[key] || 0) + 1; if (shown(key)) made().addTo(layer); };
    if (el.dataset.kind === "nodes") {
      read("custody-points").forEach((p) => {
        const key = p.total > 0 ? "held" : "empty";
        add(key, () => L.circleMarker([p.lat, p.lng], { radius: 4 + Math.min(10, Math.sqrt(p.total) / 4),
          color: "#0f172a", weight: 1, fillColor: colour(key), fillOpacity: 0.8 }).bindTooltip(text(`${p.name}: ${p.total}`)));
      });
    } else {
      read("custody-missions").forEach((m) => {
        m.legs.forEach((leg) => {
          if (onlyOpen && onlyOpen.checked && leg.arrived) return;
          const key = leg.mode === "sea" ? "sea" : "land";
          add(key, () => L.polyline(leg.path, { color: colour(key), weight: 4, dashArray: leg.arrived ? null : "6 6" })
            .bindTooltip(text(`${m.code} (${lg.items[key] ? lg.items[key].label : leg.mode})`)));
        });
        const last = m.positions[m.positions.length - 1];
        if (last) add("escort", () => L.circleMarker(last, { radius: 7, color: "#0f172a", weight: 1,
          fillColor: colour("escort"), fillOpacity: 1 }).bindTooltip(text(m.code)));
      });
    }
    setCounts(lg, counts);
    el.dataset.layers = layer.getLayers().length;
  };

  draw();
  Object.values(lg.items).forEach((it) => { if (it.box) it.box.addEventListener("change", draw); });
  if (onlyOpen) onlyOpen.addEventListener("change", draw);
  outlines(map, el).then((layers) => {
    const frame = layers[2] || layers[3];
    // The items or missions frame the view; the outlines when there is nothing to show.
    if (!fit(map, layer) && !(frame && fit(map, frame.layer))) map.setView([-4.0, 122.5], 7);
    el.dataset.ready = "1";
  });
})();
