// Login, and the first-login password change (NEW_PASSWORD_REQUIRED challenge).
import { api, tokens } from "../api.js";
import { language, LANGUAGES, setLanguage, t } from "../i18n.js";
import { field, h, onSubmit, showErrors } from "../ui.js";

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
      h("button", { type: "submit", class: "primary" }, t("login.submit"))),
    async (v) => {
      const answer = await api("POST", "/auth/login", { body: { email: v.email || "", password: v.password || "" }, auth: false });
      if (answer.challenge === "NEW_PASSWORD_REQUIRED") return showNewPassword(v.email, answer.session);
      tokens.set(answer);
      await onLoggedIn();
    });
    box.replaceChildren(form);
    form.querySelector("input").focus();
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
