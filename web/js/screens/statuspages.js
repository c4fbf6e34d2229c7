// Status pages: list with the public link, create (slug, title, components), notes, delete.
import { api, has } from "../api.js";
import { formatDate, t } from "../i18n.js";
import { errorText, field, h, notice, onSubmit, section, table } from "../ui.js";
import { guarded, listAll, title } from "./common.js";

const publicUrl = (slug) => `${location.origin}/status/${slug}`;

export async function render(ctx, params, nav) {
  if (params[0]) return detail(ctx, params[0], nav);
  const org = ctx.org;
  const body = await guarded(t("pages.title"), "GET", "/orgs/{org_id}/status-pages", async () => {
    const pages = await listAll(`/orgs/${org.id}/status-pages?limit=200`);
    const parts = [section(t("pages.list"), table([
      [t("pages.page_title"), (p) => h("a", { href: `#/orgs/${org.id}/status-pages/${p.slug}` }, p.title)],
      [t("pages.slug"), (p) => h("a", { href: publicUrl(p.slug), target: "_blank", rel: "noopener",
        "data-testid": "public-link" }, `/status/${p.slug}`)],
      [t("pages.language"), (p) => t(`lang.${p.language}`)],
    ], pages, t("pages.none")))];
    if (ctx.canWrite && has("POST", "/orgs/{org_id}/status-pages")) parts.push(await createForm(ctx, nav));
    return h("div", {}, parts);
  });
  return h("div", {}, title(t("pages.title")), body);
}

async function createForm(ctx, nav) {
  const org = ctx.org;
  const [endpoints, hosts] = await Promise.all([
    listAll(`/orgs/${org.id}/endpoints?limit=200`).catch(() => []),
    listAll(`/orgs/${org.id}/hosts?limit=200`).catch(() => []),
  ]);
  const choice = (kind, item) => h("label", {},
    h("input", { type: "checkbox", name: `pick.${kind}`, value: item.id, "data-kind": kind }), " ", item.name);
  const form = h("form", { class: "stack-form", novalidate: true, "data-testid": "status-page-form" },
    field({ name: "slug", label: t("pages.slug"), required: true, hint: t("pages.slug_hint") }),
    field({ name: "title", label: t("pages.page_title"), required: true }),
    field({ name: "language", label: t("pages.language"), value: org.language || "de",
            options: [["de", t("lang.de")], ["en", t("lang.en")]] }),
    field({ name: "show_response_times", label: t("pages.response_times"), type: "checkbox" }),
    h("fieldset", { class: "field" }, h("legend", {}, t("pages.components")),
      endpoints.map((e) => choice("endpoints", e)), hosts.map((x) => choice("hosts", x)),
      h("p", { class: "field-error", "data-error-for": "endpoints", role: "alert" }),
      h("p", { class: "field-error", "data-error-for": "hosts", role: "alert" }),
      h("p", { class: "field-error", "data-error-for": "status_pages", role: "alert" })),
    h("button", { type: "submit", class: "primary" }, t("pages.create")));
  return section(t("pages.create_title"), onSubmit(form, async (v, f) => {
    const picked = (kind) => [...f.querySelectorAll(`input[data-kind=${kind}]:checked`)].map((el) => el.value);
    const created = await api("POST", `/orgs/${org.id}/status-pages`, { body: {
      slug: v.slug, title: v.title, language: v.language, show_response_times: !!v.show_response_times,
      endpoints: picked("endpoints"), hosts: picked("hosts") } });
    nav.go(`#/orgs/${org.id}/status-pages/${created.slug}`);
  }));
}

async function detail(ctx, slug, nav) {
  const org = ctx.org;
  const base = `/orgs/${org.id}/status-pages/${encodeURIComponent(slug)}`;
  return guarded(t("pages.title"), "GET", "/orgs/{org_id}/status-pages/{slug}", async () => {
    const page = await api("GET", base);
    const parts = [
      title(page.title, h("a", { href: `#/orgs/${org.id}/status-pages` }, t("common.back_to_list"))),
      h("p", {}, h("a", { href: publicUrl(page.slug), target: "_blank", rel: "noopener", "data-testid": "public-link" },
        t("pages.open"), " (", publicUrl(page.slug), ")")),
      section(t("pages.notes"), table([
        [t("audit.at"), (n) => formatDate(n.posted_at)],
        [t("pages.note"), (n) => n.text],
        [t("common.actions"), (n) => ctx.canWrite ? h("button", { type: "button", class: "link", onclick: async () => {
          await api("DELETE", `${base}/notes/${n.id}`); nav.route(); } }, t("common.remove")) : ""],
      ], page.notes, t("common.empty"))),
    ];
    if (ctx.canWrite) {
      parts.push(section(t("pages.note_add"), onSubmit(h("form", { class: "stack-form", novalidate: true, "data-testid": "note-form" },
        field({ name: "text", label: t("pages.note"), type: "textarea", required: true }),
        h("button", { type: "submit", class: "primary" }, t("pages.note_add"))),
      async (v) => { await api("POST", `${base}/notes`, { body: { text: v.text } }); nav.route(); })));
      const line = h("div", { "aria-live": "polite" });
      parts.push(section(t("common.actions"), h("button", { type: "button", class: "danger", onclick: async () => {
        if (!window.confirm(t("pages.confirm_delete", { title: page.title }))) return;
        try { await api("DELETE", base); nav.go(`#/orgs/${org.id}/status-pages`); }
        catch (e) { line.replaceChildren(notice(errorText(e), "error")); }
      } }, t("pages.delete")), line));
    }
    return h("div", {}, parts);
  });
}
