// The 90-day uptime bar: one segment per day, coloured by availability, drawn as SVG by our code.
// `segments()` is pure geometry (no DOM) so that it is tested directly (tests/console/test_uptime_geometry.py).

export const DAYS = 90;
export const WIDTH = 900;
export const HEIGHT = 34;
export const GAP = 2;

/** "ok" from 99.9 %, "warn" from 99 %, "bad" below, "none" without checks. */
export function level(uptime) {
  if (uptime === null || uptime === undefined) return "none";
  const value = Number(uptime);
  if (value >= 99.9) return "ok";
  if (value >= 99) return "warn";
  return "bad";
}

function isoDay(date) { return date.toISOString().slice(0, 10); }

/**
 * One segment per day for the `days` days ending with `endDay` (YYYY-MM-DD, UTC), oldest on the
 * left: {x, y, w, h, day, level, uptime, checks}. Days missing from `daily` have level "none".
 * Segments share the width evenly with `gap` between them; the last one ends at `width`.
 */
export function segments(daily, endDay, { days = DAYS, width = WIDTH, height = HEIGHT, gap = GAP } = {}) {
  const byDay = new Map((daily || []).map((d) => [d.day, d]));
  const w = (width - gap * (days - 1)) / days;
  const end = new Date(`${endDay}T00:00:00Z`);
  const out = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(end.getTime() - (days - 1 - i) * 86400000);
    const day = isoDay(date);
    const d = byDay.get(day);
    out.push({
      x: Number((i * (w + gap)).toFixed(3)), y: 0, w: Number(w.toFixed(3)), h: height,
      day, level: level(d ? d.uptime : null), uptime: d ? d.uptime : null, checks: d ? d.checks : 0,
    });
  }
  return out;
}

const NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** The bar as an <svg>; each segment has a <title> tooltip ("02.11.2026: 99,95 % (1.440 Prüfungen)"). */
export function uptimeBar(daily, endDay, { label, tooltip }) {
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": label,
                         class: "uptime-bar", preserveAspectRatio: "none", "data-testid": "uptime-bar" });
  for (const seg of segments(daily, endDay)) {
    svg.append(s("rect", { x: seg.x, y: seg.y, width: seg.w, height: seg.h, rx: 1.5,
                           class: `seg ${seg.level}`, "data-day": seg.day }, s("title", {}, tooltip(seg))));
  }
  return svg;
}
