// The 出力 menu: an export saves pending edits first (never exports what the server does not
// have), then downloads the chosen format of the shown text (ケバ取り or 素起こし). The first export
// of a meeting in this browser fires the window event `gijiroku:first-export` and offers the
// survey.

import { el, toast } from "../ui.js";
import { MenuButton } from "./menu.js";

export class ExportMenu {
  /**
   * @param {HTMLDetailsElement} details  the menu (#export-menu)
   * @param {{store: object, view: {field: string}, meetingId: string, surveyOffer: HTMLElement}} deps
   */
  constructor(details, { store, view, meetingId, surveyOffer }) {
    this.menu = new MenuButton(details);
    this.store = store;
    this.view = view;
    this.meetingId = meetingId;
    this.surveyOffer = surveyOffer;
    for (const b of details.querySelectorAll("[data-export]")) b.addEventListener("click", () => this.exportAs(b.dataset.export));
  }

  async exportAs(fmt) {
    this.menu.close();
    const store = this.store;
    if (store.conflict) { toast("保存の競合を解決してから出力してください。"); return; }
    if (store.dirty && !(await store.save())) { toast("保存できなかったため出力を中止しました。"); return; }
    const a = el("a", { href: `/api/meetings/${this.meetingId}/export/${fmt}?clean=${this.view.field === "clean_text"}`, download: "" });
    document.body.append(a);
    a.click();
    a.remove();
    const key = `gijiroku:exported:${this.meetingId}`;
    if (!localStorage.getItem(key)) {
      localStorage.setItem(key, new Date().toISOString());
      window.dispatchEvent(new CustomEvent("gijiroku:first-export", { detail: { meetingId: Number(this.meetingId), format: fmt } }));
    }
    this.surveyOffer.hidden = false;
  }
}
