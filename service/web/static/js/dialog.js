// Modal dialogs built on <dialog>: the browser's prompt()/confirm() cannot be styled, cannot say
// what is wrong with an answer, block the page's scripts and are suppressed by some browsers.
// Each dialog is created when needed and removed when it closes; Esc cancels (resolves null).

import { el } from "./ui.js";

/**
 * Show a modal dialog and resolve with the value of the button pressed (null on Esc / キャンセル).
 *
 * @param {{title: string, body?: Node[], buttons?: {label: string, value: any, primary?: boolean,
 *          danger?: boolean, submit?: boolean}[], onSubmit?: (form: HTMLFormElement, value: any) =>
 *          Promise<any>|any, className?: string}} options
 *   `onSubmit` runs when a `submit` button is pressed; it may throw an Error whose message is shown
 *   inside the dialog (which then stays open), or return the value to resolve with.
 */
export function openDialog({ title, body = [], buttons = [], onSubmit = null, className = "" }) {
  const heading = el("h2", { class: "dialog-title", id: `dialog-title-${Date.now()}` }, title);
  const error = el("p", { class: "alert alert-error", role: "alert", hidden: true });
  const actions = el("div", { class: "dialog-actions" });
  const form = el("form", { method: "dialog", class: "form" }, heading, ...body, error, actions);
  const dialog = el("dialog", { class: `dialog ${className}`.trim(), "aria-labelledby": heading.id }, form);
  return new Promise((resolve) => {
    let result = null;
    let busy = false;
    for (const b of buttons) {
      const classes = ["btn", b.primary ? "btn-primary" : "", b.danger ? "btn-danger" : ""].filter(Boolean).join(" ");
      const button = el("button", { type: b.submit ? "submit" : "button", class: classes, value: String(b.value ?? "") }, b.label);
      button.addEventListener("click", async (e) => {
        if (!b.submit) { result = b.value ?? null; dialog.close(); return; }
        e.preventDefault();
        if (busy || !form.reportValidity()) return;
        busy = true;
        error.hidden = true;
        try {
          result = onSubmit ? await onSubmit(form, b.value) : b.value;
          dialog.close();
        } catch (err) {
          error.textContent = err.message;
          error.hidden = false;
        } finally {
          busy = false;
        }
      });
      actions.append(button);
    }
    dialog.addEventListener("close", () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
    // The first field, else the primary button: never a destructive choice by default.
    const first = form.querySelector("input:not([readonly]):not([type=hidden]), select, textarea") || actions.querySelector(".btn-primary");
    if (first) { first.focus(); if (first.select) first.select(); }
  });
}

/** A labelled text field for a dialog's body. */
export function field(label, attrs = {}) {
  const id = attrs.id || `dialog-field-${Math.random().toString(36).slice(2)}`;
  return el("div", { class: "dialog-field" }, el("label", { for: id }, label), el("input", { ...attrs, id }));
}

/** prompt() as a dialog: resolves with the trimmed text, or null when cancelled or left empty. */
export async function promptDialog(title, label, value = "", attrs = {}) {
  const input = field(label, { name: "value", value, required: true, autocomplete: "off", ...attrs });
  const text = await openDialog({
    title,
    body: [input],
    buttons: [
      { label: "キャンセル", value: null },
      { label: "OK", value: "ok", primary: true, submit: true },
    ],
    onSubmit: (form) => form.elements.value.value.trim(),
  });
  return text ? text : null;
}

/** confirm() as a dialog: resolves true or false. */
export async function confirmDialog(title, message, { okLabel = "OK", danger = false } = {}) {
  const answer = await openDialog({
    title,
    body: [el("p", {}, message)],
    buttons: [
      { label: "キャンセル", value: false },
      { label: okLabel, value: true, primary: !danger, danger, submit: true },
    ],
  });
  return answer === true;
}
