// Team members: list; admins and partners invite, change roles and remove.
import { api, newIdempotencyKey } from "../api.js";
import { formatDate, roleLabel, t } from "../i18n.js";
import { errorText, field, h, notice, onSubmit, section, table } from "../ui.js";
import { listAll, title } from "./common.js";

export async function render(ctx, _params, nav) {
  const org = ctx.org;
  const members = await listAll(`/orgs/${org.id}/members?limit=200`);
  const status = h("div", { "aria-live": "polite", class: "status-line" });
  const roleOptions = [["guest", t("role.guest")], ["admin", t("role.admin")]];
  const columns = [
    [t("team.email"), (m) => m.email],
    [t("team.role"), (m) => ctx.canWrite ? roleSelect(m) : roleLabel(m.role)],
    [t("team.added"), (m) => formatDate(m.added_at)],
  ];
  if (ctx.canWrite) {
    columns.push([t("common.actions"), (m) => h("button", { type: "button", class: "danger small",
      "aria-label": t("team.remove_member", { email: m.email }), onclick: async () => {
        if (!window.confirm(t("team.confirm_remove", { email: m.email }))) return;
        try { await api("DELETE", `/orgs/${org.id}/members/${m.user_id}`); nav.route(); }
        catch (e) { status.replaceChildren(notice(errorText(e), "error")); }
      } }, t("team.remove"))]);
  }

  function roleSelect(m) {
    const id = `role-${m.user_id}`;
    return h("span", {}, h("label", { for: id, class: "visually-hidden" }, t("team.role_of", { email: m.email })),
      h("select", { id, onchange: async (e) => {
        try {
          await api("PATCH", `/orgs/${org.id}/members/${m.user_id}`, { body: { role: e.target.value } });
          status.replaceChildren(notice(t("team.role_changed", { email: m.email }), "success"));
        } catch (err) {
          e.target.value = m.role;
          status.replaceChildren(notice(errorText(err), "error"));
        }
      } }, roleOptions.map(([v, text]) => h("option", { value: v, selected: v === m.role }, text))));
  }

  const parts = [title(t("team.title")), section(t("team.members"), status, table(columns, members))];
  if (ctx.canWrite) {
    const result = h("div", { "aria-live": "polite" });
    parts.push(section(t("team.invite_title"), onSubmit(h("form", { class: "inline-form", novalidate: true, "data-testid": "invite-form" },
      field({ name: "email", label: t("team.email"), type: "email", required: true }),
      field({ name: "role", label: t("team.role"), value: "guest", options: roleOptions }),
      h("button", { type: "submit", class: "primary" }, t("team.invite"))),
    async (v) => {
      await api("POST", `/orgs/${org.id}/members`, { body: v, headers: { "Idempotency-Key": newIdempotencyKey() } });
      await nav.route();
      // the screen was re-rendered: announce on the new one
      const line = document.querySelector(".status-line");
      if (line) line.replaceChildren(notice(t("team.invited", { email: v.email }), "success"));
    }), result));
  }
  return h("div", {}, parts);
}
