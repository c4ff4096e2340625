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
