// Kinerja: the little script the pages need beside htmx. No dependencies, no network.
// The content security policy allows no inline script (no onclick="...", no <script> blocks in
// the templates): behaviour is declared with data attributes and wired up here.
"use strict";

// <select data-autosubmit>: send the form when the choice changes. requestSubmit fires the
// submit event, so an htmx form (hx-get) swaps its part of the page instead of reloading.
document.addEventListener("change", function (event) {
  var select = event.target.closest ? event.target.closest("[data-autosubmit]") : null;
  if (!select || !select.form) return;
  if (select.form.requestSubmit) select.form.requestSubmit();
  else select.form.submit();
});

// <form data-confirm="Really?">: ask before sending. Runs in the capture phase, before htmx's
// own submit listener on the form, so a "Cancel" stops an htmx form too.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <input data-mirror="#other">: what is typed here is copied to the other input (the progress
// slider and its number box move together).
document.addEventListener("input", function (event) {
  var source = event.target;
  var selector = source && source.getAttribute ? source.getAttribute("data-mirror") : null;
  var other = selector ? document.querySelector(selector) : null;
  if (other) other.value = source.value;
});

// <a data-back href="/">: go back one page when there is one (the href is the fallback).
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-back]") : null;
  if (!link || window.history.length < 2) return;
  event.preventDefault();
  window.history.back();
});

// <button data-copy="#selector" data-done="Copied">: copy the element's text to the clipboard.
// Clipboard access needs HTTPS (or localhost); elsewhere the text is selected for Ctrl+C.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.textContent.trim();
  var done = function () {
    button.textContent = button.getAttribute("data-done") || button.textContent;
  };
  var select = function () {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, select);
  } else {
    select();
  }
});

// On a phone the menu is one scrolling row: bring the current item into view.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector('.nav-list a[aria-current="page"]');
  if (current && current.parentElement && current.parentElement.parentElement) {
    var list = current.parentElement.parentElement;
    if (list.scrollWidth > list.clientWidth) {
      list.scrollLeft = current.parentElement.offsetLeft - 16;
    }
  }
});

// The verification queue (activities/verify_queue.html): j and k move between logs, the "all"
// box ticks every log, and after a row is verified or returned in place the next waiting one
// takes the focus.
(function () {
  if (!document.getElementById("vq-list")) return;
  document.documentElement.classList.add("js");
  var pending = null;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".vq-row")); }
  function focusRow(row) {
    var target = row.querySelector(".vq-pick") || row.querySelector("button") || row;
    target.focus();
    row.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || (event.key !== "j" && event.key !== "k")) return;
    var el = event.target;
    if (el.closest && el.closest("textarea, select, [contenteditable], input:not([type=checkbox])")) return;
    var list = rows();
    if (!list.length) return;
    var i = list.indexOf(el.closest ? el.closest(".vq-row") : null);
    var next = i < 0 ? list[0] : list[Math.max(0, Math.min(list.length - 1, i + (event.key === "j" ? 1 : -1)))];
    event.preventDefault();
    focusRow(next);
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "vq-all") return;
    document.querySelectorAll(".vq-pick").forEach(function (box) { box.checked = event.target.checked; });
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    pending = target && target.classList.contains("vq-row") ? target.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var row = document.getElementById(pending);
    pending = null;
    if (!row) return;
    if (!row.classList.contains("is-done")) { focusRow(row); return; }
    var next = row.nextElementSibling;
    while (next && next.classList.contains("is-done")) next = next.nextElementSibling;
    if (next) focusRow(next); else row.focus();
  });
})();
