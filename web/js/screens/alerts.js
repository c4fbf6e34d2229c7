// Partner alerts: which customers' incidents the partner org is mailed about
// (GET/PUT /orgs/{id}/alert-policy; partner-org admins). Mails read
// "[NEU] Endpunkt nicht erreichbar – <Kunde>" and link into the customer's console.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { field, h, notice, onSubmit, radios, section } from "../ui.js";
import { guarded, listAll, title } from "./common.js";

export async function render(ctx) {
  const org = ctx.org;
  const body = await guarded(t("alerts.title"), "GET", "/orgs/{org_id}/alert-policy", async () => {
    const policy = await api("GET", `/orgs/${org.id}/alert-policy`);
    const customers = await listAll(`/orgs/${org.id}/customers?limit=200`);
    const chosen = new Set(policy.customer_ids || []);
    const result = h("div", { "aria-live": "polite" });
    const list = h("fieldset", { class: "field checks", "data-testid": "alert-customers" },
      h("legend", {}, t("alerts.customers")),
      customers.map((c) => h("label", {}, h("input", { type: "checkbox", name: "customer", value: c.id,
        checked: chosen.has(c.id) }), " ", c.name, c.support_by === "partner" ? ` (${t("support_by.partner")})` : "")),
      h("p", { class: "field-error", "data-error-for": "customer_ids", role: "alert" }));
    const form = onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "alert-policy-form" },
      radios({ name: "mode", legend: t("alerts.mode"), value: policy.mode, options: [
        ["supported", t("alerts.mode_supported")], ["selected", t("alerts.mode_selected")], ["off", t("alerts.mode_off")]] }),
      list,
      field({ name: "recipients", label: t("alerts.recipients"), value: (policy.recipients || []).join(", "),
              hint: t("alerts.recipients_hint") }),
      h("button", { type: "submit", class: "primary" }, t("common.save"))),
    async (_v, f) => {
      const mode = f.querySelector('[name="mode"]:checked').value;
      const ids = [...f.querySelectorAll('[name="customer"]:checked')].map((i) => i.value);
      const recipients = f.querySelector('[name="recipients"]').value.split(/[,\s]+/).filter(Boolean);
      await api("PUT", `/orgs/${org.id}/alert-policy`,
        { body: { mode, customer_ids: mode === "selected" ? ids : [], recipients } });
      result.replaceChildren(notice(t("common.saved"), "success"));
    });
    const sync = () => { list.disabled = form.querySelector('[name="mode"]:checked').value !== "selected"; };
    form.addEventListener("change", sync);
    sync();
    return h("div", {}, h("p", {}, t("alerts.explain")), form, result);
  });
  return h("div", {}, title(t("alerts.title")), section(t("alerts.policy"), body));
}
