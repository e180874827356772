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
      if (!file || !file.name.endsWith(".py")) return;
      file.text().then(function (text) {
        setCode(code, text);
        fileInput.value = "";
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      showError(errorBox, "");
      resultBody.textContent = button.dataset.busyLabel || "";
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
            return { error: { message: "HTTP " + response.status } };
          }).then(function (body) {
            if (!response.ok) {
              let message = (body.error && body.error.message) || "HTTP " + response.status;
              const retry = response.headers.get("Retry-After");
              if (retry) message += " (" + retry + " s)";
              throw new Error(message);
            }
            fileInput.value = "";
            resultBody.setAttribute("aria-busy", "true");
            pollResult(body.fragment, resultBody, function (panel) {
              resultBody.removeAttribute("aria-busy");
              addRecent(panel);
            });
          });
        })
        .catch(function (error) {
          showError(errorBox, error.message || String(error));
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
