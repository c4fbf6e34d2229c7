// "Switch into this account?" — the seed's dialog before a partner enters a customer account.
import { t } from "../i18n.js";
import { h } from "../ui.js";

/** Resolves true when the user chose "Anmelden", false on "Abbrechen" or Escape. */
export function confirmSwitch(name) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "switch-dialog", "data-testid": "switch-dialog",
                                 "aria-labelledby": "switch-title" },
      h("h2", { id: "switch-title" }, t("switch.title")),
      h("p", {}, t("switch.question", { name })),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", "data-testid": "switch-confirm",
                      onclick: () => done(true) }, t("switch.login")),
        h("button", { type: "button", onclick: () => done(false) }, t("switch.cancel"))));
    function done(value) { dialog.close(); dialog.remove(); resolve(value); }
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
