// The avatar upload form: a progress bar while the file uploads.
"use strict";

document.body.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.querySelector("progress.upload-progress");
  const { lengthComputable, loaded, total } = event.detail;
  if (!bar || !lengthComputable || !total) return;
  // htmx reports the response's download with the same event: never move the bar backwards.
  bar.value = Math.max(bar.value, (100 * loaded) / total);
});
