// Behaviour every page may use, declared in the markup instead of inline handlers (the
// Content-Security-Policy allows no inline script): <select data-autosubmit> submits its form
// when changed, <button data-print> prints the page.
document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
});
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-print]")) window.print();
});
