// 単語登録: list, add (after showing its impact on past transcripts), edit (a dialog) and
// delete the department's vocabulary entries.

import { api } from "./api.js";
import { el, toast } from "./ui.js";
import { confirmDialog, field, openDialog } from "./dialog.js";
import { addVocabulary } from "./vocab_impact.js";

const canEdit = document.body.dataset.canEdit === "1";
const body = document.getElementById("vocab-body");
const empty = document.getElementById("vocab-empty");
const form = document.getElementById("vocab-form");
const errorBox = document.getElementById("vocab-error");
const deptSelect = document.getElementById("dept-select");

/** "a、b\nc, d" → ["a", "b", "c", "d"] */
export function splitVariants(text) {
  return text.split(/[、,，\n]/).map((s) => s.trim()).filter(Boolean);
}

function query() { return deptSelect ? `?department_id=${deptSelect.value}` : ""; }

function row(entry) {
  const cells = [
    el("td", { text: entry.term }),
    el("td", { text: entry.variants.join("、") }),
    el("td", { class: "hide-narrow", text: entry.note }),
  ];
  if (canEdit) {
    cells.push(el("td", { class: "num" },
      el("button", { type: "button", class: "btn btn-small", "aria-label": `${entry.term} を編集`, onclick: () => edit(entry) }, "編集"), " ",
      el("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `${entry.term} を削除`, onclick: () => remove(entry) }, "削除")));
  }
  return el("tr", {}, ...cells);
}

async function load() {
  try {
    const entries = await api("/api/vocabulary" + query());
    body.replaceChildren(...entries.map(row));
    empty.hidden = entries.length > 0;
  } catch (err) {
    toast(err.message);
  }
}

async function edit(entry) {
  const body = await openDialog({
    title: `「${entry.term}」を編集`,
    body: [
      field("正しい表記", { name: "term", value: entry.term, required: true, maxlength: "200" }),
      field("言い換え・誤変換・読み（読点「、」区切り）", { name: "variants", value: entry.variants.join("、") }),
    ],
    buttons: [
      { label: "キャンセル", value: null },
      { label: "保存", value: "save", primary: true, submit: true },
    ],
    onSubmit: (f) => ({ term: f.elements.term.value.trim(), variants: splitVariants(f.elements.variants.value) }),
  });
  if (!body || !body.term) return;
  try {
    try {
      await api(`/api/vocabulary/${entry.id}`, { method: "PATCH", body });
    } catch (err) { // a risky new variant: say why, and save only when confirmed
      if (err.code !== "vocabulary_needs_confirmation") throw err;
      if (!await confirmDialog("この変更は影響が大きい可能性があります", err.message, { okLabel: "それでも保存する", danger: true })) return;
      await api(`/api/vocabulary/${entry.id}`, { method: "PATCH", body: { ...body, confirmed: true } });
    }
    toast("更新しました。");
    load();
  } catch (err) { toast(err.message); }
}

async function remove(entry) {
  if (!confirm(`「${entry.term}」を削除しますか？`)) return;
  try {
    await api(`/api/vocabulary/${entry.id}`, { method: "DELETE" });
    toast("削除しました。");
    load();
  } catch (err) { toast(err.message); }
}

if (form) form.addEventListener("submit", async (e) => {
  e.preventDefault();
  errorBox.hidden = true;
  const term = form.term.value.trim();
  if (!term) { errorBox.textContent = "正しい表記を入力してください。"; errorBox.hidden = false; return; }
  try {
    const entry = await addVocabulary({ term, variants: splitVariants(form.variants.value), note: form.note.value.trim(), query: query() });
    if (!entry) return; // not added after seeing its impact: the form keeps what was typed
    form.reset();
    toast(`「${term}」を登録しました。`);
    load();
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
  }
});
if (deptSelect) deptSelect.addEventListener("change", load);
load();
