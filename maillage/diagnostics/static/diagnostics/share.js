// The « copy the link » button (its messages come translated in data-done and data-failed): shown only where the clipboard can be written; the link stays
// selectable in its field without it.
(function () {
  "use strict";
  var button = document.getElementById("copy-link");
  var status = document.getElementById("copy-status");
  if (!button || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copy);
    navigator.clipboard.writeText(field.value).then(
      function () { status.textContent = button.dataset.done; },
      function () { field.select(); status.textContent = button.dataset.failed; }
    );
  });
})();
