// The only way the console talks to the server: the public HTTP API, with the user's token.
const TOKENS = "vigil.tokens";
export const apiUrl = ((window.VIGIL_CONFIG || {}).apiUrl || "").replace(/\/$/, "");

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title || problem.message)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    // `errors` is a list of {field, code, message} (the message already in the request's
    // language); the forms want field → message, and `fieldCodes` keeps the machine codes.
    const list = fieldList(problem && problem.errors);
    this.fieldErrors = {};
    this.fieldCodes = {};
    for (const { field, code, message } of list) {
      this.fieldErrors[field] = this.fieldErrors[field] ? `${this.fieldErrors[field]} ${message}` : message;
      if (!(field in this.fieldCodes)) this.fieldCodes[field] = code;
    }
    this.code = (problem && problem.code) || "";
  }
  // The route does not exist (yet) on this server: API Gateway and chalice answer unknown
  // paths with 403 "Missing Authentication Token", unknown methods with 405.
  get unavailable() {
    return this.status === 404 || this.status === 405 ||
      (this.status === 403 && this.problem.message === "Missing Authentication Token");
  }
}

/** A problem's `errors` as a list of {field, code, message} (also from an older field → message map). */
export function fieldList(errors) {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors.filter((e) => e && e.field);
  return Object.entries(errors).map(([field, message]) => ({ field, code: "", message: String(message) }));
}

export const tokens = {
  get() { try { return JSON.parse(sessionStorage.getItem(TOKENS)) || null; } catch { return null; } },
  set(t) { sessionStorage.setItem(TOKENS, JSON.stringify(t)); },
  clear() { sessionStorage.removeItem(TOKENS); },
};

let onSignedOut = () => {};
export function whenSignedOut(fn) { onSignedOut = fn; }

async function parse(response) {
  const type = response.headers.get("Content-Type") || "";
  if (response.status === 204) return null;
  if (type.includes("json")) return response.json();
  return response.blob();
}

async function refresh() {
  const t = tokens.get();
  if (!t || !t.refresh_token) return false;
  const r = await fetch(`${apiUrl}/auth/refresh`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: t.refresh_token }),
  });
  if (!r.ok) return false;
  const fresh = await r.json();
  tokens.set({ ...t, ...fresh, refresh_token: fresh.refresh_token || t.refresh_token });
  return true;
}

/** Call the API. `body` is JSON unless `raw` (a Blob/File) is given with its content type. */
export async function api(method, path, { body, raw, headers = {}, auth = true, retry = true } = {}) {
  const h = { ...headers };
  const lang = document.documentElement.lang;
  if (lang) h["Accept-Language"] = lang;
  let payload;
  if (raw !== undefined) { payload = raw; h["Content-Type"] = raw.type || "application/octet-stream"; }
  else if (body !== undefined) { payload = JSON.stringify(body); h["Content-Type"] = "application/json"; }
  const t = tokens.get();
  if (auth && t) h.Authorization = `Bearer ${t.id_token}`;
  let response;
  try {
    response = await fetch(`${apiUrl}${path}`, { method, headers: h, body: payload });
  } catch (e) {
    throw new ApiError(0, { title: "network", detail: "" });
  }
  if (response.status === 401 && auth && retry && await refresh()) {
    return api(method, path, { body, raw, headers, auth, retry: false });
  }
  const data = await parse(response).catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && auth) { tokens.clear(); onSignedOut(); }
    throw new ApiError(response.status, data instanceof Blob ? {} : data);
  }
  return data;
}

/** Which routes this server offers, from its OpenAPI document (null = unknown, try and see). */
let routes = null;
export async function loadCapabilities() {
  try {
    const doc = await api("GET", "/openapi.json", { auth: false });
    routes = new Set();
    for (const [path, ops] of Object.entries(doc.paths || {})) {
      for (const method of Object.keys(ops)) routes.add(`${method.toUpperCase()} ${path}`);
    }
  } catch (e) { routes = null; return e; }  // the caller tells "no answer" from "no document"
  return null;
}

/** `has("PUT", "/orgs/{org_id}/logo")` — false only when the server's contract lacks it. */
export function has(method, template) {
  if (!routes) return true;
  const norm = (p) => p.replace(/\{[^}]+\}/g, "{}");
  const want = `${method} ${norm(template)}`;
  for (const r of routes) {
    const [m, p] = r.split(" ");
    if (`${m} ${norm(p)}` === want) return true;
  }
  return false;
}

export function newIdempotencyKey() {
  return (crypto.randomUUID && crypto.randomUUID()) ||
    `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
