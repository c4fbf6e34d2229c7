// Console shell: language, session, org context, navigation and the hash router.
import { api, ApiError, has, loadCapabilities, tokens, whenSignedOut, apiUrl } from "./api.js";
import { initialLanguage, language, LANGUAGES, roleLabel, setLanguage, setTimeZone, t } from "./i18n.js";
import { h, errorText, notice } from "./ui.js";
import * as login from "./screens/login.js";
import * as overview from "./screens/overview.js";
import * as customers from "./screens/customers.js";
import * as settings from "./screens/settings.js";
import * as team from "./screens/team.js";
import * as subscription from "./screens/subscription.js";
import * as invoices from "./screens/invoices.js";
import * as endpoints from "./screens/endpoints.js";
import * as hosts from "./screens/hosts.js";
import * as reports from "./screens/reports.js";
import * as audit from "./screens/audit.js";

// Navigation entries: hash segment, screen module, label key, and who sees it.
const SCREENS = [
  ["overview", overview, "nav.overview", () => true],
  ["customers", customers, "nav.customers", (c) => c.org.kind === "partner"],
  ["endpoints", endpoints, "nav.endpoints", () => true],
  ["hosts", hosts, "nav.hosts", () => true],
  ["reports", reports, "nav.reports", () => true],
  ["team", team, "nav.team", () => true],
  ["settings", settings, "nav.settings", () => true],
  ["subscription", subscription, "nav.subscription", (c) => c.billing],
  ["invoices", invoices, "nav.invoices", (c) => c.role === "admin" && !c.org.partner_id],
  ["audit", audit, "nav.audit", (c) => c.role !== "guest"],
];


let me = null;       // GET /me
let ctx = null;      // the org the user works in
const root = () => document.getElementById("app");

export function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }

export async function reloadMe() { me = await api("GET", "/me"); return me; }

async function enterOrg(orgId) {
  if (ctx && ctx.org.id === orgId) return ctx;
  const entry = me.orgs.find((o) => o.id === orgId);
  if (!entry) return null;
  const org = await api("GET", `/orgs/${orgId}`);
  const role = entry.role;
  // Subscriptions are shown only where the API lets this user see them (403 hides them).
  let billing = false;
  if (role !== "guest" && has("GET", "/orgs/{org_id}/subscription")) {
    try { await api("GET", `/orgs/${orgId}/subscription`); billing = true; }
    catch (e) { billing = e.status === 404; }
  }
  setTimeZone(org.time_zone);
  ctx = { me, org, role, billing, canWrite: role !== "guest", entry,
          refreshOrg: async () => { ctx.org = await api("GET", `/orgs/${orgId}`); setTimeZone(ctx.org.time_zone); } };
  return ctx;
}

function orgSwitcher(current) {
  const own = me.orgs.filter((o) => o.role !== "partner");
  const managed = me.orgs.filter((o) => o.role === "partner");
  const select = h("select", { id: "org-switch", name: "org",
    onchange: (e) => go(`#/orgs/${e.target.value}/overview`) },
    h("optgroup", { label: t("switcher.own") }, own.map((o) =>
      h("option", { value: o.id, selected: o.id === current.org.id }, `${o.name} (${roleLabel(o.role)})`))),
    managed.length ? h("optgroup", { label: t("switcher.more") }, managed.map((o) =>
      h("option", { value: o.id, selected: o.id === current.org.id }, `${o.name} (${roleLabel(o.role)})`))) : null);
  return h("div", { class: "switcher" },
    h("label", { for: "org-switch" }, t("switcher.label")), select,
    h("p", { class: "current-role", "data-testid": "current-role" },
      t("switcher.role"), " ", h("strong", {}, roleLabel(current.role))));
}

function languagePicker() {
  return h("div", { class: "lang" },
    h("label", { for: "lang-switch" }, t("lang.label")),
    h("select", { id: "lang-switch", onchange: async (e) => { await setLanguage(e.target.value); route(); } },
      LANGUAGES.map((l) => h("option", { value: l, selected: l === language() }, t(`lang.${l}`)))));
}

