// Audio ↔ text sync: seeking from a click, highlighting the turn and word being played (checked
// every animation frame while playing, since `timeupdate` fires only ~4 times a second), keeping
// the current turn in view unless the user is typing elsewhere, and the playback speed.

import { turnAt, wordAt } from "./model.js";

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

export class Player {
  /** @param {HTMLAudioElement|null} audio  @param {() => object} getMinutes  @param {HTMLElement} turnsNode */
  constructor(audio, getMinutes, turnsNode, speedSelect, timeLabel) {
    this.audio = audio;
    this.getMinutes = getMinutes;
    this.turnsNode = turnsNode;
    this.speedSelect = speedSelect;
    this.timeLabel = timeLabel;
    this.currentTurn = -1;
    this.currentWord = null;
    this.raf = 0;
    if (!audio) return;
    audio.addEventListener("play", () => this.loop());
    audio.addEventListener("seeked", () => this.update());
    audio.addEventListener("timeupdate", () => this.update());
    audio.addEventListener("error", () => {
      this.timeLabel.textContent = "音声を読み込めません";
    });
    speedSelect.addEventListener("change", () => { audio.playbackRate = Number(speedSelect.value); });
  }

  get available() { return !!this.audio; }

  loop() {
    cancelAnimationFrame(this.raf);
    const tick = () => {
      this.update();
      if (!this.audio.paused) this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  seek(time, play = false) {
    if (!this.audio) return;
    this.audio.currentTime = Math.max(0, time);
    if (play) this.audio.play().catch(() => {});
    this.update();
  }

  toggle() {
    if (!this.audio) return;
    if (this.audio.paused) this.audio.play().catch(() => {}); else this.audio.pause();
  }

  skip(seconds) { if (this.audio) this.seek(this.audio.currentTime + seconds); }

  changeSpeed(step) {
    const i = SPEEDS.indexOf(Number(this.speedSelect.value));
    const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (i < 0 ? 1 : i) + step))];
    this.speedSelect.value = String(next);
    if (this.audio) this.audio.playbackRate = next;
    return next;
  }

  /** Re-apply the highlight after the turns were re-rendered. */
  reset() {
    this.currentTurn = -1;
    this.currentWord = null;
    this.update();
  }

  update() {
    if (!this.audio) return;
    const t = this.audio.currentTime;
    const minutes = this.getMinutes();
    if (!minutes) return;
    const i = turnAt(minutes.turns, t);
    if (i !== this.currentTurn) {
      const old = this.turnsNode.querySelector(".turn.current");
      if (old) old.classList.remove("current");
      this.currentTurn = i;
      const node = i >= 0 ? document.getElementById(`turn-${i}`) : null;
      if (node) {
        node.classList.add("current");
        if (!this.audio.paused && !isTyping()) node.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
    const turn = i >= 0 ? minutes.turns[i] : null;
    const w = turn ? wordAt(turn, t) : -1;
    const span = w >= 0 ? document.querySelector(`#turn-${i} .word[data-w="${w}"]`) : null;
    if (span !== this.currentWord) {
      if (this.currentWord) this.currentWord.classList.remove("playing");
      this.currentWord = span;
      if (span) span.classList.add("playing");
    }
  }
}

/** True while the caret is in an editable field: auto-scrolling would yank the text away. */
export function isTyping() {
  const a = document.activeElement;
  return !!a && (a.isContentEditable || a.tagName === "INPUT" || a.tagName === "TEXTAREA");
}
