// Copy a freshly created API token to the clipboard. Loaded as a file: the site's CSP
// allows no inline script.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById("copy-status");
    field.select();
    try {
      // A browser that neither grants nor refuses clipboard access leaves the promise
      // pending; after two seconds the person is told how to copy by hand instead.
      const refusedAfter = new Promise((_, reject) => setTimeout(reject, 2000));
      await Promise.race([navigator.clipboard.writeText(field.value), refusedAfter]);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Press Ctrl+C (⌘C) to copy the selected token.";
    }
  });
});
document.querySelectorAll("[data-select-on-focus]").forEach((field) => {
  field.addEventListener("focus", () => field.select());
});
