// Response-time chart as inline SVG (no library): one point per check, failures in red, with a
// y axis in ms (gridlines at round values) and time labels on the x axis. SVG drawn by our code
// rather than a vendored library: the console has no build step, the figures are few (≤ 200
// points), and the geometry stays testable (`ticks` and uptime.js `segments` are pure).
import { formatDate, t } from "../i18n.js";
import { h } from "../ui.js";

const NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** Round tick values from 0 to at least `max` (1-2-5 steps), about `count` of them. */
export function ticks(max, count = 4) {
  const raw = Math.max(1, max) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw));  // whole ms
  const out = [];
  for (let v = 0; v < max + step; v += step) out.push(v);
  return out;
}

export function chart(points, label) {
  const data = points.filter((p) => p.at).sort((a, b) => a.at.localeCompare(b.at));
  if (!data.length) return h("p", { class: "empty" }, t("endpoints.no_results"));
  const W = 640, H = 200, L = 52, R = 12, T = 12, B = 30;
  const yTicks = ticks(Math.max(1, ...data.map((p) => p.ms || 0)));
  const top = yTicks.at(-1);
  const x = (i) => L + (data.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (data.length - 1));
  const y = (ms) => H - B - ((ms || 0) * (H - T - B)) / top;
  const line = data.map((p, i) => `${x(i).toFixed(1)},${y(p.ms).toFixed(1)}`).join(" ");
  const xLabels = [0, Math.floor((data.length - 1) / 2), data.length - 1]
    .filter((v, i, a) => a.indexOf(v) === i)
    .map((i) => s("text", { x: x(i), y: H - 8, class: "tick", "text-anchor": i === 0 ? "start" : i === data.length - 1 ? "end" : "middle" },
      formatDate(data[i].at)));
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart", "data-testid": "response-chart" },
    ...yTicks.map((v) => s("g", {},
      s("line", { x1: L, y1: y(v), x2: W - R, y2: y(v), class: v === 0 ? "axis" : "grid" }),
      s("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, `${v}`))),
    s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }),
    s("text", { x: 4, y: T + 2, class: "tick unit" }, "ms"),
    ...xLabels,
    s("polyline", { points: line, class: "series" }),
    ...data.map((p, i) => (p.ok ? null : s("circle", { cx: x(i), cy: y(p.ms), r: 3, class: "fail" },
      s("title", {}, `${formatDate(p.at)}: ${p.ms ?? "—"} ms`)))).filter(Boolean));
  return h("figure", {}, svg, h("figcaption", {},
    t("endpoints.axis_ms"), " — ",
    t("endpoints.chart_caption", { from: formatDate(data[0].at), to: formatDate(data.at(-1).at), n: data.length })));
}

/**
 * Percent series over time (host history from the hourly rollups): 0–100 % axis, one line per
 * series, a legend. `rows`: [{at, values: {key: number|null}}]; `series`: [{key, label, cls}].
 */
export function percentChart(rows, series, label) {
  const data = rows.filter((r) => r.at).sort((a, b) => a.at.localeCompare(b.at));
  if (!data.length) return h("p", { class: "empty" }, t("hosts.no_history"));
  const W = 640, H = 200, L = 52, R = 12, T = 12, B = 30;
  const x = (i) => L + (data.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (data.length - 1));
  const y = (v) => H - B - (Math.max(0, Math.min(100, v)) * (H - T - B)) / 100;
  const lines = series.map((sr) => {
    const pts = data.map((r, i) => [i, r.values[sr.key]]).filter(([, v]) => v !== null && v !== undefined && !Number.isNaN(v));
    if (!pts.length) return null;
    // a line, and a dot per hour (a single hour has no line to show)
    return s("g", { class: `series-group ${sr.cls}` },
      s("polyline", { points: pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "),
                      class: `series ${sr.cls}` }, s("title", {}, sr.label)),
      ...pts.map(([i, v]) => s("circle", { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5, class: `dot ${sr.cls}` },
        s("title", {}, `${sr.label}, ${formatDate(data[i].at)}: ${Math.round(v)} %`))));
  }).filter(Boolean);
  const xLabels = [0, data.length - 1].filter((v, i, a) => a.indexOf(v) === i)
    .map((i) => s("text", { x: x(i), y: H - 8, class: "tick", "text-anchor": i === 0 ? "start" : "end" }, formatDate(data[i].at)));
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart", "data-testid": "host-chart" },
    ...[0, 25, 50, 75, 100].map((v) => s("g", {},
      s("line", { x1: L, y1: y(v), x2: W - R, y2: y(v), class: v === 0 ? "axis" : "grid" }),
      s("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, `${v}`))),
    s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }),
    s("text", { x: 4, y: T + 2, class: "tick unit" }, "%"),
    ...xLabels, ...lines);
  const legend = h("ul", { class: "legend" }, series.map((sr) => h("li", {}, h("span", { class: `swatch ${sr.cls}` }), sr.label)));
  return h("figure", {}, svg, legend);
}
