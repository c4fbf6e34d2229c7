// Small DOM helpers: elements, labelled fields with an error slot, tables, notices.
import { language, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let seq = 0;

// Dates are typed as text in the reader's format ("02.12.2026", "02.12.2026 08:53" in German;
// ISO in English) instead of the browser's date widget, whose format follows the browser's own
// locale (mm/dd/yyyy in an English Chromium) rather than the console's language. ISO input is
// understood in both languages; values() hands the forms ISO strings as before.
const DATE_KINDS = ["date", "datetime-local"];
const pad = (n) => String(n).padStart(2, "0");

function isoToInput(iso, withTime) {
  if (!iso) return "";
  const [d, tm] = String(iso).split("T");
  const [y, m, da] = d.split("-");
  const day = language() === "de" ? `${da}.${m}.${y}` : d;
  return withTime && tm ? `${day} ${tm.slice(0, 5)}` : day;
}

/** "02.12.2026", "2.12.2026 8:53" or "2026-12-02[T08:53]" → ISO ("2026-12-02[T08:53]"); null if invalid. */
export function parseInputDate(text, withTime) {
  const s = String(text).trim();
  let y; let mo; let d; let hh; let mi;
  let m = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2}))?$/);
  if (m) [, d, mo, y, hh, mi] = m;
  else {
    m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?$/);
    if (!m) return null;
    [, y, mo, d, hh, mi] = m;
  }
  const check = new Date(Date.UTC(+y, +mo - 1, +d, +(hh || 0), +(mi || 0)));
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +(hh || 0) > 23 || +(mi || 0) > 59) return null;
  const day = `${y}-${pad(mo)}-${pad(d)}`;
  return withTime ? `${day}T${pad(hh || 0)}:${pad(mi || 0)}` : day;
}

/** A labelled input whose error appears right below it (`data-error-for` = field name). */
export function field({ name, label, type = "text", value = "", required = false, options = null,
                        hint = null, autocomplete = null, attrs = {} }) {
  const id = `f-${name.replace(/\W/g, "-")}-${++seq}`;
  const errId = `${id}-err`;
  const common = { id, name, "aria-describedby": hint ? `${errId} ${id}-hint` : errId,
                   required, autocomplete, ...attrs };
  let control;
  if (options) {
    control = h("select", common, options.map(([v, text]) =>
      h("option", { value: v, selected: String(v) === String(value ?? "") }, text)));
  } else if (type === "checkbox") {
    control = h("input", { ...common, type, checked: !!value });
  } else if (type === "textarea") {
    control = h("textarea", common, value ?? "");
  } else if (DATE_KINDS.includes(type)) {
    const withTime = type === "datetime-local";
    control = h("input", { ...common, type: "text", value: isoToInput(value, withTime), inputmode: "numeric",
      lang: language(), "data-date-kind": type, autocomplete: "off",
      placeholder: t(withTime ? "input.datetime_placeholder" : "input.date_placeholder") });
  } else {
    control = h("input", { ...common, type, value: value ?? "" });
  }
  const wrap = h("div", { class: `field field-${type}` });
  if (type === "checkbox") wrap.append(h("label", { for: id }, control, " ", label));
  else wrap.append(h("label", { for: id }, label), control);
  if (hint) wrap.append(h("p", { class: "hint", id: `${id}-hint` }, hint));
  wrap.append(h("p", { class: "field-error", id: errId, "data-error-for": name, role: "alert" }));
  return wrap;
}

/** Radio group with a legend. */
export function radios({ name, legend, value, options }) {
  return h("fieldset", { class: "field radios" }, h("legend", {}, legend),
    options.map(([v, text]) => {
      const id = `f-${name}-${v}-${++seq}`;
      return h("label", { for: id }, h("input", { type: "radio", id, name, value: v, checked: v === value }), " ", text);
    }),
    h("p", { class: "field-error", "data-error-for": name, role: "alert" }));
}

/** Form values as a nested object: name="address.city" → {address: {city}}. Empty → omitted. */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.matches(":disabled")) continue;
    let v;
    if (el.type === "checkbox") v = el.checked;
    else if (el.type === "radio") { if (!el.checked) continue; v = el.value; }
    else if (el.type === "file") continue;
    else { v = el.value.trim(); if (v === "") continue; }
    if (el.dataset && el.dataset.dateKind) v = parseInputDate(v, el.dataset.dateKind === "datetime-local") ?? v;
    const parts = el.name.split(".");
    let node = out;
    for (const p of parts.slice(0, -1)) node = node[p] = node[p] || {};
    node[parts.at(-1)] = v;
  }
  return out;
}

export function clearErrors(form) {
  form.querySelectorAll("[data-error-for]").forEach((e) => { e.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  const general = form.querySelector(".form-error");
  if (general) general.textContent = "";
}

/** problem+json → messages next to the fields; anything without a field goes on top. */
export function showErrors(form, error) {
  clearErrors(form);
  const leftover = [];
  for (const [key, message] of Object.entries(error.fieldErrors || {})) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
    if (slot) {
      slot.textContent = message;
      const input = form.querySelector(`[name="${CSS.escape(key)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    } else leftover.push(`${key}: ${message}`);
  }
  let general = form.querySelector(".form-error");
  if (!general) { general = h("p", { class: "form-error", role: "alert" }); form.prepend(general); }
  // The problem's detail usually repeats the field messages: when they stand next to their
  // fields, the summary on top only points at them.
  const placed = Object.keys(error.fieldErrors || {}).length > leftover.length;
  general.textContent = [placed ? t("error.check_fields") : errorText(error), ...leftover]
    .filter(Boolean).join(" — ");
  const first = form.querySelector("[aria-invalid]");
  if (first) first.focus();
}

export function errorText(error) {
  if (!error) return "";
  if (error.status === 0) return t("error.network");
  return error.message || t("error.generic");
}

/** Submit handler wrapper: disables the button, maps errors, calls onSuccess. */
export function onSubmit(form, action) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    clearErrors(form);
    try { await action(values(form), form); }
    catch (e) { if (e && e.status !== undefined) showErrors(form, e); else throw e; }
    finally { if (button && button.isConnected) button.disabled = false; }
  });
  return form;
}

export function notice(text, kind = "info") {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function unavailable(what) {
  return h("section", { class: "unavailable", "data-unavailable": "true" },
    h("h2", {}, t("unavailable.title")), h("p", {}, t("unavailable.text", { what })));
}

export function table(columns, rows, empty) {
  if (!rows.length) return h("p", { class: "empty" }, empty || t("common.empty"));
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, columns.map(([label]) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([label, cell]) =>
      h("td", { "data-label": label }, cell(row))))))));
}

export function badge(text, kind = "") { return h("span", { class: `badge ${kind}` }, text); }

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

/** Trigger a download of a Blob with a file name. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
