// Kinerja: the little script the pages need beside htmx. No dependencies, no network.
"use strict";

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
