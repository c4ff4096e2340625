// Sarnakh's own small script: progressive enhancement only; every page works without it.
// A form whose button is pressed once is not sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});

// The pipeline board: drag a card onto another column to move it. The drop fills in the
// card's own move form (stage and the version it was shown at) and submits it, so the move
// goes through the same checks as the button; without the script the form still works.
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest(".deal");
  if (card) event.dataTransfer.setData("text/plain", card.dataset.id);
});
// A retired stage's column (kept while deals are left in it) takes no drop.
document.querySelectorAll(".board .column:not([data-retired])").forEach((column) => {
  column.addEventListener("dragover", (event) => event.preventDefault());
  column.addEventListener("drop", (event) => {
    event.preventDefault();
    const id = event.dataTransfer.getData("text/plain");
    const card = document.querySelector(`.deal[data-id="${CSS.escape(id)}"]`);
    if (!card || card.closest(".column") === column) return;
    const form = card.querySelector("form.move");
    form.querySelector("select[name=stage]").value = column.dataset.stage;
    form.requestSubmit();
  });
});

// The import wizard: a running import's page reloads itself every few seconds until it has
// finished.
document.querySelectorAll("a[data-refresh]").forEach((link) => {
  setTimeout(() => window.location.assign(link.href), Number(link.dataset.refresh) * 1000);
});
// A form that removes something asks first (without the script it is sent at once).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
