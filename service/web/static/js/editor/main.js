// The 会議録 editor page: wires the store (saving), the player (audio sync), the rendering, the
// editing of the text (typing, split/merge, speakers, view options) and the tools, each in its
// own module (find/replace, revisions, conflict, export, shortcuts, editing-time meter).
// What the page changes while it runs is in one object, `view`, handed to the tools that read it.

import { promptDialog } from "../dialog.js";
import { relogin, sessionLost } from "../relogin.js";
import { el, keptEditsNote, toast } from "../ui.js";
import { ActivityMeter } from "./activity.js";
import { ConflictBox } from "./conflict.js";
import { Corrections } from "./corrections.js";
import { DraftKeeper } from "./draft.js";
import { ExportMenu } from "./export.js";
import { FindReplace } from "./find.js";
import { MaterialsPanel } from "./materials.js";
import { addSpeaker, alignWords, confirmWords, isLow, mergeWithNext, reassignTurn, renameSpeaker, splitTurn, turnAt } from "./model.js";
import { Player } from "./player.js";
import { caretOffset, fillText, renderTurns, selectRange } from "./render.js";
import { RevisionList } from "./revisions.js";
import { installShortcuts } from "./shortcuts.js";
import { TranscriptStore } from "./store.js";
import { VoicePanel } from "./voices.js";

const root = document.getElementById("editor");
const meetingId = root.dataset.meetingId;
const canEdit = root.dataset.canEdit === "1";
const canExport = root.dataset.canExport === "1";
const turnsNode = document.getElementById("turns");
const saveState = document.getElementById("save-state");
const saveButton = document.getElementById("save-button");
const errorBox = document.getElementById("editor-error");
const keptNote = document.getElementById("kept-note");
const store = new TranscriptStore(meetingId, { autosaveMs: Number(root.dataset.autosaveMs) || 30_000 });
const player = new Player(document.getElementById("audio"), () => store.minutes, turnsNode, {
  speed: document.getElementById("speed"),
  play: document.getElementById("player-play"),
  seek: document.getElementById("player-seek"),
  time: document.getElementById("player-time"),
  message: document.getElementById("player-msg"),
});

const prefs = {
  get field() { return localStorage.getItem("gijiroku:view") || "clean_text"; },
  set field(v) { localStorage.setItem("gijiroku:view", v); },
  get threshold() { const v = Number(localStorage.getItem("gijiroku:threshold")); return v > 0 && v <= 1 ? v : 0.5; },
  set threshold(v) { localStorage.setItem("gijiroku:threshold", String(v)); },
};
const view = {
  field: prefs.field, // the text shown and edited: "clean_text" (ケバ取り) or "text" (素起こし)
  threshold: prefs.threshold, // words below this probability are marked 要確認
  lastCaret: null, // {index, offset}: where the caret was last seen inside a turn
};
// A correction typed in one text reaches the other (素起こし ↔ ケバ取り) when typing in a turn ends.
const corrections = canEdit ? new Corrections(meetingId, { store, onApplied: (index) => {
  if (turnText(index) !== document.activeElement) refreshTurn(index);
  updateLowCount();
} }) : null;

// Replacements and suggestions from the meeting's materials (会議資料), undone/accepted by a click.
const materialsPanel = new MaterialsPanel(document.getElementById("materials-panel"), {
  store, canEdit, refreshTurn: (index) => refreshTurn(index), focusTurn: (index) => focusTurn(index),
});

// Names from the voice registry: confidence mark, 確定 / 違う, 「この声を登録」 (issue 13).
const voices = new VoicePanel(meetingId, { store, enabled: root.dataset.voiceProfiles === "1", onChanged: () => renderAll() });

// --- rendering --------------------------------------------------------------------------------

function renderAll(focusIndex = null) {
  const y = window.scrollY;
  renderTurns(turnsNode, store.minutes, view.field, { canEdit, threshold: view.threshold });
  materialsPanel.render();
  renderSpeakers();
  updateLowCount();
  player.reset();
  window.scrollTo(0, y);
  if (focusIndex !== null) focusTurn(focusIndex, false);
}

function turnText(index) { return document.querySelector(`#turn-${index} .turn-text`); }

/** Re-wrap one turn's words after its text changed, so marks and click-to-seek follow it. */
function refreshTurn(index) {
  fillText(turnText(index), store.minutes.turns[index], view.field, view.threshold);
}

function focusTurn(index, seek = true) {
  const node = turnText(index);
  if (!node) return;
  node.focus({ preventScroll: true });
  node.closest(".turn").scrollIntoView({ block: "nearest" });
  if (seek && player.available) player.seek(store.minutes.turns[index].start);
}

