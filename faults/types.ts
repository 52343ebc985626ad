import type { AsterClient } from '../helpers/api/aster.js';
import type { ProxyFault } from '../helpers/proxy/entry-proxy.js';
import type { RunState } from '../helpers/target/run-state.js';

/** How a fault is induced; `setting` and `proxy` faults can be induced on a real AsterDrive too. */
export type Induction = 'setting' | 'proxy' | 'expectation' | 'start-option' | 'data-dir' | 'provisioning' | 'service';

export interface Fault {
  name: string;
  /** The real-world mistake this reproduces. */
  description: string;
  induction: Induction;
  /** Items whose tests run in this fault's run. */
  runs: string[];
  /** Items that must come out FAIL; every other item of `runs` must still pass. */
  fails: string[];
  /** Extra environment for the suite (operator expectations). */
  env?: Record<string, string>;
  /** Extra environment for the managed target (stand-in start options, static config). */
  targetEnv?: Record<string, string>;
  /** Runs in the fresh working directory before the target starts. */
  beforeStart?: (workdir: string) => void;
  /**
   * Mistakes in the managed entry's nginx config or Caddyfile (helpers/entry-servers/deviations.ts):
   * the run's entry is the base config plus these deviations.
   */
  proxy?: ProxyFault[];
  /** Skip the default storage policy during provisioning. */
  skipStorage?: boolean;
  /** Applied through the real admin API after provisioning. */
  afterProvision?: (admin: AsterClient, state: RunState) => Promise<void>;
  /** The run's own S3 bucket starts without versioning. */
  s3Unversioned?: boolean;
  /** Run with one worker when the order of checks matters (a signal made by one check, read by another). */
  serial?: boolean;
}

export function realAsterDrive(f: Fault): boolean {
  return f.induction !== 'start-option';
}
