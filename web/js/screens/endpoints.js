// Endpoints (Observer): list with status, create, detail with results chart, incidents and
// maintenance windows (part of the endpoint, changed with PATCH).
import { api, has } from "../api.js";
import { formatApiPercent, formatDate, formatDay, formatNumber, language, t, zonedInputToIso } from "../i18n.js";
import { errorText, field, h, notice, onSubmit, section, table } from "../ui.js";
import { guarded, incidentTable, listAll, stateBadge, title } from "./common.js";
import { chart } from "./chart.js";
import { uptimeBar } from "./uptime.js";

export async function render(ctx, params, nav) {
  if (params[0]) return detail(ctx, params[0], nav);
  const org = ctx.org;
  const body = await guarded(t("endpoints.title"), "GET", "/orgs/{org_id}/endpoints", async () => {
    const items = await listAll(`/orgs/${org.id}/endpoints?limit=200`);
    const rows = table([
      [t("endpoints.name"), (e) => h("a", { href: `#/orgs/${org.id}/endpoints/${e.id}` }, e.name)],
      [t("endpoints.url"), (e) => h("code", {}, e.url)],
      [t("endpoints.interval"), (e) => t("endpoints.every", { n: e.interval_minutes })],
      [t("endpoints.state"), (e) => stateBadge(e.state || (e.paused ? "paused" : "pending"))],
    ], items, t("endpoints.none"));
    const parts = [section(t("endpoints.list"), rows)];
    // offer only the intervals the plan allows (known where the caller sees the subscription;
    // otherwise the server's 422 names the minimum next to the field)
    let intervals = [1, 5, 15, 60];
    const plan = ctx.org.subscription && ctx.org.subscription.plan;
    if (plan && has("GET", "/plans")) {
      try {
        const entry = ((await api("GET", "/plans", { auth: false })).items || []).find((p) => p.id === plan);
        const min = entry && entry.limits ? entry.limits.min_interval_minutes : 1;
        intervals = intervals.filter((n) => n >= min);
      } catch { /* keep every interval */ }
    }
    if (ctx.canWrite && has("POST", "/orgs/{org_id}/endpoints")) {
      parts.push(section(t("endpoints.create_title"), onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "endpoint-form" },
        field({ name: "name", label: t("endpoints.name"), required: true }),
        field({ name: "url", label: t("endpoints.url"), type: "url", required: true, hint: "https://example.com/health" }),
        field({ name: "interval_minutes", label: t("endpoints.interval"), value: String(intervals.includes(5) ? 5 : intervals[0]),
                options: intervals.map((n) => [n, t("endpoints.every", { n })]) }),
        h("button", { type: "submit", class: "primary" }, t("endpoints.create"))),
      async (v) => {
        const created = await api("POST", `/orgs/${org.id}/endpoints`, { body: { ...v, interval_minutes: Number(v.interval_minutes) } });
        nav.go(`#/orgs/${org.id}/endpoints/${created.id}`);
      })));
    }
    return h("div", {}, parts);
  });
  return h("div", {}, title(t("endpoints.title")), body);
}

