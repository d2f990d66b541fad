// The one map set-up of every Siaga map page: a Leaflet map drawn from local assets (it works
// offline), the deployment's optional tile layer, JSON loading, and popup/tooltip content built
// as DOM text. Data never becomes HTML here, so a hostile TPS or unit name stays plain text.
window.SiagaMap = (function () {
  const maps = [];

  // A map in `el`; the tile layer only when the page passes one (data-tiles).
  const create = (el) => {
    const map = L.map(el, { preferCanvas: true });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
    maps.push(map);
    return map;
  };

  const load = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });

  // Content for bindPopup/bindTooltip: a list of lines, each a list of parts; a part is text
  // (string or number), {bold: text} or {link: text, href: url}. Everything goes in as text.
  const content = (lines) => {
    const box = document.createElement("div");
    lines.forEach((parts, i) => {
      if (i) box.appendChild(document.createElement("br"));
      parts.forEach((part) => {
        let node;
        if (part !== null && typeof part === "object" && "link" in part) {
          node = document.createElement("a");
          node.href = part.href;
          node.textContent = part.link;
        } else if (part !== null && typeof part === "object") {
          node = document.createElement("b");
          node.textContent = part.bold;
        } else {
          node = document.createTextNode(part ?? "–");
        }
        box.appendChild(node);
      });
    });
    return box;
  };

  // Fit the view to a layer once it has something; true when it did.
  const fit = (map, layer) => {
    if (!layer.getLayers().length) return false;
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    return true;
  };

  // A writer for the page's status line (#map-status), silent when the page has none.
  const status = () => {
    const node = document.getElementById("map-status");
    return (text) => { if (node) node.textContent = text; };
  };

  // A path segment taken from data (a TPS or region code) made safe to append to a URL.
  const segment = (value) => encodeURIComponent(String(value));

  return { maps, create, load, content, fit, status, segment };
})();
