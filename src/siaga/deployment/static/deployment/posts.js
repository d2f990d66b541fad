// Deployment posts on the map: areas coloured by the share of their posts short of Polri personnel, posts
// clustered and coloured by class (short ones in black) once zoomed in, each with its TPS and units.
(function () {
  const el = document.getElementById("map");
  if (!el) return;
  const { layered, load, shareKey, choroplethLevel, number } = window.SiagaMap;
  const short = (p) => p.ditugaskan < p.polri;
  const klass = new URLSearchParams(el.dataset.points.split("?")[1] || "").get("kelas");
  const names = ["kurang_rawan", "rawan", "sangat_rawan", "khusus"];
  const ctl = layered({
    el,
    // A post is placed in its area by its first TPS; its key on the map is the post's own key.
    points: load(el.dataset.points).then((geo) => {
      geo.features = geo.features.filter((f) => klass === null || klass === "" || f.properties.kelas === names[+klass]);
      geo.features.forEach((f) => { f.properties.kode = f.properties.tps[0] || f.properties.pos; });
      return geo;
    }),
    keyOf: (p) => (short(p) ? "short" : p.kelas),
    popup: (p, item) => [
      [{ bold: `Pos ${p.pos}` }, ` (${item.label || p.kelas})`],
      [`TPS: ${p.tps.join(", ")}`],
      [`Polri ${number(p.ditugaskan)}/${number(p.polri)} · Linmas ${number(p.linmas)}`],
      ...p.unit.map((u) => [`${u[0]}: ${u[1]}`]),
      ...p.personel.map((name) => [name]),
    ],
    areas: {
      level: choroplethLevel(el.dataset.area),
      keyOf: (code, points) => shareKey(points.filter(short).length, points.length),
      tooltip: (p, item) => [[{ bold: p.nama }, ` (${p.kode})`], [item.label || "–"]],
    },
  });
  ctl.loaded.then(() => {
    el.dataset.posts = el.dataset.points_loaded;
    const say = window.SiagaMap.status();
    say(`${number(el.dataset.points_loaded)} ${el.dataset.postsWord || "pos"}`);
  });
})();
