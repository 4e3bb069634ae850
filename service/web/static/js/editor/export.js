// The 出力 menu: an export saves pending edits first (never exports what the server does not
// have), then downloads the chosen format of the text chosen beside the menu: ケバ取り unless staff
// ask for 素起こし, whatever the view shows (a 素起こし export taken by mistake carried every error
// ケバ取り had fixed). The first export of a meeting in this browser fires the window event
// `gijiroku:first-export` and offers the survey.

import { el, toast } from "../ui.js";
import { MenuButton } from "./menu.js";

export class ExportMenu {
  /**
   * @param {HTMLDetailsElement} details  the menu (#export-menu)
   * @param {{store: object, corrections: {flush: () => Promise<void>} | null, meetingId: string,
   *          textChoice: HTMLSelectElement, surveyOffer: HTMLElement}} deps
   */
  constructor(details, { store, corrections, meetingId, textChoice, surveyOffer }) {
    this.menu = new MenuButton(details);
    this.store = store;
    this.corrections = corrections;
    this.textChoice = textChoice;
    this.meetingId = meetingId;
    this.surveyOffer = surveyOffer;
    for (const b of details.querySelectorAll("[data-export]")) b.addEventListener("click", () => this.exportAs(b.dataset.export, b.textContent));
  }

  async exportAs(fmt, label = fmt) {
    this.menu.close();
    const store = this.store;
    if (this.corrections) await this.corrections.flush();
    if (store.conflict) { toast("保存の競合を解決してから出力してください。"); return; }
    if (store.dirty && !(await store.save())) { toast("保存できなかったため出力を中止しました。"); return; }
    const clean = this.textChoice.value !== "verbatim";
    const a = el("a", { href: `/api/meetings/${this.meetingId}/export/${fmt}?clean=${clean}`, download: "" });
    document.body.append(a);
    a.click();
    a.remove();
    toast(`${label}を${clean ? "ケバ取り" : "素起こし"}の文で出力しました。`);
    const key = `gijiroku:exported:${this.meetingId}`;
    if (!localStorage.getItem(key)) {
      localStorage.setItem(key, new Date().toISOString());
      window.dispatchEvent(new CustomEvent("gijiroku:first-export", { detail: { meetingId: Number(this.meetingId), format: fmt } }));
    }
    this.surveyOffer.hidden = false;
  }
}
