// 会議資料 in the editor (issue 15): what the pipeline replaced by a material's term (each can be
// undone) and what it only suggests — a passage read aloud or a figure, in the material's exact
// wording — which staff accept with one click. Nothing here changes a text without a click.

import { el, toast } from "../ui.js";

/** Index of the occurrence of `needle` in `text` nearest to `near` (-1 if none). */
export function nearestIndex(text, needle, near) {
  let best = -1;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) {
    if (best === -1 || Math.abs(i - near) < Math.abs(best - near)) best = i;
  }
  return best;
}

function swap(text, from, to, near) {
  const i = nearestIndex(text || "", from, near);
  return i === -1 ? null : text.slice(0, i) + to + text.slice(i + from.length);
}

/** Put a replacement's original back in both texts; false when the text no longer holds it. */
export function undoReplacement(turn, index) {
  const r = turn.replacements[index];
  const text = swap(turn.text, r.replacement, r.original, r.start);
  if (text === null) return false;
  turn.text = text;
  const clean = swap(turn.clean_text, r.replacement, r.original, r.start);
  if (clean !== null) turn.clean_text = clean;
  turn.replacements.splice(index, 1);
  return true;
}

/** Write a suggestion's wording into the cleaned text (and the verbatim one where it is the same). */
export function acceptSuggestion(turn, index) {
  const s = turn.suggestions[index];
  const clean = swap(turn.clean_text, s.original, s.suggestion, s.start);
  if (clean === null) return false;
  turn.clean_text = clean;
  const text = swap(turn.text, s.original, s.suggestion, s.start);
  if (text !== null) turn.text = text;
  turn.suggestions.splice(index, 1);
  return true;
}

const KIND_LABELS = { passage: "資料の文", figure: "資料の数値" };

export class MaterialsPanel {
  constructor(panel, { store, canEdit, refreshTurn, focusTurn }) {
    this.panel = panel;
    this.list = panel.querySelector("#materials-items");
    Object.assign(this, { store, canEdit, refreshTurn, focusTurn });
  }

  render() {
    const items = [];
    this.store.minutes.turns.forEach((turn, t) => {
      (turn.replacements || []).forEach((r, i) => items.push(this.item(t, "replacement",
        `「${r.original}」→「${r.replacement}」`, "読みが資料の語と一致したため置き換えました", "元に戻す",
        () => undoReplacement(turn, i), `発言${t + 1}: 「${r.replacement}」を「${r.original}」に戻す`)));
      (turn.suggestions || []).forEach((s, i) => items.push(this.item(t, "suggestion",
        `「${s.original}」→「${s.suggestion}」`, `${KIND_LABELS[s.kind] || "資料"}の表記です（自動では変更していません）`, "採用",
        () => acceptSuggestion(turn, i), `発言${t + 1}: 資料の表記「${s.suggestion}」を採用`)));
    });
    this.panel.hidden = !items.length;
    this.list.replaceChildren(...items);
  }

  item(index, kind, change, note, action, apply, label) {
    const button = this.canEdit ? el("button", { type: "button", class: "btn btn-small", "aria-label": label, dataset: { materials: kind } }, action) : null;
    if (button) button.addEventListener("click", () => {
      if (!apply()) { toast("本文が変わっているため、適用できませんでした。"); return; }
      this.store.changed();
      this.refreshTurn(index);
      this.render();
      toast(kind === "replacement" ? "元に戻しました。" : "資料の表記を採用しました。");
    });
    const link = el("button", { type: "button", class: "btn-link", "aria-label": `発言${index + 1}へ移動` }, `発言${index + 1}`);
    link.addEventListener("click", () => this.focusTurn(index));
    return el("li", { class: `materials-item ${kind}`, dataset: { turn: index } },
      el("div", {}, link, " ", el("span", { class: "materials-change" }, change)),
      el("div", { class: "muted small" }, note), button);
  }
}
