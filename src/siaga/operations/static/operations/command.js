// Command post: counters and feed (and, through command_map.js, the map) refreshed by short polls of the live endpoint (no reload, no open connection).
(function () {
  const root = document.getElementById("ops");
  if (!root) return;
  const status = document.getElementById("live-status");
  const feed = document.getElementById("feed");

  const setText = (id, value) => {
    const node = document.querySelector(`[data-testid="${id}"]`);
    if (node) node.textContent = value;
  };
  // Counters are the costliest ask: at most one every SUMMARY_MS, however busy the feed.
  const SUMMARY_MS = 30000;
  let pending = null, lastSummary = 0;
  const refresh = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      lastSummary = Date.now();
      fetch(root.dataset.summary, { credentials: "same-origin" }).then((r) => r.json()).then((s) => {
        Object.entries(s.stages).forEach(([k, v]) => setText(`stage-${k}`, v));
        Object.entries(s.open_incidents).forEach(([k, v]) => setText(`open-${k}`, v));
        Object.entries(s.missing_checkins).forEach(([k, v]) => setText(`missing-${k}`, v.missing));
        setText("disturbed", s.disturbed); setText("suspended", s.suspended);
        setText("overdue", s.overdue_incidents);
      });
    }, Math.max(300, lastSummary + SUMMARY_MS - Date.now()));
  };

  const addFeed = (text, cls, href) => {
    const li = document.createElement("li");
    if (cls) li.className = cls;
    if (href) { const a = document.createElement("a"); a.href = href; a.textContent = text; li.appendChild(a); }
    else li.textContent = text;
    feed.prepend(li);
    while (feed.children.length > 100) feed.lastChild.remove();
  };

  const handlers = {
    tps: (m) => {
      addFeed(`TPS ${m.tps}: ${m.stage_label || m.stage}${m.disturbed ? " ⚠" : ""}${m.exercise ? ` (${root.dataset.drill})` : ""}`, "");
      document.dispatchEvent(new CustomEvent("siaga:tps", { detail: m }));  // the map (command_map.js)
      refresh();
    },
    incident: (m) => {
      // Labels come with the message from the server, in the viewer's language.
      addFeed(`#${m.id} ${m.category_label || m.category} · ${root.dataset.severity} ${m.severity} · ${m.status_label || m.status}`, `sev${m.severity}`,
              `${root.dataset.incidentUrl}${m.id}/`);
      refresh();
    },
    checkin: refresh,
    dispatch: refresh,
  };

  // Short polls: "If-None-Match" carries the last cursor; 304 means nothing new. Every few seconds while the
  // page is visible, rarely while hidden; a busy server (429) says when to ask again.
  let cursor = "", timer = null, every = 3;
  const later = (seconds) => {
    clearTimeout(timer);
    timer = setTimeout(poll, seconds * (800 + Math.random() * 400));
  };
  const poll = () => {
    const headers = cursor ? { "If-None-Match": `"${cursor}"` } : {};
    fetch(root.dataset.stream, { credentials: "same-origin", cache: "no-store", headers }).then((r) => {
      if (r.status === 429) return later(Number(r.headers.get("Retry-After")) || 10);
      if (r.status !== 304 && !r.ok) throw new Error(String(r.status));
      status.textContent = status.dataset.live || "live"; status.dataset.state = "open";
      const next = () => later(document.hidden ? 30 : every);
      if (r.status === 304) return next();
      return r.json().then((data) => {
        cursor = data.cursor; every = data.poll || every;
        data.messages.forEach((m) => (handlers[m.type] || (() => {}))(m));
        if (data.reset) refresh();
        next();
      });
    }).catch(() => { status.textContent = "…"; status.dataset.state = "reconnecting"; later(10); });
  };
  document.addEventListener("visibilitychange", () => { if (!document.hidden) later(0.2); });
  poll();
})();
