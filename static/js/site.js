// Requests htmx could not complete: a server error, a proxy's refusal, a lost connection.
// htmx swaps nothing in then, so say so: in the form's own [data-request-error] slot if it has
// one, else in the page-wide banner.
"use strict";

function showRequestError(event, message) {
  const slot =
    event.target.querySelector("[data-request-error]") || document.getElementById("request-error");
  if (!slot) return;
  slot.textContent = message;
  slot.hidden = false;
}

document.body.addEventListener("htmx:beforeRequest", (event) => {
  const slot = event.target.querySelector("[data-request-error]");
  if (slot) slot.hidden = true;
  document.getElementById("request-error").hidden = true;
});

// A refusal answered with a fragment (the playground's 429) explains itself: show it in place.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 429 && !/<html/i.test(xhr.responseText)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.body.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  showRequestError(
    event,
    status === 413
      ? "This file is too large to upload."
      : status === 429
        ? "Too many requests in a short time: wait a minute, then try again."
        : `Something went wrong on the server (HTTP ${status}): please try again.`,
  );
});

document.body.addEventListener("htmx:sendError", (event) => {
  showRequestError(event, "The server could not be reached: check your connection and try again.");
});

// Focus after an htmx swap. A response that marks its result ([data-focus-result]) gets the
// focus: keyboard users carry on from what their action produced. Otherwise, where the swap took
// the focused control away (its form replaced), focus goes to the new control with the same id,
// never to the top of the page.
document.body.addEventListener("htmx:beforeRequest", (event) => {
  event.detail.xhr.focusBefore = document.activeElement;
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  const before = event.detail.xhr && event.detail.xhr.focusBefore;
  if (!before) return;
  const result = document.querySelector("[data-focus-result]");
  if (result) {
    result.removeAttribute("data-focus-result");
    result.focus();
    return;
  }
  const active = document.activeElement;
  if (before === document.body || (active && active !== document.body && active.isConnected)) {
    return;
  }
  const next = before.isConnected ? before : before.id && document.getElementById(before.id);
  if (next) next.focus();
});
