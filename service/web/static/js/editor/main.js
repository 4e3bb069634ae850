// The 会議録 editor page: wires the store (saving), the player (audio sync), the rendering and
// the tools (speakers, find/replace, revisions, export, shortcuts, editing-time meter).

import { api } from "../api.js";
import { el, formatDateTime, toast } from "../ui.js";
import { ActivityMeter } from "./activity.js";
import {
  addSpeaker, findMatches, mergeWithNext, plainText, reassignTurn, renameSpeaker, replaceAll, replaceOne, splitTurn, turnAt,
} from "./model.js";
import { Player } from "./player.js";
import { caretOffset, fillText, renderTurns, selectRange } from "./render.js";
import { installShortcuts } from "./shortcuts.js";
import { TranscriptStore } from "./store.js";

const root = document.getElementById("editor");
const meetingId = root.dataset.meetingId;
const canEdit = root.dataset.canEdit === "1";
const canExport = root.dataset.canExport === "1";
const turnsNode = document.getElementById("turns");
const saveState = document.getElementById("save-state");
const saveButton = document.getElementById("save-button");
const errorBox = document.getElementById("editor-error");
const store = new TranscriptStore(meetingId, { autosaveMs: Number(root.dataset.autosaveMs) || 30_000 });
const player = new Player(document.getElementById("audio"), () => store.minutes, turnsNode,
  document.getElementById("speed"), document.getElementById("player-time"));

const prefs = {
  get field() { return localStorage.getItem("gijiroku:view") || "clean_text"; },
  set field(v) { localStorage.setItem("gijiroku:view", v); },
  get threshold() { const v = Number(localStorage.getItem("gijiroku:threshold")); return v > 0 && v <= 1 ? v : 0.5; },
  set threshold(v) { localStorage.setItem("gijiroku:threshold", String(v)); },
};
let field = prefs.field;
let threshold = prefs.threshold;
let lastCaret = null; // {index, offset}: where the caret was last seen inside a turn

// --- rendering --------------------------------------------------------------------------------

function renderAll(focusIndex = null) {
  const y = window.scrollY;
  renderTurns(turnsNode, store.minutes, field, { canEdit, threshold });
  renderSpeakers();
  updateLowCount();
  player.reset();
  window.scrollTo(0, y);
  if (focusIndex !== null) focusTurn(focusIndex, false);
}

function turnText(index) { return document.querySelector(`#turn-${index} .turn-text`); }

function focusTurn(index, seek = true) {
  const node = turnText(index);
  if (!node) return;
  node.focus({ preventScroll: true });
  node.closest(".turn").scrollIntoView({ block: "nearest" });
  if (seek && player.available) player.seek(store.minutes.turns[index].start);
}

function updateLowCount() {
  const n = turnsNode.querySelectorAll(".word.low").length;
  document.getElementById("low-count").textContent = n ? `要確認の語: ${n}` : "要確認の語はありません";
}

function renderSpeakers() {
  const box = document.getElementById("speakers");
  const counts = {};
  for (const t of store.minutes.turns) counts[t.speaker] = (counts[t.speaker] || 0) + 1;
  box.replaceChildren(...store.minutes.speakers.map((s) => {
    const input = el("input", { value: s.label, "aria-label": `${s.label} の表示名`, disabled: !canEdit, maxlength: "100", dataset: { speakerId: s.id } });
    input.addEventListener("change", () => {
      const label = input.value.trim();
      if (!label) { input.value = s.label; return; }
      if (renameSpeaker(store.minutes, s.id, label)) {
        store.changed();
        renderAll();
        toast(`話者名を「${label}」に変更しました（${counts[s.id] || 0}件の発言）。`);
      }
    });
    return el("div", { class: "speaker-row" }, input, el("span", { class: "muted small" }, `${counts[s.id] || 0}件`));
  }));
}

// --- saving state -------------------------------------------------------------------------------

function showState() {
  let text;
  if (store.saving) text = "保存中…";
  else if (store.conflict) text = "未保存（他の人の保存と競合）";
  else if (store.dirty) text = "未保存の変更があります";
  else text = `第${store.revision}版（保存済み）`;
  saveState.textContent = text;
  saveState.dataset.state = store.conflict ? "conflict" : store.dirty ? "dirty" : "saved";
  if (saveButton) saveButton.disabled = store.saving || (!store.dirty && !store.conflict);
}

