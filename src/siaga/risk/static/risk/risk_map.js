// Vulnerability map: the children of an area coloured by index band, TPS as points coloured by class.
(function () {
  const el = document.getElementById("risk-map");
  if (!el) return;
  const map = L.map(el, { preferCanvas: true });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  const status = document.getElementById("map-status");
  const bandColours = { rendah: "#fef3c7", sedang: "#fdba74", tinggi: "#ef4444" };
  const classColours = ["#16a34a", "#f59e0b", "#dc2626", "#7c3aed"];
  const load = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });
  let fitted = false;
  load(el.dataset.areas).then((geo) => {
    const layer = L.geoJSON(geo, {
      style: (f) => ({ color: "#334155", weight: 1, fillOpacity: 0.6,
                       fillColor: bandColours[f.properties.band] || "#e5e7eb" }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(`${p.nama} (${p.kode})<br>Indeks ${p.indeks ?? "–"} · ${p.band ?? "–"}` +
                      `<br>TPS ${p.tps}: rawan ${p.rawan}, sangat rawan ${p.sangat_rawan}`);
        l.on("click", () => { window.location = el.dataset.drill + p.kode; });
      },
    }).addTo(map);
    el.dataset.areas_loaded = geo.features.length;
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); fitted = true; }
  }).catch((e) => { status.textContent = "Gagal memuat wilayah / areas failed: " + e.message; });
  load(el.dataset.points).then((geo) => {
    const layer = L.geoJSON(geo, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        radius: f.properties.kelas_id > 0 ? 5 : 3, weight: 1, color: "#0f172a",
        fillColor: classColours[f.properties.kelas_id], fillOpacity: 0.9 }),
      onEachFeature: (f, l) => l.bindPopup(
        `<b>${f.properties.nama}</b><br>${f.properties.kode}<br>${f.properties.kelas} · ${f.properties.skor}` +
        `<br><a href="${el.dataset.tpsUrl}${f.properties.kode}/">kerawanan</a>`),
    }).addTo(map);
    el.dataset.points_loaded = geo.features.length;
    status.textContent = `${geo.features.length} TPS`;
    if (!fitted && layer.getLayers().length) map.fitBounds(layer.getBounds());
  }).catch((e) => { status.textContent = "Gagal memuat TPS / TPS failed: " + e.message; });
})();
