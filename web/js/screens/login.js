// Login, its second step (MFA code), the first-login password change (NEW_PASSWORD_REQUIRED
// challenge), and "Passwort vergessen?" (code by mail, then a new password).
import { api, tokens } from "../api.js";
import { language, LANGUAGES, setLanguage, t } from "../i18n.js";
import { field, h, notice, onSubmit, showErrors } from "../ui.js";

export function render({ onLoggedIn }) {
  const box = h("div", { class: "login-box" });
  const main = h("main", { id: "main", class: "login" }, h("h1", {}, "Vigil"), box, languageLinks());

  function showLogin(message) {
    const form = onSubmit(h("form", { "aria-labelledby": "login-title", novalidate: true },
      h("h2", { id: "login-title" }, t("login.title")),
      message ? h("p", { class: "notice notice-info", role: "status" }, message) : null,
      field({ name: "email", label: t("login.email"), type: "email", required: true, autocomplete: "username" }),
      field({ name: "password", label: t("login.password"), type: "password", required: true,
              autocomplete: "current-password" }),
      h("button", { type: "submit", class: "primary" }, t("login.submit")),
      h("p", { class: "forgot" }, h("button", { type: "button", class: "link", "data-testid": "forgot-link",
        onclick: () => showForgot(form.querySelector('[name="email"]').value.trim()) }, t("login.forgot")))),
    async (v) => {
      const answer = await api("POST", "/auth/login", { body: { email: v.email || "", password: v.password || "" }, auth: false });
      if (answer.challenge === "NEW_PASSWORD_REQUIRED") return showNewPassword(v.email, answer.session);
      if (answer.challenge === "MFA") return showMfa(answer.session);
      tokens.set(answer);
      await onLoggedIn();
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  // Second step for users with two-factor authentication: the code of their authenticator app.
  function showMfa(session) {
    const form = onSubmit(h("form", { "aria-labelledby": "mfa-login-title", novalidate: true, "data-testid": "mfa-login-form" },
      h("h2", { id: "mfa-login-title" }, t("login.mfa_title")),
      h("p", {}, t("login.mfa_text")),
      field({ name: "code", label: t("mfa.code"), required: true, autocomplete: "one-time-code",
              attrs: { inputmode: "numeric", maxlength: "6", pattern: "[0-9]{6}" } }),
      h("button", { type: "submit", class: "primary" }, t("login.mfa_submit")),
      backLink()),
    async (v) => {
      const answer = await api("POST", "/auth/mfa", { body: { session, code: v.code || "" }, auth: false })
        .catch((e) => { throw plain(e, 401, t("login.mfa_wrong")); });
      tokens.set(answer);
      await onLoggedIn();
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  function showForgot(email) {
    const form = onSubmit(h("form", { "aria-labelledby": "forgot-title", novalidate: true, "data-testid": "forgot-form" },
      h("h2", { id: "forgot-title" }, t("login.forgot_title")),
      h("p", {}, t("login.forgot_text")),
      field({ name: "email", label: t("login.email"), type: "email", required: true, autocomplete: "username", value: email }),
      h("button", { type: "submit", class: "primary" }, t("login.forgot_submit")),
      backLink()),
    async (v) => {
      await api("POST", "/auth/forgot-password", { body: { email: v.email || "" }, auth: false });
      showReset(v.email || "");
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  function showReset(email) {
    const form = onSubmit(h("form", { "aria-labelledby": "reset-title", novalidate: true, "data-testid": "reset-form" },
      h("h2", { id: "reset-title" }, t("login.reset_title")),
      notice(t("login.reset_sent", { email })),
      field({ name: "code", label: t("login.reset_code"), required: true, autocomplete: "one-time-code",
              attrs: { inputmode: "numeric", maxlength: "8" } }),
      field({ name: "new_password", label: t("login.new_password"), type: "password", required: true,
              autocomplete: "new-password", hint: t("login.password_rules") }),
      field({ name: "repeat", label: t("login.repeat_password"), type: "password", required: true,
              autocomplete: "new-password" }),
      h("button", { type: "submit", class: "primary" }, t("login.reset_submit")),
      backLink()),
    async (v, f) => {
      if ((v.new_password || "") !== (v.repeat || "")) {
        return showErrors(f, { message: "", fieldErrors: { repeat: t("login.mismatch") } });
      }
      await api("POST", "/auth/reset-password",
        { body: { email, code: v.code || "", new_password: v.new_password || "" }, auth: false })
        .catch((e) => { throw plain(e, 400, t("login.reset_bad_code")); });
      showLogin(t("login.reset_done"));
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  // The answer of a refused code in the UI's language (the server's detail is for developers).
  function plain(error, status, text) {
    if (error && error.status === status && !Object.keys(error.fieldErrors || {}).length) error.message = text;
    return error;
  }

  function backLink() {
    return h("p", {}, h("button", { type: "button", class: "link", onclick: () => showLogin() }, t("login.back")));
  }

  function showNewPassword(email, session) {
    const form = onSubmit(h("form", { "aria-labelledby": "np-title", novalidate: true },
      h("h2", { id: "np-title" }, t("login.new_password_title")),
      h("p", {}, t("login.new_password_text")),
      field({ name: "new_password", label: t("login.new_password"), type: "password", required: true,
              autocomplete: "new-password", hint: t("login.password_rules") }),
      field({ name: "repeat", label: t("login.repeat_password"), type: "password", required: true,
              autocomplete: "new-password" }),
      h("button", { type: "submit", class: "primary" }, t("login.set_password"))),
    async (v, f) => {
      if ((v.new_password || "") !== (v.repeat || "")) {
        return showErrors(f, { message: "", fieldErrors: { repeat: t("login.mismatch") } });
      }
      const answer = await api("POST", "/auth/new-password",
        { body: { email, session, new_password: v.new_password || "" }, auth: false });
      tokens.set(answer);
      await onLoggedIn();
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  function languageLinks() {
    return h("p", { class: "lang-links" }, LANGUAGES.map((l) =>
      h("button", { type: "button", class: "link", lang: l, "aria-pressed": String(l === language()),
        onclick: async () => { await setLanguage(l); main.replaceWith(render({ onLoggedIn })); } },
        t(`lang.${l}`))));
  }

  showLogin();
  return main;
}
