// Invoices of the paying org: list, and the PDF / XML (e-invoice) downloads from the detail.
import { api } from "../api.js";
import { formatDay, formatMoney, t } from "../i18n.js";
import { errorText, h, notice, section, table } from "../ui.js";
import { guarded, listAll, title } from "./common.js";

export async function render(ctx) {
  const org = ctx.org;
  const body = await guarded(t("invoices.title"), "GET", "/orgs/{org_id}/invoices", async () => {
    const items = await listAll(`/orgs/${org.id}/invoices?limit=200`);
    return table([
      [t("invoices.number"), (i) => i.number],
      [t("invoices.issued"), (i) => formatDay(i.issued_at)],
      [t("invoices.customers"), (i) => (i.lines || []).map((l) => l.org_name).filter(Boolean).join(", ") || "—"],
      [t("invoices.net"), (i) => formatMoney({ net: i.net, currency: i.currency })],
      [t("invoices.gross"), (i) => formatMoney({ net: i.gross, currency: i.currency })],
      [t("invoices.download"), (i) => downloads(org, i)],
    ], items, t("invoices.none"));
  });
  return h("div", {}, title(t("invoices.title")), section(t("invoices.list"), body));
}

function downloads(org, invoice) {
  const out = h("span", { class: "actions", "data-testid": `invoice-${invoice.number}` });
  // The PDF/XML URLs are presigned for a few minutes and only on the detail: fetch it when the
  // user asks, then offer the two files as plain links (no pop-up blocker involved).
  const load = async () => {
    try {
      const detail = await api("GET", `/orgs/${org.id}/invoices/${encodeURIComponent(invoice.number)}`);
      const links = [["pdf", t("invoices.pdf")], ["xml", t("invoices.xml")]]
        .filter(([kind]) => detail[`${kind}_url`])
        .map(([kind, label]) => h("a", { href: detail[`${kind}_url`], target: "_blank", rel: "noopener",
          download: `${invoice.number}.${kind}` }, label));
      out.replaceChildren(...(links.length ? links : [h("span", { class: "empty" }, t("invoices.pending"))]));
      if (links.length) links[0].focus();
    } catch (e) { out.append(notice(errorText(e), "error")); }
  };
  out.append(h("button", { type: "button", class: "small", onclick: load,
    "aria-label": t("invoices.load_files", { number: invoice.number }) }, t("invoices.download")));
  return out;
}