store.addEventListener("state", showState);
store.addEventListener("saved", (e) => {
  document.getElementById("conflict").hidden = true;
  errorBox.hidden = true;
  toast(`第${e.detail.revision}版を${e.detail.auto ? "自動" : ""}保存しました。`);
  if (document.getElementById("revisions-panel").open) loadRevisions();
});
store.addEventListener("error", (e) => {
  errorBox.textContent = `保存できませんでした: ${e.detail.message}${e.detail.auto ? "（しばらくして自動で再試行します）" : ""}`;
  errorBox.hidden = false;
});
store.addEventListener("conflict", (e) => {
  const box = document.getElementById("conflict");
  document.getElementById("conflict-message").replaceChildren(
    el("strong", {}, "他の人が先に保存しました。"),
    `（最新は第${e.detail.latest}版、あなたの編集元は第${store.revision}版）あなたの変更はまだ保存されていませんが、この画面には残っています。` +
      "自分の文章をコピーしてから最新の内容を読み込むか、自分の内容で上書き保存してください。",
  );
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
});

window.addEventListener("beforeunload", (e) => {
  if (store.dirty) { e.preventDefault(); e.returnValue = ""; }
});

// --- editing the text ---------------------------------------------------------------------------

function indexOf(node) { return Number(node.closest(".turn").dataset.index); }

turnsNode.addEventListener("input", (e) => {
  const node = e.target.closest(".turn-text");
  if (!node) return;
  store.minutes.turns[indexOf(node)][field] = node.textContent;
  store.changed();
});

turnsNode.addEventListener("keydown", (e) => {
  // One turn is one paragraph: a plain Enter would insert markup the JSON cannot hold.
  if (e.key === "Enter" && !e.ctrlKey && !e.metaKey && !e.isComposing && e.target.closest(".turn-text")) e.preventDefault();
});

turnsNode.addEventListener("paste", (e) => {
  if (!e.target.closest(".turn-text")) return;
  e.preventDefault();
  const text = (e.clipboardData.getData("text/plain") || "").replace(/\s*\n\s*/g, "");
  document.execCommand("insertText", false, text);
});

turnsNode.addEventListener("focusout", (e) => {
  const node = e.target.closest && e.target.closest(".turn-text");
  if (!node || !store.minutes) return;
  // Re-wrap words after editing so marks and click-to-seek follow the corrected text.
  fillText(node, store.minutes.turns[indexOf(node)], field, threshold);
  updateLowCount();
  player.reset();
});

// The caret inside a turn's text right now, or null.
function currentCaret() {
  const sel = window.getSelection();
  const node = sel && sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement);
  const text = node && node.closest && node.closest(".turn-text");
  return text ? { index: indexOf(text), offset: caretOffset(text) } : null;
}

// Remembered because clicking a toolbar button can move the selection out of the text.
document.addEventListener("selectionchange", () => {
  const caret = currentCaret();
  if (caret) lastCaret = caret;
});

turnsNode.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-action]");
  if (button) {
    const index = indexOf(button);
    if (button.dataset.action === "play") player.seek(store.minutes.turns[index].start, true);
    else if (button.dataset.action === "split") split(index);
    else if (button.dataset.action === "merge") merge(index);
    return;
  }
  const text = e.target.closest(".turn-text");
  if (!text || !player.available) return;
  const index = indexOf(text);
  const turn = store.minutes.turns[index];
  const word = e.target.closest(".word");
  if (word) player.seek(turn.words[Number(word.dataset.w)].start);
  else if (turnAt(store.minutes.turns, player.audio.currentTime) !== index) player.seek(turn.start);
});

turnsNode.addEventListener("change", (e) => {
  const select = e.target.closest("select[data-action=speaker]");
  if (!select) return;
  const index = indexOf(select);
  if (reassignTurn(store.minutes, index, select.value)) {
    store.changed();
    renderAll(index);
    toast(`発言${index + 1}の話者を変更しました。`);
  }
});

function split(index) {
  // selectionchange is dispatched asynchronously, so a shortcut pressed right after the caret
  // moved must read the live selection rather than the remembered one.
  const live = currentCaret();
  const caret = live && (index === undefined || live.index === index) ? live : lastCaret;
  if (index === undefined) index = caret ? caret.index : null;
  if (!canEdit || index === null || index === undefined) return;
  const offset = caret && caret.index === index ? caret.offset : null;
  if (offset === null || !splitTurn(store.minutes, index, field, offset)) {
    toast("分割したい位置の文中にカーソルを置いてから「分割」を押してください。");
    return;
  }
  store.changed();
  renderAll(index + 1);
  lastCaret = null;
  toast(`発言${index + 1}を分割しました。`);
}

function merge(index = lastCaret && lastCaret.index) {
  if (!canEdit || index === null || index === undefined) return;
  if (!mergeWithNext(store.minutes, index)) { toast("最後の発言は結合できません。"); return; }
  store.changed();
  renderAll(index);
  toast(`発言${index + 1}と次の発言を結合しました。`);
}

