// 話者登録 in the editor (issue 13): a speaker the job named from the voice registry shows the
// name with a confidence mark and 確定 / 違う (違う puts 話者N back for this meeting, as a new
// revision); a speaker staff have named gets 「この声を登録」, which enrols its turns.
// Both act on the saved transcript, so unsaved edits are saved first.

import { api } from "../api.js";
import { el, toast } from "../ui.js";

const PLACEHOLDER = /^\s*(話者\s*[0-9０-９]+|SPEAKER_[0-9]+)\s*$/;

function button(label, ariaLabel, onclick) {
  return el("button", { type: "button", class: "btn btn-small", "aria-label": ariaLabel, onclick }, label);
}

export class VoicePanel {
  constructor(meetingId, { store, enabled, onChanged }) {
    this.base = `/api/meetings/${meetingId}`;
    this.store = store;
    this.enabled = enabled;
    this.onChanged = onChanged;
    this.matches = new Map(); // speaker id → {label, score, mark, status}
  }

  async load() {
    if (!this.enabled) return;
    try {
      const list = await api(`${this.base}/voice-matches`);
      this.matches = new Map(list.map((m) => [m.speaker, m]));
    } catch (_) { this.matches = new Map(); } // the editor works without it
  }

  /** What goes under a speaker's name in the 話者 panel. */
  controls(speaker) {
    if (!this.enabled) return [];
    const m = this.matches.get(speaker.id);
    if (m && m.status !== "rejected" && m.label === speaker.label) {
      const mark = el("span", { class: "voice-mark", title: `声で照合（類似度 ${m.score.toFixed(2)}）` }, `${m.mark} 声で照合`);
      if (m.status === "accepted") return [mark, el("span", { class: "muted small" }, "確定済み")];
      return [mark,
        button("確定", `${speaker.label} の照合を確定`, () => this.act(() => this.accept(m))),
        button("違う", `${speaker.label} ではない（話者番号に戻す）`, () => this.act(() => this.reject(m)))];
    }
    if (!PLACEHOLDER.test(speaker.label)) {
      return [button("この声を登録", `${speaker.label} の声を登録`, () => this.act(() => this.enrol(speaker)))];
    }
    return [];
  }

  async act(fn) {
    try { await fn(); } catch (err) { toast(err.message); }
  }

  /** Save pending edits first: the server reads the latest saved revision. */
  async saved() {
    if (this.store.dirty) await this.store.save();
    if (this.store.dirty || this.store.conflict) {
      toast("先に保存してください。");
      return false;
    }
    return true;
  }

  async accept(m) {
    await api(`${this.base}/voice-matches/${encodeURIComponent(m.speaker)}/accept`, { method: "POST" });
    m.status = "accepted";
    this.onChanged();
    toast(`「${m.label}」で確定しました。`);
  }

  async reject(m) {
    if (!await this.saved()) return;
    const r = await api(`${this.base}/voice-matches/${encodeURIComponent(m.speaker)}/reject`,
      { method: "POST", body: { base_revision: this.store.revision } });
    m.status = "rejected";
    await this.store.load();
    this.onChanged();
    toast(`「${m.label}」ではないため「${r.label}」に戻しました。`);
  }

  async enrol(speaker) {
    if (!await this.saved()) return;
    const person = await api(`${this.base}/voices/enrol`, { method: "POST", body: { speaker: speaker.id } });
    toast(`「${person.label}」の声を登録しました（声紋 ${person.prints.length}件）。`);
  }
}
