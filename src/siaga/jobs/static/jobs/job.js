// A job's page: while it waits or runs, ask its state every two seconds; when it ends, show the result.
(function () {
  const root = document.getElementById("job");
  if (!root || !["queued", "running"].includes(root.dataset.state)) return;
  const ask = () => fetch(root.dataset.status, { credentials: "same-origin", cache: "no-store" })
    .then((r) => (r.ok ? r.json() : null))
    .then((job) => {
      if (job && !["queued", "running"].includes(job.state)) { window.location.reload(); return; }
      if (job) {
        root.querySelector("[data-testid=job-state]").textContent = job.state_label;
        root.querySelector("[data-testid=job-progress]").textContent = job.progress;
      }
      setTimeout(ask, 2000);
    })
    .catch(() => setTimeout(ask, 5000));
  setTimeout(ask, 1000);
})();
