// Subscription: current plan and period; order a paid plan with an explicit confirmation step
// ("Zahlungspflichtig bestellen"); cancel at period end. Shown only where GET …/subscription
// answers (a 403 hides the entry in the navigation).
import { api, has, newIdempotencyKey } from "../api.js";
import { formatDay, formatMoney, planLabel, t } from "../i18n.js";
import { errorText, field, h, notice, section, table } from "../ui.js";
import { guarded, stateBadge, title } from "./common.js";

function price(value, currency) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return formatMoney({ currency, ...value });
  return formatMoney({ net: value, currency });
}

export async function render(ctx, _params, nav) {
  const org = ctx.org;
  let sub = null;
  try { sub = await api("GET", `/orgs/${org.id}/subscription`); } catch (e) { if (e.status !== 404) throw e; }
  const current = sub ? h("dl", { class: "facts", "data-testid": "subscription" },
    h("dt", {}, t("subscription.plan")), h("dd", {}, planLabel(sub.plan)),
    h("dt", {}, t("subscription.status")), h("dd", {}, stateBadge(sub.status)),
    sub.interval ? [h("dt", {}, t("subscription.interval")), h("dd", {}, t(`interval.${sub.interval}`))] : null,
    sub.status === "trialing" && sub.trial_ends_at ? [h("dt", {}, t("subscription.trial_ends")), h("dd", {}, formatDay(sub.trial_ends_at))] : null,
    sub.current_period_end ? [h("dt", {}, t("subscription.period_end")), h("dd", {}, formatDay(sub.current_period_end))] : null,
    sub.cancel_at_period_end ? [h("dt", {}, t("subscription.cancel_at_end")), h("dd", {}, t("common.yes"))] : null)
    : h("p", { class: "empty" }, t("subscription.none"));
  const parts = [title(t("subscription.title")), section(t("subscription.current"), current)];
  if (ctx.canWrite) parts.push(section(t("subscription.order_title"), await orderPanel(ctx, nav)));
  if (ctx.canWrite && sub && ["active"].includes(sub.status) && !sub.cancel_at_period_end) {
    parts.push(section(t("subscription.cancel_title"), await guarded(t("subscription.cancel_title"), "DELETE", "/orgs/{org_id}/subscription", async () => {
      const status = h("div", { "aria-live": "polite" });
      return h("div", {}, h("p", {}, t("subscription.cancel_text")),
        h("button", { type: "button", class: "danger", onclick: async () => {
          if (!window.confirm(t("subscription.cancel_confirm"))) return;
          try { await api("DELETE", `/orgs/${org.id}/subscription`); nav.route(); }
          catch (e) { status.replaceChildren(notice(errorText(e), "error")); }
        } }, t("subscription.cancel")), status);
    })));
  }
  return h("div", {}, parts);
}

async function orderPanel(ctx, nav) {
  const org = ctx.org;
  if (!has("POST", "/orgs/{org_id}/subscription/orders")) return guarded(t("subscription.order_title"), "POST", "/orgs/{org_id}/subscription/orders", null);
  return guarded(t("subscription.plans"), "GET", "/plans", async () => {
    const catalog = await api("GET", "/plans", { auth: false });
    const currency = catalog.currency || "EUR";
    const plans = (catalog.items || catalog.plans || []).filter((p) => p.orderable);
    const box = h("div", { "aria-live": "polite" });
    const idemKey = newIdempotencyKey();  // one key per order attempt: a double click orders once
    const choose = h("form", { novalidate: true, "data-testid": "order-form" },
      table([
        [t("subscription.plan"), (p) => p.name],
        [t("subscription.per_month"), (p) => price(p.price ? p.price.month : p.price_month, currency)],
        [t("subscription.per_year"), (p) => price(p.price ? p.price.year : null, currency)],
        [t("subscription.limits"), (p) => p.limits ? t("subscription.limits_text", p.limits) : ""],
      ], plans),
      field({ name: "plan", label: t("subscription.plan"), options: plans.map((p) => [p.id, p.name]) }),
      field({ name: "interval", label: t("subscription.interval"), value: "month",
              options: [["month", t("interval.month")], ["year", t("interval.year")]] }),
      h("button", { type: "submit", class: "primary" }, t("subscription.review")));
    choose.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const plan = choose.querySelector('[name="plan"]').value;
      const interval = choose.querySelector('[name="interval"]').value;
      const p = plans.find((x) => x.id === plan);
      const discount = org.partner_id ? (catalog.partner_discount_percent || {})[org.support_by] : null;
      const confirm = h("div", { class: "confirm", role: "group", "aria-labelledby": "order-confirm-title" },
        h("h3", { id: "order-confirm-title" }, t("subscription.confirm_title")),
        h("p", {}, t("subscription.confirm_text", { plan: p.name, interval: t(`interval.${interval}`), org: org.name })),
        p.price && p.price[interval] ? h("p", { "data-testid": "order-price" }, t("subscription.list_price", { price: price(p.price[interval], currency), interval: t(`interval.${interval}`) })) : null,
        discount ? h("p", {}, t("subscription.discount", { percent: discount })) : null,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "primary", "data-testid": "order-confirm", onclick: async (e) => {
            e.target.disabled = true;
            try {
              const invoice = await api("POST", `/orgs/${org.id}/subscription/orders`,
                { body: { plan, interval }, headers: { "Idempotency-Key": idemKey } });
              await nav.route();
              const main = document.querySelector("#main .screen");
              if (main) main.prepend(notice(t("subscription.ordered", { number: (invoice && (invoice.number || (invoice.invoice || {}).number)) || "" }), "success"));
            } catch (err) {
              e.target.disabled = false;
              box.append(notice(errorText(err), "error"));
            }
          } }, t("subscription.order_binding")),
          h("button", { type: "button", onclick: () => { box.replaceChildren(); choose.hidden = false; choose.querySelector("select").focus(); } }, t("common.back"))));
      choose.hidden = true;
      box.replaceChildren(confirm);
      confirm.querySelector("button").focus();
    });
    return h("div", {}, choose, box);
  });
}

