// Logging in again without leaving the page: when the session ended (logout in another tab, expiry)
// a page holding unsaved work must not navigate to /login, which would throw that work away. The
// dialog posts to /api/auth/login, which sets the new session and CSRF cookies; the new CSRF token
// also replaces the page's <meta>, so the next write (the retried save) carries it.

import { api } from "./api.js";
import { field, openDialog } from "./dialog.js";
import { el } from "./ui.js";

let pending = null; // one dialog at a time: an autosave and a click may both ask

/** Ask for the password again; resolves true once logged in, false when the user cancelled. */
export function relogin(reason = "ログインの有効期限が切れました。") {
  if (pending) return pending;
  const username = document.body.dataset.username || "";
  pending = openDialog({
    title: "もう一度ログインしてください",
    className: "dialog-relogin",
    body: [
      el("p", {}, reason, "編集中の内容はこの画面とこのブラウザーに残っています。ログインすると保存をやり直します。"),
      // the same user: the page's edits, drafts and permissions are theirs
      field("ユーザー名", { name: "username", value: username, required: true, readonly: !!username, autocomplete: "username", maxlength: "100" }),
      field("パスワード", { name: "password", type: "password", required: true, autocomplete: "current-password", maxlength: "1024" }),
    ],
    buttons: [
      { label: "キャンセル", value: false },
      { label: "ログインして保存", value: true, primary: true, submit: true },
    ],
    onSubmit: async (form) => {
      const data = await api("/api/auth/login", {
        method: "POST",
        body: { username: form.elements.username.value.trim(), password: form.elements.password.value },
      });
      const meta = document.querySelector('meta[name="csrf-token"]');
      if (meta) meta.content = data.csrf_token;
      return true;
    },
  }).then((ok) => { pending = null; return ok === true; });
  return pending;
}

/** Run `call` (an API request); when it fails because the session is gone, ask for the password in
 * place and run it once more. Cancelling the dialog, or any other error, throws the error as before. */
export async function withRelogin(call) {
  try {
    return await call();
  } catch (err) {
    if (sessionLost(err) && await relogin()) return call();
    throw err;
  }
}

/** Whether an API error means "this page's session is gone": expired/ended (401) or its CSRF token
 * belongs to a session that no longer exists (403 csrf_failed after a login elsewhere). */
export function sessionLost(err) {
  return !!err && (err.status === 401 || err.code === "csrf_failed");
}
