// Corrections reach both texts of a turn (素起こし ↔ ケバ取り). Typing changes only the shown
// text; when staff finish with a turn (its text loses the focus, or before a save, an export, a
// view switch, a split or a merge) the server carries the change to the other text and
// re-derives the ケバ取り (the rules: models/draft/corrections.py; this module only calls them).
// The words the change touched become 確認済み and lose their 要確認 mark.

import { api } from "../api.js";
import { withRelogin } from "../relogin.js";
import { toast } from "../ui.js";

export class Corrections {
  /**
   * @param {string} meetingId
   * @param {{store: object, onApplied: (index: number) => void}} deps  onApplied: a turn's texts
   *   or marks changed (redraw it unless it is being typed in)
   */
  constructor(meetingId, { store, onApplied }) {
    this.url = `/api/meetings/${meetingId}/transcript/correction`;
    this.store = store;
    this.onApplied = onApplied;
    this.started = new Map(); // turn object → {field, before}: its shown text when typing began
    this.queue = Promise.resolve();
  }

  /** Call before the typed text is written into `turn[field]`. */
  begin(turn, field) {
    const open = this.started.get(turn);
    if (open && open.field === field) return;
    this.started.set(turn, { field, before: turn[field] || "" });
  }

  /** Carry every finished change to the other text; resolves when all are in the transcript. */
  flush() {
    this.queue = this.queue.then(() => this.carryAll());
    return this.queue;
  }

  async carryAll() {
    for (const [turn, { field, before }] of [...this.started]) {
      const index = this.store.minutes ? this.store.minutes.turns.indexOf(turn) : -1;
      const typed = turn[field] || "";
      if (index < 0 || typed === before) { this.started.delete(turn); continue; } // gone, or no change
      let answer;
      try {
        // The session ended under the page: log in again in place and carry, as a save does.
        answer = await withRelogin(() => api(this.url, { method: "POST", body: {
          field,
          new_text: typed,
          // the shown text as it was; the other one as it is now (find/replace may have changed it)
          text: field === "text" ? before : turn.text || "",
          clean_text: field === "clean_text" ? before : turn.clean_text || "",
          clean_edited: !!turn.clean_edited,
          words: (turn.words || []).map((w) => w.word || ""),
        } }));
      } catch (err) {
        // Kept for the next try (login cancelled, server unreachable) unless the request itself is
        // refused (too long a turn).
        if (err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403) this.started.delete(turn);
        toast(`もう一方の文（素起こし／ケバ取り）に反映できませんでした: ${err.message}`);
        continue;
      }
      const other = field === "text" ? "clean_text" : "text";
      turn[other] = answer[other];
      turn.clean_edited = answer.clean_edited;
      for (const w of answer.touched) if (turn.words[w]) turn.words[w].confirmed = true;
      // Typed on meanwhile: the next carry starts from what this one sent.
      if ((turn[field] || "") === typed) this.started.delete(turn);
      else this.started.set(turn, { field, before: typed });
      this.store.changed();
      this.onApplied(index);
    }
  }
}
