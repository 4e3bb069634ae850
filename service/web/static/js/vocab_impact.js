// Adding a 単語登録 entry with its impact shown first: a rule rewrites every future draft of the
// department, so before it is added the server runs it over the department's past transcripts
// (POST /api/vocabulary/preview) and the dialog says how many places would change, with examples.
// A risky rule (one character, or part of longer words there: 自動→児童 turns 自動車 into 児童車)
// can only be added after ticking that the effect is understood; the server refuses it otherwise.
// Used by the 単語登録 page and the editor's find/replace.

import { api } from "./api.js";
import { openDialog } from "./dialog.js";
import { el } from "./ui.js";

function example(e) {
  return el("li", {},
    el("span", { class: "muted small" }, `${e.title}：`),
    e.prefix ? `…${e.prefix}` : "", el("del", {}, e.old), el("ins", {}, e.new), e.suffix ? `${e.suffix}…` : "");
}

function summary(term, impact) {
  if (!impact.meetings_searched) return "この部署にはまだ会議録がないため、過去の文への影響は確かめられません。";
  if (!impact.changes) return `過去の会議録（${impact.meetings_searched}件）には、この登録で変わる箇所はありません。`;
  return `過去の会議録（${impact.meetings_searched}件）のうち${impact.meetings_changed}件の${impact.changes}か所が「${term}」に置き換わります。`;
}

/**
 * Preview the rule, ask, and add it. Resolves with the created entry, or null when the user
 * cancelled. `query` is the page's "?department_id=N" (admins), or "".
 */
export async function addVocabulary({ term, variants = [], note = "", query = "" }) {
  if (!variants.length) { // nothing is replaced, so nothing to preview: the term is only protected
    return api("/api/vocabulary" + query, { method: "POST", body: { term, variants, note } });
  }
  const impact = await api("/api/vocabulary/preview" + query, { method: "POST", body: { term, variants } });
  const body = [
    el("p", {}, `「${variants.join("」「")}」を「${term}」に置き換える規則を登録します。`),
    el("p", { class: "impact-summary" }, summary(term, impact)),
  ];
  if (impact.examples.length) body.push(el("ul", { class: "impact-examples" }, ...impact.examples.map(example)));
  if (impact.needs_confirmation) {
    body.push(el("div", { class: "alert alert-warn", role: "note" }, ...impact.warnings.map((w) => el("p", {}, w))));
    body.push(el("label", { class: "check" }, el("input", { type: "checkbox", name: "confirmed", required: true }),
      "影響を確認しました。それでも登録します"));
  }
  return openDialog({
    title: impact.needs_confirmation ? "この登録は影響が大きい可能性があります" : "単語登録の影響",
    className: "dialog-vocab-impact",
    body,
    buttons: [
      { label: "登録しない", value: null },
      { label: "登録する", value: "add", primary: !impact.needs_confirmation, danger: impact.needs_confirmation, submit: true },
    ],
    onSubmit: () => api("/api/vocabulary" + query, {
      method: "POST",
      body: { term, variants, note, confirmed: impact.needs_confirmation },
    }),
  });
}
