// LTI platform storage (1EdTech "LTI Client Side postMessages"): where the browser keeps the
// tool's cookies out of the LMS's frame, the login's state is kept in the LMS's storage instead.
// "store" (at login): lti.put_data, then on to the LMS's authorization endpoint (at once if the
// LMS does not answer: the cookie may still work). "fetch" (at the launch): lti.get_data, then the
// tool checks the launch and answers with a one-time link that opens it in a new tab, where its
// cookies are the site's own. Messages go to the LMS's origin only, and answers are taken from
// it only.
(() => {
  const root = document.getElementById("lti-storage");
  const data = root.dataset;
  const messageId = `tg-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const SILENCE_MS = 2500;

  function frame() {
    try {
      return data.target === "_parent" ? window.parent : window.parent.frames[data.target];
    } catch (_error) {
      return null;
    }
  }

  function ask(subject, fields, answered, silent) {
    let done = false;
    const listen = (event) => {
      const message = event.data;
      if (event.origin !== data.origin || !message || message.message_id !== messageId) return;
      if (message.subject !== `${subject}.response`) return;
      done = true;
      window.removeEventListener("message", listen);
      answered(message);
    };
    window.addEventListener("message", listen);
    const target = frame();
    if (target && target !== window) {
      target.postMessage({ subject, message_id: messageId, ...fields }, data.origin);
    }
    window.setTimeout(() => {
      if (!done) {
        window.removeEventListener("message", listen);
        silent();
      }
    }, SILENCE_MS);
  }

  function fail(message) {
    document.getElementById("lti-storage-wait").hidden = true;
    const shown = document.getElementById("lti-storage-error");
    shown.textContent = message;
    shown.hidden = false;
  }

  function ready(link) {
    document.getElementById("lti-storage-wait").hidden = true;
    document.getElementById("lti-continue").href = link;
    document.getElementById("lti-storage-ready").hidden = false;
  }

  function verify(stored) {
    fetch(data.verify, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-LTI-Platform-Storage": "1",
      },
      body: JSON.stringify({ state: data.state, id_token: data.idToken, stored }),
    })
      .then((response) => response.json().then((body) => [response.ok, body]))
      .then(([ok, body]) => {
        if (ok && body.continue) ready(body.continue);
        else fail((body.error && body.error.message) || data.failed);
      })
      .catch(() => fail(data.failed));
  }

  if (data.step === "store") {
    const next = () => window.location.replace(data.next);
    ask("lti.put_data", { key: data.key, value: data.state }, next, next);
  } else {
    ask(
      "lti.get_data",
      { key: data.key },
      (message) => (message.error || !message.value ? fail(data.blocked) : verify(message.value)),
      () => fail(data.blocked),
    );
  }
})();
