// 版の履歴: the list of saved revisions (loaded when the panel opens and after every save while
// it is open) and restoring one, which saves its content as a new revision on top of the latest.

import { el, formatDateTime, toast } from "../ui.js";

// How each version came to be (transcript_revisions.kind), so staff can tell their own saves from
// the 30-second autosaves, find the version before a restore, and see where a voice match was
// rejected (voice: the speaker went back to 話者N), and staff edits saved during a 再処理 that were
// put back on top of its draft (kept).
const KIND_LABELS = { draft: "自動作成", manual: "保存", autosave: "自動保存", restore: "復元", voice: "照合の取消", kept: "再処理中の編集" };

export class RevisionList {
  /**
   * @param {HTMLDetailsElement} panel  #revisions-panel
   * @param {{store: object, canEdit: boolean, onRestored: () => void}} deps  onRestored re-renders the text
   */
  constructor(panel, { store, canEdit, onRestored }) {
    this.panel = panel;
    this.list = panel.querySelector("ol");
    this.store = store;
    this.canEdit = canEdit;
    this.onRestored = onRestored;
    panel.addEventListener("toggle", () => { if (panel.open) this.load(); });
    store.addEventListener("saved", () => { if (panel.open) this.load(); });
  }

  async load() {
    const store = this.store;
    try {
      const revisions = await store.revisions();
      this.list.replaceChildren(...revisions.slice().reverse().map((r) => el("li", { class: r.revision === store.revision ? "current-rev" : "" },
        el("span", {}, `第${r.revision}版`),
        el("span", { class: "badge revision-kind", dataset: { kind: r.kind } }, KIND_LABELS[r.kind] || r.kind),
        el("span", { class: "muted small" }, ` ${formatDateTime(r.created_at)} ${r.author || ""}`),
        r.revision === store.revision ? el("span", { class: "badge badge-done" }, "表示中") :
          this.canEdit ? el("button", { type: "button", class: "btn btn-small", "aria-label": `第${r.revision}版に戻す`, onclick: () => this.restore(r.revision) }, "この版に戻す") : null,
      )));
    } catch (err) {
      this.list.replaceChildren(el("li", { class: "muted" }, err.message));
    }
  }

  async restore(n) {
    const warn = this.store.dirty ? "未保存の変更は失われます。" : "";
    if (!confirm(`第${n}版の内容を新しい版として保存します。${warn}よろしいですか？`)) return;
    try {
      await this.store.restore(n); // emits "saved", which reloads the list
      this.onRestored();
      toast(`第${n}版の内容に戻しました。`);
    } catch (err) {
      toast(err.message);
    }
  }
}
