// 管理: departments (add, rename) and users (add, change role/department, reset password,
// enable/disable). The API enforces the rules (e.g. clerks need a department); we show its message.

import { api } from "./api.js";
import { field, openDialog, promptDialog } from "./dialog.js";
import { el, toast } from "./ui.js";

const roles = JSON.parse(document.getElementById("role-labels").textContent);
const roleLabel = Object.fromEntries(roles);
let departments = [];

function deptOptions(select, selected, allowNone = true) {
  select.replaceChildren(
    ...(allowNone ? [el("option", { value: "" }, "（なし）")] : []),
    ...departments.map((d) => el("option", { value: d.id, selected: d.id === selected }, d.name)),
  );
}

async function loadDepartments() {
  departments = await api("/api/departments");
  document.getElementById("dept-body").replaceChildren(...departments.map((d) => el("tr", {},
    el("td", { class: "num", text: String(d.id) }),
    el("td", { text: d.name }),
    el("td", { class: "num" }, el("button", {
      type: "button", class: "btn btn-small", "aria-label": `${d.name} の名前を変更`,
      onclick: async () => {
        const name = await promptDialog(`部署「${d.name}」の名前を変更`, "新しい部署名", d.name, { maxlength: "200" });
        if (!name || name === d.name) return;
        try { await api(`/api/departments/${d.id}`, { method: "PATCH", body: { name } }); toast("部署名を変更しました。"); refresh(); }
        catch (err) { toast(err.message); }
      },
    }, "名前を変更")),
  )));
  for (const s of document.querySelectorAll("select[data-departments]")) deptOptions(s, null);
}

async function update(user, changes, message) {
  try {
    await api(`/api/users/${user.id}`, { method: "PATCH", body: changes });
    toast(message);
  } catch (err) { toast(err.message); }
  loadUsers();
}

function userRow(u) {
  const role = el("select", { "aria-label": `${u.username} の役割` },
    ...roles.map(([value, label]) => el("option", { value, selected: value === u.role }, label)));
  role.addEventListener("change", () => update(u, { role: role.value }, "役割を変更しました。"));
  const dept = el("select", { "aria-label": `${u.username} の部署` });
  deptOptions(dept, u.department_id);
  dept.addEventListener("change", () => update(u, { department_id: dept.value ? Number(dept.value) : null }, "部署を変更しました。"));
  return el("tr", {},
    el("td", { text: u.username }),
    el("td", { text: u.display_name }),
    el("td", {}, role),
    el("td", {}, dept),
    el("td", {}, el("span", { class: `badge ${u.is_active ? "badge-done" : "badge-cancelled"}` }, u.is_active ? "有効" : "無効")),
    el("td", { class: "num" },
      el("button", { type: "button", class: "btn btn-small", "aria-label": `${u.username} のパスワードを再設定`, onclick: () => resetPassword(u) }, "パスワード再設定"), " ",
      el("button", { type: "button", class: "btn btn-small" + (u.is_active ? " btn-danger" : ""), onclick: () => update(u, { is_active: !u.is_active }, u.is_active ? "無効にしました。" : "有効にしました。") },
        u.is_active ? "無効にする" : "有効にする"),
    ),
  );
}

/** The new password in a dialog that says what is wrong with it (the server's policy message)
 * and stays open until it is accepted. */
async function resetPassword(u) {
  const min = document.getElementById("u-password").minLength;
  const done = await openDialog({
    title: `${u.username} のパスワードを再設定`,
    body: [
      field(`新しいパスワード（${min}文字以上）`, { name: "password", type: "password", required: true, minlength: String(min), maxlength: "1000", autocomplete: "new-password" }),
      el("p", { class: "muted small" }, "このユーザーのログイン中のセッションはすべて終了します。"),
    ],
    buttons: [
      { label: "キャンセル", value: false },
      { label: "再設定する", value: true, primary: true, submit: true },
    ],
    onSubmit: async (form) => {
      await api(`/api/users/${u.id}`, { method: "PATCH", body: { password: form.elements.password.value } });
      return true;
    },
  });
  if (done) { toast("パスワードを再設定しました。"); loadUsers(); }
}

async function loadUsers() {
  const users = await api("/api/users");
  document.getElementById("users-body").replaceChildren(...users.map(userRow));
}

async function refresh() {
  try { await loadDepartments(); await loadUsers(); } catch (err) { toast(err.message); }
}

document.getElementById("dept-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = e.target.name.value.trim();
  if (!name) return;
  try { await api("/api/departments", { method: "POST", body: { name } }); e.target.reset(); toast(`部署「${name}」を追加しました。`); refresh(); }
  catch (err) { toast(err.message); }
});

document.getElementById("user-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const box = document.getElementById("user-error");
  box.hidden = true;
  try {
    await api("/api/users", { method: "POST", body: {
      username: f.username.value.trim(), display_name: f.display_name.value.trim(), password: f.password.value,
      role: f.role.value, department_id: f.department_id.value ? Number(f.department_id.value) : null,
    } });
    toast(`ユーザー ${f.username.value.trim()} を追加しました。`);
    f.reset();
    refresh();
  } catch (err) { box.textContent = err.message; box.hidden = false; }
});

refresh();
