// Shared screen pieces: the "not available" guard around a domain's API, paging, incidents.
import { api, has } from "../api.js";
import { formatDate, kindLabel, t } from "../i18n.js";
import { badge, errorText, h, notice, table, unavailable } from "../ui.js";

/**
 * Render `build()` only if the server offers `template` (per its OpenAPI document) and
 * answers; a missing route (not in the contract, or 404/405 on the call) shows "not available".
 */
export async function guarded(what, method, template, build) {
  if (!has(method, template)) return unavailable(what);
  try { return await build(); }
  catch (e) {
    if (e.unavailable) return unavailable(what);
    return notice(errorText(e), "error");
  }
}

/** All pages of a list endpoint (`{items, next}`), up to `max` items. */
export async function listAll(path, max = 1000) {
  const items = [];
  let next = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api("GET", next ? `${path}${sep}next=${encodeURIComponent(next)}` : path);
    items.push(...(page.items || []));
    next = page.next;
  } while (next && items.length < max);
  return items;
}

export function stateBadge(state) {
  const kind = { up: "ok", online: "ok", active: "ok", trialing: "info", resolved: "ok",
                 down: "bad", offline: "bad", open: "bad", expired: "bad", degraded: "warn",
                 paused: "muted", pending: "muted", canceled: "warn", ended: "muted" }[state] || "";
  return badge(state ? t(`state.${state}`) : "—", kind);
}

export function incidentTable(items) {
  return table([
    [t("incidents.opened"), (i) => formatDate(i.opened_at)],
    [t("incidents.kind"), (i) => kindLabel(i.kind)],
    [t("incidents.subject"), (i) => (i.subject && i.subject.name) || "—"],
    [t("incidents.state"), (i) => stateBadge(i.state)],
    [t("incidents.summary"), (i) => i.summary || ""],
    [t("incidents.resolved"), (i) => formatDate(i.resolved_at)],
  ], items, t("incidents.none"));
}

export function title(text, ...extra) { return h("div", { class: "screen-head" }, h("h1", {}, text), ...extra); }
