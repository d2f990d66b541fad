// Behaviour every page may use, declared in the markup instead of inline handlers (the
// Content-Security-Policy allows no inline script): <select data-autosubmit> submits its form
// when changed, <button data-print> prints the page, <button data-menu-toggle> opens the collapsed
// menu on a phone. Every table is put in its own horizontal scroll box so the page never scrolls sideways.
document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-print]")) window.print();
});
document.addEventListener("click", (e) => {
  const toggle = e.target.closest("[data-menu-toggle]");
  if (!toggle) return;
  const open = toggle.closest("header").classList.toggle("open");
  toggle.setAttribute("aria-expanded", String(open));
});

function wrapTables(root) {
  for (const table of root.querySelectorAll("table")) {
    if (table.parentElement.classList.contains("scroll")) continue;
    const box = document.createElement("div");
    box.className = "scroll";
    box.tabIndex = 0; // a keyboard user can scroll it too
    box.setAttribute("role", "region");
    const caption = table.caption || table.closest("section, .card")?.querySelector("h2, h3");
    box.setAttribute("aria-label", (caption && caption.textContent.trim()) || document.title);
    table.replaceWith(box);
    box.appendChild(table);
  }
}

function markCurrentNav() {
  const here = location.pathname;
  let best = null;
  for (const a of document.querySelectorAll("header nav a")) {
    const path = new URL(a.href).pathname;
    if ((path === "/" ? here === "/" : here.startsWith(path)) && (!best || path.length > best[1])) best = [a, path.length];
  }
  if (best) best[0].setAttribute("aria-current", "page");
}

document.addEventListener("DOMContentLoaded", () => {
  wrapTables(document);
  markCurrentNav();
  // Tables that scripts add later (live feeds, lists drawn from JSON) get their box too.
  new MutationObserver((changes) => {
    for (const c of changes) for (const n of c.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.tagName === "TABLE" || n.querySelector("table")) wrapTables(n.tagName === "TABLE" ? n.parentElement : n);
    }
  }).observe(document.body, { childList: true, subtree: true });
});
