// Hosts (agent "Pulsar"): list with status, create (the agent token is shown once), detail.
import { api, has } from "../api.js";
import { formatApiPercent, formatDate, formatNumber, t } from "../i18n.js";
import { errorText, field, h, notice, onSubmit, section, table } from "../ui.js";
import { percentChart } from "./chart.js";
import { guarded, incidentTable, listAll, stateBadge, title } from "./common.js";

export async function render(ctx, params, nav) {
  if (params[0]) return detail(ctx, params[0], nav);
  const org = ctx.org;
  const body = await guarded(t("hosts.title"), "GET", "/orgs/{org_id}/hosts", async () => {
    const items = await listAll(`/orgs/${org.id}/hosts?limit=200`);
    const parts = [section(t("hosts.list"), table([
      [t("hosts.name"), (x) => h("a", { href: `#/orgs/${org.id}/hosts/${x.id}` }, x.name)],
      [t("hosts.status"), (x) => stateBadge(x.status)],
      [t("hosts.last_seen"), (x) => formatDate(x.last_seen_at)],
    ], items, t("hosts.none")))];
    if (ctx.canWrite && has("POST", "/orgs/{org_id}/hosts")) {
      const result = h("div", { "aria-live": "polite" });
      parts.push(section(t("hosts.create_title"), onSubmit(h("form", { class: "inline-form", novalidate: true, "data-testid": "host-form" },
        field({ name: "name", label: t("hosts.name"), required: true }),
        h("button", { type: "submit", class: "primary" }, t("hosts.create"))),
      async (v, f) => {
        const created = await api("POST", `/orgs/${org.id}/hosts`, { body: v });
        f.reset();
        result.replaceChildren(...tokenPanel(created, t("hosts.token_once")),
          h("p", {}, h("a", { href: `#/orgs/${org.id}/hosts/${created.id}` }, t("hosts.open", { name: created.name }))));
      }), result));
    }
    return h("div", {}, parts);
  });
  return h("div", {}, title(t("hosts.title")), body);
}

async function detail(ctx, id, nav) {
  const org = ctx.org;
  const base = `/orgs/${org.id}/hosts/${encodeURIComponent(id)}`;
  return guarded(t("hosts.title"), "GET", "/orgs/{org_id}/hosts/{host_id}", async () => {
    const host = await api("GET", base);
    const m = host.metrics || null;
    const up = host.uptime || {};
    const incidents = await guarded(t("incidents.title"), "GET", "/orgs/{org_id}/incidents", async () => {
      const page = await api("GET", `/orgs/${org.id}/incidents?limit=50&subject=host:${encodeURIComponent(host.id)}`);
      return incidentTable(page.items || []);
    });
    // CPU load, memory and disk over the last 7 days, from the hourly rollups
    const history = await guarded(t("hosts.history"), "GET", "/orgs/{org_id}/hosts/{host_id}/metrics", async () => {
      const from = new Date(Date.now() - 7 * 86400000).toISOString().replace(/\.\d+Z$/, "Z");
      const page = await api("GET", `${base}/metrics?limit=200&from=${encodeURIComponent(from)}`);
      const rows = (page.items || []).map((r) => ({ at: r.hour, values: {
        cpu: r.load && r.load.load1 != null && r.cpu_count ? (100 * r.load.load1) / r.cpu_count : null,
        memory: r.memory_used_percent != null ? Number(r.memory_used_percent) : null,
        disk: r.disk_used_percent != null ? Number(r.disk_used_percent) : null } }));
      return percentChart(rows, [
        { key: "cpu", label: t("hosts.cpu_load"), cls: "s1" },
        { key: "memory", label: t("hosts.memory"), cls: "s2" },
        { key: "disk", label: t("hosts.disks"), cls: "s3" },
      ], t("hosts.history"));
    });
    const parts = [
      title(host.name, h("a", { href: `#/orgs/${org.id}/hosts` }, t("common.back_to_list"))),
      section(t("hosts.status"), h("dl", { class: "facts", "data-testid": "host-status" },
        h("dt", {}, t("hosts.status")), h("dd", {}, stateBadge(host.status)),
        h("dt", {}, t("hosts.last_seen")), h("dd", {}, formatDate(host.last_seen_at)),
        h("dt", {}, t("endpoints.uptime")), h("dd", {}, ["24h", "7d", "30d"].map((k) => `${k}: ${formatApiPercent(up[k])}`).join(" · ")))),
      section(t("hosts.metrics"), m ? metricFacts(m) : h("p", { class: "empty" }, t("hosts.no_metrics"))),
      section(t("hosts.history"), history),
      section(t("incidents.title"), incidents),
    ];
    if (ctx.canWrite) {
      const line = h("div", { "aria-live": "polite", "data-testid": "host-action-result" });
      parts.push(section(t("common.actions"), h("div", { class: "actions" },
        has("POST", "/orgs/{org_id}/hosts/{host_id}/token") ? h("button", { type: "button", onclick: async () => {
          if (!window.confirm(t("hosts.confirm_rotate", { name: host.name }))) return;
          try { line.replaceChildren(...tokenPanel(await api("POST", `${base}/token`), t("hosts.token_rotated"))); }
          catch (e) { line.replaceChildren(notice(errorText(e), "error")); }
        } }, t("hosts.rotate")) : null,
        has("DELETE", "/orgs/{org_id}/hosts/{host_id}") ? h("button", { type: "button", class: "danger", onclick: async () => {
          if (!window.confirm(t("hosts.confirm_delete", { name: host.name }))) return;
          try { await api("DELETE", base); nav.go(`#/orgs/${org.id}/hosts`); }
          catch (e) { line.replaceChildren(notice(errorText(e), "error")); }
        } }, t("hosts.delete")) : null), line));
    }
    return h("div", {}, parts);
  });
}

