// Subscription: current plan and period, pending changes and a held invoice; order a paid plan
// with an explicit confirmation step that shows the server's quote — exactly what the order will
// bill (POST …/subscription/quote) — and sends its gross as expected_gross ("Zahlungspflichtig
// bestellen"); cancel at period end. Shown only where GET …/subscription answers (a 403 hides
// the entry in the navigation).
import { api, has, newIdempotencyKey } from "../api.js";
import { formatDay, formatMoney, language, planLabel, t } from "../i18n.js";
import { errorText, field, h, notice, section, table } from "../ui.js";
import { guarded, stateBadge, title } from "./common.js";

function price(value, currency) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return formatMoney({ currency, ...value });
  return formatMoney({ net: value, currency });
}

const locale = () => (language() === "de" ? "de-DE" : "en-GB");

/** A business date ("2026-11-30") as it reads on the invoice, whatever the browser's zone. */
function businessDay(isoDate) {
  if (!isoDate) return "—";
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString(locale(), { dateStyle: "medium", timeZone: "UTC" });
}

/** An instant (a period end) as the Berlin business date it starts. */
function berlinDay(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(locale(), { dateStyle: "medium", timeZone: "Europe/Berlin" });
}

function eur(amount, currency) { return formatMoney({ amount, currency: currency || "EUR" }); }

function pendingText(change) {
  if (!change) return null;
  if (change.type === "cancellation") return t("subscription.pending_cancel", { date: berlinDay(new Date(Date.parse(change.effective_at) - 1000).toISOString()) });
  return t("subscription.pending_text", { plan: planLabel(change.plan), interval: t(`interval.${change.interval}`),
                                          date: berlinDay(change.effective_at) });
}

function holdNotice(hold) {
  if (!hold) return null;
  const fields = (hold.fields || []).map((f) => t(`subscription.hold_field.${f}`)).join(", ");
  return h("div", { class: "notice notice-error", role: "alert", "data-testid": "billing-hold" },
    h("strong", {}, t("subscription.hold_title")), " ",
    t(`subscription.hold_reason.${hold.reason_code}`), " ",
    t("subscription.hold_text", { since: berlinDay(hold.since), fields }));
}

/** The confirmation step's quote: what the order will bill now and what changes when. */
export function quoteView(quote) {
  const cur = quote.currency;
  const inv = quote.invoice;
  const parts = [];
  if (inv) {
    parts.push(table([
      [t("subscription.quote_item"), (ln) => ln.kind === "credit"
        ? (ln.offsets_invoice ? t("subscription.quote_credit_from", { number: ln.offsets_invoice }) : t("subscription.quote_credit"))
          + ` – ${planLabel(ln.plan)} (${t(`interval.${ln.interval}`)}), ${ln.org_name}`
        : `${planLabel(ln.plan)} (${t(`interval.${ln.interval}`)}), ${ln.org_name}`],
      [t("subscription.quote_period"), (ln) => `${businessDay(ln.period_start)} – ${businessDay(ln.period_end)}`],
      [t("subscription.quote_list"), (ln) => eur(ln.list_price, cur)],
      [t("subscription.quote_discount"), (ln) => `${eur(ln.discount, cur)} (${ln.discount_percent} %)`],
      [t("subscription.quote_net"), (ln) => eur(ln.net, cur)],
    ], inv.lines));
    const vatLabel = inv.tax_category === "S" ? t("subscription.quote_vat", { rate: inv.vat_rate })
      : t(`subscription.quote_vat_${inv.tax_category}`);
    parts.push(h("dl", { class: "facts" },
      h("dt", {}, t("subscription.quote_net_total")), h("dd", { "data-testid": "quote-net" }, eur(inv.net, cur)),
      h("dt", {}, vatLabel), h("dd", { "data-testid": "quote-vat" }, eur(inv.vat, cur)),
      h("dt", {}, t("subscription.quote_gross")), h("dd", { "data-testid": "quote-gross" }, h("strong", {}, eur(inv.gross, cur))),
      h("dt", {}, t("subscription.quote_service_period")),
      h("dd", {}, `${businessDay(inv.service_period.start)} – ${businessDay(inv.service_period.end)}`),
      h("dt", {}, t("subscription.quote_invoice_date")), h("dd", {}, businessDay(inv.invoice_date))));
  } else {
    parts.push(h("p", {}, t("subscription.quote_no_invoice")));
  }
  const later = pendingText(quote.pending_change);
  if (later) parts.push(h("p", { "data-testid": "quote-later" }, later));
  return h("div", { "data-testid": "order-quote", "aria-live": "polite" }, parts);
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
    sub.current_period_end ? [h("dt", {}, t("subscription.period_end")), h("dd", {}, berlinDay(sub.current_period_end))] : null,
    sub.cancel_at_period_end ? [h("dt", {}, t("subscription.cancel_at_end")), h("dd", {}, t("common.yes"))] : null,
    sub.pending_change ? [h("dt", {}, t("subscription.pending")), h("dd", { "data-testid": "pending-change" }, pendingText(sub.pending_change))] : null)
    : h("p", { class: "empty" }, t("subscription.none"));
  const parts = [title(t("subscription.title")), sub ? holdNotice(sub.billing_hold) : null,
                 section(t("subscription.current"), current)];
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
    choose.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const plan = choose.querySelector('[name="plan"]').value;
      const interval = choose.querySelector('[name="interval"]').value;
      const p = plans.find((x) => x.id === plan);
      let quote;
      try {
        quote = await api("POST", `/orgs/${org.id}/subscription/quote`, { body: { plan, interval } });
      } catch (err) {
        box.replaceChildren(notice(errorText(err), "error"));
        return;
      }
      const quoteBox = h("div", {}, quoteView(quote));
      const status = h("div", { "aria-live": "polite" });
      const discount = org.partner_id ? (catalog.partner_discount_percent || {})[org.support_by] : null;
      const confirm = h("div", { class: "confirm", role: "group", "aria-labelledby": "order-confirm-title" },
        h("h3", { id: "order-confirm-title" }, t("subscription.confirm_title")),
        h("p", {}, t("subscription.confirm_text", { plan: p.name, interval: t(`interval.${interval}`), org: org.name })),
        p.price && p.price[interval] ? h("p", { "data-testid": "order-price" }, t("subscription.list_price", { price: price(p.price[interval], currency), interval: t(`interval.${interval}`) })) : null,
        discount ? h("p", {}, t("subscription.discount", { percent: discount })) : null,
        quoteBox,
        status,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "primary", "data-testid": "order-confirm", onclick: async (e) => {
            e.target.disabled = true;
            status.replaceChildren();
            try {
              const result = await api("POST", `/orgs/${org.id}/subscription/orders`,
                { body: { plan, interval, expected_gross: quote.gross }, headers: { "Idempotency-Key": idemKey } });
              await nav.route();
              const main = document.querySelector("#main .screen");
              const number = result && result.invoice && result.invoice.number;
              const text = number ? t("subscription.ordered", { number }) : t("subscription.scheduled");
              if (main) main.prepend(notice(text, "success"));
            } catch (err) {
              e.target.disabled = false;
              if (err.status === 409 && err.problem && err.problem.quote) {
                // the amount changed since this step was shown: show the new quote, confirm again
                quote = err.problem.quote;
                quoteBox.replaceChildren(quoteView(quote));
                status.replaceChildren(notice(t("subscription.quote_changed"), "error"));
              } else {
                status.replaceChildren(notice(errorText(err), "error"));
              }
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

