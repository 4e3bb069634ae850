// The meeting page's 会議資料 card (issue 15): attach PDF/docx/txt files, see the terms found in
// them (names, places, foreign words, with their readings) and add a term to the department's
// 単語登録 with one click. A job started after a change uses the materials.

import { api } from "./api.js";
import { el, formatBytes, toast } from "./ui.js";

const card = document.getElementById("materials");
const KIND_LABELS = { place: "地名", person: "人名", organization: "組織名", proper: "固有名詞", foreign: "外来語・略語", compound: "複合語" };
const toHiragana = (s) => s.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

if (card) {
  const meetingId = card.dataset.meetingId;
  const departmentId = card.dataset.departmentId;
  const canUpload = card.dataset.canUpload === "1";
  const canEdit = card.dataset.canEdit === "1";
  const files = document.getElementById("materials-files");
  const terms = document.getElementById("materials-terms");
  const error = document.getElementById("materials-error");
  const form = document.getElementById("materials-form");

  const showError = (message) => { error.textContent = message; error.hidden = !message; };

  function render(data) {
    files.replaceChildren(...(data.files.length ? data.files.map((f) => el("li", {},
      el("span", {}, f.filename), " ", el("span", { class: "muted small" }, formatBytes(f.size)),
      canUpload ? el("button", { type: "button", class: "btn btn-small", "aria-label": `${f.filename} を削除`, onclick: () => remove(f) }, "削除") : null,
    )) : [el("li", { class: "muted" }, "資料はまだありません。")]));
    document.getElementById("materials-figures").textContent = data.figures.length ? `資料の数値: ${data.figures.join("、")}` : "";
    terms.replaceChildren(...data.terms.map((t) => el("tr", {},
      el("td", { lang: "ja" }, t.surface),
      el("td", { class: "muted" }, toHiragana(t.reading)),
      el("td", {}, KIND_LABELS[t.kind] || t.kind),
      el("td", { class: "num" }, String(t.count)),
      el("td", {}, canEdit ? el("button", { type: "button", class: "btn btn-small", "aria-label": `${t.surface} を単語登録`, onclick: (e) => promote(t, e.target) }, "単語登録") : null),
    )));
    document.getElementById("materials-terms-table").hidden = !data.terms.length;
  }

  async function load() {
    try { render(await api(`/api/meetings/${meetingId}/materials`)); } catch (e) { showError(e.message); }
  }

  async function remove(file) {
    try {
      await api(`/api/meetings/${meetingId}/materials/${file.id}`, { method: "DELETE" });
      toast(`${file.filename} を削除しました。`);
      await load();
    } catch (e) { showError(e.message); }
  }

  async function promote(term, button) {
    try {
      await api(`/api/vocabulary?department_id=${departmentId}`, { method: "POST", body: { term: term.surface, variants: [toHiragana(term.reading)], note: "会議資料から" } });
      button.disabled = true;
      button.textContent = "登録済み";
      toast(`「${term.surface}」を単語登録しました。`);
    } catch (e) {
      if (e.code === "conflict") { button.disabled = true; button.textContent = "登録済み"; }
      showError(e.message);
    }
  }

  if (form) form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const input = document.getElementById("materials-input");
    if (!input.files.length) { showError("資料のファイルを選んでください（PDF、Word、テキスト）。"); return; }
    const body = new FormData();
    for (const f of input.files) body.append("files", f);
    try {
      render(await api(`/api/meetings/${meetingId}/materials`, { method: "POST", body }));
      input.value = "";
      const rerun = document.getElementById("rerun-job");
      toast(rerun && !rerun.hidden ? "資料を追加しました。「資料を反映して再処理」で会議録に反映できます。" : "資料を追加しました。次の文字起こしから使われます。");
    } catch (e) { showError(e.message); }
  });
  load();
}
