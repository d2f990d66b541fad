// The field report form: a TPS from the officer's own posts, what is happening, the phone's GPS fix and a
// photo. Every field is checked before the report is queued; the queue (the outbox) lives in localStorage per
// user, survives a lost network and a reload, and is sent when the network is back.
// Double-submit protection: one client UUID per report draft (the server stores a UUID once), the send
// button disabled from the tap until a new report is started (a kind chosen again).
(function () {
  const root = document.getElementById("field");
  if (!root) return;
  const d = root.dataset;
  const $ = (id) => document.getElementById(id);
  const form = $("report-form"), send = $("send"), message = $("form-message");
  const posts = JSON.parse(($("field-posts") || {}).textContent || "[]");
  const KEY = `siaga.field.outbox.${d.user}`;
  // The TPS this officer may report for, known without the network: their posts' TPS and every typed code the
  // server confirmed before (kept per user), so a typed code is checked offline too.
  const KNOWN_KEY = `siaga.field.known.${d.user}`;
  const known = new Map(Object.entries(JSON.parse(localStorage.getItem(KNOWN_KEY) || "{}")));
  posts.forEach((p) => p.tps.forEach((t) => known.set(t.code, t.label)));
  const remember = (code, label) => {
    known.set(code, label);
    const saved = JSON.parse(localStorage.getItem(KNOWN_KEY) || "{}");
    saved[code] = label;
    try { localStorage.setItem(KNOWN_KEY, JSON.stringify(saved)); } catch (e) { /* full: checked online next time */ }
  };
  const KEEP_DONE = 30;  // sent and refused entries kept for the officer to see
  const PHOTO_MAX = 5 * 1024 * 1024, PHOTO_EDGE = 1600;

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  const load = () => JSON.parse(localStorage.getItem(KEY) || "[]");
  const store = (box) => {
    const waiting = box.filter((e) => e.state === "waiting");
    const done = box.filter((e) => e.state !== "waiting").slice(-KEEP_DONE);
    localStorage.setItem(KEY, JSON.stringify([...done, ...waiting].sort((a, b) => a.seq - b.seq)));
    render();
  };
  const update = (id, change) => store(load().map((e) => (e.id === id ? { ...e, ...change } : e)));

  const say = (text, kind) => { message.textContent = text || ""; message.className = `field-message ${kind || ""}`; };
  const time = (iso) => new Date(iso).toLocaleTimeString(document.documentElement.lang || "id",
                                                          { hour: "2-digit", minute: "2-digit" });

  function render() {
    const box = load();
    const count = (state) => box.filter((e) => e.state === state).length;
    $("queue-count").textContent = count("waiting");
    $("sent-count").textContent = count("sent");
    $("refused-count").textContent = count("refused");
    $("net-status").textContent = navigator.onLine ? d.msgOnline : d.msgOffline;
    $("net-status").className = `field-net ${navigator.onLine ? "on" : "off"}`;
    const list = $("outbox");
    list.replaceChildren(...box.slice().reverse().map((e) => {
      const li = document.createElement("li");
      li.className = `outbox-item ${e.state}`;
      li.dataset.state = e.state;
      li.dataset.clientId = e.id;
      const state = document.createElement("span");
      state.className = "outbox-state";
      state.textContent = { waiting: d.msgWaiting, sent: d.msgSent, refused: d.msgRefused }[e.state];
      const what = document.createElement("span");
      what.className = "outbox-what";
      what.textContent = e.label;
      const when = document.createElement("small");
      when.textContent = `${time(e.at)} · ${e.photo ? d.msgWithPhoto : d.msgNoPhoto}`;
      li.append(state, what, when);
      if (e.reason) {
        const why = document.createElement("span");
        why.className = "outbox-reason";
        why.textContent = e.reason;
        li.append(why);
      }
      return li;
    }));
  }

  // --- sending -------------------------------------------------------------------------------------
  const csrf = () => (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      for (const e of load().filter((x) => x.state === "waiting")) {
        let res;
        try {
          res = await fetch(e.url, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify(e.body) });
        } catch (err) { break; }  // still offline: keep the outbox
        if (res.status >= 500) break;
        const json = (res.headers.get("Content-Type") || "").includes("json");
        if ((res.status === 401 || res.status === 403) && !json) { say(d.msgSignin, "error"); break; }
        const answer = json ? await res.json().catch(() => ({})) : {};
        const detail = Array.isArray(answer.detail) ? answer.detail.map((x) => x.msg || x).join("; ") : answer.detail;
        // Sent or refused, the body (and its photo) is no longer needed on the phone.
        if (res.ok) update(e.id, { state: "sent", body: null, reason: "" });
        else update(e.id, { state: "refused", body: null, reason: String(detail || res.status) });
      }
    } finally { flushing = false; render(); }
  }

  // --- the form --------------------------------------------------------------------------------------
  let draft = { id: uuid(), photo: null };  // one client UUID per report, made once
  const kind = () => (form.querySelector("input[name=kind]:checked") || {}).value || "";
  const select = $("tps-select");
  const typed = () => !select || select.value === "";

  function showTps() {
    $("tps-other").hidden = !typed();
    const code = typed() ? $("tps").value.trim() : select.value;
    $("tps-name").textContent = known.get(code) ? `✓ ${known.get(code)} (${code})` : "";
  }

  async function checkedTps() {
    const code = (typed() ? $("tps").value : select.value).replace(/\./g, "").trim();
    if (!/^\d{13}$/.test(code)) return { error: d.msgBadTps };
    if (known.has(code)) return { code, label: known.get(code) };
    if (!navigator.onLine) return { error: d.msgUnknownOffline };
    say(d.msgChecking);
    let res;
    try {
      res = await fetch(d.check.replace("0000000000000", code), { credentials: "same-origin" });
    } catch (err) { return { error: d.msgUnknownOffline }; }
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) return { error: String(answer.detail || res.status) };
    $("tps-name").textContent = `✓ ${answer.label} (${code})`;
    remember(code, answer.label);
    return { code, label: answer.label };
  }

  function incidentProblem() {
    if (!$("category").value) return d.msgNoCategory;
    if (!form.querySelector("input[name=severity]:checked")) return d.msgNoSeverity;
    if ($("description").value.trim().length < 3) return d.msgNoDescription;
    return "";
  }

  let fix = null;  // the newest GPS fix
  function report(tps) {
    const at = new Date().toISOString();
    const gps = fix ? { gps_lat: fix.lat, gps_lng: fix.lng, gps_accuracy: fix.accuracy } : {};
    const note = $("note").value.trim();
    const common = { client_id: draft.id, tps_code: tps.code, ...gps, ...(draft.photo ? { photo: draft.photo } : {}) };
    if (kind() === "insiden") {
      const category = $("category");
      return { url: d.incidents, label: `${tps.label} — ${d.msgIncident}: ${category.options[category.selectedIndex].text}`,
        body: { ...common, category: category.value, occurred_at: at,
          severity: Number(form.querySelector("input[name=severity]:checked").value),
          description: [$("description").value.trim(), note].filter(Boolean).join("\n") } };
    }
    const chosen = form.querySelector("input[name=kind]:checked");
    return { url: d.events, label: `${tps.label} — ${chosen.parentElement.textContent.trim()}`,
      body: { ...common, kind: chosen.value, at, note } };
  }

  let busy = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true;
    send.disabled = true;  // from the first tap: a second tap finds the button off
    let queued = false;
    try {
      if (!kind()) { say(d.msgNoKind, "error"); return; }
      const tps = await checkedTps();
      if (tps.error) { say(tps.error, "error"); return; }
      if (kind() === "insiden" && incidentProblem()) { say(incidentProblem(), "error"); return; }
      const r = report(tps);
      const box = load();
      if (!box.some((e) => e.id === draft.id)) {  // the same draft is queued once, whatever happens
        box.push({ id: draft.id, seq: Date.now(), url: r.url, body: r.body, label: r.label, at: r.body.at || r.body.occurred_at,
                   state: "waiting", reason: "", photo: Boolean(draft.photo) });
        try { store(box); } catch (err) { say(d.msgStorageFull, "error"); return; }
      }
      queued = true;
      say(d.msgQueued, "ok");
      startNewReport();
      flush();
    } finally {
      busy = false;
      if (!queued) send.disabled = !kind();
    }
  });

  function startNewReport() {
    draft = { id: uuid(), photo: null };
    form.querySelectorAll("input[name=kind], input[name=severity]").forEach((i) => { i.checked = false; });
    $("category").value = "";
    $("description").value = "";
    $("note").value = "";
    $("photo").value = "";
    $("photo-preview").hidden = true;
    $("incident-fields").hidden = true;
    send.disabled = true;  // until the officer chooses what the next report is
  }

  form.addEventListener("change", (ev) => {
    if (ev.target.name === "kind") {
      $("incident-fields").hidden = kind() !== "insiden";
      send.disabled = busy || !kind();
      say("");
    }
  });
  if (select) select.addEventListener("change", showTps);
  $("tps").addEventListener("input", showTps);

  // --- photo: shrunk on the phone so it fits the outbox and a weak network --------------------------------
  $("photo").addEventListener("change", async () => {
    const file = $("photo").files[0];
    draft.photo = null;
    $("photo-preview").hidden = true;
    if (!file) return;
    if (!/^image\/(jpeg|png)$/.test(file.type)) { say(d.msgPhotoType, "error"); $("photo").value = ""; return; }
    try {
      const image = await createImageBitmap(file);
      const scale = Math.min(1, PHOTO_EDGE / Math.max(image.width, image.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      const data = canvas.toDataURL("image/jpeg", 0.8);
      if (data.length * 0.75 > PHOTO_MAX) { say(d.msgPhotoBig, "error"); $("photo").value = ""; return; }
      draft.photo = data;
      $("photo-preview").src = data;
      $("photo-preview").hidden = false;
      say("");
    } catch (err) { say(d.msgPhotoType, "error"); $("photo").value = ""; }
  });

  // --- GPS -----------------------------------------------------------------------------------------------
  const gps = $("gps-status");
  const fmt = (x) => x.toFixed(5).replace(".", ",");
  if ("geolocation" in navigator) {
    gps.textContent = d.msgGpsWait;
    navigator.geolocation.watchPosition((pos) => {
      fix = { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: Math.round(pos.coords.accuracy) };
      gps.textContent = `${d.msgGpsOk}: ${fmt(fix.lat)}; ${fmt(fix.lng)} (± ${fix.accuracy} m)`;
      gps.className = "field-gps ok";
    }, () => { if (!fix) { gps.textContent = d.msgGpsNone; gps.className = "field-gps none"; } },
    { enableHighAccuracy: true, maximumAge: 60000, timeout: 30000 });
  } else {
    gps.textContent = d.msgGpsNone;
  }

  window.addEventListener("online", () => { render(); flush(); });
  window.addEventListener("offline", render);
  setInterval(flush, 15000);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(d.sw, { scope: d.scope }).catch(() => {});
  showTps();
  render();
  flush();
})();
