// 会議の情報 on the meeting page, editable by staff: title, date and time, place, attendees and
// agenda in one dialog, saved with PATCH /api/meetings/{id} (the same rules as the upload form:
// the server refuses control and text-direction characters and says which field). The page is
// server-rendered, so after saving it is loaded again to show the new values everywhere.

import { api } from "./api.js";
import { field, openDialog } from "./dialog.js";
import { el, toast } from "./ui.js";

/** "2025-04-01T10:00" for <input type="datetime-local"> from the API's naive ISO time. */
function localValue(iso) { return iso ? iso.slice(0, 16) : ""; }

function lines(text) { return text.split("\n").map((s) => s.trim()).filter(Boolean); }

function area(label, name, value) {
  const id = `meta-${name}`;
  return el("div", { class: "dialog-field" },
    el("label", { for: id }, label, el("span", { class: "hint" }, "（1行に1件）")),
    el("textarea", { id, name, rows: "3" }, value));
}

export async function editMeetingMeta(meetingId) {
  const m = await api(`/api/meetings/${meetingId}`);
  const saved = await openDialog({
    title: "会議の情報を編集",
    className: "dialog-meeting-meta",
    body: [
      field("名称", { name: "title", value: m.title, required: true, maxlength: "300" }),
      field("日時", { name: "held_at", type: "datetime-local", value: localValue(m.held_at) }),
      field("場所", { name: "place", value: m.place, maxlength: "300" }),
      area("出席者", "attendees", m.attendees.join("\n")),
      area("議題", "agenda", m.agenda.join("\n")),
    ],
    buttons: [
      { label: "キャンセル", value: false },
      { label: "保存", value: true, primary: true, submit: true },
    ],
    onSubmit: async (form) => {
      const f = form.elements;
      await api(`/api/meetings/${meetingId}`, {
        method: "PATCH",
        body: {
          title: f.title.value.trim(),
          held_at: f.held_at.value || null,
          place: f.place.value.trim(),
          attendees: lines(f.attendees.value),
          agenda: lines(f.agenda.value),
        },
      });
      return true;
    },
  });
  if (saved) {
    toast("会議の情報を保存しました。");
    location.reload();
  }
}
