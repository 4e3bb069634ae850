// DOM for the transcript: one <article> per turn with a speaker picker, a "play from here"
// button and a contenteditable paragraph whose recognised words are <span>s carrying their
// timing (for click-to-seek and playback highlighting) and their probability (for marking).

import { el, formatClock } from "../ui.js";
import { alignWords, isLow, speakerLabel } from "./model.js";

/** Fill `node` with the turn's shown text, words wrapped in spans. */
export function fillText(node, turn, field, threshold) {
  const text = turn[field] || "";
  const parts = [];
  let pos = 0;
  for (const a of alignWords(text, turn.words)) {
    if (a.from > pos) parts.push(document.createTextNode(text.slice(pos, a.from)));
    const w = turn.words[a.w];
    const low = isLow(w, threshold);
    parts.push(el("span", {
      class: low ? "word low" : "word",
      dataset: { w: a.w },
      title: low ? `要確認（確信度 ${Math.round(w.probability * 100)}%）: ダブルクリックまたは Alt+Y で確認済み` : null,
    }, text.slice(a.from, a.to)));
    pos = a.to;
  }
  if (pos < text.length) parts.push(document.createTextNode(text.slice(pos)));
  node.replaceChildren(...parts);
}

function speakerSelect(minutes, turn, index, canEdit) {
  const select = el("select", { class: "speaker", "aria-label": `発言${index + 1}の話者`, disabled: !canEdit, dataset: { action: "speaker" } },
    ...minutes.speakers.map((s) => el("option", { value: s.id, selected: s.id === turn.speaker }, s.label)));
  if (!minutes.speakers.some((s) => s.id === turn.speaker)) {
    select.append(el("option", { value: turn.speaker, selected: true }, turn.speaker));
  }
  return select;
}

export function renderTurn(minutes, turn, index, field, { canEdit, threshold }) {
  const body = el("div", {
    class: "turn-text",
    contenteditable: canEdit ? "true" : "false",
    role: "textbox",
    "aria-multiline": "true",
    "aria-readonly": canEdit ? null : "true",
    "aria-label": `発言${index + 1}（${speakerLabel(minutes, turn.speaker)}）の本文`,
    spellcheck: "false",
    lang: "ja",
    tabindex: "0",
  });
  fillText(body, turn, field, threshold);
  const head = el("div", { class: "turn-head" },
    speakerSelect(minutes, turn, index, canEdit),
    el("button", { type: "button", class: "time btn-link", dataset: { action: "play" }, "aria-label": `${formatClock(turn.start)} から再生` }, `▶ ${formatClock(turn.start)}`),
    canEdit ? el("span", { class: "turn-tools" },
      el("button", { type: "button", class: "btn btn-small", dataset: { action: "split" }, title: "Ctrl+Enter", "aria-label": `発言${index + 1}をカーソル位置で分割` }, "分割"),
      el("button", { type: "button", class: "btn btn-small", dataset: { action: "merge" }, title: "Alt+M", "aria-label": `発言${index + 1}を次の発言と結合`, disabled: index === minutes.turns.length - 1 }, "次と結合"),
      el("button", { type: "button", class: "btn btn-small", dataset: { action: "confirm" }, title: "この発言の要確認の語をすべて確認済みにする", "aria-label": `発言${index + 1}の要確認の語をすべて確認済みにする` }, "確認済み"),
    ) : null,
  );
  return el("article", { class: "turn", id: `turn-${index}`, dataset: { index, speaker: turn.speaker } }, head, body);
}

export function renderTurns(container, minutes, field, opts) {
  if (!minutes.turns.length) {
    container.replaceChildren(el("p", { class: "empty" }, "発言がありません（無音の録音かもしれません）。"));
    return;
  }
  container.replaceChildren(...minutes.turns.map((t, i) => renderTurn(minutes, t, i, field, opts)));
}

/** Caret position inside `node` as a character offset of its text (null if outside). */
export function caretOffset(node) {
  const sel = window.getSelection();
  if (!sel || !sel.rangeCount || !node.contains(sel.anchorNode)) return null;
  const range = document.createRange();
  range.selectNodeContents(node);
  range.setEnd(sel.anchorNode, sel.anchorOffset);
  return range.toString().length;
}

/** Select characters [from, to) of `node`'s text (walks its text nodes). */
export function selectRange(node, from, to) {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0, startSet = false;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const len = t.textContent.length;
    if (!startSet && from <= pos + len) { range.setStart(t, from - pos); startSet = true; }
    if (startSet && to <= pos + len) { range.setEnd(t, to - pos); break; }
    pos += len;
  }
  if (!startSet) return;
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
