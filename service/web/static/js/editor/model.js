// Pure operations on the Minutes JSON (models/types.py): no DOM here, so every structural edit
// (rename, reassign, split, merge, find/replace) is one small function that is easy to reason
// about. `field` is the shown text field: "text" (素起こし) or "clean_text" (ケバ取り).

export const OTHER = { text: "clean_text", clean_text: "text" };

/**
 * Where each recognised word sits in `text`: [{from, to, w}] in order. The text is the authority
 * (staff edit it freely); words that no longer appear simply lose their span, keeping their
 * timing in `words` for seeking. A word is searched only a short way ahead so one edited word
 * does not make every later word jump to a far-off repeat.
 */
export function alignWords(text, words, lookahead = 12) {
  const out = [];
  let cursor = 0;
  (words || []).forEach((word, w) => {
    const needle = (word.word || "").trim();
    if (!needle) return;
    const at = text.indexOf(needle, cursor);
    if (at < 0 || at - cursor > lookahead) return;
    out.push({ from: at, to: at + needle.length, w });
    cursor = at + needle.length;
  });
  return out;
}

/** 要確認: Whisper was unsure of the word (probability under `threshold`) and staff have not
 * corrected or confirmed it (`confirmed`, set by a correction or by 確認済み). */
export function isLow(word, threshold) {
  return typeof word.probability === "number" && word.probability < threshold && !word.confirmed;
}

/** 確認済み: words `indices` of the turn (all of them when omitted) are no longer 要確認.
 * Returns how many were still unconfirmed. */
export function confirmWords(turn, indices = null) {
  const words = turn.words || [];
  let n = 0;
  for (const w of indices === null ? words.keys() : indices) {
    if (words[w] && !words[w].confirmed) { words[w].confirmed = true; n++; }
  }
  return n;
}

export function speakerLabel(minutes, id) {
  const s = minutes.speakers.find((sp) => sp.id === id);
  return s ? s.label : id;
}

/** Rename a speaker everywhere: the label lives once in speakers[], turns refer to the id. */
export function renameSpeaker(minutes, id, label) {
  const s = minutes.speakers.find((sp) => sp.id === id);
  if (!s || !label.trim()) return false;
  s.label = label.trim();
  return true;
}

/** Add a speaker (e.g. someone the diarizer merged with another) and return its id. */
export function addSpeaker(minutes, label) {
  let n = minutes.speakers.length;
  let id;
  do { id = `SPEAKER_${String(n++).padStart(2, "0")}`; } while (minutes.speakers.some((s) => s.id === id));
  minutes.speakers.push({ id, label: label || `話者${minutes.speakers.length + 1}` });
  return id;
}

export function reassignTurn(minutes, index, speakerId) {
  if (!minutes.speakers.some((s) => s.id === speakerId)) return false;
  minutes.turns[index].speaker = speakerId;
  return true;
}

/** Character offset in `other` that corresponds to word `k` (or a proportional guess). */
function matchingOffset(turn, field, offset, k) {
  const shown = turn[field] || "";
  const otherText = turn[OTHER[field]] || "";
  if (otherText === shown) return offset;
  const aligned = alignWords(otherText, turn.words);
  const hit = aligned.find((a) => a.w >= k);
  if (hit && k < (turn.words || []).length) return hit.from;
  return Math.round((otherText.length * offset) / Math.max(1, shown.length));
}

/**
 * Split turn `index` at character `offset` of the shown field. Words (and so the time) are cut
 * at the first word that starts at or after the cursor; the other text field is cut at the same
 * word. Returns false when the cursor is at either end (nothing to split).
 */
