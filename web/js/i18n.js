// UI strings live in web/i18n/<lang>.json (same keys in every language; a test checks that).
export const LANGUAGES = ["de", "en"];
const KEY = "vigil.lang";
let dict = {};
let current = "de";

export function language() { return current; }

export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) lang = "de";
  const response = await fetch(`i18n/${lang}.json`);
  dict = await response.json();
  current = lang;
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  const skip = document.querySelector(".skip-link");
  if (skip) skip.textContent = t("skip.link");
}

export function initialLanguage() {
  const saved = localStorage.getItem(KEY);
  if (LANGUAGES.includes(saved)) return saved;
  return (navigator.language || "de").toLowerCase().startsWith("de") ? "de" : "en";
}

/** t("team.invited", {email}) — "{email}" placeholders are filled from vars. */
export function t(key, vars = {}) {
  const text = dict[key];
  if (text === undefined) { console.warn(`missing string ${key}`); return key; }
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}

export function formatDate(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(current === "de" ? "de-DE" : "en-GB",
    { dateStyle: "medium", timeStyle: "short" });
}

export function formatDay(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(current === "de" ? "de-DE" : "en-GB", { dateStyle: "medium" });
}

export function formatMoney(m) {
  if (!m) return "—";
  const n = Number(m.net ?? m.amount ?? m);
  return new Intl.NumberFormat(current === "de" ? "de-DE" : "en-GB",
    { style: "currency", currency: m.currency || "EUR" }).format(n);
}

export function roleLabel(role) {
  return ["guest", "admin", "partner"].includes(role) ? t(`role.${role}`) : role;
}

/** Plan ids have texts for the known plans; an unknown id (new in the catalog) shows as is. */
export function planLabel(plan) {
  if (!plan) return "—";
  return dict[`plan.${plan}`] ?? plan;
}

export function kindLabel(kind) {
  return dict[`incident.${kind}`] ?? kind;
}
