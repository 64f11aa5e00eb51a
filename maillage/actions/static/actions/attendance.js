/* Attendance taps that fail. On a network error, or an answer in error (403 once the person may
   no longer take attendance, 404, 5xx), htmx swaps nothing, so the radio would stay on a choice
   that was never saved. Put the row back on the stored choice (its `was-` field), say so in the
   row and in the page's live region. Refusals the server can explain come back as a row. */
(function () {
  "use strict";

  function restore(row) {
    var stored = row.querySelector('input[type="hidden"][name^="was-"]');
    var value = stored ? stored.value : "";
    row.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.checked = radio.value === value;
    });
  }

  function show(row, text) {
    row.querySelectorAll(".attendance-row__message").forEach(function (old) {
      old.remove();
    });
    var message = document.createElement("p");
    message.className = "fr-message fr-message--error attendance-row__message";
    message.textContent = text;
    row.appendChild(message);
    row.classList.add("attendance-row--error");
  }

  function announce(text) {
    var region = document.getElementById("attendance-announce");
    if (!region) return;
    // Emptied first, so that the same words after a second failure are read again.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  function unsaved(event) {
    var row = event.detail.elt;
    if (!row || !row.classList || !row.classList.contains("attendance-row")) return;
    var region = document.getElementById("attendance-announce");
    if (!region) return;
    var forbidden = event.detail.xhr && event.detail.xhr.status === 403;
    var text = forbidden ? region.dataset.forbidden : region.dataset.unsaved;
    restore(row);
    show(row, text);
    announce(text);
  }

  document.addEventListener("htmx:responseError", unsaved);
  document.addEventListener("htmx:sendError", unsaved);
})();
