/** Follower (remote storage) nodes enrolled on the primary; an empty list means a single node. */
import { z } from 'zod';
import type { AsterClient } from './api/aster.js';

// upstream: src/services/remote/remote_node.rs RemoteNodeInfo, listed in an AsterForge OffsetPage.
const RemoteNode = z.object({ id: z.number(), name: z.string().optional(), is_enabled: z.boolean().optional() }).passthrough();

export async function followerNodes(admin: AsterClient): Promise<z.output<typeof RemoteNode>[]> {
  const data = await admin.call('GET', '/api/v1/admin/remote-nodes', z.union([z.array(RemoteNode), z.object({ items: z.array(RemoteNode) }).passthrough()]), {
    query: { limit: 100 },
  });
  return Array.isArray(data) ? data : data.items;
}
