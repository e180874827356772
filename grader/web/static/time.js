// Times are written by the server in UTC, labelled so (<time datetime="…" data-local>); this shows
// them in the reader's own time zone, with its offset, and keeps the UTC text as the tooltip.
// Served from /static like every script of the pages (their CSP forbids inline scripts).
(function () {
  "use strict";

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // "UTC+8", "UTC-3:30", "UTC": unambiguous in both languages of the pages.
  function zoneLabel(date) {
    const east = -date.getTimezoneOffset();
    if (east === 0) return "UTC";
    const hours = Math.floor(Math.abs(east) / 60);
    const minutes = Math.abs(east) % 60;
    return "UTC" + (east > 0 ? "+" : "-") + hours + (minutes ? ":" + pad(minutes) : "");
  }

  function localise(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (element) {
      const date = new Date(element.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      const day = document.createElement("span");
      day.textContent = date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
      const hour = document.createElement("span");
      hour.textContent = pad(date.getHours()) + ":" + pad(date.getMinutes()) +
        (element.hasAttribute("data-seconds") ? ":" + pad(date.getSeconds()) : "") + " " + zoneLabel(date);
      element.title = element.textContent;
      element.replaceChildren(day, " ", hour);
      element.removeAttribute("data-local");
    });
  }

  window.tensorTimes = { localise: localise };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(document); });
  } else {
    localise(document);
  }
})();
