// Response-time chart as inline SVG (no library): one point per check, failures in red.
import { formatDate, t } from "../i18n.js";
import { h } from "../ui.js";

const NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

export function chart(points, label) {
  const data = points.filter((p) => p.at).sort((a, b) => a.at.localeCompare(b.at));
  if (!data.length) return h("p", { class: "empty" }, t("endpoints.no_results"));
  const W = 640, H = 180, P = 28;
  const max = Math.max(1, ...data.map((p) => p.ms || 0));
  const x = (i) => P + (data.length === 1 ? 0 : (i * (W - 2 * P)) / (data.length - 1));
  const y = (ms) => H - P - ((ms || 0) * (H - 2 * P)) / max;
  const line = data.map((p, i) => `${x(i).toFixed(1)},${y(p.ms).toFixed(1)}`).join(" ");
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart" },
    s("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, class: "axis" }),
    s("text", { x: 2, y: P, class: "tick" }, `${max} ms`),
    s("polyline", { points: line, class: "series" }),
    ...data.filter((p) => !p.ok).map((p) => s("circle", { cx: x(data.indexOf(p)), cy: y(p.ms), r: 3, class: "fail" })));
  return h("figure", {}, svg, h("figcaption", {},
    t("endpoints.chart_caption", { from: formatDate(data[0].at), to: formatDate(data.at(-1).at), n: data.length })));
}
