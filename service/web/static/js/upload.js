// Upload page: drag and drop or file picker, metadata form, XHR upload (fetch has no upload
// progress events), Japanese error messages from the API, then on to the meeting page, which
// follows the transcription job.

import { csrfToken, errorFrom } from "./api.js";
import { formatBytes, setProgress } from "./ui.js";

const form = document.getElementById("upload-form");
const drop = document.getElementById("dropzone");
const input = document.getElementById("file");
const fileName = document.getElementById("file-name");
const errorBox = document.getElementById("upload-error");
const progressBox = document.getElementById("upload-progress");
const statusText = document.getElementById("upload-status");
const button = document.getElementById("upload-button");
const cancelButton = document.getElementById("cancel-upload");
let chosen = null;
let xhr = null;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
  if (message) errorBox.scrollIntoView({ block: "nearest" });
}

function choose(file) {
  chosen = file || null;
  fileName.textContent = chosen ? `選択中: ${chosen.name}（${formatBytes(chosen.size)}）` : "";
  if (chosen && !form.title.value.trim()) form.title.value = chosen.name.replace(/\.[^.]+$/, "");
  showError("");
}

drop.addEventListener("click", () => input.click());
drop.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
});
input.addEventListener("change", () => choose(input.files[0]));
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("dragover"); });
}
for (const type of ["dragleave", "drop"]) {
  drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove("dragover"); });
}
drop.addEventListener("drop", (e) => {
  const files = e.dataTransfer && e.dataTransfer.files;
  if (files && files.length) choose(files[0]);
});
// A file dropped outside the zone would make the browser navigate away from the form.
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => e.preventDefault());

function validate() {
  if (!chosen) return "音声ファイルを選択してください。";
  if (!form.title.value.trim()) { form.title.focus(); return "名称を入力してください。"; }
  const n = form.num_speakers.value;
  if (n && !(Number(n) >= 1 && Number(n) <= 50)) { form.num_speakers.focus(); return "話者数は 1〜50 の数で入力してください。"; }
  return "";
}

function setBusy(busy) {
  button.disabled = busy;
  cancelButton.hidden = !busy;
  for (const f of form.querySelectorAll("input, textarea, select")) if (f.type !== "hidden") f.disabled = busy;
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const problem = validate();
  if (problem) { showError(problem); return; }
  showError("");
  const data = new FormData();
  for (const name of ["title", "held_at", "place", "attendees", "agenda", "num_speakers", "department_id"]) {
    const field = form.elements[name];
    if (field && field.value.trim()) data.append(name, field.value.trim());
  }
  for (const material of form.elements.materials ? form.elements.materials.files : []) data.append("materials", material, material.name);
  data.append("file", chosen, chosen.name);

  xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/meetings");
  xhr.setRequestHeader("X-CSRF-Token", csrfToken());
  xhr.setRequestHeader("Accept", "application/json");
  const bar = progressBox.querySelector(".progress");
  xhr.upload.addEventListener("progress", (ev) => {
    if (!ev.lengthComputable) return;
    const pct = (ev.loaded / ev.total) * 100;
    setProgress(bar, pct);
    statusText.textContent = pct >= 100 ? "ファイルを確認しています…" : `アップロード中…（${formatBytes(ev.loaded)} / ${formatBytes(ev.total)}）`;
  });
  xhr.addEventListener("load", () => {
    if (xhr.status === 201) {
      const created = JSON.parse(xhr.responseText);
      setProgress(bar, 100, true);
      statusText.textContent = "アップロードが完了しました。文字起こしを開始します…";
      location.href = `/meetings/${created.meeting.id}`;
      return;
    }
    setBusy(false);
    progressBox.hidden = true;
    showError(errorFrom(xhr.status, xhr.responseText).message);
  });
  xhr.addEventListener("error", () => {
    setBusy(false);
    progressBox.hidden = true;
    showError("アップロードに失敗しました。ネットワークを確認してもう一度お試しください。");
  });
  xhr.addEventListener("abort", () => {
    setBusy(false);
    progressBox.hidden = true;
    showError("アップロードを中止しました。");
  });
  setProgress(bar, 0);
  progressBox.hidden = false;
  setBusy(true);
  xhr.send(data);
});

cancelButton.addEventListener("click", () => { if (xhr) xhr.abort(); });
