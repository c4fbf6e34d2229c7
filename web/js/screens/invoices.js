// Invoices and credit notes of the paying org: list, downloads (PDF, XML, XRechnung) from the
// detail, and the accountant's exports of a period (ZIP with every document, DATEV CSV).
import { api } from "../api.js";
import { formatDay, formatMoney, t } from "../i18n.js";
import { badge, errorText, field, h, notice, onSubmit, section, table } from "../ui.js";
import { guarded, listAll, title } from "./common.js";

export async function render(ctx) {
  const org = ctx.org;
  const body = await guarded(t("invoices.title"), "GET", "/orgs/{org_id}/invoices", async () => {
    const items = await listAll(`/orgs/${org.id}/invoices?limit=200`);
    return table([
      [t("invoices.number"), (i) => i.number],
      [t("invoices.type"), (i) => kind(i)],
      [t("invoices.issued"), (i) => formatDay(i.issued_at)],
      [t("invoices.customers"), (i) => (i.lines || []).map((l) => l.org_name).filter(Boolean).join(", ") || "—"],
      [t("invoices.net"), (i) => formatMoney({ net: i.net, currency: i.currency })],
      [t("invoices.gross"), (i) => formatMoney({ net: i.gross, currency: i.currency })],
      [t("invoices.download"), (i) => downloads(org, i)],
    ], items, t("invoices.none"));
  });
  const exported = await guarded(t("invoices.export_title"), "GET", "/orgs/{org_id}/invoices/export",
    async () => exportForm(org));
  return h("div", {}, title(t("invoices.title")), section(t("invoices.list"), body),
    section(t("invoices.export_title"), exported));
}

function kind(invoice) {
  if (invoice.type === "credit_note") {
    return h("span", { "data-testid": `type-${invoice.number}` }, badge(t("invoices.credit_note"), "warn"),
      invoice.corrects ? ` ${t("invoices.corrects", { number: invoice.corrects })}` : "");
  }
  const parts = [t("invoices.invoice")];
  if (invoice.cancelled_by) parts.push(` (${t("invoices.cancelled_by", { number: invoice.cancelled_by })})`);
  return h("span", { "data-testid": `type-${invoice.number}` }, ...parts);
}

function downloads(org, invoice) {
  const out = h("span", { class: "actions", "data-testid": `invoice-${invoice.number}` });
  // The URLs are presigned for a few minutes and only on the detail: fetch it when the user
  // asks, then offer the files as plain links (no pop-up blocker involved).
  const load = async () => {
    try {
      const detail = await api("GET", `/orgs/${org.id}/invoices/${encodeURIComponent(invoice.number)}`);
      const links = [["pdf", t("invoices.pdf"), "pdf"], ["xml", t("invoices.xml"), "xml"],
        ["xrechnung", t("invoices.xrechnung"), "xrechnung.xml"]]
        .filter(([kind]) => detail[`${kind}_url`])
        .map(([kind, label, ext]) => h("a", { href: detail[`${kind}_url`], target: "_blank", rel: "noopener",
          download: `${invoice.number}.${ext}` }, label));
      out.replaceChildren(...(links.length ? links : [h("span", { class: "empty" }, t("invoices.pending"))]));
      if (links.length) links[0].focus();
    } catch (e) { out.append(notice(errorText(e), "error")); }
  };
  out.append(h("button", { type: "button", class: "small", onclick: load,
    "aria-label": t("invoices.load_files", { number: invoice.number }) }, t("invoices.download")));
  return out;
}

function exportForm(org) {
  const today = new Date();
  const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0));
  const iso = (d) => d.toISOString().slice(0, 10);
  const result = h("div", { "data-testid": "export-result", "aria-live": "polite" });
  let format = "zip";
  const form = onSubmit(h("form", { novalidate: true, class: "inline" },
    field({ name: "from", label: t("invoices.export_from"), type: "date", value: iso(first), required: true }),
    field({ name: "to", label: t("invoices.export_to"), type: "date", value: iso(last), required: true }),
    h("button", { type: "submit", "data-testid": "export-zip", onclick: () => { format = "zip"; } },
      t("invoices.export_zip")),
    h("button", { type: "submit", class: "secondary", "data-testid": "export-datev",
      onclick: () => { format = "datev"; } }, t("invoices.export_datev"))),
  async (v) => {
    const query = new URLSearchParams({ from: v.from, to: v.to, format });
    const out = await api("GET", `/orgs/${org.id}/invoices/export?${query}`);
    result.replaceChildren(h("p", {},
      t("invoices.export_ready", { documents: out.documents, invoices: out.invoices, credit_notes: out.credit_notes }), " ",
      h("a", { href: out.url, download: out.filename, "data-testid": "export-link" }, out.filename)));
    result.querySelector("a").focus();
  });
  return h("div", {}, h("p", {}, t("invoices.export_text")), form, result);
}
