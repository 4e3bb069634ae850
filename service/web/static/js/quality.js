// The meeting page's 録音品質 card: the grade, the advice and the measured figures of the latest
// finished job's upload (models/quality.py measures them; the API sends them on the job).

import { el } from "./ui.js";

const card = document.getElementById("quality");

function fixed(value, digits, unit) {
  return value === null || value === undefined ? "測定できず" : `${Number(value).toFixed(digits)} ${unit}`;
}

function figures(q) {
  const bandwidth = q.bandwidth_hz === null || q.bandwidth_hz === undefined ? "測定できず" : `${(q.bandwidth_hz / 1000).toFixed(1)} kHz`;
  return [
    ["発言の音量", fixed(q.speech_level_dbfs, 1, "dBFS")],
    ["SN比（雑音との差）", fixed(q.snr_db, 1, "dB")],
    ["残響時間（推定）", fixed(q.reverb_t60_s, 2, "秒")],
    ["音割れ", `${(q.clipping_ratio * 100).toFixed(2)} %`],
    ["音声の帯域", bandwidth],
  ];
}

/** Show `quality` (a job's recording_quality), or hide the card when there is none. */
export function showQuality(quality) {
  if (!card) return;
  card.hidden = !quality;
  if (!quality) return;
  document.getElementById("quality-grade").replaceChildren(
    el("span", { class: `badge badge-quality-${quality.grade}`, text: quality.grade_label }),
  );
  const advice = quality.advice.length ? quality.advice : ["音声認識に適した録音です。"];
  document.getElementById("quality-advice").replaceChildren(...advice.map((a) => el("li", { text: a })));
  document.getElementById("quality-figures").replaceChildren(
    ...figures(quality).flatMap(([label, value]) => [el("dt", { text: label }), el("dd", { text: value })]),
  );
}
