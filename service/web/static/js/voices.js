// 話者登録 (issue 13): the department's registered voices — list, rename, delete a person or one of
// their prints (with the meeting it came from), and enrol an uploaded sample. No page ever sees a
// voiceprint itself, only where it came from.

import { api } from "./api.js";
import { confirmDialog, field, openDialog } from "./dialog.js";
import { el, formatDateTime, toast } from "./ui.js";

const body = document.getElementById("voices-body");
const empty = document.getElementById("voices-empty");
const form = document.getElementById("sample-form");
const errorBox = document.getElementById("sample-error");
const deptSelect = document.getElementById("dept-select");

function query() { return deptSelect ? `?department_id=${deptSelect.value}` : ""; }

function printItem(person, p) {
  const source = p.meeting_id
    ? el("a", { href: `/meetings/${p.meeting_id}` }, p.source || `会議 ${p.meeting_id}`)
    : el("span", {}, `${p.source}（音声ファイル）`);
  return el("li", { class: "voice-print" }, source,
    el("span", { class: "muted small" }, ` ${Math.round(p.seconds)}秒・${formatDateTime(p.created_at)} `),
    el("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `${person.label} の声紋（${p.source}）を削除`, onclick: () => removePrint(person, p) }, "この声紋を削除"));
}

function row(person) {
  return el("tr", { dataset: { personId: person.id } },
    el("td", { text: person.label }),
    el("td", {}, el("ul", { class: "voice-prints" }, ...person.prints.map((p) => printItem(person, p)))),
    el("td", { class: "num" },
      el("button", { type: "button", class: "btn btn-small", "aria-label": `${person.label} の名前を変更`, onclick: () => rename(person) }, "名前を変更"), " ",
      el("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `${person.label} を削除`, onclick: () => removePerson(person) }, "削除")));
}

async function load() {
  try {
    const people = await api("/api/voices/people" + query());
    body.replaceChildren(...people.map(row));
    empty.hidden = people.length > 0;
  } catch (err) { toast(err.message); }
}

async function rename(person) {
  const changes = await openDialog({
    title: `「${person.label}」の名前を変更`,
    body: [field("会議録での表示名", { name: "label", value: person.label, required: true, maxlength: "200" })],
    buttons: [{ label: "キャンセル", value: null }, { label: "保存", value: "save", primary: true, submit: true }],
    onSubmit: (f) => ({ label: f.elements.label.value.trim() }),
  });
  if (!changes || !changes.label) return;
  try {
    await api(`/api/voices/people/${person.id}`, { method: "PATCH", body: changes });
    toast("名前を変更しました。");
    load();
  } catch (err) { toast(err.message); }
}

async function removePerson(person) {
  const ok = await confirmDialog(`「${person.label}」を削除しますか？`,
    `登録された声紋（${person.prints.length}件）もすべて削除され、今後の会議では照合されません。`, { okLabel: "削除する", danger: true });
  if (!ok) return;
  try {
    await api(`/api/voices/people/${person.id}`, { method: "DELETE" });
    toast("削除しました。");
    load();
  } catch (err) { toast(err.message); }
}

async function removePrint(person, p) {
  if (!await confirmDialog("この声紋を削除しますか？", `${person.label}：${p.source}`, { okLabel: "削除する", danger: true })) return;
  try {
    await api(`/api/voices/prints/${p.id}`, { method: "DELETE" });
    toast("声紋を削除しました。");
    load();
  } catch (err) { toast(err.message); }
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  errorBox.hidden = true;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const person = await api("/api/voices/samples" + query(), { method: "POST", body: new FormData(form) });
    toast(`「${person.label}」の声を登録しました。`);
    form.reset();
    load();
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
  } finally { button.disabled = false; }
});

if (deptSelect) deptSelect.addEventListener("change", load);
load();
