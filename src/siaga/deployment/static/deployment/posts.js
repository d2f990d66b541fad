// Deployment posts on the map: one circle per post, coloured by class, with its TPS and units.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const { create, load, content, fit, status } = window.SiagaMap;
  const map = create(el);
  const say = status();
  const colours = { kurang_rawan: "#16a34a", rawan: "#d97706", sangat_rawan: "#b91c1c", khusus: "#7c3aed" };
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
        l.bindPopup(() => content([
          [{ bold: `Pos ${p.pos}` }, ` (${p.kelas})`],
          [`TPS: ${p.tps.join(", ")}`],
          [`Polri ${p.ditugaskan}/${p.polri} · Linmas ${p.linmas}`],
          ...p.unit.map((u) => [`${u[0]}: ${u[1]}`]),
          ...p.personel.map((name) => [name]),
        ]));
      },
    }).addTo(map);
    el.dataset.posts = geo.features.length;
    say(`${geo.features.length} pos`);
    fit(map, layer);
  }).catch((e) => say("Gagal memuat pos / posts failed: " + e.message));
})();
