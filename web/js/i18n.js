// UI strings live in web/i18n/<lang>.json (same keys in every language; a test checks that).
export const LANGUAGES = ["de", "en"];
const KEY = "vigil.lang";
let dict = {};
let current = "de";
// The time zone of the org the user works in (IANA name from GET /orgs/{id}); times are shown
// there with the zone's abbreviation ("02.12.2026, 08:53 MEZ"), never in bare UTC.
let zone = "Europe/Berlin";

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

export function timeZone() { return zone; }

/** The org's zone for every date shown; an unknown name (older browsers) keeps the previous one. */
export function setTimeZone(tz) {
  if (!tz) return;
  try { new Intl.DateTimeFormat("de-DE", { timeZone: tz }); zone = tz; } catch { /* keep the last good one */ }
}

function locale() { return current === "de" ? "de-DE" : "en-GB"; }

export function formatDate(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
    timeZone: zone, timeZoneName: "short",
  }).format(new Date(iso));
}

export function formatDay(iso) {
  if (!iso) return "—";
  // a plain day ("2026-12-02") is a calendar date, not an instant: no zone shift
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Intl.DateTimeFormat(locale(), { day: "2-digit", month: "2-digit", year: "numeric",
    timeZone: plain ? "UTC" : zone }).format(new Date(plain ? `${iso}T00:00:00Z` : iso));
}

/** 1234.5 → "1.234,5"; `digits` fixes the fraction digits. */
export function formatNumber(value, digits) {
  if (value === null || value === undefined || value === "") return "—";
  const opts = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(locale(), opts).format(Number(value));
}

/** An API decimal string as a percentage with the digits it carries ("94.8" → "94,8 %"). */
export function formatApiPercent(value) {
  if (value === null || value === undefined || value === "") return "—";
  return formatPercent(value, (String(value).split(".")[1] || "").length);
}

/** Percentage points: 99.95 → "99,95 %" (de) / "99.95%" (en). */
export function formatPercent(value, digits = 2) {
  if (value === null || value === undefined || value === "") return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", minimumFractionDigits: digits,
    maximumFractionDigits: digits }).format(Number(value) / 100);
}

/** The value of a date-time input (local wall time in the org's zone, "2026-12-02T08:53") as a UTC ISO string. */
export function zonedInputToIso(local) {
  if (!local) return "";
  const [d, tm = "00:00"] = local.split("T");
  const [y, mo, da] = d.split("-").map(Number);
  const [hh, mi] = tm.split(":").map(Number);
  const guess = Date.UTC(y, mo - 1, da, hh, mi);
  // the zone's offset at that instant (twice: the first guess may sit across a DST change)
  const offset = (at) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(at)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - at;
  };
  let at = guess - offset(guess);
  at = guess - offset(at);
  return new Date(at).toISOString();
}

export function formatMoney(m) {
  if (!m) return "—";
  const n = Number(m.net ?? m.amount ?? m);
  return new Intl.NumberFormat(locale(), { style: "currency", currency: m.currency || "EUR" }).format(n);
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
