// The transcript being edited and its saving: explicit save, autosave some seconds after the last
// change, optimistic concurrency (PUT with base_revision; 409 → conflict, local text kept),
// revision list and restore (= save the old content as a new revision on top of the latest).

import { api } from "../api.js";

export class TranscriptStore extends EventTarget {
  constructor(meetingId, { autosaveMs = 30_000 } = {}) {
    super();
    this.base = `/api/meetings/${meetingId}/transcript`;
    this.autosaveMs = autosaveMs;
    this.minutes = null;
    this.revision = null; // the revision our local copy is based on
    this.dirty = false;
    this.saving = false;
    this.conflict = null; // {latest, message} while a save was rejected as stale
    this.timer = null;
  }

  emit(type, detail = {}) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  async load(revision = null) {
    const data = await api(this.base + (revision ? `?revision=${revision}` : ""));
    this.minutes = data.minutes;
    this.revision = data.revision;
    this.dirty = false;
    this.conflict = null;
    clearTimeout(this.timer);
    this.emit("loaded", { revision: data.revision });
    this.emit("state");
    return data;
  }

  /** Call after every local change; schedules the autosave. */
  changed() {
    this.dirty = true;
    this.emit("state");
    clearTimeout(this.timer);
    if (!this.conflict && this.autosaveMs > 0) this.timer = setTimeout(() => this.save({ auto: true }), this.autosaveMs);
  }

  /**
   * Save as a new revision. `overwrite` bases the save on the latest revision the server named
   * in the conflict (the user chose to replace the other person's version with theirs).
   */
  async save({ auto = false, overwrite = false } = {}) {
    if (this.saving || (!this.dirty && !overwrite)) return false;
    if (this.conflict && !overwrite) return false; // never retry a stale save silently
    clearTimeout(this.timer);
    this.saving = true;
    this.emit("state");
    const base = overwrite && this.conflict ? this.conflict.latest : this.revision;
    const sent = JSON.stringify(this.minutes);
    try {
      const data = await api(this.base, { method: "PUT", body: { base_revision: base, minutes: JSON.parse(sent), kind: auto ? "autosave" : "manual" } });
      this.revision = data.revision;
      this.conflict = null;
      // Edits typed while the request was in flight stay dirty.
      this.dirty = JSON.stringify(this.minutes) !== sent;
      this.emit("saved", { revision: data.revision, auto });
      return true;
    } catch (err) {
      if (err.status === 409) {
        this.conflict = { latest: await this.latestRevision(), message: err.message };
        this.emit("conflict", this.conflict);
      } else {
        this.emit("error", { message: err.message, auto, status: err.status, code: err.code });
        if (auto && this.autosaveMs > 0) this.timer = setTimeout(() => this.save({ auto: true }), this.autosaveMs);
      }
      return false;
    } finally {
      this.saving = false;
      this.emit("state");
    }
  }

  async latestRevision() {
    try {
      const list = await api(`${this.base}/revisions`);
      return list.length ? list[list.length - 1].revision : this.revision;
    } catch (_) {
      return this.revision;
    }
  }

  revisions() { return api(`${this.base}/revisions`); }

  /** Restore = save revision `n`'s content as a new revision on top of the latest. */
  async restore(n) {
    const old = await api(`${this.base}?revision=${n}`);
    const latest = await this.latestRevision();
    const data = await api(this.base, { method: "PUT", body: { base_revision: latest, minutes: old.minutes, kind: "restore" } });
    this.minutes = data.minutes;
    this.revision = data.revision;
    this.dirty = false;
    this.conflict = null;
    clearTimeout(this.timer);
    this.emit("loaded", { revision: data.revision, restoredFrom: n });
    this.emit("saved", { revision: data.revision, auto: false });
    this.emit("state");
  }
}