export function splitTurn(minutes, index, field, offset) {
  const turn = minutes.turns[index];
  const shown = turn[field] || "";
  if (offset <= 0 || offset >= shown.length) return false;
  const words = turn.words || [];
  const aligned = alignWords(shown, words);
  const next = aligned.find((a) => a.from >= offset);
  const before = aligned.filter((a) => a.from < offset);
  let k;
  if (next) k = next.w;
  else if (before.length) k = before[before.length - 1].w + 1;
  else k = Math.round((words.length * offset) / shown.length);
  let splitTime;
  if (k < words.length && k > 0) splitTime = words[k].start;
  else splitTime = turn.start + ((turn.end - turn.start) * offset) / shown.length;
  splitTime = Math.min(Math.max(splitTime, turn.start), turn.end);
  const otherField = OTHER[field];
  const otherOffset = matchingOffset(turn, field, offset, k);
  const otherText = turn[otherField] || "";
  const first = {
    ...turn,
    end: splitTime,
    [field]: shown.slice(0, offset).trimEnd(),
    [otherField]: otherText.slice(0, otherOffset).trimEnd(),
    words: words.slice(0, k),
  };
  const second = {
    ...turn,
    start: splitTime,
    [field]: shown.slice(offset).trimStart(),
    [otherField]: otherText.slice(otherOffset).trimStart(),
    words: words.slice(k),
  };
  minutes.turns.splice(index, 1, first, second);
  return true;
}

/** Merge turn `index` with the next one (the first turn's speaker wins). */
export function mergeWithNext(minutes, index) {
  const a = minutes.turns[index];
  const b = minutes.turns[index + 1];
  if (!a || !b) return false;
  minutes.turns.splice(index, 2, {
    ...a,
    end: Math.max(a.end, b.end),
    text: (a.text || "") + (b.text || ""),
    clean_text: (a.clean_text || "") + (b.clean_text || ""),
    clean_edited: !!(a.clean_edited || b.clean_edited),
    words: [...(a.words || []), ...(b.words || [])],
  });
  return true;
}

/** Every occurrence of `needle` in the shown field: [{turn, offset, nth}] (nth within the turn). */
export function findMatches(minutes, field, needle) {
  const out = [];
  if (!needle) return out;
  minutes.turns.forEach((t, turn) => {
    const text = t[field] || "";
    let at = text.indexOf(needle);
    let nth = 0;
    while (at >= 0) {
      out.push({ turn, offset: at, nth: nth++ });
      at = text.indexOf(needle, at + needle.length);
    }
  });
  return out;
}

function replaceNth(text, needle, replacement, nth) {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + (i ? needle.length : 0));
    if (at < 0) return text;
  }
  return text.slice(0, at) + replacement + text.slice(at + needle.length);
}

/** Replace one match; with `both`, also the same occurrence in the other text field. */
export function replaceOne(minutes, field, match, needle, replacement, both) {
  const t = minutes.turns[match.turn];
  const text = t[field] || "";
  if (text.substr(match.offset, needle.length) !== needle) return false;
  t[field] = text.slice(0, match.offset) + replacement + text.slice(match.offset + needle.length);
  if (both && OTHER[field] in t) t[OTHER[field]] = replaceNth(t[OTHER[field]] || "", needle, replacement, match.nth);
  return true;
}

/** Replace every occurrence; returns how many were replaced in the shown field. */
export function replaceAll(minutes, field, needle, replacement, both) {
  if (!needle) return 0;
  let count = 0;
  for (const t of minutes.turns) {
    const fields = both ? [field, OTHER[field]] : [field];
    for (const f of fields) {
      const parts = (t[f] || "").split(needle);
      if (f === field) count += parts.length - 1;
      t[f] = parts.join(replacement);
    }
  }
  return count;
}

/** The minutes as plain text (for "copy my version" when a save conflicts). */
export function plainText(minutes, field) {
  return minutes.turns.map((t) => `${speakerLabel(minutes, t.speaker)}：${t[field] || ""}`).join("\n");
}

/** Index of the turn playing at `time` (binary search on start), or -1 before the first. */
export function turnAt(turns, time) {
  let lo = 0, hi = turns.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (turns[mid].start <= time) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** Index of the word playing at `time` in `turn`, or -1. */
export function wordAt(turn, time) {
  const words = turn.words || [];
  for (let i = 0; i < words.length; i++) {
    if (words[i].start <= time && time < words[i].end) return i;
    if (words[i].start > time) break;
  }
  return -1;
}
