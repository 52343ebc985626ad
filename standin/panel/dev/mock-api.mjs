// Test-only in-memory mock of the AsterDrive API used by the panel (node:http, no deps).
// Usage: node standin/panel/dev/mock-api.mjs [port]   (env MOCK_PORT also works)
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const PANEL = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = Number(process.argv[2] || process.env.MOCK_PORT || 3411);
const CSP =
	"default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; font-src 'self' data:; connect-src 'self' http: https: ws: wss: blob:; media-src 'self' blob: http: https:; worker-src 'self' blob:; frame-src 'self' http: https:; manifest-src 'self'";
const ACCESS_TTL = Number(process.env.MOCK_ACCESS_TTL || 900);
const CHUNK = 5 * 1024 * 1024;

const now = () => new Date().toISOString();
const tok = (n = 16) => randomBytes(n).toString("hex");

// ---------------------------------------------------------------- state
const S = {
	users: [{ id: 1, username: "admin", email: "admin@example.com", password: "Password123!", role: "admin" }],
	access: new Map(), // token -> {uid, exp}
	refresh: new Map(), // token -> uid
	folders: [], // {id,name,parent_id,deleted_at}
	files: [], // {id,name,folder_id,data:Buffer,mime,deleted_at,versions:[...]}
	shares: [],
	webdav: [],
	uploads: new Map(),
	audit: [],
	tasks: [{ id: 1, kind: "system_runtime", status: "succeeded", display_name: "Run system task cleanup", progress_percent: 100, created_at: now(), updated_at: now() }],
	config: [
		{ key: "auth_cookie_secure", value: "false", value_type: "boolean", category: "auth", source: "system" },
		{ key: "auth_allow_user_registration", value: "true", value_type: "boolean", category: "user", source: "system" },
		{ key: "webdav_enabled", value: "true", value_type: "boolean", category: "webdav", source: "system" },
		{ key: "public_site_url", value: [], value_type: "string_array", category: "site", source: "system" },
		{ key: "trash_retention_days", value: "7", value_type: "number", category: "storage", source: "system" },
	],
	previewApps: [
		{ key: "builtin.image", provider: "builtin", icon: "", enabled: true, labels: { en: "Image preview" }, extensions: ["png", "gif", "jpg"] },
		{ key: "custom.fakeoffice", provider: "wopi", icon: "", enabled: true, labels: { en: "Fake Office" }, extensions: ["docx"], config: { mode: "iframe" } },
	],
	seq: 100,
	hasPolicy: true,
};
if (process.env.MOCK_EMPTY === "1") {
	S.users = [];
	S.hasPolicy = false;
}
const setupState = () => (!S.users.length ? "needs_admin" : S.hasPolicy ? "ready" : "needs_storage");
const nextId = () => ++S.seq;
const audit = (uid, action, entity_type, entity_name) =>
	S.audit.unshift({ id: nextId(), user: { id: uid, username: S.users.find((u) => u.id === uid)?.username }, action, entity_type, entity_name, ip_address: "127.0.0.1", created_at: now() });

