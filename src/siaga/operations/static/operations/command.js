// Command post: counters and map refreshed from the live stream (Server-Sent Events), no reload.
(function () {
  const root = document.getElementById("ops");
  if (!root) return;
  const status = document.getElementById("live-status");
  const feed = document.getElementById("feed");
  const colours = { persiapan: "#94a3b8", logistik: "#a78bfa", buka: "#60a5fa", pemungutan: "#2563eb",
                    penghitungan: "#f59e0b", selesai: "#16a34a", serah: "#065f46" };
  const markers = {};
  let map = null;

  const el = document.getElementById("map");
  if (el && window.SiagaMap) {
    const { create, load, content, fit } = window.SiagaMap;
    map = create(el);
    load(el.dataset.points).then((geo) => {
      const layer = L.geoJSON(geo, {
        pointToLayer: (f, latlng) => {
          const m = L.circleMarker(latlng, { radius: 4, weight: 1, color: "#0f172a",
            fillColor: colours[f.properties.tahap] || "#94a3b8", fillOpacity: 0.9 });
          markers[f.properties.kode] = m;
          return m;
        },
        onEachFeature: (f, layer) => layer.bindTooltip(() => content([[`${f.properties.nama} (${f.properties.kode})`]])),
      }).addTo(map);
      if (!fit(map, layer)) map.setView([-4, 122], 7);
      el.dataset.points_loaded = geo.features.length;
    });
  }

  const setText = (id, value) => {
    const node = document.querySelector(`[data-testid="${id}"]`);
    if (node) node.textContent = value;
  };
  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => fetch(root.dataset.summary, { credentials: "same-origin" }).then((r) => r.json())
      .then((s) => {
        Object.entries(s.stages).forEach(([k, v]) => setText(`stage-${k}`, v));
        Object.entries(s.open_incidents).forEach(([k, v]) => setText(`open-${k}`, v));
        Object.entries(s.missing_checkins).forEach(([k, v]) => setText(`missing-${k}`, v.missing));
        setText("disturbed", s.disturbed); setText("suspended", s.suspended);
        setText("overdue", s.overdue_incidents);
      }), 300);
  };

  const addFeed = (text, cls, href) => {
    const li = document.createElement("li");
    if (cls) li.className = cls;
    if (href) { const a = document.createElement("a"); a.href = href; a.textContent = text; li.appendChild(a); }
    else li.textContent = text;
    feed.prepend(li);
    while (feed.children.length > 100) feed.lastChild.remove();
  };

  const source = new EventSource(root.dataset.stream);
  source.onopen = () => { status.textContent = "live"; status.dataset.state = "open"; };
  source.onerror = () => { status.textContent = "…"; status.dataset.state = "reconnecting"; };
  source.addEventListener("tps", (e) => {
    const m = JSON.parse(e.data);
    addFeed(`TPS ${m.tps}: ${m.stage}${m.disturbed ? " ⚠" : ""}${m.exercise ? " (latihan)" : ""}`, "");
    if (markers[m.tps]) markers[m.tps].setStyle({ fillColor: colours[m.stage] || "#94a3b8" });
    refresh();
  });
  source.addEventListener("incident", (e) => {
    const m = JSON.parse(e.data);
    addFeed(`#${m.id} ${m.category} · ${m.severity} · ${m.status}`, `sev${m.severity}`,
            `${root.dataset.incidentUrl}${m.id}/`);
    refresh();
  });
  source.addEventListener("checkin", refresh);
  source.addEventListener("dispatch", refresh);
})();