async function detail(ctx, id, nav) {
  const org = ctx.org;
  const base = `/orgs/${org.id}/endpoints/${encodeURIComponent(id)}`;
  return guarded(t("endpoints.title"), "GET", "/orgs/{org_id}/endpoints/{endpoint_id}", async () => {
    const ep = await api("GET", base);
    const status = await guarded(t("endpoints.status"), "GET", "/orgs/{org_id}/endpoints/{endpoint_id}/status", async () => {
      const s = await api("GET", `${base}/status`);
      const up = s.uptime || {};
      const pct = (v) => Number(v).toLocaleString(language() === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: 3 });
      const bar = uptimeBar(s.daily || [], new Date().toISOString().slice(0, 10), {
        label: t("uptime.title"),
        tooltip: (seg) => seg.uptime === null
          ? t("uptime.no_data", { day: formatDay(seg.day) })
          : t("uptime.tooltip", { day: formatDay(seg.day), uptime: pct(seg.uptime), checks: seg.checks.toLocaleString(language() === "de" ? "de-DE" : "en-GB") }),
      });
      return h("div", {}, h("figure", { class: "uptime" }, bar, h("figcaption", {}, t("uptime.title"), " — ", t("uptime.legend"))),
        h("dl", { class: "facts", "data-testid": "endpoint-status" },
        h("dt", {}, t("endpoints.state")), h("dd", {}, stateBadge(s.state)),
        h("dt", {}, t("endpoints.checked_at")), h("dd", {}, formatDate(s.checked_at)),
        h("dt", {}, t("endpoints.response_ms")), h("dd", {}, s.response_ms != null ? `${formatNumber(s.response_ms)} ms` : "—"),
        h("dt", {}, t("endpoints.uptime")), h("dd", {}, ["24h", "7d", "30d", "90d"].map((k) => `${k}: ${formatApiPercent(up[k])}`).join(" · ")),
        s.error ? [h("dt", {}, t("endpoints.error")), h("dd", {}, s.error)] : null,
        s.certificate && s.certificate.not_after ? [h("dt", {}, t("endpoints.certificate")),
          h("dd", {}, formatDate(s.certificate.not_after), s.certificate.days_left != null ? ` (${t("endpoints.days_left", { n: s.certificate.days_left })})` : "")] : null,
        s.headers && s.headers.grade ? [h("dt", {}, t("endpoints.headers_grade")), h("dd", {}, s.headers.grade)] : null));
    });
    const results = await guarded(t("endpoints.results"), "GET", "/orgs/{org_id}/endpoints/{endpoint_id}/results", async () => {
      const page = await api("GET", `${base}/results?limit=200`);
      const points = (page.items || []).map((r) => ({ at: r.checked_at || r.at, ms: r.response_ms,
        ok: r.state ? r.state === "up" : r.ok !== false }));
      return chart(points, t("endpoints.chart_label", { name: ep.name }));
    });
    const incidents = await guarded(t("incidents.title"), "GET", "/orgs/{org_id}/incidents", async () => {
      const page = await api("GET", `/orgs/${org.id}/incidents?limit=50&subject=endpoint:${encodeURIComponent(ep.id)}`);
      return incidentTable(page.items || []);
    });
    const parts = [
      title(ep.name, h("a", { href: `#/orgs/${org.id}/endpoints` }, t("common.back_to_list"))),
      section(t("endpoints.status"), h("p", {}, h("code", {}, ep.url)), status),
      section(t("endpoints.results"), results),
      section(t("incidents.title"), incidents),
      section(t("maintenance.title"), maintenance(ctx, ep, base, nav)),
    ];
    if (ctx.canWrite) {
      const line = h("div", { "aria-live": "polite" });
      parts.push(section(t("common.actions"), h("div", { class: "actions" },
        has("PATCH", "/orgs/{org_id}/endpoints/{endpoint_id}") ? h("button", { type: "button", onclick: async () => {
          try { await api("PATCH", base, { body: { paused: !ep.paused } }); nav.route(); }
          catch (e) { line.replaceChildren(notice(errorText(e), "error")); }
        } }, ep.paused ? t("endpoints.resume") : t("endpoints.pause")) : null,
        has("DELETE", "/orgs/{org_id}/endpoints/{endpoint_id}") ? h("button", { type: "button", class: "danger", onclick: async () => {
          if (!window.confirm(t("endpoints.confirm_delete", { name: ep.name }))) return;
          try { await api("DELETE", base); nav.go(`#/orgs/${org.id}/endpoints`); }
          catch (e) { line.replaceChildren(notice(errorText(e), "error")); }
        } }, t("endpoints.delete")) : null), line));
    }
    return h("div", {}, parts);
  });
}

function maintenance(ctx, ep, base, nav) {
  const windows = ep.maintenance_windows || [];
  const save = async (list) => api("PATCH", base, { body: { maintenance_windows: list } });
  const rows = table([
    [t("maintenance.starts"), (w) => formatDate(w.starts_at)],
    [t("maintenance.ends"), (w) => formatDate(w.ends_at)],
    [t("maintenance.reason"), (w) => w.reason || ""],
    ...(ctx.canWrite ? [[t("common.actions"), (w) => h("button", { type: "button", class: "small danger", onclick: async () => {
      await save(windows.filter((x) => x !== w)); nav.route();
    } }, t("common.remove"))]] : []),
  ], windows, t("maintenance.none"));
  if (!ctx.canWrite || !has("PATCH", "/orgs/{org_id}/endpoints/{endpoint_id}")) return rows;
  const form = onSubmit(h("form", { class: "inline-form", novalidate: true },
    field({ name: "starts_at", label: t("maintenance.starts"), type: "datetime-local", required: true }),
    field({ name: "ends_at", label: t("maintenance.ends"), type: "datetime-local", required: true }),
    field({ name: "reason", label: t("maintenance.reason") }),
    h("button", { type: "submit" }, t("maintenance.add"))),
  async (v) => {
    const iso = zonedInputToIso; // the inputs are wall time in the org's zone
    const next = [...windows, { starts_at: iso(v.starts_at), ends_at: iso(v.ends_at), ...(v.reason ? { reason: v.reason } : {}) }];
    try { await save(next); }
    catch (e) {
      // errors come back as maintenance_windows.<n>.<field>: show them on this form's fields
      const n = windows.length;
      const mapped = {};
      for (const [k, m] of Object.entries(e.fieldErrors)) mapped[k.replace(`maintenance_windows.${n}.`, "")] = m;
      e.fieldErrors = mapped;
      throw e;
    }
    nav.route();
  });
  return h("div", {}, rows, form);
}
