// Vulnerability map: kab/kota or kecamatan coloured by their Tingkat Siaga (Siaga's own index, not Bawaslu's IKP) (the area figures `siaga risk score`
// stores), TPS clustered and coloured by class once zoomed in; the legend filters the classes.
(function () {
  const el = document.getElementById("risk-map");
  if (!el) return;
  const { layered, load, segment, number } = window.SiagaMap;
  let values = {};
  const areaValues = load(el.dataset.areaValues).then((v) => { values = v.areas; }).catch(() => {});
  layered({
    el,
    points: areaValues.then(() => load(el.dataset.points)),
    keyOf: (p) => String(p.kelas_id),
    popup: (p, item) => [[{ bold: p.nama }], [p.kode], [`${item.label || "–"}${p.skor === null ? "" : " · " + number(p.skor, 2)}`],
                   [{ link: el.dataset.detail || "kerawanan", href: `${el.dataset.tpsUrl}${segment(p.kode)}/${el.dataset.tpsQuery || ""}` }]],
    areas: {
      level: Number(el.dataset.areaLevel),
      keyOf: (code) => (values[code] ? values[code].siaga_level : ""),
      drill: el.dataset.drill,
      tooltip: (p, item) => {
        const v = values[p.kode];
        return [[{ bold: p.nama }, ` (${p.kode})`], [`${item.label || "–"}${v ? " · " + number(v.siaga_index, 2) : ""}`],
                v ? [`TPS ${number(v.tps)} · rawan ${number(v.rawan)} · sangat rawan ${number(v.sangat_rawan)}`] : []];
      },
    },
  });
})();