function updateLowCount() {
  const n = turnsNode.querySelectorAll(".word.low").length;
  for (const b of turnsNode.querySelectorAll("button[data-action=confirm]")) b.hidden = !b.closest(".turn").querySelector(".word.low");
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
    const voice = canEdit ? voices.controls(s) : [];
    const row = el("div", { class: "speaker-row" }, input, el("span", { class: "muted small" }, `${counts[s.id] || 0}件`));
    return voice.length ? el("div", { class: "speaker-entry" }, row, el("div", { class: "speaker-voice" }, ...voice)) : row;
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
  errorBox.hidden = true;
  keptNote.hidden = true; // a newer version than the kept edits
  toast(`第${e.detail.revision}版を${e.detail.auto ? "自動" : ""}保存しました。`);
});
store.addEventListener("error", (e) => {
  const lost = sessionLost(e.detail);
  errorBox.textContent = `保存できませんでした: ${e.detail.message}${lost ? "（編集内容はこのブラウザーに残っています）" : e.detail.auto ? "（しばらくして自動で再試行します）" : ""}`;
  errorBox.hidden = false;
  // The session ended under the page: log in again here and save, rather than lose the edits.
  if (lost) relogin().then((ok) => { if (ok) store.save(); });
});
const drafts = canEdit ? new DraftKeeper(store, meetingId, document.body.dataset.username || "") : null;

window.addEventListener("beforeunload", (e) => {
  if (store.dirty) { e.preventDefault(); e.returnValue = ""; }
});

// --- editing the text ---------------------------------------------------------------------------

function indexOf(node) { return Number(node.closest(".turn").dataset.index); }

turnsNode.addEventListener("input", (e) => {
  const node = e.target.closest(".turn-text");
  if (!node) return;
  const turn = store.minutes.turns[indexOf(node)];
  if (corrections) corrections.begin(turn, view.field);
  turn[view.field] = node.textContent;
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
  // The caret as the text loses focus (Tab or a click to its 分割 button): selectionchange may not
  // have been dispatched yet for the click that put it there, and the redraw below moves it to 0.
  const offset = caretOffset(node);
  if (offset !== null) view.lastCaret = { index: indexOf(node), offset };
  refreshTurn(indexOf(node));
  updateLowCount();
  if (corrections) corrections.flush(); // typing in this turn is over: the other text follows
  player.reset();
});

// The caret inside a turn's text right now, or null. Only while that text has focus: when focus
// leaves it, the text is redrawn (focusout) and the selection falls back to its start, a
// position the user never chose.
function currentCaret() {
  const sel = window.getSelection();
  const node = sel && sel.anchorNode && (sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement);
  const text = node && node.closest && node.closest(".turn-text");
  return text && text === document.activeElement ? { index: indexOf(text), offset: caretOffset(text) } : null;
}

// Remembered per turn for the 分割 button reached with Tab, which moves focus out of the text.
document.addEventListener("selectionchange", () => {
  const caret = currentCaret();
  if (caret) view.lastCaret = caret;
});

// A mouse press on 分割/次と結合 must not take focus from the text: the caret stays where it was.
turnsNode.addEventListener("mousedown", (e) => {
  if (e.button === 0 && e.target.closest("button[data-action=split], button[data-action=merge]")) e.preventDefault();
});

