// Organisation settings: profile (address, billing e-mail, VAT ID, language), logo, support
// contact, and — for a partner inside a linked customer — deleting that customer.
import { api, has } from "../api.js";
import { formatDay, planLabel, t } from "../i18n.js";
import { errorText, field, h, notice, onSubmit, radios, section, showErrors, clearErrors } from "../ui.js";
import { guarded, title } from "./common.js";
import { supportCard } from "./overview.js";

export async function render(ctx, _params, nav) {
  const parts = [title(t("settings.title")), profile(ctx), security(ctx)];
  parts.push(section(t("logo.title"), await logo(ctx)));
  parts.push(section(t("support.title"), await support(ctx)));
  if (ctx.role === "partner" && ctx.org.partner_id) parts.push(await deletion(ctx, nav));
  return h("div", {}, parts);
}

function profile(ctx) {
  const o = ctx.org;
  const a = o.address || {};
  const ro = !ctx.canWrite;
  if (ro) {
    return section(t("settings.profile"), h("dl", { class: "facts" },
      h("dt", {}, t("org.name")), h("dd", {}, o.name),
      h("dt", {}, t("org.address")), h("dd", {}, [a.street, [a.postal_code, a.city].filter(Boolean).join(" "), a.country].filter(Boolean).join(", ") || "—"),
      h("dt", {}, t("org.billing_email")), h("dd", {}, o.billing_email || "—"),
      h("dt", {}, t("org.vat_id")), h("dd", {}, o.vat_id || "—"),
      h("dt", {}, t("org.language")), h("dd", {}, t(`lang.${o.language}`))));
  }
  const status = h("div", { "aria-live": "polite" });
  const form = onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "profile-form" },
    field({ name: "name", label: t("org.name"), value: o.name, required: true }),
    field({ name: "address.street", label: t("org.street"), value: a.street }),
    field({ name: "address.postal_code", label: t("org.postal_code"), value: a.postal_code }),
    field({ name: "address.city", label: t("org.city"), value: a.city }),
    field({ name: "address.country", label: t("org.country"), value: a.country }),
    field({ name: "billing_email", label: t("org.billing_email"), type: "email", value: o.billing_email }),
    field({ name: "vat_id", label: t("org.vat_id"), value: o.vat_id }),
    field({ name: "language", label: t("org.language"), value: o.language,
            options: [["de", t("lang.de")], ["en", t("lang.en")]] }),
    o.linked && ctx.role === "partner" ? radios({ name: "support_by", legend: t("customers.support_choice"),
      value: o.support_by, options: [["partner", t("support_by.partner")], ["vendor", t("support_by.vendor")]] }) : null,
    h("button", { type: "submit", class: "primary" }, t("common.save"))),
  async (v) => {
    // Send only what changed: the audit log then lists exactly the fields the user touched.
    const changed = {};
    for (const [k, value] of Object.entries(v)) {
      const before = k === "address" ? compact(o.address) : o[k];
      const after = k === "address" ? compact(value) : value;
      if (JSON.stringify(after) !== JSON.stringify(before)) changed[k] = value;
    }
    if (!Object.keys(changed).length) return status.replaceChildren(notice(t("common.no_changes")));
    await api("PATCH", `/orgs/${o.id}`, { body: changed });
    await ctx.refreshOrg();
    status.replaceChildren(notice(t("common.saved"), "success"));
  });
  return section(t("settings.profile"), form, status);
}

// Whether every member needs two-factor authentication (PATCH /orgs/{id} {require_mfa}, audited).
function security(ctx) {
  const o = ctx.org;
  if (!ctx.canWrite || o.require_mfa === undefined) {
    return section(t("settings.security"), h("p", { "data-testid": "require-mfa-state" },
      o.require_mfa ? t("settings.require_mfa_on") : t("settings.require_mfa_off")));
  }
  const status = h("div", { "aria-live": "polite" });
  const form = onSubmit(h("form", { novalidate: true, "data-testid": "security-form" },
    field({ name: "require_mfa", label: t("settings.require_mfa"), type: "checkbox", value: o.require_mfa,
            hint: t("settings.require_mfa_hint") }),
    h("button", { type: "submit", class: "primary" }, t("common.save"))),
  async (v) => {
    if (!!v.require_mfa === !!ctx.org.require_mfa) return status.replaceChildren(notice(t("common.no_changes")));
    await api("PATCH", `/orgs/${o.id}`, { body: { require_mfa: !!v.require_mfa } });
    await ctx.refreshOrg();
    status.replaceChildren(notice(t("common.saved"), "success"));
  });
  return section(t("settings.security"), form, status);
}

