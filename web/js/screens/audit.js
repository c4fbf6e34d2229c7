// Audit log: who did what, as which role (admins and partners).
import { api } from "../api.js";
import { formatDate, roleLabel, t } from "../i18n.js";
import { h, section, table } from "../ui.js";
import { guarded, title } from "./common.js";

export async function render(ctx) {
  const org = ctx.org;
  const body = await guarded(t("audit.title"), "GET", "/orgs/{org_id}/audit", async () => {
    const list = h("div", {});
    const more = h("div", {});
    async function load(next) {
      const page = await api("GET", `/orgs/${org.id}/audit?limit=50${next ? `&next=${encodeURIComponent(next)}` : ""}`);
      list.append(table([
        [t("audit.at"), (e) => formatDate(e.at)],
        [t("audit.actor"), (e) => (e.actor && (e.actor.email || e.actor.user_id)) || "—"],
        [t("audit.role"), (e) => e.actor ? roleLabel(e.actor.role) : "—"],
        [t("audit.action"), (e) => h("code", {}, e.action)],
        [t("audit.target"), (e) => e.target ? h("code", { class: "id" }, e.target) : ""],
        [t("audit.details"), (e) => e.details && Object.keys(e.details).length ? h("code", { class: "details" }, details(e.details)) : ""],
      ], page.items, t("audit.none")));
      more.replaceChildren(page.next ? h("button", { type: "button", onclick: () => load(page.next) }, t("common.more")) : "");
    }
    await load(null);
    return h("div", {}, list, more);
  });
  return h("div", {}, title(t("audit.title")), section(t("audit.entries"), body));
}

/** One "key: value" line per detail (nested values as compact JSON). */
function details(d) {
  return Object.entries(d).map(([k, v]) => `${k}: ${v !== null && typeof v === "object" ? JSON.stringify(v) : v}`).join("\n");
}
