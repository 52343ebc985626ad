// Admin → Storage policies and policy groups (upstream src/api/routes/admin/policies.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import type { PolicyGroupRec, PolicyRec } from '../../db/types.js';
import { E, ok } from '../../http/errors.js';
import { bool, denyUnknown, int, isObj, parseId, qint, readJson, reqObj } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { LOCAL_ID, S3_ID, type Connection } from '../../storage/index.js';
import { StorageError } from '../../storage/driver.js';
import { page, q } from '../util.js';

const POLICY_FIELDS = ['name', 'connection', 'max_file_size', 'chunk_size', 'is_default', 'allowed_types'];
// A patch names the connection's parts at the top level (upstream src/api/dto/admin.rs PatchPolicyReq).
const PATCH_POLICY_FIELDS = ['name', 'connector_config', 'behavior', 'credential', 'max_file_size', 'chunk_size', 'is_default', 'allowed_types'];
const DEFAULT_CHUNK = 5 * 1024 * 1024;
const now = () => new Date().toISOString();

function parseConnection(v: unknown): { connector_config: Record<string, unknown>; behavior: Record<string, unknown>; credential: PolicyRec['credential'] } {
  if (!isObj(v)) throw E.bad('invalid JSON request body: missing field `connection`');
  denyUnknown(v, ['connector_config', 'behavior', 'credential']);
  const cc = v.connector_config;
  if (!isObj(cc)) throw E.bad('invalid JSON request body: missing field `connector_config`');
  denyUnknown(cc, ['format_version', 'connector_id', 'schema_version', 'values']);
  const id = cc.connector_id;
  if (typeof id !== 'string') throw E.bad('connector_id is required');
  if (id !== LOCAL_ID && id !== S3_ID) throw E.bad(`unsupported storage connector ${id}`, 'storage.unsupported_driver');
  const values = isObj(cc.values) ? { ...cc.values } : {};
  const cred = isObj(v.credential) ? v.credential : { mode: 'none' };
  const credential = {
    mode: typeof cred.mode === 'string' ? cred.mode : 'none',
    values: isObj(cred.values) ? (Object.fromEntries(Object.entries(cred.values).map(([k, x]) => [k, String(x)])) as Record<string, string>) : undefined,
  };
  if (id === LOCAL_ID) {
    if (values.base_path === undefined || values.base_path === '') values.base_path = './data/uploads';
    if (typeof values.base_path !== 'string') throw E.bad('base_path must be a string');
  } else {
    if (typeof values.bucket !== 'string' || !values.bucket.trim()) throw E.bad('bucket is required', 'policy.storage_bucket_required');
    if (values.endpoint !== undefined && values.endpoint !== '') {
      try {
        new URL(String(values.endpoint));
      } catch {
        throw E.bad('invalid endpoint', 'policy.storage_endpoint_invalid');
      }
    }
    if (!credential.values?.s3_access_key_id) throw E.bad('access key is required', 'policy.storage_access_key_required');
    if (!credential.values?.s3_secret_access_key) throw E.bad('secret key is required', 'policy.storage_secret_key_required');
  }
  return {
    connector_config: { format_version: cc.format_version ?? 1, connector_id: id, schema_version: cc.schema_version ?? 1, values },
    behavior: isObj(v.behavior) ? v.behavior : {},
    credential,
  };
}

export function policyView(p: PolicyRec): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    connector_id: p.connector_id,
    connector_config: p.connector_config,
    behavior: { storage_native_media_metadata_enabled: false, storage_native_thumbnail_enabled: false, ...p.behavior },
    max_file_size: p.max_file_size,
    allowed_types: p.allowed_types,
    is_default: p.is_default,
    chunk_size: p.chunk_size,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

