// Meeting page: follows the latest job with Server-Sent Events (falls back to polling when the
// stream breaks), offers cancel/retry, re-runs a finished meeting with its current materials
// (再処理: asked in a dialog when staff saved edits since the draft), and shows downloads and the
// link to the draft once done (the editor, or the read-only view for users who may not edit).

import { api } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { editMeetingMeta } from "./meeting_meta.js";
import { showQuality } from "./quality.js";
import { formatDuration, isActive, keptEditsNote, progressBar, setJobProgress, stageText, statusBadge, toast } from "./ui.js";

const id = document.getElementById("meeting").dataset.meetingId;
const badge = document.getElementById("job-badge");
const stage = document.getElementById("job-stage");
const jobError = document.getElementById("job-error");
const bar = progressBar("文字起こしの進捗");
document.getElementById("job-progress").append(bar);
const cancelBtn = document.getElementById("cancel-job");
const retryBtn = document.getElementById("retry-job");
const rerunBtn = document.getElementById("rerun-job");
const pageError = document.getElementById("page-error");
const durationCell = document.getElementById("duration");
if (durationCell.dataset.seconds) durationCell.textContent = formatDuration(Number(durationCell.dataset.seconds));

let job = null;
let source = null;

/** The job's state; `meeting` (GET /api/meetings/{id}) also brings the latest revision. */
function show(j, meeting = null) {
  job = j;
  showQuality(j ? j.recording_quality : null); // a failed "no speech" job keeps it too: the advice is the fix
  badge.replaceChildren(statusBadge(j));
  stage.textContent = j && j.status !== "failed" ? stageText(j) : "";
  setJobProgress(bar, j);
  jobError.hidden = !(j && j.status === "failed");
  if (j && j.status === "failed") jobError.textContent = stageText(j);
  if (cancelBtn) cancelBtn.hidden = !isActive(j);
  if (retryBtn) retryBtn.hidden = !(j && (j.status === "failed" || j.status === "cancelled"));
  const done = !!j && j.status === "done";
  if (rerunBtn) rerunBtn.hidden = document.getElementById("rerun-note").hidden = !done;
  document.getElementById("draft-link").hidden = !done;
  const downloads = document.getElementById("downloads");
  if (downloads) {
    downloads.hidden = !done;
    document.getElementById("downloads-wait").hidden = done;
  }
  if (!meeting) return;
  if (meeting.latest_revision) document.getElementById("revision-info").textContent = `最新は第${meeting.latest_revision}版です。`;
  const kept = document.getElementById("rerun-kept");
  kept.hidden = !meeting.rerun_draft_revision;
  if (meeting.rerun_draft_revision) kept.textContent = keptEditsNote(meeting.rerun_draft_revision);
}

function follow(jobId) {
  if (source) source.close();
  source = new EventSource(`/api/jobs/${jobId}/events`);
  source.addEventListener("progress", (e) => show(JSON.parse(e.data)));
  source.addEventListener("end", (e) => {
    source.close();
    source = null;
    load(); // picks up latest_revision and the final state
  });
  source.onerror = () => {
    if (source) source.close();
    source = null;
    setTimeout(load, 3000); // the stream broke (server restart, proxy): poll instead
  };
}

async function load() {
  try {
    const m = await api(`/api/meetings/${id}`);
    show(m.latest_job, m);
    if (isActive(m.latest_job) && !source) follow(m.latest_job.id);
  } catch (err) {
    pageError.textContent = err.message;
    pageError.hidden = false;
  }
}

async function jobAction(action, message) {
  try {
    show(await api(`/api/jobs/${job.id}/${action}`, { method: "POST" }));
    toast(message);
    if (isActive(job)) follow(job.id);
  } catch (err) {
    toast(err.message);
  }
}

if (cancelBtn) cancelBtn.addEventListener("click", () => {
  if (confirm("文字起こしを中止しますか？")) jobAction("cancel", "処理を中止しました。");
});
if (retryBtn) retryBtn.addEventListener("click", () => jobAction("retry", "再実行を受け付けました。"));

/** 再処理: a new job for the meeting. The API refuses (409 rerun_needs_confirmation) when the
 * latest version holds staff edits; its message says what happens to them, and only after the
 * dialog is confirmed is the request sent again with `confirmed`. */
async function rerun() {
  const send = (confirmed) => api(`/api/jobs/${job.id}/rerun`, { method: "POST", body: { confirmed } });
  rerunBtn.disabled = true;
  try {
    let next;
    try {
      next = await send(false);
    } catch (err) {
      if (err.code !== "rerun_needs_confirmation") throw err;
      if (!(await confirmDialog("職員の修正がある会議録の再処理", err.message, { okLabel: "再処理する", danger: true }))) return;
      next = await send(true);
    }
    show(next);
    toast("再処理を受け付けました。終わると新しい下書きが最新版になります。");
    follow(next.id);
  } catch (err) {
    toast(err.message);
  } finally {
    rerunBtn.disabled = false;
  }
}
if (rerunBtn) rerunBtn.addEventListener("click", rerun);

const del = document.getElementById("delete-meeting");
if (del) del.addEventListener("click", async () => {
  if (!confirm("この会議を音声・会議録ごと削除します。元に戻せません。よろしいですか？")) return;
  try {
    await api(`/api/meetings/${id}`, { method: "DELETE" });
    location.href = "/meetings";
  } catch (err) {
    toast(err.message);
  }
});

const editMeta = document.getElementById("edit-meta");
if (editMeta) editMeta.addEventListener("click", () => editMeetingMeta(id).catch((err) => toast(err.message)));

load();
