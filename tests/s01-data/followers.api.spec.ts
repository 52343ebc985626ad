import { test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { followerNodes } from '../../helpers/clients/followers.js';
import { manual, notApplicable } from '../../helpers/catalogue/verdict.js';

test("a follower node's managed ingress root is persisted", checks(['1.6'], '@readonly'), async ({ adminApi, evidence }) => {
  const nodes = await followerNodes(adminApi);
  await evidence('remote nodes', nodes);
  if (nodes.length === 0) notApplicable('no follower nodes are enrolled');
  manual(`on each of the ${nodes.length} follower node(s), managed_ingress_local_root is on a persistent volume`);
});

test('backups include objects, avatars, receiving targets and object storage', checks(['1.8'], '@readonly'), async () => {
  manual('the backup covers file objects, avatars, receiving targets and object storage, not only the database (see 7.x)');
});