const addSpeakerButton = document.getElementById("add-speaker");
if (addSpeakerButton) addSpeakerButton.addEventListener("click", () => {
  const label = prompt("新しい話者の名前", `話者${store.minutes.speakers.length + 1}`);
  if (!label || !label.trim()) return;
  addSpeaker(store.minutes, label.trim());
  store.changed();
  renderAll();
});

// --- view options -------------------------------------------------------------------------------

for (const radio of document.querySelectorAll('input[name="view"]')) {
  radio.checked = radio.value === field;
  radio.addEventListener("change", () => {
    if (!radio.checked) return;
    field = radio.value;
    prefs.field = field;
    renderAll();
  });
}
const thresholdInput = document.getElementById("threshold");
thresholdInput.value = String(threshold);
thresholdInput.addEventListener("change", () => {
  const v = Number(thresholdInput.value);
  if (!(v >= 0 && v <= 1)) { thresholdInput.value = String(threshold); return; }
  threshold = v;
  prefs.threshold = v;
  renderAll();
});

// --- find and replace ---------------------------------------------------------------------------

const findForm = document.getElementById("find-form");
let matchIndex = -1;
let vocabAdded = new Set();

function findState() {
  const needle = document.getElementById("find-text").value;
  return { needle, replacement: document.getElementById("replace-text").value, both: document.getElementById("replace-both").checked };
}

function setFindStatus(text) { document.getElementById("find-status").textContent = text; }

function findNext() {
  const { needle } = findState();
  const matches = findMatches(store.minutes, field, needle);
  if (!needle) { setFindStatus("検索する文字を入力してください。"); return null; }
  if (!matches.length) { setFindStatus(`「${needle}」は見つかりません。`); matchIndex = -1; return null; }
  matchIndex = (matchIndex + 1) % matches.length;
  const m = matches[matchIndex];
  const node = turnText(m.turn);
  node.closest(".turn").scrollIntoView({ block: "center" });
  node.focus({ preventScroll: true });
  selectRange(node, m.offset, m.offset + needle.length);
  setFindStatus(`${matches.length}件中 ${matchIndex + 1}件目`);
  return m;
}

async function addToVocabulary(needle, replacement) {
  if (!document.getElementById("add-vocab").checked || !replacement.trim()) return;
  const key = `${needle}\u0000${replacement}`;
  if (vocabAdded.has(key)) return;
  try {
    await api("/api/vocabulary", { method: "POST", body: { term: replacement.trim(), variants: needle.trim() && needle.trim() !== replacement.trim() ? [needle.trim()] : [] } });
    vocabAdded.add(key);
    toast(`「${replacement}」を単語登録に追加しました。`);
  } catch (err) {
    toast(`単語登録に追加できませんでした: ${err.message}`);
  }
}

if (findForm) {
  findForm.addEventListener("submit", (e) => { e.preventDefault(); findNext(); });
  document.getElementById("find-text").addEventListener("input", () => { matchIndex = -1; setFindStatus(""); });
  document.getElementById("replace-one").addEventListener("click", () => {
    const { needle, replacement, both } = findState();
    const matches = findMatches(store.minutes, field, needle);
    const m = matchIndex >= 0 && matches[matchIndex] ? matches[matchIndex] : null;
    if (!m) { findNext(); return; } // first press shows the match; the next one replaces it
    if (replaceOne(store.minutes, field, m, needle, replacement, both)) {
      fillText(turnText(m.turn), store.minutes.turns[m.turn], field, threshold);
      store.changed();
      addToVocabulary(needle, replacement);
      matchIndex -= 1;
      setFindStatus("1件置換しました。");
      findNext();
    }
  });
  document.getElementById("replace-all").addEventListener("click", () => {
    const { needle, replacement, both } = findState();
    if (!needle) { setFindStatus("検索する文字を入力してください。"); return; }
    const n = replaceAll(store.minutes, field, needle, replacement, both);
    if (!n) { setFindStatus(`「${needle}」は見つかりません。`); return; }
    store.changed();
    renderAll();
    addToVocabulary(needle, replacement);
    matchIndex = -1;
    setFindStatus(`${n}件置換しました。`);
  });
}

// --- saving, conflict ---------------------------------------------------------------------------

if (saveButton) saveButton.addEventListener("click", () => store.save());

document.getElementById("conflict-copy").addEventListener("click", async () => {
  const text = plainText(store.minutes, field);
  const area = document.getElementById("conflict-copy-text");
  area.value = text;
  area.hidden = false;
  try {
    await navigator.clipboard.writeText(text);
    toast("あなたの文章をクリップボードにコピーしました。");
  } catch (_) {
    area.select();
    toast("下の欄の文章を選択しました。Ctrl+C でコピーしてください。");
  }
});
document.getElementById("conflict-reload").addEventListener("click", async () => {
  if (!confirm("最新の内容を読み込むと、この画面の未保存の変更は失われます。よろしいですか？")) return;
  await reload();
  document.getElementById("conflict").hidden = true;
  document.getElementById("conflict-copy-text").hidden = true;
});
document.getElementById("conflict-overwrite").addEventListener("click", () => {
  if (!confirm("他の人の変更を、あなたの内容で置き換えて保存します（相手の版は履歴に残ります）。よろしいですか？")) return;
  store.save({ overwrite: true });
});

