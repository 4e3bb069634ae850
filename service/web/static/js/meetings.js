// Meeting list: renders /api/meetings and re-polls every few seconds while any job is queued or
// running, so the clerk sees the stage and the progress bar move without reloading.

import { api } from "./api.js";
import { el, formatDateTime, formatDuration, isActive, progressBar, setProgress, stageText, statusBadge } from "./ui.js";

const POLL_MS = 2000;
const body = document.getElementById("meetings-body");
const empty = document.getElementById("meetings-empty");
const errorBox = document.getElementById("list-error");
const form = document.getElementById("search-form");
let timer = null;

function row(m) {
  const job = m.latest_job;
  const bar = progressBar(`${m.title} の進捗`);
  setProgress(bar, job ? job.percent : 0, job && job.status === "done");
  const actions = el("td", { class: "num" });
  if (job && job.status === "done" && document.body.dataset.canEdit === "1") {
    actions.append(el("a", { class: "btn btn-small", href: `/meetings/${m.id}/edit`, "aria-label": `${m.title} を編集` }, "編集"));
  }
  return el("tr", { dataset: { meetingId: m.id, status: job ? job.status : "" } },
    el("td", {}, el("a", { href: `/meetings/${m.id}` }, m.title)),
    el("td", { text: formatDateTime(m.held_at) }),
    el("td", { class: "hide-narrow", text: m.place }),
    el("td", { class: "hide-narrow num", text: formatDuration(m.duration) }),
    el("td", {}, statusBadge(job)),
    el("td", {}, bar, el("div", { class: "stage", text: stageText(job) })),
    actions,
  );
}

async function refresh() {
  clearTimeout(timer);
  const q = form.q.value.trim();
  try {
    const meetings = await api("/api/meetings" + (q ? `?q=${encodeURIComponent(q)}` : ""));
    body.replaceChildren(...meetings.map(row));
    empty.hidden = meetings.length > 0;
    document.getElementById("meetings-table").hidden = meetings.length === 0 && !q;
    errorBox.hidden = true;
    if (meetings.some((m) => isActive(m.latest_job))) timer = setTimeout(refresh, POLL_MS);
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
    if (err.status === 401) location.href = "/login?next=/meetings";
    else timer = setTimeout(refresh, POLL_MS * 3);
  }
}

form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
refresh();
