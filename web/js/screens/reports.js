// PDF reports: create for an endpoint or host (period, language), list, download.
import { api, has } from "../api.js";
import { formatDate, formatDay, language, t } from "../i18n.js";
import { field, h, onSubmit, section, table, unavailable } from "../ui.js";
import { guarded, listAll, title } from "./common.js";

export async function render(ctx, _params, nav) {
  const org = ctx.org;
  const body = await guarded(t("reports.title"), "GET", "/orgs/{org_id}/reports", async () => {
    const items = await listAll(`/orgs/${org.id}/reports?limit=200`);
    const parts = [section(t("reports.list"), table([
      [t("reports.target"), (r) => (r.target && (r.target.name || r.target.id)) || String(r.target || "—")],
      [t("reports.period"), (r) => `${formatDay(r.from)} – ${formatDay(r.to)}`],
      [t("reports.language"), (r) => t(`lang.${r.language}`)],
      [t("reports.created"), (r) => formatDate(r.created_at)],
      [t("reports.download"), (r) => r.download_url ? h("a", { href: r.download_url, target: "_blank", rel: "noopener",
        "aria-label": t("reports.download_of", { name: (r.target && (r.target.name || r.target.id)) || "" }) }, "PDF") : "—"],
    ], items, t("reports.none")))];
    if (ctx.canWrite) parts.push(section(t("reports.create_title"), await createForm(ctx, nav)));
    return h("div", {}, parts);
  });
  return h("div", {}, title(t("reports.title")), body);
}

async function createForm(ctx, nav) {
  const org = ctx.org;
  if (!has("POST", "/orgs/{org_id}/endpoints/{endpoint_id}/reports") && !has("POST", "/orgs/{org_id}/hosts/{host_id}/reports")) {
    return unavailable(t("reports.create_title"));
  }
  const targets = [];
  if (has("GET", "/orgs/{org_id}/endpoints") && has("POST", "/orgs/{org_id}/endpoints/{endpoint_id}/reports")) {
    for (const e of await listAll(`/orgs/${org.id}/endpoints?limit=200`).catch(() => [])) targets.push([`endpoints/${e.id}`, `${t("reports.endpoint")}: ${e.name}`]);
  }
  if (has("GET", "/orgs/{org_id}/hosts") && has("POST", "/orgs/{org_id}/hosts/{host_id}/reports")) {
    for (const x of await listAll(`/orgs/${org.id}/hosts?limit=200`).catch(() => [])) targets.push([`hosts/${x.id}`, `${t("reports.host")}: ${x.name}`]);
  }
  if (!targets.length) return h("p", { class: "empty" }, t("reports.no_targets"));
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10);
  const result = h("div", { "aria-live": "polite" });
  const form = onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "report-form" },
    field({ name: "target", label: t("reports.target"), options: targets }),
    field({ name: "from", label: t("reports.from"), type: "date", value: monthAgo, required: true }),
    field({ name: "to", label: t("reports.to"), type: "date", value: today, required: true }),
    field({ name: "language", label: t("reports.language"), value: language(),
            options: [["de", t("lang.de")], ["en", t("lang.en")]] }),
    h("button", { type: "submit", class: "primary" }, t("reports.create"))),
  async (v) => {
    const { target, language: lang } = v;
    // The API takes timestamps with a time zone: the whole "from" day up to the end of the
    // "to" day (or now, for today), in UTC.
    const end = new Date(`${v.to}T23:59:59Z`);
    const body = { from: `${v.from}T00:00:00Z`,
                   to: (end > new Date() ? new Date() : end).toISOString().replace(/\.\d+Z$/, "Z"),
                   language: lang };
    const created = await api("POST", `/orgs/${org.id}/${target}/reports`, { body });
    await nav.route();
    const main = document.querySelector("#main .screen");
    if (main && created.download_url) main.prepend(h("p", { class: "notice notice-success", role: "status" },
      t("reports.created_text"), " ", h("a", { href: created.download_url, target: "_blank", rel: "noopener" }, t("reports.download"))));
  });
  return h("div", {}, form, result);
}
