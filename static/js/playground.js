// The playground's keyboard order: a result sits between the button that ran and the next one.
// Focus moves to the result after a run (site.js); Tab from there goes on to the next
// operation's button, not into the live feed that follows the whole list.
"use strict";

document.addEventListener("keydown", (event) => {
  const result = event.target;
  if (event.key !== "Tab" || event.shiftKey || !result.matches("#playground-result[data-ran]")) return;
  const ran = document.querySelector(`.operation[data-operation="${result.dataset.ran}"]`);
  const next = ran && ran.nextElementSibling && ran.nextElementSibling.querySelector("button");
  if (!next) return;
  event.preventDefault();
  next.focus();
});