function mimeOf(name) {
	const ext = extname(name).toLowerCase();
	return (
		{ ".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".pdf": "application/pdf", ".txt": "text/plain", ".ts": "text/plain", ".md": "text/markdown", ".json": "application/json", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }[ext] ||
		"application/octet-stream"
	);
}

// ---------------------------------------------------------------- helpers
function cookies(req) {
	const out = {};
	for (const p of (req.headers.cookie || "").split(";")) {
		const [k, ...v] = p.trim().split("=");
		if (k) out[k] = decodeURIComponent(v.join("="));
	}
	return out;
}
function send(res, status, body, headers = {}) {
	const json = JSON.stringify(body);
	res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(json), ...headers });
	res.end(json);
}
const ok = (res, data, status = 200, headers) => send(res, status, data === undefined ? { code: "success", msg: "" } : { code: "success", msg: "", data }, headers);
const fail = (res, status, code, msg) => send(res, status, { code, msg: msg || code, error: { retryable: false } });
async function body(req) {
	const chunks = [];
	for await (const c of req) chunks.push(c);
	return Buffer.concat(chunks);
}
async function jsonBody(req) {
	const b = await body(req);
	if (!b.length) return {};
	try {
		return JSON.parse(b.toString("utf8"));
	} catch {
		return {};
	}
}
function parseMultipart(buf, ct) {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(ct || "");
	if (!m) return null;
	const boundary = Buffer.from(`--${m[1] || m[2]}`);
	let pos = buf.indexOf(boundary);
	while (pos !== -1) {
		const start = pos + boundary.length + 2;
		const next = buf.indexOf(boundary, start);
		if (next === -1) break;
		const part = buf.subarray(start, next - 2);
		const sep = part.indexOf("\r\n\r\n");
		const head = part.subarray(0, sep).toString("utf8");
		const fn = /filename="([^"]*)"/.exec(head);
		if (fn) return { filename: fn[1], data: Buffer.from(part.subarray(sep + 4)) };
		pos = next;
	}
	return null;
}
function setAuthCookies(res, uid) {
	const access = tok();
	const refresh = tok();
	const csrf = tok(24);
	S.access.set(access, { uid, exp: Date.now() + ACCESS_TTL * 1000 });
	S.refresh.set(refresh, uid);
	res.setHeader("Set-Cookie", [
		`aster_access=${access}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${ACCESS_TTL}`,
		`aster_refresh=${refresh}; Path=/api/v1/auth; HttpOnly; SameSite=Lax; Max-Age=604800`,
		`aster_csrf=${csrf}; Path=/; SameSite=Lax; Max-Age=604800`,
	]);
	return { access };
}
function authUser(req) {
	const c = cookies(req);
	const a = S.access.get(c.aster_access || "");
	if (!a || a.exp < Date.now()) return null;
	return S.users.find((u) => u.id === a.uid) || null;
}
function csrfOk(req) {
	const c = cookies(req);
	return c.aster_csrf && req.headers["x-csrf-token"] === c.aster_csrf;
}
const userInfo = (u) => ({
	id: u.id,
	username: u.username,
	email: u.email,
	email_verified: true,
	role: u.role,
	status: "active",
	must_change_password: false,
	storage_used: S.files.filter((f) => !f.deleted_at).reduce((a, f) => a + f.data.length, 0),
	storage_quota: 0,
	profile: { display_name: null, avatar: null },
	created_at: now(),
	updated_at: now(),
});
const fileItem = (f) => ({
	id: f.id,
	name: f.name,
	size: f.data.length,
	mime_type: f.mime,
	extension: extname(f.name).slice(1),
	updated_at: f.updated_at,
	is_shared: S.shares.some((s) => s.target.type === "file" && s.target.id === f.id),
	lock_state: { state: "unlocked" },
	tags: [],
	folder_id: f.folder_id,
});
const folderItem = (f) => ({ id: f.id, name: f.name, updated_at: f.updated_at, is_shared: S.shares.some((s) => s.target.type === "folder" && s.target.id === f.id), lock_state: { state: "unlocked" }, tags: [] });
function listing(folderId) {
	return {
		folders: S.folders.filter((f) => !f.deleted_at && (f.parent_id ?? null) === folderId).sort((a, b) => a.name.localeCompare(b.name)).map(folderItem),
		files: S.files.filter((f) => !f.deleted_at && (f.folder_id ?? null) === folderId).sort((a, b) => a.name.localeCompare(b.name)).map(fileItem),
		folders_total: 0,
		files_total: 0,
		next_file_cursor: null,
	};
}
function pathOf(folderId) {
	const parts = [];
	let cur = S.folders.find((f) => f.id === folderId);
	while (cur) {
		parts.unshift(cur.name);
		cur = S.folders.find((f) => f.id === cur.parent_id);
	}
	return `/${parts.join("/")}`;
}
function uniqueName(name, folderId) {
	let n = name;
	let i = 1;
	const dot = name.lastIndexOf(".");
	while (S.files.some((f) => !f.deleted_at && f.folder_id === folderId && f.name === n)) {
		n = dot > 0 ? `${name.slice(0, dot)} (${i})${name.slice(dot)}` : `${name} (${i})`;
		i++;
	}
	return n;
}
function addFile(name, folderId, data) {
	const f = { id: nextId(), name: uniqueName(name, folderId), folder_id: folderId, data, mime: mimeOf(name), created_at: now(), updated_at: now(), deleted_at: null, versions: [] };
	f.versions.push({ id: nextId(), version: 1, size: data.length, created_at: now(), data });
	S.files.push(f);
	return f;
}
function streamFile(req, res, f, dispositionDefault = "attachment") {
	const u = new URL(req.url, "http://x");
	const disp = u.searchParams.get("disposition") || dispositionDefault;
	res.writeHead(200, {
		"Content-Type": f.mime,
		"Content-Length": f.data.length,
		"Content-Disposition": `${disp}; filename*=UTF-8''${encodeURIComponent(f.name)}`,
		"Cache-Control": "private, max-age=0, must-revalidate",
	});
	res.end(f.data);
}
function shareInfoPublic(s) {
	const target = s.target.type === "file" ? S.files.find((f) => f.id === s.target.id) : S.folders.find((f) => f.id === s.target.id);
	return {
		token: s.token,
		name: target?.name,
		share_type: s.target.type,
		has_password: !!s.password,
		expires_at: s.expires_at,
		is_expired: false,
		download_count: s.download_count,
		view_count: s.view_count,
		max_downloads: s.max_downloads,
		mime_type: target?.mime,
		size: target?.data?.length,
		shared_by: { name: "admin", avatar: null },
	};
}

