import type { AsterClient } from '../helpers/clients/api/aster.js';
import type { ProxyFault } from '../helpers/harness/entry-servers/entry-proxy.js';
import type { RunState } from '../helpers/harness/target/run-state.js';

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
   * Mistakes in the managed entry's nginx config or Caddyfile (helpers/harness/entry-servers/deviations.ts):
   * the run's entry is the base config plus these deviations.
   */
  proxy?: ProxyFault[];
  /** Skip the default storage policy during provisioning. */
  skipStorage?: boolean;
  /** Applied through the real admin API after provisioning. */
  afterProvision?: (admin: AsterClient, state: RunState) => Promise<void>;
  /** Why a real AsterDrive cannot be put in this state, although the induction could reach one. */
  standInOnly?: string;
  /** The run's own S3 bucket starts without versioning. */
  s3Unversioned?: boolean;
  /**
   * The order of checks matters (a signal made by one check, read by another), so the run needs one
   * worker; `npm run faults` gives the other runs two.
   */
  serial?: boolean;
  /**
   * Faults with the same `share` run in one fault-matrix run, on one managed target with all their
   * inductions at once, and each is judged on its own `runs` and `fails` in that run's report. Only
   * for faults that cannot mask each other: `runs` pairwise disjoint, no induction of one touches an
   * item of another, and only expectation, setting, proxy or service inductions (the run's bucket
   * without versioning included), provisioning through the suite's environment (an administrator's
   * password), or start options given as target variables that no other fault of the group sets
   * (no data directory change, no missing storage policy); `npm run faults` runs a group that
   * breaks these rules one fault at a time.
   * Faults with identical inductions share a run without this.
   */
  share?: string;
}

export function realAsterDrive(f: Fault): boolean {
  return f.induction !== 'start-option' && !f.standInOnly;
}
