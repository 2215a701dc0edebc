// The avatar upload form: a progress bar while the file uploads, and a message when the server
// refuses the request outright (a proxy's 413, a lost connection), which htmx never swaps in.
"use strict";

document.body.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.querySelector("progress.upload-progress");
  const { lengthComputable, loaded, total } = event.detail;
  if (!bar || !lengthComputable || !total) return;
  // htmx reports the response's download with the same event: never move the bar backwards.
  bar.value = Math.max(bar.value, (100 * loaded) / total);
});

function showUploadError(event, message) {
  const slot = event.target.querySelector("[data-upload-error]");
  if (!slot) return;
  slot.textContent = message;
  slot.hidden = false;
}

document.body.addEventListener("htmx:responseError", (event) => {
  const tooLarge = event.detail.xhr.status === 413;
  showUploadError(event, tooLarge ? "This file is too large to upload." : "The upload failed: please try again.");
});

document.body.addEventListener("htmx:sendError", (event) => {
  showUploadError(event, "The upload failed: check your connection and try again.");
});
