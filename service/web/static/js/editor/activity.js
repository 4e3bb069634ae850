// Active editing time, the KPI for "how long did staff spend correcting this draft": counted only
// while the page is visible and focused and the user did something (typed, clicked, scrolled,
// or audio is playing) within the last 2 minutes. The seconds since the last send go to
// POST /api/meetings/{id}/editing-time every minute and when the page is hidden or left.
// fetch(keepalive) instead of navigator.sendBeacon: a beacon cannot carry the X-CSRF-Token header
// that cookie-authenticated writes need. A 404 (endpoint not deployed) is ignored quietly.

import { csrfToken } from "../api.js";

export const IDLE_LIMIT_MS = 120_000;
const TICK_MS = 1000;
const SEND_EVERY_MS = 60_000;

export class ActivityMeter {
  constructor(meetingId, { isPlaying = () => false, idleLimitMs = IDLE_LIMIT_MS, sendEveryMs = SEND_EVERY_MS } = {}) {
    this.url = `/api/meetings/${meetingId}/editing-time`;
    this.isPlaying = isPlaying;
    this.idleLimitMs = idleLimitMs;
    this.pending = 0; // seconds not sent yet
    this.total = 0; // for display/debugging
    this.missing = false; // the server answered 404: the endpoint is not deployed
    this.lastInput = Date.now();
    this.lastTick = performance.now();
    for (const type of ["keydown", "pointerdown", "input", "wheel", "scroll", "touchstart"]) {
      window.addEventListener(type, () => { this.lastInput = Date.now(); }, { capture: true, passive: true });
    }
    setInterval(() => this.tick(), TICK_MS);
    setInterval(() => this.flush(), sendEveryMs);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") this.flush(); });
    window.addEventListener("pagehide", () => this.flush());
  }

  active() {
    const recent = Date.now() - this.lastInput < this.idleLimitMs || this.isPlaying();
    return document.visibilityState === "visible" && document.hasFocus() && recent;
  }

  tick() {
    const now = performance.now();
    // Cap one tick so a suspended laptop does not count its sleep as work.
    const elapsed = Math.min(now - this.lastTick, 2 * TICK_MS) / 1000;
    this.lastTick = now;
    if (this.active()) { this.pending += elapsed; this.total += elapsed; }
  }

  flush() {
    const seconds = Math.round(this.pending * 10) / 10;
    if (seconds <= 0 || this.missing) return;
    this.pending = 0;
    try {
      fetch(this.url, {
        method: "POST",
        keepalive: true,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ active_seconds: seconds }),
      }).then((res) => {
        // No endpoint on this server (yet): stop asking instead of logging a 404 every minute.
        if (res.status === 404) this.missing = true;
      }).catch(() => {});
    } catch (_) { /* the page is going away; nothing more to do */ }
  }
}
