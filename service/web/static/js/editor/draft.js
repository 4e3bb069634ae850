// Unsaved edits kept in this browser (localStorage) until the server has them: a save can fail
// (session ended, network down) and a reload or a closed tab would otherwise throw the edits away.
// One entry per user, meeting and base revision (the revision the edits were made on), so a later
// restore knows what it is based on; a restore on an outdated base then meets the usual conflict
// box instead of overwriting someone's newer save. The entry is removed once saved, and when the
// user discards it (here, or by loading the latest revision from the conflict box).
// Nothing leaves the browser: the text is already in this page, and the key names only ids.

import { openDialog } from "../dialog.js";
import { el, formatDateTime, toast } from "../ui.js";

const PREFIX = "gijiroku:draft:";
const WRITE_DELAY_MS = 1000; // a 2-hour transcript is megabytes of JSON: not on every key press

export class DraftKeeper {
  /** @param {import("./store.js").TranscriptStore} store */
  constructor(store, meetingId, username) {
    this.store = store;
    this.scope = `${PREFIX}${encodeURIComponent(username)}:${meetingId}:`;
    this.timer = null;
    this.warned = false;
    store.addEventListener("state", () => {
      if (store.dirty) this.schedule();
    });
    store.addEventListener("saved", () => {
      if (!store.dirty) this.clear();
      else this.write(); // typed while the save was in flight: now based on the new revision
    });
    // Leaving the page: write at once what the delay has not written yet.
    window.addEventListener("pagehide", () => { if (this.timer) this.write(); });
    document.addEventListener("visibilitychange", () => { if (document.hidden && this.timer) this.write(); });
  }

  keys() {
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key && key.startsWith(this.scope)) keys.push(key);
    }
    return keys;
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.write(), WRITE_DELAY_MS);
  }

  write() {
    clearTimeout(this.timer);
    this.timer = null;
    if (!this.store.dirty || !this.store.minutes) return;
    const key = this.scope + this.store.revision;
    const value = JSON.stringify({ revision: this.store.revision, savedAt: new Date().toISOString(), minutes: this.store.minutes });
    for (const other of this.keys()) if (other !== key) localStorage.removeItem(other);
    try {
      localStorage.setItem(key, value);
    } catch (_) { // quota: the edits are still in the page; say once that they are not kept
      if (!this.warned) toast("編集内容をこのブラウザーに一時保存できませんでした（容量不足）。早めに保存してください。", 8000);
      this.warned = true;
    }
  }

  clear() {
    clearTimeout(this.timer);
    this.timer = null;
    for (const key of this.keys()) localStorage.removeItem(key);
  }

  /** The newest kept draft of this meeting: {revision, savedAt, minutes}, or null. */
  read() {
    let best = null;
    for (const key of this.keys()) {
      try {
        const draft = JSON.parse(localStorage.getItem(key));
        if (draft && draft.minutes && Array.isArray(draft.minutes.turns) && (!best || draft.savedAt > best.savedAt)) best = draft;
      } catch (_) { localStorage.removeItem(key); }
    }
    return best;
  }

  /**
   * After the page loaded the latest revision: offer the kept draft, if it differs. Resolves true
   * when it was restored (the store then holds it, unsaved, on its own base revision).
   * From then on, loading a revision over the local text (conflict box: 最新の内容を読み込む)
   * discards the draft, as the user chose.
   */
  async offerRestore() {
    const draft = this.read();
    let restored = false;
    if (draft && JSON.stringify(draft.minutes) !== JSON.stringify(this.store.minutes)) {
      const choice = await openDialog({
        title: "保存されていない編集があります",
        body: [el("p", {}, `第${draft.revision}版をもとにした、保存されていない編集がこのブラウザーに残っています（${formatDateTime(draft.savedAt)}）。復元しますか？`),
          draft.revision < this.store.revision
            ? el("p", { class: "alert alert-warn" }, `その後、第${this.store.revision}版が保存されています。復元して保存すると、どちらを残すか選ぶ画面になります。`)
            : null,
          el("p", { class: "muted small" }, "「破棄」を選ぶと削除され、元に戻せません。")],
        buttons: [
          { label: "破棄", value: "discard", danger: true },
          { label: "復元する", value: "restore", primary: true, submit: true },
        ],
      });
      if (choice === "restore") {
        restored = true;
        this.store.minutes = draft.minutes;
        this.store.revision = draft.revision;
        this.store.changed();
        toast("保存されていない編集を復元しました。保存すると反映されます。");
      } else if (choice === "discard") {
        this.clear();
      } // Esc: decide next time
    } else if (draft) {
      this.clear();
    }
    this.store.addEventListener("loaded", () => { if (!this.store.dirty) this.clear(); });
    return restored;
  }
}
