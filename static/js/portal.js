// The little JavaScript the portal needs: the copy button beside a new voucher number.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copyTarget);
  if (!target || !navigator.clipboard) return;
  navigator.clipboard.writeText(target.textContent.trim()).then(() => {
    const status = document.getElementById(button.dataset.copyStatus);
    // The words come from the page, in its language (data-copied).
    if (status) status.textContent = button.dataset.copied || "Copied.";
  });
});
