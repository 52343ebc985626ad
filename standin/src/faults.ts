/**
 * The stand-in's fault switches, in one place. Each imitates a real operator mistake or failure
 * that AsterDrive itself has no setting for, so the fault matrix (faults/catalogue.ts) can make
 * the stand-in break the way a badly deployed real server would. Faults that a real setting or a
 * real misconfiguration can produce are made that way by the matrix instead, never here.
 *
 * Switches are named in `STANDIN_FAULTS=a,b` at start-up; an unknown name stops the stand-in.
 * Product code never tests a name: it asks a typed predicate of `Faults` (e.g. `tasksStalled()`).
 * The doctor CLI never applies faults (`NO_FAULTS`).
 */

interface FaultSwitch {
  /** the operator mistake or real failure it imitates */
  imitates: string;
  /** the upstream behaviour it bends (upstream file paths, AsterDrive v0.5.0) */
  bends: string;
}

export const FAULT_SWITCHES = {
  'random-jwt-secret': {
    imitates: 'a deployment that generates auth.jwt_secret anew at every start (config.toml not kept)',
    bends: 'upstream src/config/loader.rs writes missing secrets to data/config.toml once and reuses them',
  },
  'missing-objects': {
    imitates: 'a storage backend that loses objects (wrong volume, lifecycle rule, manual cleanup)',
    bends: 'upstream src/storage/connectors/local.rs keeps the object it stored; the blob record stays here',
  },
  'stalled-tasks': {
    imitates: 'a dead background task runner: tasks are queued but never picked up',
    bends: 'upstream src/services/task/dispatch/mod.rs and src/runtime/tasks.rs claim and run queued tasks',
  },
  'slow-auth-off': {
    imitates: 'nothing an operator does: it drops the auth response padding so the stand-in tests and the bench run fast',
    bends: 'upstream src/api/routes/auth/mod.rs pads auth responses to >= 350 ms + 0-125 ms jitter',
  },
  'ephemeral-data': {
    imitates: 'a container run without a volume on /data: data/ is empty at every start',
    bends: 'upstream src/config/paths.rs keeps config, database and uploads under data/',
  },
  'ephemeral-config': {
    imitates: 'only the database mounted, not config.toml: it is written anew with new secrets at every start',
    bends: 'upstream src/config/loader.rs reads data/config.toml, writing it only when missing',
  },
  'ephemeral-database': {
    imitates: 'the database file on a tmpfs or outside the volume: gone at every start',
    bends: 'upstream src/config/paths.rs (database.url relative to data/)',
  },
  'ephemeral-uploads': {
    imitates: 'the default local storage directory (data/uploads) outside the volume: empty at every start',
    bends: 'upstream src/storage/connectors/local.rs (base_path ./data/uploads)',
  },
  'ephemeral-extra-policy-dirs': {
    imitates: 'the roots of non-default local storage policies outside the volume: empty at every start',
    bends: 'upstream src/storage/connectors/local.rs (a policy base_path outside data/)',
  },
} as const satisfies Record<string, FaultSwitch>;

export type FaultName = keyof typeof FAULT_SWITCHES;

export const FAULT_NAMES = Object.keys(FAULT_SWITCHES) as FaultName[];

export class UnknownFaultError extends Error {
  constructor(unknown: string[]) {
    super(`STANDIN_FAULTS names unknown fault(s): ${unknown.join(', ')}; known faults: ${FAULT_NAMES.join(', ')}`);
    this.name = 'UnknownFaultError';
  }
}

/** The switches one stand-in process runs with, asked through named predicates. */
export class Faults {
  private readonly on: ReadonlySet<FaultName>;

  /** in the order given, for the start-up log line */
  readonly active: readonly FaultName[];

  constructor(names: readonly FaultName[]) {
    this.active = [...new Set(names)];
    this.on = new Set(this.active);
  }

  /** A new JWT secret at every start: sessions die at restart. */
  randomJwtSecret(): boolean {
    return this.on.has('random-jwt-secret');
  }

  /** A stored object is removed right after it is written; its blob record stays. */
  objectsVanish(): boolean {
    return this.on.has('missing-objects');
  }

  /** The task runner never picks anything up. */
  tasksStalled(): boolean {
    return this.on.has('stalled-tasks');
  }

  /** Auth responses answer at once instead of after upstream's padding. */
  authPaddingOff(): boolean {
    return this.on.has('slow-auth-off');
  }

  /** The start-up wipes (src/ephemeral.ts) that run before the static configuration is read, in that order. */
  wipesBeforeStart(): { data: boolean; config: boolean; database: boolean; uploads: boolean } {
    return {
      data: this.on.has('ephemeral-data'),
      config: this.on.has('ephemeral-config'),
      database: this.on.has('ephemeral-database'),
      uploads: this.on.has('ephemeral-uploads'),
    };
  }

  /** The roots of non-default local storage policies are emptied once the database is open. */
  extraPolicyDirsEphemeral(): boolean {
    return this.on.has('ephemeral-extra-policy-dirs');
  }
}

export const NO_FAULTS = new Faults([]);

function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_SWITCHES, name);
}

/** Parses a comma-separated list; throws UnknownFaultError naming the known switches. */
export function parseFaults(list: string | undefined): Faults {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isFaultName(n));
  if (unknown.length) throw new UnknownFaultError(unknown);
  return new Faults(names as FaultName[]);
}

/** The switches named in STANDIN_FAULTS. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  return parseFaults(env.STANDIN_FAULTS);
}
