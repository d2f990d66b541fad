// Deployment posts on the map: one circle per post, coloured by class, with its TPS and units.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const map = L.map(el, { preferCanvas: true });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  const status = document.getElementById("map-status");
  const colours = { kurang_rawan: "#16a34a", rawan: "#d97706", sangat_rawan: "#b91c1c", khusus: "#7c3aed" };
  const load = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  load(el.dataset.boundaries).then((geo) => {
    L.geoJSON(geo, { style: { color: "#334155", weight: 1, fillOpacity: 0.05 } }).addTo(map);
  }).catch(() => {});
  load(el.dataset.points).then((geo) => {
    const klass = new URLSearchParams(el.dataset.points.split("?")[1] || "").get("kelas");
    const names = ["kurang_rawan", "rawan", "sangat_rawan", "khusus"];
    geo.features = geo.features.filter((f) => klass === null || f.properties.kelas === names[+klass]);
    const layer = L.geoJSON(geo, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        radius: 5, weight: 1, color: "#0f172a", fillOpacity: 0.85,
        fillColor: f.properties.ditugaskan < f.properties.polri ? "#000" : colours[f.properties.kelas],
      }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindPopup(`<b>Pos ${p.pos}</b> (${esc(p.kelas)})<br>TPS: ${p.tps.map(esc).join(", ")}` +
          `<br>Polri ${p.ditugaskan}/${p.polri} · Linmas ${p.linmas}` +
          `<br>${p.unit.map((u) => esc(u[0]) + ": " + u[1]).join("<br>")}` +
          (p.personel.length ? `<br>${p.personel.map(esc).join("<br>")}` : ""));
      },
    }).addTo(map);
    el.dataset.posts = geo.features.length;
    if (status) status.textContent = `${geo.features.length} pos`;
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  }).catch((e) => { if (status) status.textContent = "Gagal memuat pos / posts failed: " + e.message; });
})();
