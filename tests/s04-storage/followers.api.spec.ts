import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { followerNodes } from '../../helpers/clients/followers.js';
import { manual, notApplicable } from '../../helpers/catalogue/verdict.js';

test('follower nodes are enrolled and enabled', checks(['4.7'], '@readonly'), async ({ adminApi, evidence }) => {
  const nodes = await followerNodes(adminApi);
  await evidence('remote nodes', nodes);
  if (nodes.length === 0) notApplicable('no follower nodes are enrolled (single-node deployment)');
  expect(
    nodes.filter((n) => n.is_enabled === false).map((n) => n.name ?? `#${n.id}`),
    'follower nodes are disabled',
  ).toEqual([]);
  manual(`confirm the default receiving targets of ${nodes.length} follower node(s) in Admin → Remote Nodes`);
});

test('storage moves use a new policy and migration', checks(['4.8'], '@readonly'), async () => {
  manual('the runbook moves storage by creating a new policy and migrating (Admin → Storage Policies → Migrate Data), never by editing a live policy in place');
});