turnsNode.addEventListener("click", (e) => {
  const button = e.target.closest("button[data-action]");
  if (button) {
    const index = indexOf(button);
    if (button.dataset.action === "play") player.seek(store.minutes.turns[index].start, true);
    else if (button.dataset.action === "split") split(index);
    else if (button.dataset.action === "merge") merge(index);
    else if (button.dataset.action === "confirm") confirmLow(index);
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

// 確認済み: staff have looked at the turn's 要確認 words (its button) or at one word (double click
// on it, or Alt+Y with the caret in it); they are no longer marked and the count follows.
function confirmLow(index, only = null) {
  if (!canEdit) return;
  const turn = store.minutes.turns[index];
  const low = (turn.words || []).flatMap((w, i) => (isLow(w, view.threshold) && (only === null || only === i) ? [i] : []));
  const n = confirmWords(turn, low);
  if (!n) return;
  store.changed();
  refreshTurn(index);
  updateLowCount();
  toast(`発言${index + 1}の要確認の語${n}件を確認済みにしました。`);
}

function confirmAtCaret() {
  const caret = currentCaret();
  const turn = caret && store.minutes.turns[caret.index];
  const hit = turn && alignWords(turn[view.field] || "", turn.words)
    .find((a) => a.from <= caret.offset && caret.offset <= a.to && isLow(turn.words[a.w], view.threshold));
  if (!hit) { toast("要確認の語（波線）の中にカーソルを置いてから Alt+Y を押してください。"); return; }
  confirmLow(caret.index, hit.w);
  selectRange(turnText(caret.index), caret.offset, caret.offset); // redrawn: the caret stays put
}

turnsNode.addEventListener("dblclick", (e) => {
  const word = e.target.closest(".word.low");
  if (word) confirmLow(indexOf(word), Number(word.dataset.w));
});

async function split(index) {
  // selectionchange is dispatched asynchronously, so a shortcut pressed right after the caret
  // moved must read the live selection rather than the remembered one.
  const live = currentCaret();
  const caret = live && (index === undefined || live.index === index) ? live : view.lastCaret;
  if (index === undefined) index = caret ? caret.index : null;
  if (!canEdit || index === null || index === undefined) return;
  const offset = caret && caret.index === index ? caret.offset : null;
  await corrections.flush(); // the shown text stays as typed, so the caret offset still holds
  if (offset === null || !splitTurn(store.minutes, index, view.field, offset)) {
    toast("分割したい位置の文中にカーソルを置いてから「分割」を押してください。");
    return;
  }
  store.changed();
  renderAll(index + 1);
  view.lastCaret = null;
  toast(`発言${index + 1}を分割しました。`);
}

async function merge(index = view.lastCaret && view.lastCaret.index) {
  if (!canEdit || index === null || index === undefined) return;
  await corrections.flush();
  if (!mergeWithNext(store.minutes, index)) { toast("最後の発言は結合できません。"); return; }
  store.changed();
  renderAll(index);
  toast(`発言${index + 1}と次の発言を結合しました。`);
}

const addSpeakerButton = document.getElementById("add-speaker");
if (addSpeakerButton) addSpeakerButton.addEventListener("click", async () => {
  const label = await promptDialog("話者を追加", "新しい話者の名前", `話者${store.minutes.speakers.length + 1}`, { maxlength: "100" });
  if (!label) return;
  addSpeaker(store.minutes, label);
  store.changed();
  renderAll();
});

// --- view options -------------------------------------------------------------------------------

for (const radio of document.querySelectorAll('input[name="view"]')) {
  radio.checked = radio.value === view.field;
  radio.addEventListener("change", () => {
    if (!radio.checked) return;
    view.field = radio.value;
    prefs.field = view.field;
    (corrections ? corrections.flush() : Promise.resolve()).then(() => renderAll());
  });
}
const thresholdInput = document.getElementById("threshold");
thresholdInput.value = String(view.threshold);
thresholdInput.addEventListener("change", () => {
  const v = Number(thresholdInput.value);
  if (!(v >= 0 && v <= 1)) { thresholdInput.value = String(view.threshold); return; }
  view.threshold = v;
  prefs.threshold = v;
  renderAll();
});

// --- tools -----------------------------------------------------------------------------------

// Only after the corrections typed so far reached the other text.
function save() { return corrections.flush().then(() => store.save()); }
if (saveButton) saveButton.addEventListener("click", save);

const findForm = document.getElementById("find-form");
const finder = findForm && new FindReplace(findForm, { store, view, turnText, refreshTurn, renderAll });
new ConflictBox(document.getElementById("conflict"), { store, view, reload });
new RevisionList(document.getElementById("revisions-panel"), { store, canEdit, onRestored: () => renderAll() });
const exportMenu = document.getElementById("export-menu");
if (canExport && exportMenu) {
  new ExportMenu(exportMenu, { store, corrections, meetingId, textChoice: document.getElementById("export-text"), surveyOffer: document.getElementById("survey-offer") });
}

// --- shortcuts ------------------------------------------------------------------------------------

function currentIndex() {
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".turn-text");
  if (focused) return indexOf(focused);
  if (player.currentTurn >= 0) return player.currentTurn;
  return view.lastCaret ? view.lastCaret.index : 0;
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
  save: () => { if (canEdit) save(); },
  confirmWord: () => { if (canEdit) confirmAtCaret(); },
  find: () => {
    if (!finder) return;
    document.getElementById("find-panel").open = true;
    finder.focus(window.getSelection().toString());
  },
});

// --- start ------------------------------------------------------------------------------------------

async function reload() {
  const [latest] = await Promise.all([store.load(), voices.load()]);
  // staff edits saved during a 再処理 stayed the latest: say where the re-run's draft is
  keptNote.hidden = latest.kind !== "kept";
  if (latest.kind === "kept") keptNote.textContent = keptEditsNote(latest.base_revision);
  renderAll();
}

async function start() {
  await reload();
  if (drafts && await drafts.offerRestore()) renderAll();
}

// Only editing counts as editing time (the server refuses the rest): no meter on a read-only draft.
const activity = canEdit ? new ActivityMeter(meetingId, { isPlaying: () => player.available && !player.audio.paused }) : null;
// For the browser tests and for debugging from the console; nothing in the page reads it.
window.gijirokuEditor = { store, player, activity };

start().catch((err) => {
  turnsNode.replaceChildren(el("p", { class: "alert alert-error" },
    err.status === 404 ? "会議録がまだありません。文字起こしが完了してから開いてください。" : err.message));
  saveState.textContent = "";
});
