// Start page of an org: who you are here, plan, support contact, open incidents.
import { api, has } from "../api.js";
import { formatDay, planLabel, roleLabel, t } from "../i18n.js";
import { h, section } from "../ui.js";
import { guarded, incidentTable, stateBadge, title } from "./common.js";

export async function render(ctx, _params, nav) {
  const org = ctx.org;
  // A partner's home is the cockpit: all its customers at a glance, its own org below.
  const cockpit = org.kind === "partner" && has("GET", "/orgs/{org_id}/customers")
    ? await guarded(t("cockpit.title"), "GET", "/orgs/{org_id}/customers",
        async () => (await import("./cockpit.js")).render(ctx, nav))
    : null;
  const sub = org.subscription;
  const facts = h("dl", { class: "facts" },
    h("dt", {}, t("overview.role")), h("dd", { "data-testid": "overview-role" }, roleLabel(ctx.role)),
    h("dt", {}, t("overview.kind")), h("dd", {}, t(`kind.${org.kind}`)),
    org.partner_id ? [h("dt", {}, t("overview.linked")), h("dd", {}, t(org.linked ? "common.yes" : "common.no"))] : null,
    sub ? [h("dt", {}, t("overview.plan")), h("dd", {}, planLabel(sub.plan), " ", stateBadge(sub.status))] : null,
    sub && sub.status === "trialing" && sub.trial_ends_at ? [h("dt", {}, t("overview.trial_ends")), h("dd", {}, formatDay(sub.trial_ends_at))] : null);
  const support = await guarded(t("support.title"), "GET", "/orgs/{org_id}/support", async () => {
    const s = await api("GET", `/orgs/${org.id}/support`);
    return supportCard(s);
  });
  const incidents = await guarded(t("incidents.title"), "GET", "/orgs/{org_id}/incidents", async () => {
    const page = await api("GET", `/orgs/${org.id}/incidents?state=open&limit=50`);
    return incidentTable(page.items);
  });
  return h("div", {}, title(org.name),
    cockpit,
    section(t("overview.title"), facts),
    section(t("incidents.open_title"), incidents),
    section(t("support.title"), support));
}

export function supportCard(s) {
  return h("dl", { class: "facts", "data-testid": "support-card" },
    h("dt", {}, t("support.name")), h("dd", {}, s.name || "—"),
    h("dt", {}, t("support.email")), h("dd", {}, s.email ? h("a", { href: `mailto:${s.email}` }, s.email) : "—"),
    h("dt", {}, t("support.phone")), h("dd", {}, s.phone || "—"),
    h("dt", {}, t("support.hours")), h("dd", {}, s.hours || "—"),
    h("dt", {}, t("support.url")), h("dd", {}, s.url ? h("a", { href: s.url, rel: "noopener", target: "_blank" }, s.url) : "—"));
}
