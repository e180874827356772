// The portal's only script: submit without reloading, show the result live, load files.
// Served from /static (the pages' CSP forbids inline scripts); the pages work without it.
(function () {
  "use strict";

  const POLL_FIRST_MS = 300;
  const POLL_MAX_MS = 2000;
  const POLL_GIVE_UP_MS = 5 * 60 * 1000;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function showError(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // Fetch the server-rendered result panel until grading is over. The HTML comes from our own
  // templates, where everything a student wrote is escaped.
  function pollResult(url, target, onDone) {
    const started = Date.now();
    let delay = POLL_FIRST_MS;
    let failures = 0;
    function tick() {
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          const pending = response.headers.get("X-Grading-Pending") === "1";
          return response.text().then(function (html) {
            target.innerHTML = html;
            if (window.tensorTimes) window.tensorTimes.localise(target);
            failures = 0;
            if (pending && Date.now() - started < POLL_GIVE_UP_MS) {
              delay = Math.min(delay * 1.5, POLL_MAX_MS);
              setTimeout(tick, delay);
            } else if (onDone) {
              onDone(target.querySelector(".result-panel"));
            }
          });
        })
        .catch(function () {
          failures += 1;
          const note = target.querySelector(".connection") || document.createElement("p");
          note.className = "connection alert";
          note.textContent = document.body.dataset.connectionLost || "Connection lost; retrying…";
          if (!note.parentNode) target.appendChild(note);
          if (failures < 60) setTimeout(tick, POLL_MAX_MS);
        });
    }
    tick();
  }

  function addRecent(panel) {
    const list = document.getElementById("recent-list");
    if (!panel || !list) return;
    const link = panel.querySelector(".result-head a");
    const item = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.href = link ? link.getAttribute("href") : "#";
    anchor.textContent = link ? link.textContent : "";
    item.appendChild(anchor);
    const score = panel.querySelector(".total");
    if (score) item.appendChild(document.createTextNode(" " + score.textContent.trim()));
    if (list.tagName === "UL") {
      list.insertBefore(item, list.firstChild);
    } else {
      const fresh = document.createElement("ul");
      fresh.id = "recent-list";
      fresh.className = "attempts";
      fresh.appendChild(item);
      list.replaceWith(fresh);
    }
  }

  // Texts of the page's language, written by the server into the form's data attributes. Their
  // fields are filled in here as ui_text.translate fills them: "{n}", and "{n:case|cases}" for
  // the English word that goes with the number.
  function say(form, key, fields) {
    const values = fields || {};
    return (form.dataset[key] || "").replace(/\{(\w+)(?::([^{}|]*)\|([^{}]*))?\}/g, function (field, name, one, many) {
      if (!(name in values)) return field;
      if (one === undefined) return String(values[name]);
      return String(values[name]) === "1" ? one : many;
    });
  }

  // A file the server would refuse is refused when it is chosen, with the reason, and never sent.
  function refuseFile(form, file) {
    const name = file.name;
    if (!/\.(py|ipynb)$/i.test(name)) return say(form, "wrongType", { name: name });
    const limit = Number(form.dataset.maxKib) * 1024;
    if (limit && file.size > limit) {
      return say(form, "tooBig", { name: name, size: Math.ceil(file.size / 1024), kib: form.dataset.maxKib });
    }
    return "";
  }

  // The result panel after a refused submission: what happened in the page's language, then the
  // server's own message. Built as text nodes: the message is never parsed as HTML.
  function showRefusal(form, target, status, message, retryAfter) {
    const known = { 413: "refused413", 422: "refused422", 429: "refused429", 503: "refused503" };
    const panel = document.createElement("div");
    panel.className = "result-panel status-refused";
    panel.dataset.status = "refused";
    const alert = document.createElement("p");
    alert.className = "alert";
    alert.setAttribute("role", "alert");
    const head = document.createElement("strong");
    head.textContent = status === 0 ? say(form, "refusedNetwork") : say(form, known[status] || "refusedOther");
    alert.appendChild(head);
    if (message) alert.appendChild(document.createTextNode(" " + message));
    panel.appendChild(alert);
    if (retryAfter) {
      const wait = document.createElement("p");
      wait.textContent = say(form, "retryIn", { s: retryAfter });
      panel.appendChild(wait);
    }
    target.replaceChildren(panel);
  }

  function setupSubmitForm(form) {
    const button = document.getElementById("submit-button");
    const errorBox = document.getElementById("submit-error");
    const resultBody = document.getElementById("result-body");
    const fileInput = document.getElementById("file");
    const code = document.getElementById("code");
    const starter = document.getElementById("starter");
    const reset = document.getElementById("reset-starter");
    const idleLabel = button.textContent;

    if (reset && starter) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        setCode(code, starter.value);
      });
    }

    // A .py file goes into the editor, where the student sees what will be graded; a notebook
    // stays a file and is uploaded as it is.
    fileInput.addEventListener("change", function () {
      const file = fileInput.files && fileInput.files[0];
      showError(errorBox, "");
      if (!file) return;
      const refusal = refuseFile(form, file);
      if (refusal) {
        fileInput.value = "";
        showError(errorBox, refusal);
        return;
      }
      if (!/\.py$/i.test(file.name)) return;
      file.text().then(function (text) {
        setCode(code, text);
        fileInput.value = "";
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      showError(errorBox, "");
      const busy = document.createElement("p");
      busy.className = "muted";
      busy.textContent = button.dataset.busyLabel || "";
      resultBody.replaceChildren(busy);
      resultBody.setAttribute("aria-busy", "true");
      button.disabled = true;
      button.textContent = button.dataset.busyLabel || idleLabel;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      })
        .then(function (response) {
          return response.json().catch(function () {
            return {};
          }).then(function (body) {
            if (!response.ok || !body.fragment) {
              const message = (body.error && body.error.message) || "HTTP " + response.status;
              showRefusal(form, resultBody, response.status, message, response.headers.get("Retry-After"));
              resultBody.removeAttribute("aria-busy");
              return;
            }
            fileInput.value = "";
            pollResult(body.fragment, resultBody, function (panel) {
              resultBody.removeAttribute("aria-busy");
              addRecent(panel);
            });
          });
        })
        .catch(function () {
          // No answer came back (offline, connection cut, server down): the browser's own words
          // for it are in its language, not the page's, so the page's sentence says it alone.
          showRefusal(form, resultBody, 0, "", null);
          resultBody.removeAttribute("aria-busy");
        })
        .finally(function () {
          button.disabled = false;
          button.textContent = idleLabel;
        });
    });
  }

  function setCode(textarea, text) {
    if (window.tensorEditor && window.tensorEditor.get(textarea)) {
      window.tensorEditor.setValue(textarea, text);
    } else {
      textarea.value = text;
    }
  }

  function start() {
    const form = document.getElementById("submit-form");
    if (form) setupSubmitForm(form);
    document.querySelectorAll("[data-poll]").forEach(function (target) {
      pollResult(target.dataset.poll, target, null);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
