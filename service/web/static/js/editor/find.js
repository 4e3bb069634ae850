// 検索と置換 in the shown text (ケバ取り or 素起こし): 次を検索 cycles through the matches; 置換
// shows the next match on its first press and replaces it on the next; すべて置換 replaces every
// match. Replacements can also go to 単語登録 (asked once per pair, after showing what the rule
// would change in past transcripts) so the next transcription knows the word.

import { toast } from "../ui.js";
import { addVocabulary } from "../vocab_impact.js";
import { findMatches, replaceAll, replaceOne } from "./model.js";
import { selectRange } from "./render.js";

export class FindReplace {
  /**
   * @param {HTMLFormElement} form  #find-form
   * @param {{store: object, view: {field: string}, turnText: (i: number) => HTMLElement,
   *          refreshTurn: (i: number) => void, renderAll: () => void}} deps
   */
  constructor(form, { store, view, turnText, refreshTurn, renderAll }) {
    Object.assign(this, { store, view, turnText, refreshTurn, renderAll });
    this.input = form.querySelector("#find-text");
    this.replacement = form.querySelector("#replace-text");
    this.both = form.querySelector("#replace-both");
    this.addVocab = form.querySelector("#add-vocab");
    this.status = form.querySelector("#find-status");
    this.matchIndex = -1; // the match shown last, among the current matches
    this.vocabAdded = new Set();
    form.addEventListener("submit", (e) => { e.preventDefault(); this.findNext(); });
    this.input.addEventListener("input", () => { this.matchIndex = -1; this.setStatus(""); });
    form.querySelector("#replace-one").addEventListener("click", () => this.replaceOne());
    form.querySelector("#replace-all").addEventListener("click", () => this.replaceAll());
  }

  /** Ctrl+H: focus the search field, prefilled with a short selection. */
  focus(selection = "") {
    if (selection && selection.length < 100) this.input.value = selection;
    this.input.focus();
    this.input.select();
  }

  setStatus(text) { this.status.textContent = text; }

  matches(needle) { return findMatches(this.store.minutes, this.view.field, needle); }

  findNext() {
    const needle = this.input.value;
    const matches = this.matches(needle);
    if (!needle) { this.setStatus("検索する文字を入力してください。"); return null; }
    if (!matches.length) { this.setStatus(`「${needle}」は見つかりません。`); this.matchIndex = -1; return null; }
    this.matchIndex = (this.matchIndex + 1) % matches.length;
    const m = matches[this.matchIndex];
    const node = this.turnText(m.turn);
    node.closest(".turn").scrollIntoView({ block: "center" });
    node.focus({ preventScroll: true });
    selectRange(node, m.offset, m.offset + needle.length);
    this.setStatus(`${matches.length}件中 ${this.matchIndex + 1}件目`);
    return m;
  }

  replaceOne() {
    const needle = this.input.value;
    const replacement = this.replacement.value;
    const matches = this.matches(needle);
    const m = this.matchIndex >= 0 && matches[this.matchIndex] ? matches[this.matchIndex] : null;
    if (!m) { this.findNext(); return; } // first press shows the match; the next one replaces it
    if (replaceOne(this.store.minutes, this.view.field, m, needle, replacement, this.both.checked)) {
      this.refreshTurn(m.turn);
      this.store.changed();
      this.addToVocabulary(needle, replacement);
      this.matchIndex -= 1;
      this.setStatus("1件置換しました。");
      this.findNext();
    }
  }

  replaceAll() {
    const needle = this.input.value;
    const replacement = this.replacement.value;
    if (!needle) { this.setStatus("検索する文字を入力してください。"); return; }
    const n = replaceAll(this.store.minutes, this.view.field, needle, replacement, this.both.checked);
    if (!n) { this.setStatus(`「${needle}」は見つかりません。`); return; }
    this.store.changed();
    this.renderAll();
    this.addToVocabulary(needle, replacement);
    this.matchIndex = -1;
    this.setStatus(`${n}件置換しました。`);
  }

  async addToVocabulary(needle, replacement) {
    if (!this.addVocab.checked || !replacement.trim()) return;
    const key = `${needle}\u0000${replacement}`;
    if (this.vocabAdded.has(key)) return;
    this.vocabAdded.add(key); // asked once per pair, whatever the answer
    try {
      const variants = needle.trim() && needle.trim() !== replacement.trim() ? [needle.trim()] : [];
      const entry = await addVocabulary({ term: replacement.trim(), variants });
      toast(entry ? `「${replacement}」を単語登録に追加しました。` : "単語登録には追加しませんでした。");
    } catch (err) {
      this.vocabAdded.delete(key); // not asked to the end: the next replacement asks again
      toast(`単語登録に追加できませんでした: ${err.message}`);
    }
  }
}
