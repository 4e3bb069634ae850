// Small DOM and formatting helpers shared by the pages (Japanese labels live here once).

export const STATUS_LABELS = { queued: "待機中", running: "処理中", done: "完了", failed: "失敗", cancelled: "中止" };
/** Job stage → Japanese name, in pipeline order: the server's one list (service.jobs.states),
 * served on every page as base.html's `data-stage-labels`. */
export const STAGE_LABELS = new Map(JSON.parse(document.body.dataset.stageLabels || "[]"));

/** document.createElement with attributes, properties and children in one call. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

let toastTimer = null;
/** A short, polite status message (aria-live) in the corner. */
export function toast(message, ms = 3500) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, ms);
}

export function pad(n) { return String(n).padStart(2, "0"); }

/** "2025/04/01 10:00" from an ISO string; held_at is stored without a zone (local wall time). */
export function formatDateTime(iso) {
  if (!iso) return "";
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + (iso.length <= 16 ? ":00" : ""));
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "1:02:03" / "2:03" from seconds. */
export function formatClock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

/** "12分34秒" for durations in tables. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? `${h}時間` : "") + (h || m ? `${m}分` : "") + `${r}秒`;
}

export function formatBytes(n) {
  if (!n && n !== 0) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A status badge element for a job (or "未処理" when there is none). */
export function statusBadge(job) {
  const status = job ? job.status : "queued";
  return el("span", { class: `badge badge-${status}`, text: job ? STATUS_LABELS[status] || status : "未処理" });
}

/** A labelled progress bar; update it with setProgress. */
export function progressBar(label = "処理の進捗") {
  const bar = el("span");
  const track = el("div", { class: "progress-bar", role: "progressbar", "aria-label": label, "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" }, bar);
  const text = el("span", { class: "progress-text", text: "0%" });
  return el("div", { class: "progress" }, track, text);
}

export function setProgress(node, percent, done = false) {
  const p = Math.max(0, Math.min(100, Math.round(percent || 0)));
  const track = node.querySelector(".progress-bar");
  track.firstElementChild.style.width = `${p}%`;
  track.setAttribute("aria-valuenow", String(p));
  node.querySelector(".progress-text").textContent = `${p}%`;
  node.classList.toggle("progress-done", done);
}

// A job that ended without a draft: its bar would otherwise stay where it stopped (8 % for an upload
// with no speech), as if it were still working.
const ENDED_LABELS = { failed: "失敗しました", cancelled: "中止しました" };

/** A job's progress bar: its percentage while queued, running or done; for a failed or cancelled
 * job the bar is replaced by its state in words (progress-ended, see app.css). */
export function setJobProgress(node, job) {
  const ended = job ? ENDED_LABELS[job.status] : undefined;
  setProgress(node, job ? job.percent : 0, !!job && job.status === "done");
  node.classList.toggle("progress-ended", !!ended);
  const track = node.querySelector(".progress-bar");
  track.hidden = !!ended;
  if (ended) node.querySelector(".progress-text").textContent = ended;
}

/** Stage text for a job: "文字起こし" / failure reason / "" (cancelled: setJobProgress says so). */
export function stageText(job) {
  if (!job || job.status === "cancelled") return "";
  if (job.status === "failed") return job.error_ja || job.error || "処理に失敗しました。";
  if (job.status === "queued") return "順番を待っています";
  return STAGE_LABELS.get(job.stage) ?? job.stage;
}

/** The meeting page's and the editor's notice when staff edits saved during a 再処理 stayed the
 * latest version over its draft (revision kind "kept", service.jobs.states.finish_done). */
export function keptEditsNote(draftRevision) {
  return `再処理中に保存された編集があったため、編集内容を最新版として残しました。再処理の結果は第${draftRevision}版で確認できます。`;
}

export function isActive(job) { return !!job && (job.status === "queued" || job.status === "running"); }