// ---------------------------------------------------------------- API
async function handleApi(req, res, url) {
	const p = url.pathname.replace(/^\/api\/v1/, "");
	const m = req.method;
	const q = url.searchParams;
	let mm;

	// public endpoints
	if (p === "/auth/check" && m === "POST")
		return ok(res, { setup_state: setupState(), has_users: S.users.length > 0, allow_user_registration: false, passkey_login_enabled: true, password_login_enabled: true });
	if (p === "/auth/setup" && m === "POST") {
		if (S.users.length) return fail(res, 400, "validation.system_already_initialized");
		const b = await jsonBody(req);
		S.users.push({ id: 1, username: b.username, email: b.email, password: b.password, role: "admin" });
		const site = S.config.find((c) => c.key === "public_site_url");
		if (!site.value.length) site.value = [req.headers.origin || `http://${req.headers.host}`];
		return ok(res, userInfo(S.users[0]), 201);
	}
	if (p === "/public/frontend-config" && m === "GET") {
		const site = S.config.find((c) => c.key === "public_site_url").value;
		return ok(res, { public_site_url: site, branding_title: "AsterDrive" });
	}
	if (p === "/public/preview-apps" && m === "GET") return ok(res, { version: 2, apps: S.previewApps });
	if (p === "/auth/login" && m === "POST") {
		const b = await jsonBody(req);
		const u = S.users.find((x) => (x.username === b.identifier || x.email === b.identifier) && x.password === b.password);
		await new Promise((r) => setTimeout(r, 150));
		if (!u) return fail(res, 401, "auth.credentials_failed", "Invalid Credentials");
		setAuthCookies(res, u.id);
		audit(u.id, "user_login", "user", u.username);
		return ok(res, { status: "authenticated", expires_in: ACCESS_TTL });
	}
	if (p === "/auth/refresh" && m === "POST") {
		if (!csrfOk(req)) return fail(res, 403, "auth.csrf_header_missing");
		const c = cookies(req);
		const uid = S.refresh.get(c.aster_refresh || "");
		if (!uid) return fail(res, 401, "auth.token_invalid");
		S.refresh.delete(c.aster_refresh);
		setAuthCookies(res, uid);
		return ok(res, { expires_in: ACCESS_TTL });
	}
	if (p === "/auth/logout" && m === "POST") {
		const c = cookies(req);
		if ((c.aster_access || c.aster_refresh) && !csrfOk(req)) return fail(res, 403, "auth.csrf_header_missing");
		S.access.delete(c.aster_access);
		S.refresh.delete(c.aster_refresh);
		res.setHeader("Set-Cookie", [
			"aster_access=; Path=/; Max-Age=0",
			"aster_refresh=; Path=/api/v1/auth; Max-Age=0",
			"aster_csrf=; Path=/; Max-Age=0",
		]);
		return ok(res);
	}
	if ((mm = p.match(/^\/s\/([^/]+)(\/.*)?$/))) return handleShare(req, res, url, mm[1], mm[2] || "");

	// authenticated
	const user = authUser(req);
	if (!user) return fail(res, 401, cookies(req).aster_access ? "auth.token_expired" : "auth.token_missing");
	if (!["GET", "HEAD"].includes(m) && !csrfOk(req)) return fail(res, 403, "auth.csrf_token_invalid");

	if (p === "/auth/me" && m === "GET") {
		const a = S.access.get(cookies(req).aster_access);
		return ok(res, { ...userInfo(user), preferences: {}, access_token_expires_at: Math.floor(a.exp / 1000) });
	}
	if ((p === "/folders" || (mm = p.match(/^\/folders\/(\d+)$/))) && m === "GET") {
		const id = mm ? Number(mm[1]) : null;
		if (id && !S.folders.find((f) => f.id === id && !f.deleted_at)) return fail(res, 404, "folder.not_found");
		return ok(res, listing(id));
	}
	if ((mm = p.match(/^\/folders\/(\d+)\/ancestors$/))) {
		const chain = [];
		let cur = S.folders.find((f) => f.id === Number(mm[1]));
		while (cur) {
			chain.unshift({ id: cur.id, name: cur.name });
			cur = S.folders.find((f) => f.id === cur.parent_id);
		}
		return ok(res, chain);
	}
	if ((mm = p.match(/^\/folders\/(\d+)\/info$/))) {
		const f = S.folders.find((x) => x.id === Number(mm[1]));
		return f ? ok(res, { ...folderItem(f), parent_id: f.parent_id }) : fail(res, 404, "folder.not_found");
	}
	if (p === "/folders" && m === "POST") {
		const b = await jsonBody(req);
		if (S.folders.some((f) => !f.deleted_at && f.parent_id === (b.parent_id ?? null) && f.name === b.name)) return fail(res, 400, "folder.name_conflict", "folder name conflict");
		const f = { id: nextId(), name: b.name, parent_id: b.parent_id ?? null, created_at: now(), updated_at: now(), deleted_at: null };
		S.folders.push(f);
		audit(user.id, "folder_create", "folder", f.name);
		return ok(res, { ...folderItem(f), parent_id: f.parent_id }, 201);
	}
	if ((mm = p.match(/^\/(folders|files)\/(\d+)$/)) && (m === "PATCH" || m === "DELETE")) {
		const coll = mm[1] === "folders" ? S.folders : S.files;
		const it = coll.find((x) => x.id === Number(mm[2]) && !x.deleted_at);
		if (!it) return fail(res, 404, mm[1] === "folders" ? "folder.not_found" : "file.not_found");
		if (m === "DELETE") {
			it.deleted_at = now();
			audit(user.id, mm[1] === "folders" ? "folder_delete" : "file_delete", mm[1].slice(0, -1), it.name);
			return ok(res);
		}
		const b = await jsonBody(req);
		if (b.name) it.name = b.name;
		it.updated_at = now();
		audit(user.id, "file_rename", mm[1].slice(0, -1), it.name);
		return ok(res, mm[1] === "folders" ? folderItem(it) : fileItem(it));
	}
	if (p === "/files/upload" && m === "POST") {
		const buf = await body(req);
		const part = parseMultipart(buf, req.headers["content-type"]);
		if (!part) return fail(res, 400, "upload.empty_file");
		const folderId = q.get("folder_id") ? Number(q.get("folder_id")) : null;
		const f = addFile(part.filename, folderId, part.data);
		audit(user.id, "file_upload", "file", f.name);
		return ok(res, fileItem(f), 201);
	}
	if (p === "/files/upload/init" && m === "POST") {
		const b = await jsonBody(req);
		if (b.total_size <= CHUNK) return ok(res, { mode: "direct", upload_id: null, chunk_size: null, total_chunks: null }, 201);
		const id = tok(8);
		const total = Math.ceil(b.total_size / CHUNK);
		S.uploads.set(id, { filename: b.filename, folder_id: b.folder_id ?? null, total, chunks: new Map() });
		return ok(res, { mode: "chunked", upload_id: id, chunk_size: CHUNK, total_chunks: total }, 201);
	}
	if ((mm = p.match(/^\/files\/upload\/([^/]+)\/(\d+)$/)) && m === "PUT") {
		const up = S.uploads.get(mm[1]);
		if (!up) return fail(res, 404, "upload.session_not_found");
		up.chunks.set(Number(mm[2]), await body(req));
		return ok(res, { received_count: up.chunks.size, total_chunks: up.total });
	}
	if ((mm = p.match(/^\/files\/upload\/([^/]+)\/complete$/)) && m === "POST") {
		const up = S.uploads.get(mm[1]);
		if (!up) return fail(res, 404, "upload.session_not_found");
		if (up.chunks.size !== up.total) return fail(res, 500, "upload.incomplete_chunks");
		const data = Buffer.concat([...Array(up.total).keys()].map((i) => up.chunks.get(i)));
		const f = addFile(up.filename, up.folder_id, data);
		S.uploads.delete(mm[1]);
		return ok(res, fileItem(f), 201);
	}
	if ((mm = p.match(/^\/files\/(\d+)\/(download|thumbnail)$/)) && m === "GET") {
		const f = S.files.find((x) => x.id === Number(mm[1]) && !x.deleted_at);
		if (!f) return fail(res, 404, "file.not_found");
		if (mm[2] === "thumbnail") return fail(res, 400, "bad_request");
		return streamFile(req, res, f);
	}
	if ((mm = p.match(/^\/files\/(\d+)\/versions$/)) && m === "GET") {
		const f = S.files.find((x) => x.id === Number(mm[1]));
		if (!f) return fail(res, 404, "file.not_found");
		return ok(res, [...f.versions].reverse().map((v, i) => ({ id: v.id, version: v.version, current: i === 0, size: v.size, created_at: v.created_at })));
	}
	if ((mm = p.match(/^\/files\/(\d+)\/wopi\/open$/)) && m === "POST") {
		const b = await jsonBody(req);
		const site = S.config.find((c) => c.key === "public_site_url").value;
		if (!site.length) return fail(res, 400, "wopi.public_site_url_required");
		return ok(res, { access_token: `wopi_${tok()}`, access_token_ttl: Date.now() + 900000, action_url: `${site[0]}/fake-office/edit?WOPISrc=x`, form_fields: {}, mode: "iframe", app_key: b.app_key });
	}
	if (p === "/shares" && m === "POST") {
		const b = await jsonBody(req);
		if (S.shares.some((s) => s.target.type === b.target.type && s.target.id === b.target.id)) return fail(res, 400, "bad_request", "an active share already exists for this resource");
		const s = { id: nextId(), token: tok(), target: b.target, password: b.password || null, expires_at: b.expires_at || null, max_downloads: b.max_downloads || 0, download_count: 0, view_count: 0, created_at: now() };
		S.shares.push(s);
		audit(user.id, "share_create", "share", s.token);
		return ok(res, { ...s, password: undefined, user: { id: user.id, username: user.username } }, 201);
	}
	if (p === "/shares" && m === "GET") {
		const items = S.shares.map((s) => {
			const t = s.target.type === "file" ? S.files.find((f) => f.id === s.target.id) : S.folders.find((f) => f.id === s.target.id);
			return { id: s.id, token: s.token, resource_id: s.target.id, resource_name: t?.name, resource_type: s.target.type, resource_deleted: !!t?.deleted_at, has_password: !!s.password, status: "active", expires_at: s.expires_at, max_downloads: s.max_downloads, download_count: s.download_count, view_count: s.view_count, created_at: s.created_at };
		});
		return ok(res, { items, total: items.length, limit: 50, offset: 0 });
	}
	if ((mm = p.match(/^\/shares\/(\d+)$/)) && m === "DELETE") {
		S.shares = S.shares.filter((s) => s.id !== Number(mm[1]));
		return ok(res);
	}
	if (p === "/trash" && m === "GET") {
		const exp = new Date(Date.now() + 7 * 86400e3).toISOString();
		return ok(res, {
			folders: S.folders.filter((f) => f.deleted_at).map((f) => ({ id: f.id, name: f.name, original_path: pathOf(f.id), expires_at: exp, created_at: f.created_at, updated_at: f.updated_at })),
			files: S.files.filter((f) => f.deleted_at).map((f) => ({ id: f.id, name: f.name, size: f.data.length, mime_type: f.mime, original_path: `${f.folder_id ? pathOf(f.folder_id) : ""}/${f.name}`, expires_at: exp })),
			folders_total: 0,
			files_total: 0,
			next_file_cursor: null,
		});
	}
	if ((mm = p.match(/^\/trash\/(file|folder)\/(\d+)\/restore$/)) && m === "POST") {
		const it = (mm[1] === "file" ? S.files : S.folders).find((x) => x.id === Number(mm[2]) && x.deleted_at);
		if (!it) return fail(res, 404, "not_found");
		it.deleted_at = null;
		return ok(res);
	}
	if ((mm = p.match(/^\/trash\/(file|folder)\/(\d+)$/)) && m === "DELETE") {
		if (mm[1] === "file") S.files = S.files.filter((x) => x.id !== Number(mm[2]));
		else S.folders = S.folders.filter((x) => x.id !== Number(mm[2]));
		return ok(res);
	}
	if (p === "/trash" && m === "DELETE") {
		S.files = S.files.filter((f) => !f.deleted_at);
		S.folders = S.folders.filter((f) => !f.deleted_at);
		return ok(res, { id: nextId(), kind: "trash_purge_all", status: "pending" });
	}
	if (p === "/tasks" && m === "GET") return ok(res, { items: S.tasks, total: S.tasks.length });
	if (p === "/webdav-accounts/settings") {
		const site = S.config.find((c) => c.key === "public_site_url").value;
		return ok(res, { prefix: "/webdav", endpoint: site.length ? `${site[0]}/webdav/` : "/webdav/" });
	}
	if (p === "/webdav-accounts" && m === "GET") return ok(res, { items: S.webdav.map(({ password, ...a }) => a), total: S.webdav.length, limit: 50, offset: 0 });
	if (p === "/webdav-accounts" && m === "POST") {
		const b = await jsonBody(req);
		const a = { id: nextId(), username: b.username, password: b.password || tok(8), root_folder_id: b.root_folder_id ?? null, root_folder_path: b.root_folder_id ? pathOf(b.root_folder_id) : null, is_active: true, created_at: now() };
		S.webdav.push(a);
		return ok(res, { id: a.id, username: a.username, team_id: null, password: a.password, root_folder_path: a.root_folder_path }, 201);
	}
	if (p === "/webdav-accounts/test" && m === "POST") {
		const b = await jsonBody(req);
		return S.webdav.some((a) => a.username === b.username && a.password === b.password) ? ok(res) : fail(res, 401, "auth.credentials_failed");
	}
	if ((mm = p.match(/^\/webdav-accounts\/(\d+)\/toggle$/)) && m === "POST") {
		const a = S.webdav.find((x) => x.id === Number(mm[1]));
		a.is_active = !a.is_active;
		return ok(res, a);
	}
	if ((mm = p.match(/^\/webdav-accounts\/(\d+)$/)) && m === "DELETE") {
		S.webdav = S.webdav.filter((x) => x.id !== Number(mm[1]));
		return ok(res);
	}
	// admin
	if (p.startsWith("/admin/")) {
		if (user.role !== "admin") return fail(res, 403, "auth.admin_required");
		if (p === "/admin/policies/test" && m === "POST") return ok(res);
		if (p === "/admin/policies" && m === "POST") {
			const b = await jsonBody(req);
			if (!b.name || !b.connection) return fail(res, 400, "bad_request");
			S.hasPolicy = true;
			return ok(res, { id: nextId(), name: b.name, is_default: !!b.is_default }, 201);
		}
		if (p === "/admin/tasks") return ok(res, { items: S.tasks, total: S.tasks.length, limit: 20, offset: 0 });
		if (p === "/admin/audit-logs") {
			const action = q.get("action");
			const items = S.audit.filter((a) => !action || a.action.includes(action));
			return ok(res, { items, total: items.length, limit: 50, offset: 0 });
		}
		if (p === "/admin/locks") return ok(res, { items: [], total: 0, limit: 50, offset: 0 });
		if (p === "/admin/overview") return ok(res, { users_total: S.users.length, files_total: S.files.length, shares_total: S.shares.length });
		if (p === "/admin/config" && m === "GET") return ok(res, { items: S.config, total: S.config.length, limit: 100, offset: 0 });
		if ((mm = p.match(/^\/admin\/config\/([^/]+)$/)) && m === "PUT") {
			const b = await jsonBody(req);
			const c = S.config.find((x) => x.key === decodeURIComponent(mm[1]));
			if (!c) return fail(res, 404, "not_found");
			c.value = b.value;
			audit(user.id, "config_update", "system_config", c.key);
			return ok(res, c);
		}
		return ok(res, { items: [], total: 0 });
	}
	return fail(res, 404, "endpoint.not_found", "endpoint not found");
}