/** Each item names its policy (id, name, connector), as upstream's group view (recorded contract, AsterDrive 0.5.0). */
export function groupView(g: PolicyGroupRec, policies: PolicyRec[]): Record<string, unknown> {
  const policy = (id: number) => {
    const p = policies.find((x) => x.id === id);
    return p ? { id: p.id, name: p.name, connector_id: p.connector_id } : null;
  };
  return { ...g, description: g.description, items: g.items.map((i) => ({ ...i, policy: policy(i.policy_id) })) };
}

export function adminPolicyRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  /** Default policy => singleton default group assigned to every user without one (upstream src/services/storage_policy/policy/policies.rs). */
  function makeDefault(p: PolicyRec, userId: number, req: Parameters<typeof audit>[1]['req']): void {
    for (const x of store.state.policies) x.is_default = x.id === p.id;
    let g = store.state.policyGroups.find((x) => x.items.length === 1 && x.items[0]!.policy_id === p.id);
    if (!g) {
      g = {
        id: store.nextId('policyGroups'),
        name: `${p.name} Group`,
        description: '',
        is_enabled: true,
        is_default: true,
        items: [{ id: store.nextId('policyGroupItems'), policy_id: p.id, priority: 1, min_file_size: 0, max_file_size: 0 }],
        created_at: now(),
        updated_at: now(),
      };
      store.state.policyGroups.push(g);
      audit(ctx, { req, userId, action: 'admin_create_policy_group', entityType: 'policy_group', entityId: g.id, entityName: g.name });
    }
    for (const x of store.state.policyGroups) x.is_default = x.id === g.id;
    g.is_enabled = true;
    for (const u of store.state.users) if (u.policyGroupId === null) u.policyGroupId = g.id;
  }

  r.get('/admin/policies', admin, async (req, res) => {
    ok(res, page(store.s.policies.map(policyView), qint(q(req, 'limit'), 50, 100), qint(q(req, 'offset'), 0)));
  });

  r.get('/admin/policies/storage-drivers', admin, async (_req, res) => {
    ok(res, [
      { connector_id: LOCAL_ID, fields: ['base_path', 'content_dedup'], credential_modes: ['none'] },
      {
        connector_id: S3_ID,
        fields: ['endpoint', 'bucket', 'base_path', 's3_region', 's3_path_style', 'object_storage_upload_strategy', 'object_storage_download_strategy'],
        credential_modes: ['static'],
      },
    ]);
  });

  r.post('/admin/policies/test', admin, async (req, res) => {
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['policy_id', 'connection']);
    let conn: Connection;
    if (body.connection !== undefined) {
      const c = parseConnection(body.connection);
      conn = { connector_config: c.connector_config as Connection['connector_config'], credential: c.credential };
    } else {
      const id = int(body, 'policy_id', true)!;
      conn = connOf(ctx.storage.policy(id));
    }
    await probe(conn);
    ok(res, {});
  });

  function connOf(p: PolicyRec): Connection {
    return { connector_config: p.connector_config as Connection['connector_config'], credential: p.credential };
  }

  async function probe(conn: Connection): Promise<void> {
    const d = ctx.storage.build(conn);
    try {
      await ctx.storage.probe(d);
    } catch (e) {
      throw e instanceof StorageError ? e.toApi() : e;
    }
  }

  r.post('/admin/policies', admin, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    denyUnknown(body, POLICY_FIELDS);
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw E.bad('policy name must not be blank');
    const conn = parseConnection(body.connection);
    const max = int(body, 'max_file_size') ?? 0;
    const chunk = int(body, 'chunk_size') ?? DEFAULT_CHUNK;
    if (max < 0) throw E.bad('max_file_size must be >= 0');
    if (chunk < 1) throw E.bad('chunk_size must be >= 1');
    const allowed = body.allowed_types === undefined || body.allowed_types === null ? [] : body.allowed_types;
    if (!Array.isArray(allowed) || !allowed.every((x) => typeof x === 'string')) throw E.bad('allowed_types must be a string array');
    const p: PolicyRec = {
      id: store.nextId('policies'),
      name,
      connector_id: String(conn.connector_config.connector_id),
      connector_config: conn.connector_config,
      behavior: conn.behavior,
      credential: conn.credential,
      max_file_size: max,
      allowed_types: allowed as string[],
      is_default: false,
      chunk_size: chunk,
      created_at: now(),
      updated_at: now(),
    };
    store.state.policies.push(p);
    audit(ctx, { req, userId: user.id, action: 'admin_create_policy', entityType: 'storage_policy', entityId: p.id, entityName: p.name });
    if (bool(body, 'is_default')) makeDefault(p, user.id, req);
    store.commit();
    ok(res, policyView(p), 201);
  });

  r.get('/admin/policies/:id', admin, async (req, res) => ok(res, policyView(ctx.storage.policy(parseId(req.params.id as string)))));

  r.post('/admin/policies/:id/test', admin, async (req, res) => {
    await probe(connOf(ctx.storage.policy(parseId(req.params.id as string))));
    ok(res, {});
  });

  r.patch('/admin/policies/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const p = ctx.storage.policy(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    denyUnknown(body, PATCH_POLICY_FIELDS);
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || !body.name.trim()) throw E.bad('policy name must not be blank');
      p.name = body.name.trim();
    }
    if (body.connector_config !== undefined || body.behavior !== undefined || body.credential !== undefined) {
      const c = parseConnection({
        connector_config: body.connector_config ?? p.connector_config,
        behavior: body.behavior ?? p.behavior,
        credential: body.credential ?? p.credential,
      });
      if (c.connector_config.connector_id !== p.connector_id && store.s.blobs.some((b) => b.policyId === p.id))
        throw E.bad('cannot change the connector of a policy with stored blobs');
      p.connector_id = String(c.connector_config.connector_id);
      p.connector_config = c.connector_config;
      p.behavior = c.behavior;
      p.credential = c.credential;
    }
    const max = int(body, 'max_file_size');
    if (max !== undefined) {
      if (max < 0) throw E.bad('max_file_size must be >= 0');
      p.max_file_size = max;
    }
    const chunk = int(body, 'chunk_size');
    if (chunk !== undefined) {
      if (chunk < 1) throw E.bad('chunk_size must be >= 1');
      p.chunk_size = chunk;
    }
    if (Array.isArray(body.allowed_types)) p.allowed_types = body.allowed_types.map(String);
    p.updated_at = now();
    if (bool(body, 'is_default') === true) makeDefault(p, user.id, req);
    audit(ctx, { req, userId: user.id, action: 'admin_update_policy', entityType: 'storage_policy', entityId: p.id, entityName: p.name });
    store.commit();
    ok(res, policyView(p));
  });

  r.delete('/admin/policies/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const p = ctx.storage.policy(parseId(req.params.id as string));
    if (store.s.blobs.some((b) => b.policyId === p.id)) throw E.bad('policy still has stored blobs', 'policy.blob_references_exist');
    store.state.policies = store.state.policies.filter((x) => x.id !== p.id);
    for (const g of store.state.policyGroups) g.items = g.items.filter((i) => i.policy_id !== p.id);
    store.state.uploads = store.state.uploads.filter((u) => u.policyId !== p.id);
    audit(ctx, { req, userId: user.id, action: 'admin_delete_policy', entityType: 'storage_policy', entityId: p.id, entityName: p.name });
    store.commit();
    ok(res);
  });

  // ---- policy groups ----
  function parseItems(v: unknown): PolicyGroupRec['items'] {
    if (!Array.isArray(v) || v.length === 0) throw E.bad('a policy group needs at least one item');
    return v.map((it) => {
      const o = reqObj(it);
      denyUnknown(o, ['policy_id', 'priority', 'min_file_size', 'max_file_size']);
      const pid = int(o, 'policy_id', true)!;
      ctx.storage.policy(pid);
      const priority = int(o, 'priority', true)!;
      if (priority < 1) throw E.bad('priority must be >= 1');
      return {
        id: store.nextId('policyGroupItems'),
        policy_id: pid,
        priority,
        min_file_size: int(o, 'min_file_size') ?? 0,
        max_file_size: int(o, 'max_file_size') ?? 0,
      };
    });
  }

  function group(id: number): PolicyGroupRec {
    const g = store.s.policyGroups.find((x) => x.id === id);
    if (!g) throw E.notFound('not_found', 'policy group not found');
    return g;
  }

  r.get('/admin/policy-groups', admin, async (req, res) => {
    ok(
      res,
      page(
        store.s.policyGroups.map((g) => groupView(g, store.s.policies)),
        qint(q(req, 'limit'), 50, 100),
        qint(q(req, 'offset'), 0),
      ),
    );
  });

  r.post('/admin/policy-groups', admin, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['name', 'description', 'is_enabled', 'is_default', 'items']);
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw E.bad('group name must not be blank');
    const g: PolicyGroupRec = {
      id: store.nextId('policyGroups'),
      name,
      description: typeof body.description === 'string' ? body.description : '',
      is_enabled: bool(body, 'is_enabled') ?? true,
      is_default: false,
      items: parseItems(body.items),
      created_at: now(),
      updated_at: now(),
    };
    store.state.policyGroups.push(g);
    if (bool(body, 'is_default')) for (const x of store.state.policyGroups) x.is_default = x.id === g.id;
    audit(ctx, { req, userId: user.id, action: 'admin_create_policy_group', entityType: 'policy_group', entityId: g.id, entityName: g.name });
    store.commit();
    ok(res, groupView(g, store.s.policies), 201);
  });

  r.get('/admin/policy-groups/:id', admin, async (req, res) => ok(res, groupView(group(parseId(req.params.id as string)), store.s.policies)));

  r.patch('/admin/policy-groups/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const g = group(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    denyUnknown(body, ['name', 'description', 'is_enabled', 'is_default', 'items']);
    if (typeof body.name === 'string' && body.name.trim()) g.name = body.name.trim();
    if (typeof body.description === 'string') g.description = body.description;
    const en = bool(body, 'is_enabled');
    if (en !== undefined) g.is_enabled = en;
    if (body.items !== undefined) g.items = parseItems(body.items);
    if (bool(body, 'is_default') === true) for (const x of store.state.policyGroups) x.is_default = x.id === g.id;
    g.updated_at = now();
    audit(ctx, { req, userId: user.id, action: 'admin_update_policy_group', entityType: 'policy_group', entityId: g.id, entityName: g.name });
    store.commit();
    ok(res, groupView(g, store.s.policies));
  });

  r.delete('/admin/policy-groups/:id', admin, async (req, res) => {
    const { user } = authOf(req);
    const g = group(parseId(req.params.id as string));
    if (store.s.users.some((u) => u.policyGroupId === g.id)) throw E.bad('policy group is still assigned to users');
    store.state.policyGroups = store.state.policyGroups.filter((x) => x.id !== g.id);
    audit(ctx, { req, userId: user.id, action: 'admin_delete_policy_group', entityType: 'policy_group', entityId: g.id, entityName: g.name });
    store.commit();
    ok(res);
  });

  r.post('/admin/policy-groups/:id/migrate-assignments', admin, async (req, res) => {
    const { user } = authOf(req);
    const g = group(parseId(req.params.id as string));
    const body = reqObj(await readJson(req));
    const target = group(int(body, 'target_group_id', true)!);
    let n = 0;
    for (const u of store.state.users)
      if (u.policyGroupId === g.id) {
        u.policyGroupId = target.id;
        n++;
      }
    audit(ctx, { req, userId: user.id, action: 'admin_migrate_policy_group_users', entityType: 'policy_group', entityId: g.id, entityName: g.name });
    store.commit();
    ok(res, { affected_users: n, affected_teams: 0, migrated_assignments: n });
  });

  return r;
}
