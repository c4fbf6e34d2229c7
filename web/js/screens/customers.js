// Partner view: all linked customers with plan, status and open incidents; create a customer.
import { api } from "../api.js";
import { formatDay, planLabel, t } from "../i18n.js";
import { field, h, notice, onSubmit, radios, section, table } from "../ui.js";
import { listAll, stateBadge, title } from "./common.js";

export async function render(ctx, _params, nav) {
  const org = ctx.org;
  const items = await listAll(`/orgs/${org.id}/customers?limit=200`);
  const withIncidents = items.some((c) => c.open_incidents !== undefined);
  const columns = [
    [t("customers.name"), (c) => h("a", { href: `#/orgs/${c.id}/overview` }, c.name)],
    [t("customers.plan"), (c) => planLabel(c.plan)],
    [t("customers.status"), (c) => stateBadge(c.status)],
    [t("customers.trial_ends"), (c) => c.status === "trialing" ? formatDay(c.trial_ends_at) : "—"],
    [t("customers.support_by"), (c) => t(`support_by.${c.support_by}`)],
  ];
  if (withIncidents) columns.push([t("customers.open_incidents"), (c) => String(c.open_incidents ?? "—")]);
  const parts = [title(t("customers.title")), section(t("customers.list"), table(columns, items, t("customers.none")))];
  if (ctx.canWrite) parts.push(createForm(ctx, nav));
  return h("div", {}, parts);
}

function createForm(ctx, nav) {
  const result = h("div", { "aria-live": "polite" });
  const form = onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "create-customer" },
    field({ name: "name", label: t("org.name"), required: true }),
    field({ name: "address.street", label: t("org.street"), autocomplete: "street-address" }),
    field({ name: "address.postal_code", label: t("org.postal_code"), autocomplete: "postal-code" }),
    field({ name: "address.city", label: t("org.city"), autocomplete: "address-level2" }),
    field({ name: "address.country", label: t("org.country"), value: "DE", autocomplete: "country" }),
    field({ name: "billing_email", label: t("org.billing_email"), type: "email" }),
    field({ name: "language", label: t("org.language"), value: "de",
            options: [["de", t("lang.de")], ["en", t("lang.en")]] }),
    field({ name: "linked", label: t("customers.linked"), type: "checkbox", value: true,
            hint: t("customers.linked_hint") }),
    radios({ name: "support_by", legend: t("customers.support_choice"), value: "partner",
             options: [["partner", t("support_by.partner")], ["vendor", t("support_by.vendor")]] }),
    h("p", { class: "hint" }, t("customers.trial_only")),
    h("button", { type: "submit", class: "primary" }, t("customers.create"))),
  async (v, f) => {
    const body = { ...v, partner_id: ctx.org.id, plan: "trial" };
    if (!body.linked) delete body.support_by;
    const created = await api("POST", "/orgs", { body });
    f.reset();
    supportSet.disabled = false;  // reset() re-checks "linked"; the support choice applies again
    await nav.reloadMe();
    result.replaceChildren(notice(t("customers.created", { name: created.name }), "success"),
      h("a", { class: "button", href: `#/orgs/${created.id}/overview`, "data-testid": "enter-created" },
        t("customers.enter", { name: created.name })));
  });
  const linked = form.querySelector('[name="linked"]');
  const supportSet = form.querySelector("fieldset.radios");
  linked.addEventListener("change", () => { supportSet.disabled = !linked.checked; });
  return section(t("customers.create_title"), form, result);
}
