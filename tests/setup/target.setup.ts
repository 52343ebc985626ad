/**
 * Records the target this run checks as an annotation (type `aster_target`), so that it survives
 * a blob report: `merge-reports` replays no global setup and no run state, and the launch
 * reporter of a merged sharded run learns each shard's target from here (reporter/merge.ts).
 */
import { test as setup } from '@playwright/test';
import { readRunState } from '../../helpers/harness/target/run-state.js';
import { TARGET_ANNOTATION, targetAnnotation } from '../../reporter/merge.js';

setup('record the target for the launch report', async ({}, testInfo) => {
  const state = readRunState();
  testInfo.annotations.push({
    type: TARGET_ANNOTATION,
    description: targetAnnotation({
      baseURL: state.baseURL,
      kind: state.targetKind,
      description: process.env.ASTER_RUN_TARGET_KIND,
      runId: state.runId,
      mode: state.mode,
    }),
  });
});
