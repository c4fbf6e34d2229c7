// Console shell: language, session, org context, navigation and the hash router.
import { api, ApiError, has, loadCapabilities, tokens, whenSignedOut, apiUrl } from "./api.js";
import { initialLanguage, language, LANGUAGES, roleLabel, setLanguage, setTimeZone, t } from "./i18n.js";
import { h, errorText, notice } from "./ui.js";
import * as login from "./screens/login.js";
import * as mfa from "./screens/mfa.js";
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
import * as alerts from "./screens/alerts.js";
import * as statusPages from "./screens/statuspages.js";

// Navigation entries: hash segment, screen module, label key, and who sees it.
const SCREENS = [
  ["overview", overview, "nav.overview", () => true],
  ["customers", customers, "nav.customers", (c) => c.org.kind === "partner"],
  ["alerts", alerts, "nav.alerts", (c) => c.org.kind === "partner" && c.role === "admin"],
  ["endpoints", endpoints, "nav.endpoints", () => true],
  ["hosts", hosts, "nav.hosts", () => true],
  ["reports", reports, "nav.reports", () => true],
  ["status-pages", statusPages, "nav.status_pages", () => true],
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
  // The seed's user menu: the current org with the caller's role, every other org under
  // "Weitere Organisationen"; entering a customer account asks first (switch.js).
  const others = me.orgs.filter((o) => o.id !== current.org.id);
  const option = (o) => h("option", { value: o.id, title: o.name, selected: o.id === current.org.id },
    `${o.name} (${roleLabel(o.role)})`);
  const select = h("select", { id: "org-switch", name: "org", title: current.org.name,
    onchange: async (e) => {
      const target = me.orgs.find((o) => o.id === e.target.value);
      if (!target) return;
      if (target.role === "partner") {
        const { confirmSwitch } = await import("./screens/switch.js");
        if (!(await confirmSwitch(target.name))) { e.target.value = current.org.id; return; }
      }
      go(`#/orgs/${target.id}/overview`);
    } },
    h("optgroup", { label: t("switcher.current") }, option(me.orgs.find((o) => o.id === current.org.id) || current.entry)),
    others.length ? h("optgroup", { label: t("switcher.more") }, others.map(option)) : null);
  return h("div", { class: "switcher" },
    h("label", { for: "org-switch" }, t("switcher.label")), select,
    h("p", { class: "current-role", "data-testid": "current-role" },
      t("switcher.role"), " ", h("strong", {}, roleLabel(current.role))));
}

/** The support phone (and mail) of a customer org, top right on every screen. */
function supportLink(current) {
  const slot = h("span", { class: "support-link" });
  if (current.org.kind === "partner" || !has("GET", "/orgs/{org_id}/support")) return slot;
  api("GET", `/orgs/${current.org.id}/support`).then((s) => {
    const href = s.phone ? `tel:${s.phone.replace(/[^+0-9]/g, "")}` : s.email ? `mailto:${s.email}` : null;
    if (!href) return;
    const text = s.phone ? t("support.call", { phone: s.phone }) : s.email;
    slot.replaceChildren(h("a", { href, class: "phone", title: `${s.name || t("support.contact")}: ${text}`,
      "aria-label": text, "data-testid": "support-phone" }, h("span", { "aria-hidden": "true" }, "☎"), " ",
      h("span", { class: "phone-text" }, s.phone || s.email)));
  }).catch(() => {});
  return slot;
}

function apiDown(retry) {
  return h("main", { id: "main", class: "api-down", "data-testid": "api-down" },
    h("h1", {}, "Vigil"), notice(t("app.api_down"), "error"),
    h("button", { type: "button", class: "primary", onclick: retry }, t("app.retry")));
}

/** fetch() got no answer at all (server down, network gone) — not an HTTP error, not a bug. */
function noAnswer(e) {
  if (e instanceof ApiError) return e.status === 0;  // api.js: fetch() itself failed
  return e instanceof TypeError && /fetch|network|load failed/i.test(e.message || "");
}

const AFTER_LOGIN = "vigil.after_login";

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
      h("div", { class: "user" }, supportLink(current), languagePicker(),
        h("span", { class: "user-email" }, me.user.email),
        has("GET", "/me/mfa") ? h("a", { href: "#/mfa", class: "mfa-link" }, t("mfa.nav")) : null,
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
    // a deep link (a mail's "Details") survives the login in between
    if (parts[0] === "orgs") sessionStorage.setItem(AFTER_LOGIN, hash);
    root().replaceChildren(login.render({ onLoggedIn: async () => {
      await reloadMe();
      const target = sessionStorage.getItem(AFTER_LOGIN);
      sessionStorage.removeItem(AFTER_LOGIN);
      go(target && target.startsWith("#/orgs/") ? target : "#/");
    } }));
    return;
  }
  try {
    if (parts[0] === "mfa") {
      const node = await mfa.render(parts[1] === "required");
      if (stale()) return;
      root().replaceChildren(node);
      document.title = `${t("mfa.title")} · Vigil`;
      return;
    }
    if (!me) await reloadMe();
    if (stale()) return;
    if (parts[0] !== "orgs" || !parts[1]) {
      const first = me.orgs[0];
      if (!first) {
        root().replaceChildren(h("main", { id: "main", "data-testid": "no-org" }, notice(t("app.no_org")),
          h("p", {}, t("app.no_org_hint")),
          h("button", { type: "button", class: "primary", onclick: logout }, t("nav.logout"))));
        return;
      }
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
    // The org requires two-factor authentication and this user has none yet: set it up first.
    if (e instanceof ApiError && e.status === 403 && e.problem.code === "mfa_required") {
      ctx = null; return go("#/mfa/required");
    }
    if (e instanceof ApiError && e.status === 404) { ctx = null; return go("#/"); }
    if (noAnswer(e)) { root().replaceChildren(apiDown(() => route())); return; }
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
async function start() {
  let failure = null;
  try {
    await setLanguage(initialLanguage());
    failure = await loadCapabilities();
  } catch (e) {
    failure = e;
  }
  if (failure && (noAnswer(failure) || !(failure instanceof ApiError))) {
    console.error(failure);
    root().replaceChildren(apiDown(start));  // instead of "Wird geladen …" forever
    return;
  }
  route();
}
start();
