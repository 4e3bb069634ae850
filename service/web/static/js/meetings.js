// Meeting list: one page of /api/meetings with the total, so no meeting falls off the end of a
// long list. The filters, sort order and page live in the URL query (reload and the back button
// keep them); the page re-polls every few seconds while a job on it is queued or running, so the
// clerk sees the stage and the progress bar move without reloading.

import { api } from "./api.js";
import { STATUS_LABELS, el, formatDateTime, formatDuration, isActive, progressBar, setJobProgress, stageText, statusBadge } from "./ui.js";

const POLL_MS = 2000;
const DEFAULT_SORT = "-created_at";
// The form's controls, named as the API's query parameters (部署 exists only for admins).
const FIELDS = ["q", "status", "from", "to", "department_id", "sort"];
const body = document.getElementById("meetings-body");
const table = document.getElementById("meetings-table");
const summary = document.getElementById("meetings-summary");
const empty = document.getElementById("meetings-empty");
const noMatch = document.getElementById("meetings-no-match");
const errorBox = document.getElementById("list-error");
const form = document.getElementById("list-form");
const bottomPager = document.querySelector(".list-pager-bottom");
let timer = null;
let requestSeq = 0;
let shownPage = 1;

for (const [value, label] of Object.entries(STATUS_LABELS)) form.status.append(el("option", { value, text: label }));
const controls = FIELDS.map((name) => form.elements.namedItem(name)).filter(Boolean);

function row(m) {
  const job = m.latest_job;
  const bar = progressBar(`${m.title} の進捗`);
  setJobProgress(bar, job);
  const actions = el("td", { class: "num" });
  if (job && job.status === "done" && document.body.dataset.canEdit === "1") {
    actions.append(el("a", { class: "btn btn-small", href: `/meetings/${m.id}/edit`, "aria-label": `${m.title} を編集` }, "編集"));
  }
  return el("tr", { dataset: { meetingId: m.id, status: job ? job.status : "" } },
    el("td", {}, el("a", { href: `/meetings/${m.id}` }, m.title)),
    el("td", { text: formatDateTime(m.held_at) }),
    el("td", { class: "hide-narrow", text: m.place }),
    el("td", { class: "hide-narrow num", text: formatDuration(m.duration) }),
    el("td", {}, statusBadge(job)),
    el("td", {}, bar, el("div", { class: "stage", text: stageText(job) })),
    actions,
  );
}

/** The URL's conditions put into the form; a value the form cannot hold (a mistyped URL) is dropped. */
function fillForm() {
  const params = new URLSearchParams(location.search);
  for (const control of controls) control.value = params.get(control.name) || "";
  if (!form.sort.value) form.sort.value = DEFAULT_SORT;
}

/** The form's conditions as query parameters, defaults left out so plain /meetings stays plain. */
function formParams() {
  const params = new URLSearchParams();
  for (const control of controls) {
    const value = control.value.trim();
    if (value && !(control.name === "sort" && value === DEFAULT_SORT)) params.set(control.name, value);
  }
  return params;
}

/** The shown conditions: the URL's, without the page. */
function urlParams() {
  const params = new URLSearchParams(location.search);
  params.delete("page");
  return params;
}

function navigate(params, page, { replace = false } = {}) {
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  history[replace ? "replaceState" : "pushState"](null, "", query ? `?${query}` : location.pathname);
  refresh();
}

/** A page load or the back button: the form shows the URL's conditions, and the URL keeps only
 * what the form holds (so a polled refresh never overwrites what the user is typing). */
function load() {
  fillForm();
  const page = Number.parseInt(new URLSearchParams(location.search).get("page") || "1", 10);
  navigate(formParams(), Number.isFinite(page) ? page : 1, { replace: true });
}

function render({ items, total, page, per_page: perPage }) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (items.length === 0 && page > pages) {  // past the end (meetings deleted meanwhile): the last page
    navigate(urlParams(), pages, { replace: true });
    return;
  }
  shownPage = page;
  body.replaceChildren(...items.map(row));
  const first = (page - 1) * perPage + 1;
  summary.textContent = total ? `全${total}件中 ${first}–${first + items.length - 1}件` : "0件";
  for (const position of document.querySelectorAll("[data-page-position]")) position.textContent = `${page} / ${pages} ページ`;
  for (const button of document.querySelectorAll("[data-page-step]")) {
    button.disabled = Number(button.dataset.pageStep) < 0 ? page <= 1 : page >= pages;
  }
  const filtered = [...urlParams().keys()].some((name) => name !== "sort");
  table.hidden = total === 0;
  bottomPager.hidden = pages <= 1;
  empty.hidden = total > 0 || filtered;
  noMatch.hidden = total > 0 || !filtered;
  if (items.some((m) => isActive(m.latest_job))) timer = setTimeout(refresh, POLL_MS);
}

async function refresh() {
  clearTimeout(timer);
  const seq = ++requestSeq;
  try {
    const data = await api(`/api/meetings${location.search}`);
    if (seq !== requestSeq) return;  // the conditions changed while this page was loading
    errorBox.hidden = true;
    render(data);
  } catch (err) {
    if (seq !== requestSeq) return;
    errorBox.textContent = err.message;
    errorBox.hidden = false;
    if (err.status === 401) location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    else if (err.status !== 422 && err.status !== 403) timer = setTimeout(refresh, POLL_MS * 3);
  }
}

form.addEventListener("submit", (e) => { e.preventDefault(); navigate(formParams(), 1); });
form.addEventListener("change", (e) => { if (e.target.name !== "q") navigate(formParams(), 1); });
for (const button of document.querySelectorAll("[data-reset]")) {
  button.addEventListener("click", () => { form.reset(); navigate(new URLSearchParams(), 1); });
}
for (const button of document.querySelectorAll("[data-page-step]")) {
  button.addEventListener("click", () => {
    navigate(urlParams(), shownPage + Number(button.dataset.pageStep));
    summary.scrollIntoView({ block: "nearest" });
  });
}
window.addEventListener("popstate", load);
load();
