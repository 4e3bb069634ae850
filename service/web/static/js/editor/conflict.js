// The box shown when a save was refused because someone else saved first (409): the local text
// stays on screen, and the user copies it, loads the latest revision (losing local edits) or
// overwrites the other version with theirs (which stays in the history).

import { el, toast } from "../ui.js";
import { plainText } from "./model.js";

export class ConflictBox {
  /**
   * @param {HTMLElement} box  #conflict
   * @param {{store: object, view: {field: string}, reload: () => Promise<void>}} deps
   */
  constructor(box, { store, view, reload }) {
    this.box = box;
    this.store = store;
    this.copyText = box.querySelector("#conflict-copy-text");
    store.addEventListener("conflict", (e) => this.show(e.detail.latest));
    store.addEventListener("saved", () => { box.hidden = true; });
    box.querySelector("#conflict-copy").addEventListener("click", () => this.copy(plainText(store.minutes, view.field)));
    box.querySelector("#conflict-reload").addEventListener("click", async () => {
      if (!confirm("最新の内容を読み込むと、この画面の未保存の変更は失われます。よろしいですか？")) return;
      await reload();
      box.hidden = true;
      this.copyText.hidden = true;
    });
    box.querySelector("#conflict-overwrite").addEventListener("click", () => {
      if (!confirm("他の人の変更を、あなたの内容で置き換えて保存します（相手の版は履歴に残ります）。よろしいですか？")) return;
      store.save({ overwrite: true });
    });
  }

  show(latest) {
    this.box.querySelector("#conflict-message").replaceChildren(
      el("strong", {}, "他の人が先に保存しました。"),
      `（最新は第${latest}版、あなたの編集元は第${this.store.revision}版）あなたの変更はまだ保存されていませんが、この画面には残っています。` +
        "自分の文章をコピーしてから最新の内容を読み込むか、自分の内容で上書き保存してください。",
    );
    this.box.hidden = false;
    this.box.scrollIntoView({ block: "nearest" });
  }

  async copy(text) {
    this.copyText.value = text;
    this.copyText.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      toast("あなたの文章をクリップボードにコピーしました。");
    } catch (_) {
      this.copyText.select();
      toast("下の欄の文章を選択しました。Ctrl+C でコピーしてください。");
    }
  }
}
