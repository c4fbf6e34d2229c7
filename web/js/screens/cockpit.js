// The partner's start page: every customer at a glance (health, plan, states, revenue), worst
// first, with totals on top; one click switches into a customer (after the seed's dialog).
// Sorting, filtering and the totals come from the server (GET /orgs/{id}/customers).
import { api } from "../api.js";
import { formatDate, formatMoney, planLabel, t } from "../i18n.js";
import { badge, h, section, table } from "../ui.js";
import { stateBadge } from "./common.js";
import { confirmSwitch } from "./switch.js";

const SORTS = ["incidents", "name", "trial_end", "mrr"];
const STATUSES = ["", "trialing", "active", "expired"];

function money(net, currency) { return formatMoney({ net, currency }); }

function totalsCard(totals) {
  const tile = (label, value, testid) => h("div", { class: "tile", "data-testid": testid },
    h("span", { class: "tile-value" }, value), h("span", { class: "tile-label" }, label));
  return h("div", { class: "tiles" },
    tile(t("cockpit.customers"), String(totals.customers), "total-customers"),
    tile(t("cockpit.mrr"), money(totals.mrr_net, totals.currency), "total-mrr"),
    tile(t("cockpit.incidents"), String(totals.incidents_open), "total-incidents"),
    tile(t("cockpit.trials_7d"), String(totals.trials_ending_7d), "total-trials"));
}

function health(c) {
  return h("span", { class: `health ${c.health}`, title: t(`health.${c.health}`), role: "img",
                     "aria-label": t(`health.${c.health}`) });
}

function counts(up, down, paused) {
  return h("span", { class: "counts" },
    h("span", { class: "ok", title: t("cockpit.up") }, `▲ ${up}`), " ",
    h("span", { class: down ? "bad" : "muted", title: t("cockpit.down") }, `▼ ${down}`),
    paused !== undefined ? [" ", h("span", { class: "muted", title: t("cockpit.paused") }, `Ⅱ ${paused}`)] : null);
}

export async function render(ctx, nav) {
  const org = ctx.org;
  const state = { sort: "incidents", status: "", q: "" };
  const body = h("div", { class: "cockpit-body" });

  async function enter(c) {
    if (await confirmSwitch(c.name)) nav.go(`#/orgs/${c.id}/overview`);
  }

  async function load() {
    const params = new URLSearchParams({ sort: state.sort, limit: "200" });
    if (state.status) params.set("status", state.status);
    if (state.q) params.set("q", state.q);
    const page = await api("GET", `/orgs/${org.id}/customers?${params}`);
    const rows = table([
      [t("cockpit.health"), (c) => health(c)],
      [t("customers.name"), (c) => h("button", { type: "button", class: "link customer-link",
        "data-testid": `enter-${c.id}`, title: c.name, onclick: () => enter(c) }, c.name)],
      [t("customers.plan"), (c) => [planLabel(c.plan), " ", stateBadge(c.status),
        c.trial_days_left !== null ? [" ", h("small", {}, t("cockpit.days_left", { n: c.trial_days_left }))] : null]],
      [t("cockpit.endpoints"), (c) => counts(c.endpoints_up, c.endpoints_down, c.endpoints_paused)],
      [t("cockpit.hosts"), (c) => counts(c.hosts_online, c.hosts_offline)],
      [t("cockpit.incidents"), (c) => c.incidents_open
        ? [badge(String(c.incidents_open), "bad"), " ", h("small", {}, t("cockpit.since", { at: formatDate(c.oldest_incident_at) }))]
        : "0"],
      [t("cockpit.mrr"), (c) => money(c.mrr_net, c.currency)],
      [t("customers.support_by"), (c) => t(`support_by.${c.support_by}`)],
    ], page.items, t("customers.none"));
    rows.classList.add("cockpit-table");
    body.replaceChildren(totalsCard(page.totals), h("div", { class: "table-scroll" }, rows));
  }

  const controls = h("form", { class: "inline-form cockpit-controls", onsubmit: (e) => { e.preventDefault(); load(); } },
    h("label", {}, t("cockpit.sort"), " ",
      h("select", { name: "sort", "data-testid": "cockpit-sort", onchange: (e) => { state.sort = e.target.value; load(); } },
        SORTS.map((s) => h("option", { value: s, selected: s === state.sort }, t(`cockpit.sort_${s}`))))),
    h("label", {}, t("cockpit.status"), " ",
      h("select", { name: "status", onchange: (e) => { state.status = e.target.value; load(); } },
        STATUSES.map((s) => h("option", { value: s }, s ? t(`state.${s}`) : t("cockpit.all"))))),
    h("label", {}, t("cockpit.search"), " ",
      h("input", { type: "search", name: "q", maxlength: 100, oninput: (e) => { state.q = e.target.value.trim(); load(); } })));
  await load();
  return section(t("cockpit.title"), controls, body);
}