async function handleShare(req, res, url, token, rest) {
	const s = S.shares.find((x) => x.token === token);
	if (!s) return fail(res, 404, "share.not_found", "share not found");
	const unlocked = !s.password || cookies(req)[`aster_share_${token}`] === "ok";
	if (rest === "" && req.method === "GET") {
		s.view_count++;
		return ok(res, shareInfoPublic(s));
	}
	if (rest === "/verify" && req.method === "POST") {
		const b = await jsonBody(req);
		if (b.password !== s.password) return fail(res, 401, "auth.credentials_failed", "Invalid Credentials");
		return ok(res, undefined, 200, { "Set-Cookie": `aster_share_${token}=ok; Path=/api/v1/s/${token}; HttpOnly; SameSite=Lax; Max-Age=3600` });
	}
	if (!unlocked) return fail(res, 403, "share.password_required");
	if (rest === "/download" && s.target.type === "file") {
		const f = S.files.find((x) => x.id === s.target.id && !x.deleted_at);
		if (!f) return fail(res, 404, "file.not_found");
		s.download_count++;
		return streamFile(req, res, f);
	}
	if (rest === "/content" && s.target.type === "folder") return ok(res, listing(s.target.id));
	return fail(res, 404, "endpoint.not_found");
}

// ---------------------------------------------------------------- static + SPA
const TYPES = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml" };
async function serveStatic(req, res, url) {
	if (url.pathname.startsWith("/assets/")) {
		const rel = normalize(url.pathname.slice("/assets/".length));
		if (rel.startsWith("..")) return fail(res, 404, "not_found");
		try {
			const data = await readFile(join(PANEL, "assets", rel));
			res.writeHead(200, { "Content-Type": TYPES[extname(rel)] || "application/octet-stream", "Cache-Control": "no-cache" });
			return res.end(data);
		} catch {
			res.writeHead(404);
			return res.end();
		}
	}
	if (url.pathname.startsWith("/fake-office/")) {
		res.writeHead(200, { "Content-Type": "text/html" });
		return res.end("<!doctype html><title>Fake Office</title><p>Fake Office editor</p>");
	}
	const html = await readFile(join(PANEL, "index.html"));
	res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP, "Cache-Control": "no-cache", "X-Frame-Options": "SAMEORIGIN" });
	res.end(html);
}

const server = http.createServer(async (req, res) => {
	const url = new URL(req.url, `http://${req.headers.host}`);
	try {
		if (url.pathname === "/health" || url.pathname.startsWith("/health/")) return ok(res, { status: "ready" });
		if (url.pathname.startsWith("/api/v1/")) return await handleApi(req, res, url);
		return await serveStatic(req, res, url);
	} catch (err) {
		console.error(err);
		if (!res.headersSent) fail(res, 500, "internal_server_error");
	}
});
server.listen(PORT, "127.0.0.1", () => console.log(`mock api on http://127.0.0.1:${PORT}`));
