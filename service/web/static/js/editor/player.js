// Audio ↔ text sync: seeking from a click, highlighting the turn and word being played (checked
// every animation frame while playing, since `timeupdate` fires only ~4 times a second), keeping
// the current turn in view unless the user is typing elsewhere, and the playback speed.
// The play button, seek slider and time are ours rather than the browser's <audio controls>:
// Chromium's native controls swallow every key press once clicked, which killed the shortcuts.

import { formatClock } from "../ui.js";
import { turnAt, wordAt } from "./model.js";

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

/** "1分05秒" for the seek slider's spoken value. */
function spokenClock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = String(s % 60).padStart(2, "0");
  return h ? `${h}時間${m}分${r}秒` : `${m}分${r}秒`;
}

export class Player {
  /**
   * @param {HTMLAudioElement|null} audio  null when the audio was deleted
   * @param {() => object} getMinutes  @param {HTMLElement} turnsNode
   * @param {{speed: HTMLSelectElement, play: HTMLButtonElement, seek: HTMLInputElement,
   *          time: HTMLElement, message: HTMLElement}} controls  (play, seek, time: null without audio)
   */
  constructor(audio, getMinutes, turnsNode, controls) {
    this.audio = audio;
    this.getMinutes = getMinutes;
    this.turnsNode = turnsNode;
    this.speedSelect = controls.speed;
    this.controls = controls;
    this.currentTurn = -1;
    this.currentWord = null;
    this.raf = 0;
    this.scrubbing = false;
    this.shownTime = "";
    if (!audio) return;
    audio.addEventListener("play", () => { this.showPlaying(); this.loop(); });
    audio.addEventListener("pause", () => this.showPlaying());
    audio.addEventListener("loadedmetadata", () => this.showTime());
    audio.addEventListener("durationchange", () => this.showTime());
    audio.addEventListener("seeked", () => this.update());
    audio.addEventListener("timeupdate", () => this.update());
    audio.addEventListener("error", () => {
      controls.message.textContent = "音声を読み込めません";
      controls.play.disabled = true;
      controls.seek.disabled = true;
    });
    controls.play.addEventListener("click", () => this.toggle());
    const seek = controls.seek;
    seek.addEventListener("pointerdown", () => { this.scrubbing = true; });
    for (const type of ["pointerup", "change"]) seek.addEventListener(type, () => { this.scrubbing = false; });
    seek.addEventListener("input", () => this.seek(Number(seek.value)));
    this.speedSelect.addEventListener("change", () => { audio.playbackRate = Number(this.speedSelect.value); });
    this.showTime();
  }

  /** Length of the recording: the file's own, or the transcript's last word when unknown yet. */
  get duration() {
    const d = this.audio.duration;
    if (Number.isFinite(d) && d > 0) return d;
    const minutes = this.getMinutes();
    const turns = minutes ? minutes.turns : [];
    return turns.length ? turns[turns.length - 1].end : 0;
  }

  showPlaying() {
    const playing = !this.audio.paused;
    const play = this.controls.play;
    play.textContent = playing ? "❚❚" : "▶";
    play.setAttribute("aria-label", playing ? "一時停止" : "再生");
    play.title = `${playing ? "一時停止" : "再生"}（Alt+K）`;
  }

  /** Slider and clock, redrawn only when the whole second changes (update() runs every frame). */
  showTime() {
    const t = this.audio.currentTime, d = this.duration;
    const seek = this.controls.seek;
    const key = `${Math.floor(t)}/${Math.ceil(d)}`;
    if (key !== this.shownTime) {
      this.shownTime = key;
      seek.max = String(Math.ceil(d));
      seek.setAttribute("aria-valuetext", `${spokenClock(t)}（全体 ${spokenClock(d)}）`);
      this.controls.time.textContent = `${formatClock(t)} / ${d ? formatClock(d) : "--:--"}`;
    }
    if (!this.scrubbing) seek.value = String(t);
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
    this.showTime();
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
        if (!this.audio.paused && !isTyping()) keepInUpperThird(node);
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

/**
 * Scroll so that the turn being played starts in the upper third of what is visible below the
 * sticky player: following along, the reader's eyes stay near the top and the next turns are in
 * view (scrollIntoView "nearest" left the current turn on the bottom edge). A turn already in
 * the upper third is left where it is, so the page does not jump on every turn.
 */
function keepInUpperThird(node) {
  const bar = document.querySelector(".player");
  const top = bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
  const third = top + (window.innerHeight - top) / 3;
  const at = node.getBoundingClientRect().top;
  if (at >= top && at <= third) return;
  window.scrollBy({ top: at - top - 12, behavior: "smooth" });
}

/** True while the caret is in an editable field: auto-scrolling would yank the text away. */
export function isTyping() {
  const a = document.activeElement;
  return !!a && (a.isContentEditable || a.tagName === "INPUT" || a.tagName === "TEXTAREA");
}
