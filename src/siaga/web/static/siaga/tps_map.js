// TPS map (/peta/): kab/kota or kecamatan coloured by the share of their TPS not reached by road, TPS clustered
// and coloured by access once zoomed in; the legend filters access and special TPS. On a TPS page: its point.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const { create, load, content, fit, layered, segment, shareKey, percent, number } = window.SiagaMap;

  if (el.dataset.points) {
    const onlySpecial = document.querySelector("[data-filter=khusus] input");
    const ctl = layered({
      el,
      points: load(el.dataset.points),
      keyOf: (p) => p.akses,
      filter: (p) => !onlySpecial || !onlySpecial.checked || p.khusus,
      popup: (p, item) => [[{ bold: p.nama }], [p.kode], [`DPT ${number(p.dpt)} · ${item.label || "–"}`],
                           [{ link: el.dataset.detail || "detail", href: `${el.dataset.tpsUrl}${segment(p.id)}/` }]],
      areas: {
        level: Number(el.dataset.areaLevel),
        keyOf: (code, points) => shareKey(points.filter((p) => p.akses !== "normal").length, points.length),
        share: (points) => percent(points.filter((p) => p.akses !== "normal").length, points.length),
        drill: el.dataset.drill,
        tooltip: (p, item) => [[{ bold: p.nama }, ` (${p.kode})`], [item.label || "–"]],
      },
    });
    if (onlySpecial) onlySpecial.addEventListener("change", ctl.redraw);
    return;
  }

  // One TPS (its page): the point over its desa's boundary.
  const map = create(el);
  if (el.dataset.boundaries) {
    load(el.dataset.boundaries).then((geo) => {
      L.geoJSON(geo, { style: { color: "#334155", weight: 1, fillColor: "#94a3b8", fillOpacity: 0.15 } }).addTo(map);
      el.dataset.regions = geo.features.length;
    }).catch(() => {});
  }
  if (el.dataset.lat) {
    const here = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    L.circleMarker(here, { radius: 7, color: "#b91c1c" }).addTo(map);
    map.setView(here, 14);
    el.dataset.fitted = "1";
  }
})();
