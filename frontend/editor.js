// Student portal code editor: CodeMirror 6 with Python support, progressively enhancing
// every <textarea data-editor="python">. The textarea stays the source of truth for the form:
// it is hidden but kept in the DOM, and rewritten (with an `input` event) on every change. If this
// script fails to load or throws, the plain textarea is left as it was and still works.
//
// Built into grader/web/static/vendor/editor.js by build.mjs (`npm run build`); see README.md.

import { basicSetup, EditorView } from "codemirror";
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";

const SELECTOR = 'textarea[data-editor="python"]';
const views = new WeakMap(); // textarea -> EditorView

const theme = EditorView.theme(
  {
    "&": {
      fontSize: "14px",
      backgroundColor: "#fff",
      border: "1px solid #bbb",
      borderRadius: "4px",
      // Never wider than the page (phones): long lines scroll inside the editor instead.
      maxWidth: "100%",
      // Grows with its content up to 70% of the viewport height, then scrolls.
      maxHeight: "70vh",
    },
    "&.cm-focused": { outline: "2px solid #4a7bd0", outlineOffset: "1px" },
    ".cm-scroller": {
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      lineHeight: "1.5",
      overflow: "auto",
    },
    // About 16 lines tall when (nearly) empty.
    ".cm-content, .cm-gutter": { minHeight: "calc(16 * 1.5em)" },
    ".cm-gutters": { backgroundColor: "#f6f6f6", color: "#888", borderRight: "1px solid #ddd" },
  },
  { dark: false },
);

function labelFor(textarea) {
  const label = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
  const text = label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  return { label, text: text || textarea.getAttribute("aria-label") || "Code editor" };
}

function attach(textarea) {
  if (views.has(textarea)) return views.get(textarea);
  const { label, text } = labelFor(textarea);
  const contentAttrs = { "aria-label": text };
  const describedBy = textarea.getAttribute("aria-describedby");
  if (describedBy) contentAttrs["aria-describedby"] = describedBy;

  const wrapper = document.createElement("div");
  wrapper.className = "tg-editor";
  // A grid/flex parent would otherwise let long lines widen the page.
  wrapper.style.minWidth = "0";
  wrapper.style.maxWidth = "100%";

  const view = new EditorView({
    parent: wrapper,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup, // line numbers, undo history, bracket matching, highlighting, search, ...
        python(),
        indentUnit.of("    "), // PEP 8: 4 spaces (CodeMirror's default unit is 2)
        EditorState.tabSize.of(4),
        // Tab / Shift-Tab indent and dedent. Accessibility: so that keyboard users are not trapped
        // in the editor, pressing Escape and then Tab (within 2 s) moves focus out of the editor as
        // usual; Ctrl-M (Shift-Alt-M on macOS) toggles that "Tab moves focus" mode for good. Both are
        // built into CodeMirror (@codemirror/view and defaultKeymap in basicSetup).
        keymap.of([indentWithTab]),
        EditorView.contentAttributes.of(contentAttrs),
        theme,
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      ],
    }),
  });

  // Only now that the editor exists: swap it in. The textarea stays in the form, hidden.
  textarea.after(wrapper);
  textarea.hidden = true;
  views.set(textarea, view);

  // The label's click would focus the hidden textarea: send it to the editor instead.
  if (label) {
    label.addEventListener("click", (event) => {
      event.preventDefault();
      view.focus();
    });
  }
  // A `required` empty textarea blocks submission but cannot be focused: focus the editor instead.
  textarea.addEventListener("invalid", () => view.focus());
  // form.reset() restores the textarea's default value: show it in the editor too.
  if (textarea.form) {
    textarea.form.addEventListener("reset", () => setTimeout(() => setValue(textarea, textarea.value)));
  }

  wrapper.dataset.editorReady = "true";
  return view;
}

function resolve(textarea) {
  return typeof textarea === "string" ? document.getElementById(textarea) : textarea;
}

function get(textarea) {
  return views.get(resolve(textarea));
}

// Replace the whole content (e.g. an uploaded file or a past attempt). Updates the editor, and through
// the update listener the textarea (with an `input` event); undo brings the previous content back.
// Without an editor (enhancement failed) it just sets the textarea.
function setValue(textarea, text) {
  const element = resolve(textarea);
  const value = String(text ?? "");
  const view = views.get(element);
  if (!view) {
    if (element) element.value = value;
    return;
  }
  if (view.state.doc.toString() === value) {
    element.value = value;
    return;
  }
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: value },
    selection: { anchor: 0 },
    scrollIntoView: true,
  });
}

function attachAll() {
  for (const textarea of document.querySelectorAll(SELECTOR)) {
    try {
      attach(textarea);
    } catch (error) {
      // Leave the plain textarea in place: it still submits the form.
      console.error("tensor-grader editor: could not enhance", textarea, error);
    }
  }
}

window.tensorEditor = { get, setValue };

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", attachAll);
} else {
  attachAll();
}