function shell(current, active, content) {
  const navId = "main-nav";
  const toggle = h("button", { type: "button", class: "nav-toggle", "aria-controls": navId,
    "aria-expanded": "false", onclick: () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      document.getElementById(navId).classList.toggle("open", open);
    } }, t("nav.menu"));
  const links = SCREENS.filter(([, , , visible]) => visible(current)).map(([seg, , label]) =>
    h("li", {}, h("a", { href: `#/orgs/${current.org.id}/${seg}`,
      "aria-current": seg === active ? "page" : null }, t(label))));
  // A plain link: the API answers a browser with a 303 to a presigned S3 URL of the PDF.
  const ipSheet = has("GET", "/monitoring-ips.pdf")
    ? h("a", { href: `${apiUrl}/monitoring-ips.pdf?lang=${language()}`, target: "_blank", rel: "noopener",
               class: "ip-sheet" }, t("nav.monitoring_ips"))
    : null;
  return h("div", { class: "layout" },
    h("header", { class: "topbar" },
      h("a", { class: "brand", href: `#/orgs/${current.org.id}/overview` }, "Vigil"),
      toggle,
      orgSwitcher(current),
      h("div", { class: "user" }, languagePicker(),
        h("span", { class: "user-email" }, me.user.email),
        h("button", { type: "button", class: "link", onclick: logout }, t("nav.logout")))),
    h("nav", { id: navId, class: "sidenav", "aria-label": t("nav.label") }, h("ul", {}, links), ipSheet),
    h("main", { id: "main", tabindex: "-1" }, content));
}

export function logout() {
  tokens.clear(); me = null; ctx = null;
  go("#/login");
}

let routeSeq = 0;  // a newer navigation wins over a slower, older render

async function route() {
  const seq = ++routeSeq;
  const stale = () => seq !== routeSeq;
  const hash = location.hash || "#/";
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  if (!tokens.get() || parts[0] === "login") {
    if (tokens.get() && parts[0] === "login") tokens.clear();
    me = null; ctx = null;
    root().replaceChildren(login.render({ onLoggedIn: async () => { await reloadMe(); go("#/"); } }));
    return;
  }
  try {
    if (!me) await reloadMe();
    if (stale()) return;
    if (parts[0] !== "orgs" || !parts[1]) {
      const first = me.orgs[0];
      if (!first) { root().replaceChildren(h("main", { id: "main" }, notice(t("app.no_org")))); return; }
      return go(`#/orgs/${first.id}/overview`);
    }
    const current = await enterOrg(parts[1]);
    if (stale()) return;
    if (!current) return go("#/");
    const seg = parts[2] || "overview";
    const screen = SCREENS.find(([s, , , visible]) => s === seg && visible(current));
    if (!screen) return go(`#/orgs/${current.org.id}/overview`);
    const content = h("div", { class: "screen", "data-screen": seg }, h("p", { class: "loading" }, t("common.loading")));
    root().replaceChildren(shell(current, seg, content));
    document.title = `${t(screen[2])} · ${current.org.name} · Vigil`;
    const node = await screen[1].render(current, parts.slice(3), { go, reloadMe, route });
    if (stale()) return;
    content.replaceChildren(node);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && e.status === 404) { ctx = null; return go("#/"); }
    console.error(e);
    root().append(notice(errorText(e), "error"));
  }
}

export function rerender() { route(); }
export function forgetOrg() { ctx = null; }

// The skip link must not touch the hash (the router owns it): focus <main> directly.
document.addEventListener("click", (e) => {
  const link = e.target.closest && e.target.closest(".skip-link");
  if (!link) return;
  e.preventDefault();
  const main = document.getElementById("main");
  if (main) { main.setAttribute("tabindex", "-1"); main.focus(); }
});

whenSignedOut(() => { me = null; ctx = null; go("#/login"); });
window.addEventListener("hashchange", route);
(async () => {
  await setLanguage(initialLanguage());
  await loadCapabilities();
  route();
})();
