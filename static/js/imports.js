// While a large file is uploaded and checked, say so (the page works the same without this script).
document.querySelectorAll("form[data-import-progress]").forEach((form) => {
  form.addEventListener("submit", () => {
    const note = form.querySelector(".import-progress");
    if (note) note.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
  });
});
