// Thin fetch wrapper for the JSON API: sends the CSRF header on writes and turns the API's
// {"error", "message_ja", "message_en", "detail"} into an ApiError whose message is the Japanese
// one, because staff read Japanese; the code stays available for logic (e.g. 409 stale_revision)
// and the English one for the console.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** The session's CSRF token: the readable cookie first, because a login in another tab (or the
 * re-login dialog) replaces the session after this page was rendered and only the cookie follows;
 * the page's <meta> when the cookie is absent. */
export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)gijiroku_csrf=([^;]+)/);
  if (m) return decodeURIComponent(m[1]);
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export class ApiError extends Error {
  constructor(status, code, message, messageEn = "") {
    super(message);
    this.status = status;
    this.code = code;
    this.messageEn = messageEn;
  }
}

/** Build an ApiError from a non-OK response body (JSON or not). */
export function errorFrom(status, bodyText) {
  let code = "http_" + status;
  let message = status === 0 ? "サーバーに接続できません。ネットワークを確認してください。" : `エラーが発生しました（${status}）。`;
  let messageEn = "";
  try {
    const body = JSON.parse(bodyText);
    if (body && typeof body.error === "string") code = body.error;
    if (body && typeof body.message_ja === "string" && body.message_ja) message = body.message_ja;
    if (body && typeof body.message_en === "string") messageEn = body.message_en;
  } catch (_) { /* not JSON (a proxy's error page): keep the generic message */ }
  // A request without a valid session; not a wrong password (401 invalid_credentials from login).
  if (status === 401 && code !== "invalid_credentials") message = "ログインの有効期限が切れました。もう一度ログインしてください。";
  return new ApiError(status, code, message, messageEn);
}

/** fetch JSON; throws ApiError. `body` objects are sent as JSON. */
export async function api(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  const opts = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (!SAFE.has(method)) opts.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    if (body instanceof FormData) opts.body = body;
    else { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (_) {
    throw errorFrom(0, "");
  }
  if (!res.ok) throw errorFrom(res.status, await res.text());
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}
