// Field reporting that survives a lost network: every report gets a UUID and waits in
// localStorage until the server has answered it; retries reuse the UUID so nothing is stored twice.
(function () {
  const root = document.getElementById("field");
  if (!root) return;
  // Translated messages come from the page's data-msg-* attributes (no inline script under the CSP).
  const d = root.dataset;
  const MSG = { online: d.msgOnline, offline: d.msgOffline, badTps: d.msgBadTps, queued: d.msgQueued,
                sent: d.msgSent, refused: d.msgRefused };
  const KEY = "siaga.field.queue";
  const load = () => JSON.parse(localStorage.getItem(KEY) || "[]");
  const save = (q) => { localStorage.setItem(KEY, JSON.stringify(q)); show(); };
  let sent = 0;
  const log = (text) => { const li = document.createElement("li"); li.textContent = text; document.getElementById("log").prepend(li); };
  const show = () => {
    document.getElementById("queue-count").textContent = load().length;
    document.getElementById("sent-count").textContent = sent;
    document.getElementById("net-status").textContent = navigator.onLine ? MSG.online : MSG.offline;
  };
  const csrf = () => (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  let flushing = false;
  const flush = async () => {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const item of load()) {
        let res;
        try {
          res = await fetch(item.url, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify(item.body) });
        } catch (e) { break; }  // still offline: keep the queue
        if (res.status >= 500) break;
        const answer = await res.json().catch(() => ({}));
        save(load().filter((q) => q.body.client_id !== item.body.client_id));
        if (res.ok) { sent += 1; log(`${MSG.sent}: ${item.label}`); }
        else log(`${MSG.refused}: ${item.label}: ${answer.detail || res.status}`);
      }
    } finally { flushing = false; show(); }
  };
  const enqueue = (url, body, label) => {
    const q = load();
    q.push({ url, body: { client_id: uuid(), at: new Date().toISOString(), ...body }, label });
    save(q);
    log(`${MSG.queued}: ${label}`);
    flush();
  };
  const tps = () => {
    const code = document.getElementById("tps").value.trim();
    if (!/^\d{13}$/.test(code)) { alert(MSG.badTps); return null; }
    return code;
  };
  document.querySelectorAll("[data-kind]").forEach((b) => b.addEventListener("click", () => {
    const code = tps();
    if (code) enqueue(root.dataset.events, { tps_code: code, kind: b.dataset.kind }, `TPS ${code} ${b.dataset.kind}`);
  }));
  document.getElementById("incident-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const code = tps();
    if (!code) return;
    const f = new FormData(e.target);
    enqueue(root.dataset.incidents, { tps_code: code, category: f.get("category"), severity: Number(f.get("severity")),
      description: f.get("description"), occurred_at: new Date().toISOString() }, `INSIDEN ${code}`);
    e.target.reset();
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  setInterval(flush, 15000);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(() => {});
  show();
  flush();
})();