// --- revisions ----------------------------------------------------------------------------------

const revisionsPanel = document.getElementById("revisions-panel");
revisionsPanel.addEventListener("toggle", () => { if (revisionsPanel.open) loadRevisions(); });

async function loadRevisions() {
  const list = document.getElementById("revisions");
  try {
    const revisions = await store.revisions();
    list.replaceChildren(...revisions.slice().reverse().map((r) => el("li", { class: r.revision === store.revision ? "current-rev" : "" },
      el("span", {}, `第${r.revision}版`),
      el("span", { class: "muted small" }, ` ${formatDateTime(r.created_at)} ${r.author || (r.revision === 1 ? "自動作成" : "")}`),
      r.revision === store.revision ? el("span", { class: "badge badge-done" }, "表示中") :
        canEdit ? el("button", { type: "button", class: "btn btn-small", "aria-label": `第${r.revision}版に戻す`, onclick: () => restore(r.revision) }, "この版に戻す") : null,
    )));
  } catch (err) {
    list.replaceChildren(el("li", { class: "muted" }, err.message));
  }
}

async function restore(n) {
  const warn = store.dirty ? "未保存の変更は失われます。" : "";
  if (!confirm(`第${n}版の内容を新しい版として保存します。${warn}よろしいですか？`)) return;
  try {
    await store.restore(n);
    renderAll();
    loadRevisions();
    toast(`第${n}版の内容に戻しました。`);
  } catch (err) {
    toast(err.message);
  }
}

// --- export ---------------------------------------------------------------------------------------

async function exportAs(fmt) {
  document.getElementById("export-menu").open = false;
  if (store.conflict) { toast("保存の競合を解決してから出力してください。"); return; }
  if (store.dirty && !(await store.save())) { toast("保存できなかったため出力を中止しました。"); return; }
  const a = el("a", { href: `/api/meetings/${meetingId}/export/${fmt}?clean=${field === "clean_text"}`, download: "" });
  document.body.append(a);
  a.click();
  a.remove();
  const key = `gijiroku:exported:${meetingId}`;
  if (!localStorage.getItem(key)) {
    localStorage.setItem(key, new Date().toISOString());
    window.dispatchEvent(new CustomEvent("gijiroku:first-export", { detail: { meetingId: Number(meetingId), format: fmt } }));
  }
  document.getElementById("survey-offer").hidden = false;
}
if (canExport) {
  for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => exportAs(b.dataset.export));
}

// --- shortcuts ------------------------------------------------------------------------------------

function currentIndex() {
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".turn-text");
  if (focused) return indexOf(focused);
  if (player.currentTurn >= 0) return player.currentTurn;
  return lastCaret ? lastCaret.index : 0;
}

installShortcuts({
  toggle: () => player.toggle(),
  back: () => player.skip(-5),
  forward: () => player.skip(5),
  prevTurn: () => focusTurn(Math.max(0, currentIndex() - 1)),
  nextTurn: () => focusTurn(Math.min(store.minutes.turns.length - 1, currentIndex() + 1)),
  slower: () => toast(`再生速度 ${player.changeSpeed(-1)}×`),
  faster: () => toast(`再生速度 ${player.changeSpeed(1)}×`),
  playTurn: () => player.seek(store.minutes.turns[currentIndex()].start, true),
  split: () => split(),
  merge: () => merge(currentIndex()),
  save: () => store.save(),
  find: () => {
    const panel = document.getElementById("find-panel");
    if (!panel) return;
    panel.open = true;
    const input = document.getElementById("find-text");
    const sel = window.getSelection().toString();
    if (sel && sel.length < 100) input.value = sel;
    input.focus();
    input.select();
  },
});

// --- start ------------------------------------------------------------------------------------------

async function reload() {
  await store.load();
  renderAll();
}

const activity = new ActivityMeter(meetingId, { isPlaying: () => player.available && !player.audio.paused });
// For the browser tests and for debugging from the console; nothing in the page reads it.
window.gijirokuEditor = { store, player, activity };

reload().catch((err) => {
  turnsNode.replaceChildren(el("p", { class: "alert alert-error" },
    err.status === 404 ? "会議録がまだありません。文字起こしが完了してから開いてください。" : err.message));
  saveState.textContent = "";
});
