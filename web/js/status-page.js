// The public status page (no login): GET /status/{slug} from the API, rendered as text only
// (every string goes through textContent: notes and names can never become markup).
import { apiUrl } from "./api.js";
import { setLanguage, t } from "./i18n.js";
import { h } from "./ui.js";

const root = () => document.getElementById("status");

function slugFromLocation() {
  const fromPath = location.pathname.match(/^\/status\/([a-z0-9-]{3,40})\/?$/);
  if (fromPath) return fromPath[1];
  return new URLSearchParams(location.search).get("slug") || "";
}

function when(iso, lang) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(lang === "de" ? "de-DE" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
}

function percent(value, lang) {
  if (value === null || value === undefined) return "—";
  return `${new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    .format(Math.floor(Number(value) * 100) / 100)} %`;
}

function barClass(availability) {
  if (availability === null || availability === undefined) return "";
  const v = Number(availability);
  return v >= 99.9 ? "ok" : v >= 95 ? "warn" : "bad";
}

function component(c, lang) {
  const bars = h("div", { class: "bars", role: "img", "aria-label": t("public.bars_label") },
    c.days.map((d) => h("span", { class: barClass(d.availability),
      title: `${new Date(d.date).toLocaleDateString(lang === "de" ? "de-DE" : "en-GB")}: ${percent(d.availability, lang)}` })));
  const facts = [t("public.availability", { value: percent(c.availability_90d, lang) })];
  if (c.response_ms_mean_90d != null) facts.push(t("public.response", { ms: c.response_ms_mean_90d }));
  return h("section", { class: "component", "data-testid": "component" },
    h("div", { class: "component-head" },
      h("strong", {}, c.name),
      h("span", { class: "component-state", "data-state": c.state }, t(`public.state.${c.state}`))),
    bars,
    h("div", { class: "bars-legend" }, h("span", {}, t("public.days_ago", { n: 90 })), h("span", {}, facts.join(" · "))));
}

function render(page) {
  const lang = page.language;
  document.title = page.title;
  const head = h("div", { class: "status-head" },
    page.provided_by.logo_url ? h("img", { src: page.provided_by.logo_url, alt: page.provided_by.name }) : null,
    h("h1", {}, page.title));
  const parts = [head,
    h("p", { class: `status-banner ${page.state}`, "data-testid": "overall" }, t(`public.overall.${page.state}`))];
  if (page.notes.length) parts.push(h("section", {}, h("h2", {}, t("public.notes")),
    page.notes.map((n) => h("article", { class: "note" }, h("time", {}, when(n.posted_at, lang)), h("p", {}, n.text)))));
  if (page.maintenance.length) parts.push(h("section", {}, h("h2", {}, t("public.maintenance")),
    h("ul", {}, page.maintenance.map((m) => h("li", {}, `${m.component}: ${when(m.starts_at, lang)} – ${when(m.ends_at, lang)}`)))));
  parts.push(h("section", {}, h("h2", {}, t("public.components")), page.components.map((c) => component(c, lang))));
  parts.push(h("section", {}, h("h2", {}, t("public.incidents")),
    page.incidents.length
      ? h("ul", { "data-testid": "incidents" }, page.incidents.map((i) => h("li", {},
          h("strong", {}, i.title), " — ", when(i.opened_at, lang),
          i.resolved_at ? ` – ${when(i.resolved_at, lang)}` : ` (${t("public.ongoing")})`)))
      : h("p", { class: "empty" }, t("public.no_incidents"))));
  parts.push(h("p", { class: "provided-by" }, t("public.provided_by", { name: page.provided_by.name }),
    " · ", t("public.updated", { at: when(page.generated_at, lang) })));
  root().replaceChildren(...parts);
}

(async () => {
  const slug = slugFromLocation();
  let page = null;
  try {
    const response = await fetch(`${apiUrl}/status/${encodeURIComponent(slug)}`);
    if (response.ok) page = await response.json();
  } catch (e) { /* shown below */ }
  await setLanguage(page ? page.language : (navigator.language || "de").toLowerCase().startsWith("de") ? "de" : "en");
  if (!page) { root().replaceChildren(h("p", { class: "notice" }, t("public.not_found"))); return; }
  render(page);
})();
