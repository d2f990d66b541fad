// Vulnerability map: the children of an area coloured by index band, TPS as points coloured by class.
(function () {
  const el = document.getElementById("risk-map");
  if (!el) return;
  const { create, load, content, fit, status, segment } = window.SiagaMap;
  const map = create(el);
  const say = status();
  const bandColours = { rendah: "#fef3c7", sedang: "#fdba74", tinggi: "#ef4444" };
  const classColours = ["#16a34a", "#f59e0b", "#dc2626", "#7c3aed"];
  let fitted = false;
  load(el.dataset.areas).then((geo) => {
    const layer = L.geoJSON(geo, {
      style: (f) => ({ color: "#334155", weight: 1, fillOpacity: 0.6,
                       fillColor: bandColours[f.properties.band] || "#e5e7eb" }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(() => content([[`${p.nama} (${p.kode})`], [`Indeks ${p.indeks ?? "–"} · ${p.band ?? "–"}`],
                                     [`TPS ${p.tps}: rawan ${p.rawan}, sangat rawan ${p.sangat_rawan}`]]));
        l.on("click", () => { window.location = el.dataset.drill + segment(p.kode); });
      },
    }).addTo(map);
    el.dataset.areas_loaded = geo.features.length;
    fitted = fit(map, layer);
  }).catch((e) => say("Gagal memuat wilayah / areas failed: " + e.message));
  load(el.dataset.points).then((geo) => {
    const layer = L.geoJSON(geo, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        radius: f.properties.kelas_id > 0 ? 5 : 3, weight: 1, color: "#0f172a",
        fillColor: classColours[f.properties.kelas_id], fillOpacity: 0.9 }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindPopup(() => content([[{ bold: p.nama }], [p.kode], [`${p.kelas} · ${p.skor}`],
          [{ link: "kerawanan", href: `${el.dataset.tpsUrl}${segment(p.kode)}/` }]]));
      },
    }).addTo(map);
    el.dataset.points_loaded = geo.features.length;
    say(`${geo.features.length} TPS`);
    if (!fitted) fit(map, layer);
  }).catch((e) => say("Gagal memuat TPS / TPS failed: " + e.message));
})();