/** The agent token and install command of a create/rotate answer: shown now, never again
 * (the server keeps only a hash). */
function tokenPanel(created, message) {
  const out = [notice(message, "success"),
    h("label", { for: "agent-token" }, t("hosts.token")),
    h("input", { id: "agent-token", readonly: true, value: created.agent_token || "", class: "token" }),
    copyButton("agent-token")];
  if (created.install) out.push(h("label", { for: "agent-install" }, t("hosts.install")),
    h("textarea", { id: "agent-install", readonly: true, rows: 3, class: "token" }, created.install),
    copyButton("agent-install"));
  if (created.agent_sha256) out.push(h("p", { class: "hint", "data-testid": "agent-sha256" },
    t("hosts.sha256"), ": ", h("code", {}, created.agent_sha256)));
  return out;
}

/** Copies the value of the field `id`; says "Kopiert" for a moment. */
function copyButton(id) {
  const button = h("button", { type: "button", class: "small copy", "data-copy": id, onclick: async () => {
    const el = document.getElementById(id);
    try { await navigator.clipboard.writeText(el.value); }
    catch { el.select(); document.execCommand("copy"); }  // no clipboard API on plain http
    button.textContent = t("common.copied");
    setTimeout(() => { button.textContent = t("common.copy"); }, 1500);
  } }, t("common.copy"));
  return button;
}

function metricFacts(m) {
  const pct = formatApiPercent;
  const disks = (m.disks || []).map((d) => `${d.mount}: ${pct(d.used_percent)}`).join(" · ") || "—";
  return h("dl", { class: "facts", "data-testid": "host-metrics" },
    h("dt", {}, t("hosts.hostname")), h("dd", {}, m.hostname || "—"),
    h("dt", {}, t("hosts.os")), h("dd", {}, m.os ? osLabel(m.os) : "—"),
    h("dt", {}, t("hosts.reported_at")), h("dd", {}, formatDate(m.reported_at)),
    h("dt", {}, t("hosts.load")), h("dd", {}, m.load ? [m.load.load1, m.load.load5, m.load.load15].map((v) => formatNumber(v, 2)).join(" / ") : "—"),
    h("dt", {}, t("hosts.cpus")), h("dd", {}, m.cpu_count != null ? String(m.cpu_count) : "—"),
    h("dt", {}, t("hosts.memory")), h("dd", {}, pct(m.memory && m.memory.used_percent)),
    h("dt", {}, t("hosts.disks")), h("dd", {}, disks));
}

/** "Linux" + "Debian GNU/Linux 12" → "Debian GNU/Linux 12" (as chalicelib/reports/fmt.os_label). */
function osLabel(os) {
  const name = (os.name || "").trim();
  const version = (os.version || "").trim();
  if (!version) return name || "—";
  if (!name || version.toLowerCase().includes(name.toLowerCase())) return version;
  return `${name} ${version}`;
}
