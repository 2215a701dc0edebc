// The live feed: keep the stream's resume point, fall back to polling, and the chains' details,
// source and highlight toggles. Loaded with `defer` after htmx, so it runs before htmx first
// processes the page. (Whether the panel starts open is decided earlier: templates/_base.html.)
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  function stream() {
    return document.querySelector("[data-feed-stream]");
  }

  function setStatus(text) {
    var status = document.querySelector("[data-feed-status]");
    if (status) status.textContent = text;
  }

  function withAfter(url, after) {
    var parsed = new URL(url, window.location.href);
    parsed.searchParams.set("after", after);
    return parsed.pathname + parsed.search;
  }

  function newestShown() {
    var newest = 0;
    document.querySelectorAll("[data-feed-stream] > [data-last-id]").forEach(function (chain) {
      newest = Math.max(newest, Number(chain.dataset.lastId));
    });
    return newest;
  }

  // Where SSE cannot work, ask for new chains every few seconds instead.
  function startPolling() {
    var list = stream();
    var poller = document.querySelector("[data-feed-poller]");
    if (!list || !poller) return;
    list.removeAttribute("sse-connect");
    poller.setAttribute("hx-get", withAfter(poller.getAttribute("hx-get"), newestShown()));
    poller.setAttribute("hx-trigger", "every 5s");
    setStatus("polling");
    if (window.htmx) window.htmx.process(poller);
  }

  if (!("EventSource" in window)) {
    startPolling();
  }

  document.addEventListener("htmx:sseOpen", function () {
    setStatus("live");
  });

  // A chain already on the page (rendered with it, or sent twice by a race) is not added again.
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var id = /id="(chain-[0-9a-f-]+)"/.exec(event.detail.data || "");
    if (id && document.getElementById(id[1])) event.preventDefault();
  });

  // Other parts of the page (the walkthrough) listen for this to refresh what they show.
  function announceUpdate() {
    document.body.dispatchEvent(new CustomEvent("signal_lens:update"));
  }

  function folded() {
    var panel = document.querySelector("[data-feed-panel]");
    return panel && !panel.open ? panel : null;
  }

  // While the panel is folded, its one visible line says what the newest request sent:
  // "4 signals · create_profile, resize_avatar". Tapping it opens the panel.
  function noticeNewest() {
    var panel = folded();
    var notice = panel && panel.querySelector("[data-feed-notice]");
    var newest = stream() && stream().querySelector(":scope > .chain:not(.chain-quiet)");
    if (!notice || !newest || newest.dataset.noticed) return;
    newest.dataset.noticed = "1";
    var sends = newest.querySelectorAll(".event:not(.event-internal):not(.event-skip)");
    var names = [];
    newest.querySelectorAll(".event:not(.event-internal):not(.event-skip) > .event-row .receiver-chip code").forEach(function (code) {
      if (names.indexOf(code.textContent) < 0) names.push(code.textContent);
    });
    if (!sends.length) return;
    notice.textContent = sends.length + (sends.length === 1 ? " signal" : " signals") + (names.length ? " · " + names.join(", ") : "");
    notice.hidden = false;
  }

  document.addEventListener("toggle", function (event) {
    var notice = event.target.matches("[data-feed-panel]") && event.target.open && event.target.querySelector("[data-feed-notice]");
    if (notice) notice.hidden = true;
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.matches("[data-feed-stream]")) {
      announceUpdate();
      noticeNewest();
    }
  });

  // htmx's extension reconnects by reading sse-connect again: keep it pointing past the last id.
  document.addEventListener("htmx:sseMessage", function (event) {
    announceUpdate();
    noticeNewest();
    var list = stream();
    if (list && event.detail.lastEventId && list.hasAttribute("sse-connect")) {
      list.setAttribute("sse-connect", withAfter(list.getAttribute("sse-connect"), event.detail.lastEventId));
    }
  });

  // CLOSED means the server refused the stream (204 under WSGI, 403): polling takes over.
  // Network drops leave the source CONNECTING: the browser resumes with Last-Event-ID.
  document.addEventListener("htmx:sseError", function (event) {
    var source = event.detail && event.detail.source;
    if (source && source.readyState === EventSource.CLOSED) {
      startPolling();
    } else {
      setStatus("reconnecting…");
    }
  });

  function toggle(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // "Details" shows the arguments, receivers' files and source toggles of one chain's rows.
  // They open above the button: scroll so it stays in view, focus ring and all (scroll-margin).
  function toggleDetails(button) {
    var chain = button.closest(".chain");
    var open = button.getAttribute("aria-expanded") !== "true";
    chain.classList.toggle("chain-open", open);
    toggle(button, open);
    button.scrollIntoView({ block: "nearest" });
  }

  // Details that arrive later (loaded on demand) push the button down again: follow it.
  document.addEventListener("htmx:afterSettle", function () {
    var focused = document.activeElement;
    if (focused && focused.matches("[data-chain-details]")) focused.scrollIntoView({ block: "nearest" });
  });

  // "source" loads a receiver's code once, then shows and hides that one copy.
  function toggleSource(button) {
    var slot = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    toggle(button, open);
    slot.hidden = !open;
    if (open && !slot.hasChildNodes() && window.htmx) {
      window.htmx.ajax("GET", button.dataset.sourceUrl, { target: slot, swap: "innerHTML" });
    }
  }

  // A walkthrough step's link: highlight the rows that ticked it where the feed shows them,
  // focusing the first; else follow the link to that request's waterfall.
  function highlight(link, event) {
    var rows = link.dataset.highlight.split(" ").map(function (id) {
      return document.querySelector("#feed #" + id);
    });
    if (!rows[0]) return;
    event.preventDefault();
    var panel = document.querySelector("[data-feed-panel]");
    if (panel) panel.open = true;
    // aria-current: a screen reader says which rows are the step's, as the outline shows.
    document.querySelectorAll("#feed [aria-current]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    rows.forEach(function (row) {
      if (row) row.setAttribute("aria-current", "true");
    });
    rows[0].setAttribute("tabindex", "-1");
    rows[0].focus();
    rows[0].scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-chain-details], .source-toggle, [data-highlight]");
    if (!target) return;
    if (target.matches("[data-chain-details]")) toggleDetails(target);
    else if (target.matches(".source-toggle")) toggleSource(target);
    else highlight(target, event);
  });
})();
