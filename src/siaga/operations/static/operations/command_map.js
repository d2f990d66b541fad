// Command-post map: kab/kota or kecamatan coloured by the share of their TPS opened (or further), TPS clustered
// and coloured by state once zoomed in, a disturbance or overdue check-in before the stage. Live changes arrive
// from command.js as "siaga:tps" events and recolour the point and its area.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.SiagaMap) return;
  const { layered, load, shareKey, percent } = window.SiagaMap;
  const opened = new Set(["buka", "pemungutan", "penghitungan", "selesai", "serah"]);
  const since = document.querySelector("[data-filter=since]");
  const keyOf = (p) => (p.gangguan || p.ditunda ? "gangguan" : p.terlambat ? "terlambat" : p.tahap);
  // Ages are counted back from the latest report received, not the clock: an exercise replaying a past
  // voting day, or a screen whose clock is off, reads the same as the live day.
  let latest = 0;
  const seen = (t) => { if (t) latest = Math.max(latest, Date.parse(t)); };
  const recent = (p) => {
    const minutes = since ? Number(since.value) : 0;
    if (!minutes) return true;
    const age = p.t ? (latest - Date.parse(p.t)) / 60000 : Infinity;
    return minutes > 0 ? age <= minutes : age > -minutes;
  };
  const ctl = layered({
    el,
    points: load(el.dataset.points).then((geo) => { geo.features.forEach((f) => seen(f.properties.t)); return geo; }),
    keyOf,
    filter: recent,
    popup: (p, item) => [[{ bold: p.nama }], [p.kode], [item.label || "–"],
                         p.t ? [new Date(p.t).toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" })] : []],
    areas: {
      level: Number(el.dataset.areaLevel),
      keyOf: (code, points) => shareKey(points.filter((p) => opened.has(p.tahap)).length, points.length),
      tooltip: (p, item) => [[{ bold: p.nama }, ` (${p.kode})`], [item.label || "–"]],
    },
  });
  if (since) since.addEventListener("change", ctl.redraw);
  // Sea links (transport): a closed one (the day's marine forecast above its limits) dashed red, with why.
  if (el.dataset.links && window.L) {
    load(el.dataset.links).then((geo) => {
      const closed = geo.features.filter((f) => f.properties.closed).length;
      const count = document.querySelector("[data-testid=sea-closed-count]");
      if (count) count.textContent = `(${closed})`;
      window.L.geoJSON(geo, {
        style: (f) => (f.properties.closed ? { color: "#b3261e", weight: 3, dashArray: "6 6" }
                                           : { color: "#1f5fa8", weight: 2, opacity: 0.7 }),
        onEachFeature: (f, layer) => layer.bindTooltip(
          f.properties.closed ? `${f.properties.name}: ${el.dataset.closedLabel} (${f.properties.reason})`
                              : `${f.properties.name} (${f.properties.minutes} menit)`),
      }).addTo(ctl.map);
    }).catch(() => {});
  }
  document.addEventListener("siaga:tps", (e) => {
    const m = e.detail;
    const t = m.at || new Date().toISOString();
    seen(t);
    ctl.update(m.tps, { tahap: m.stage, gangguan: !!m.disturbed, ditunda: !!m.suspended, t });
  });
})();