async function logo(ctx) {
  const org = ctx.org;
  const preview = h("div", { class: "logo-preview" });
  const canRead = has("GET", "/orgs/{org_id}/logo");
  async function showCurrent() {
    if (!canRead) return preview.replaceChildren(h("p", { class: "empty" }, t("unavailable.short")));
    try {
      // {url (presigned, a few minutes), width, height}: the image comes straight from storage
      const logo = await api("GET", `/orgs/${org.id}/logo`);
      preview.replaceChildren(h("img", { src: logo.url, alt: t("logo.alt", { name: org.name }),
        width: logo.width || 150, height: logo.height || 150, "data-testid": "logo-img" }));
    } catch (e) {
      preview.replaceChildren(h("p", { class: "empty" }, e.status === 404 ? t("logo.none") : errorText(e)));
    }
  }
  return guarded(t("logo.title"), "PUT", "/orgs/{org_id}/logo", async () => {
    await showCurrent();
    if (!ctx.canWrite) return h("div", {}, preview);
    const status = h("div", { "aria-live": "polite" });
    const form = h("form", { novalidate: true, "data-testid": "logo-form" },
      field({ name: "logo", label: t("logo.file"), type: "file", hint: t("logo.rules"),
              attrs: { accept: "image/png,image/jpeg" } }),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, t("logo.upload")),
        has("DELETE", "/orgs/{org_id}/logo") ? h("button", { type: "button", class: "danger", onclick: async () => {
          try { await api("DELETE", `/orgs/${org.id}/logo`); status.replaceChildren(notice(t("logo.deleted"), "success")); await showCurrent(); }
          catch (e) { showErrors(form, e); }
        } }, t("logo.delete")) : null));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const file = form.querySelector('[name="logo"]').files[0];
      if (!file) return showErrors(form, { message: "", fieldErrors: { logo: t("logo.choose") } });
      try {
        const stored = await api("PUT", `/orgs/${org.id}/logo`, { raw: file });
        status.replaceChildren(notice(stored && stored.note ? `${t("logo.saved")} ${stored.note}` : t("logo.saved"), "success"));
        await showCurrent();
      } catch (e) {
        // The server's own message (size, format, dimensions) is what the user needs to read.
        const errs = { ...e.fieldErrors };
        const slotless = Object.keys(errs).filter((k) => k !== "logo");
        showErrors(form, { status: e.status, message: e.message,
          fieldErrors: { logo: [errs.logo, ...slotless.map((k) => errs[k])].filter(Boolean).join(" ") || e.message } });
      }
    });
    return h("div", {}, preview, form, status);
  });
}

async function support(ctx) {
  const org = ctx.org;
  return guarded(t("support.title"), "GET", "/orgs/{org_id}/support", async () => {
    const s = await api("GET", `/orgs/${org.id}/support`);
    let card = supportCard(s);
    const out = [card];
    // Only a partner org maintains its own contact (shown to its customers).
    if (ctx.canWrite && org.kind === "partner" && has("PUT", "/orgs/{org_id}/support")) {
      const status = h("div", { "aria-live": "polite" });
      // The form edits the partner's own contact (`own`), not the effective one shown above.
      const own = s.own || {};
      out.push(h("h3", {}, t("support.edit")), h("p", { class: "hint" }, t("support.edit_hint")), onSubmit(h("form", { class: "grid-form", novalidate: true, "data-testid": "support-form" },
        field({ name: "name", label: t("support.name"), value: own.name, required: true }),
        field({ name: "email", label: t("support.email"), type: "email", value: own.email, required: true }),
        field({ name: "phone", label: t("support.phone"), type: "tel", value: own.phone }),
        field({ name: "hours", label: t("support.hours"), value: own.hours }),
        field({ name: "url", label: t("support.url"), type: "url", value: own.url }),
        h("button", { type: "submit", class: "primary" }, t("common.save"))),
      async (v) => {
        // empty optional fields are sent as null (cleared), not as ""
        const body = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === "" && !["name", "email"].includes(k) ? null : x]));
        await api("PUT", `/orgs/${org.id}/support`, { body });
        status.replaceChildren(notice(t("common.saved"), "success"));
        card.replaceWith(card = supportCard(await api("GET", `/orgs/${org.id}/support`)));
      }), status);
    }
    return h("div", {}, out);
  });
}

async function deletion(ctx, nav) {
  const org = ctx.org;
  const body = await guarded(t("delete.title"), "DELETE", "/orgs/{org_id}", async () => {
    const confirmBox = h("div", {});
    const start = h("button", { type: "button", class: "danger", onclick: () => {
      const form = onSubmit(h("form", { novalidate: true },
        h("p", {}, t("delete.warning", { name: org.name })),
        field({ name: "confirm_name", label: t("delete.type_name"), required: true }),
        h("button", { type: "submit", class: "danger" }, t("delete.confirm"))),
      async (v, f) => {
        if (v.confirm_name !== org.name) return showErrors(f, { message: "", fieldErrors: { confirm_name: t("delete.mismatch") } });
        const done = async () => { await nav.reloadMe(); nav.go(`#/orgs/${org.partner_id}/customers`); };
        try {
          await api("DELETE", `/orgs/${org.id}`);
        } catch (e) {
          // a paid period left: name the subscription and what happens, ask once more
          if (e.status !== 409 || e.problem.code !== "paid_subscription_unconfirmed") throw e;
          const s = e.problem.subscription || {};
          const paid = h("div", { class: "notice notice-warn", role: "alert", "data-testid": "delete-paid-warning" },
            h("p", {}, t("delete.paid_warning", {
              name: s.org_name || org.name,
              plan: planLabel(s.plan),
              interval: t(s.interval === "year" ? "delete.yearly" : "delete.monthly"),
              end: formatDay(s.last_paid_day || s.current_period_end),
              days: s.unused_days,
            })),
            h("button", { type: "button", class: "danger", "data-testid": "delete-paid-confirm", onclick: async () => {
              try {
                await api("DELETE", `/orgs/${org.id}`, { body: { confirm_paid_subscription: true } });
                await done();
              } catch (err) { paid.append(notice(errorText(err), "error")); }
            } }, t("delete.paid_confirm")));
          f.replaceWith(paid);
          paid.querySelector("button").focus();
          return;
        }
        await done();
      });
      confirmBox.replaceChildren(form);
      form.querySelector("input").focus();
    } }, t("delete.start"));
    return h("div", {}, h("p", {}, t("delete.text")), start, confirmBox);
  });
  return section(t("delete.title"), body);
}

function compact(address) {
  const out = {};
  for (const k of ["street", "postal_code", "city", "country"]) if (address && address[k]) out[k] = address[k];
  return out;
}
