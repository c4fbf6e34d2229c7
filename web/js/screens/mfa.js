// The user's own two-factor authentication (an authenticator app, TOTP): enrol with the QR code
// and a first code, or turn it off with a current code. Reached from the top bar, and whenever
// an organisation answers 403 `mfa_required` (then `required` is set).
import { api } from "../api.js";
import { t } from "../i18n.js";
import { field, h, notice, onSubmit } from "../ui.js";

export async function render(required) {
  const box = h("div", { class: "login-box", "data-screen": "mfa" });
  const main = h("main", { id: "main", class: "login" }, h("h1", {}, "Vigil"), box);

  async function show(message) {
    const state = await api("GET", "/me/mfa");
    const parts = [h("h2", { id: "mfa-title" }, t("mfa.title"))];
    if (required && !state.enabled) parts.push(notice(t("mfa.required"), "info"));
    if (message) parts.push(notice(message, "success"));
    parts.push(h("p", { "data-testid": "mfa-status" }, state.enabled ? t("mfa.on") : t("mfa.off")));
    if (state.enabled) {
      parts.push(onSubmit(h("form", { novalidate: true, "data-testid": "mfa-disable-form" },
        field({ name: "code", label: t("mfa.code"), required: true, autocomplete: "one-time-code",
                attrs: { inputmode: "numeric", maxlength: "6" } }),
        h("button", { type: "submit", class: "danger" }, t("mfa.disable"))),
      async (v) => {
        await api("DELETE", "/me/mfa", { body: { code: v.code || "" } }).catch(wrongCode);
        await show(t("mfa.disabled"));
      }));
    } else {
      parts.push(h("p", {}, t("mfa.explain")),
        h("button", { type: "button", class: "primary", "data-testid": "mfa-start", onclick: start }, t("mfa.start")));
    }
    parts.push(h("p", {}, h("a", { href: "#/" }, t("mfa.back"))));
    box.replaceChildren(...parts);
  }

  async function start() {
    const setup = await api("POST", "/me/mfa/setup");
    const form = onSubmit(h("form", { novalidate: true, "aria-labelledby": "mfa-setup-title", "data-testid": "mfa-verify-form" },
      h("h2", { id: "mfa-setup-title" }, t("mfa.setup_title")),
      h("p", {}, t("mfa.scan")),
      h("img", { src: setup.qr_svg, alt: t("mfa.qr_alt"), width: 220, height: 220, class: "mfa-qr", "data-testid": "mfa-qr" }),
      h("p", {}, t("mfa.manual"), " ", h("code", { "data-testid": "mfa-secret" }, setup.secret)),
      field({ name: "code", label: t("mfa.code"), required: true, autocomplete: "one-time-code",
              attrs: { inputmode: "numeric", maxlength: "6" } }),
      h("button", { type: "submit", class: "primary" }, t("mfa.verify")),
      h("p", {}, h("a", { href: "#/" }, t("mfa.back")))),
    async (v) => {
      await api("POST", "/me/mfa/verify", { body: { code: v.code || "" } }).catch(wrongCode);
      await show(t("mfa.enabled"));
    });
    box.replaceChildren(form);
    form.querySelector('[name="code"]').focus();
  }

  await show();
  return main;
}

// A refused code is shown next to the field in the UI's language.
function wrongCode(error) {
  if (error && error.status === 400) error.fieldErrors = { code: t("mfa.wrong_code") };
  throw error;
}
