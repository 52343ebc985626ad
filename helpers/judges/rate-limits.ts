/**
 * AsterDrive's rate-limit tiers (upstream src/api/middleware/rate_limit.rs) as the suite probes them, and the limits the suite gives
 * a managed target.
 *
 * AsterDrive keeps one token bucket per tier and client IP: `burst_size` tokens, one more every
 * `seconds_per_request`. Its defaults are small (auth 5, public 30, api 120, write 10) and the
 * whole feature is off unless `[rate_limit] enabled = true`. The buckets live in each HTTP worker
 * (`[server] workers`, 0 = one per CPU), so a client whose requests spread over the workers gets
 * up to workers × burst_size before a refusal (seen on the real 0.5.0 binary: 2 workers, auth burst
 * 100, 200 answers before the first 429); the probe bounds leave room for that.
 */

export type Tier = 'auth' | 'public' | 'api' | 'write';

/** AsterDrive's defaults (`src/config/schema.rs`): [seconds_per_request, burst_size]. */
export const ASTER_DEFAULTS: Record<Tier, { secondsPerRequest: number; burstSize: number }> = {
  auth: { secondsPerRequest: 2, burstSize: 5 },
  public: { secondsPerRequest: 1, burstSize: 30 },
  api: { secondsPerRequest: 1, burstSize: 120 },
  write: { secondsPerRequest: 2, burstSize: 10 },
};

/**
 * The limits of a managed target: ON, as an internet-facing launch should be, but with bursts large
 * enough that the suite's own parallel traffic (every worker's sign-ins, uploads, listings, admin
 * reads) never trips them. Measured on a whole run (2 workers, 79 checks, 75 s, all from one client
 * IP because the entry proxy is AsterDrive's only peer), as total requests / the burst a bucket
 * needs at 1 s per request (whole seconds, as AsterDrive's config takes them): auth 77 / 15,
 * public 8 / 8, api 424 / 355, write 109 / 74. Every burst holds the whole run's traffic of its
 * tier even without refill (api about 4x), with room for more checks and workers, and is small
 * enough that a probe empties it in seconds even on a loaded machine (a stand-in request takes
 * 10-45 ms through the TLS entry), so 8.5/8.7 see the 429 well within PROBE_TIME_BUDGET_MS.
 */
export const MANAGED_LIMITS: Record<Tier, { secondsPerRequest: number; burstSize: number }> = {
  // Per worker (see above): with 2 workers the auth tier answers 120 before refusing, under the probe's bound of 200.
  auth: { secondsPerRequest: 1, burstSize: 60 },
  public: { secondsPerRequest: 1, burstSize: 100 },
  api: { secondsPerRequest: 1, burstSize: 2000 },
  write: { secondsPerRequest: 1, burstSize: 120 },
};

/** The managed target's environment for MANAGED_LIMITS (AsterDrive's `ASTER__SECTION__KEY` convention). */
export function managedRateLimitEnv(): Record<string, string> {
  const env: Record<string, string> = { ASTER__RATE_LIMIT__ENABLED: 'true' };
  for (const [tier, l] of Object.entries(MANAGED_LIMITS)) {
    env[`ASTER__RATE_LIMIT__${tier.toUpperCase()}__SECONDS_PER_REQUEST`] = String(l.secondsPerRequest);
    env[`ASTER__RATE_LIMIT__${tier.toUpperCase()}__BURST_SIZE`] = String(l.burstSize);
  }
  return env;
}

export interface TierProbe {
  tier: Tier;
  method: 'GET' | 'POST';
  /** Path of a harmless request of the tier. */
  path: string;
  /** Requests sent before concluding the tier is not limited. */
  bound: number;
  /** What the tier protects, for messages. */
  protects: string;
  /** What an unlimited tier invites, for messages. */
  risk: string;
}

/**
 * Harmless requests of each probed tier and how many of them a limited site must refuse within.
 * The bound is the loosest limit that still protects an internet-facing site: 40x AsterDrive's
 * default auth burst (password guessing), about 13x the public one (share-token scanning) and 40x
 * the write one (admin and batch calls); it is at least twice the managed target's burst, so the
 * managed refill during a probe never matters.
 */
export function tierProbes(runId: string): Record<'auth' | 'public' | 'write', TierProbe> {
  return {
    auth: {
      tier: 'auth',
      method: 'POST',
      path: '/api/v1/auth/check',
      bound: 200,
      protects: 'sign-in, registration, password reset and share passwords',
      risk: 'password guessing',
    },
    public: {
      tier: 'public',
      method: 'GET',
      // A run-namespaced token that does not exist: 404 share.not_found, nothing is counted or changed.
      path: `/api/v1/s/lt-${runId}-rate-probe-nonexistent`,
      bound: 400,
      protects: 'anonymous share links and direct links',
      risk: 'share-token scanning and download floods',
    },
    write: {
      tier: 'write',
      method: 'GET',
      path: '/api/v1/admin/system-info',
      bound: 400,
      protects: 'admin, batch and workspace-transfer calls',
      risk: 'floods of admin and batch operations',
    },
  };
}

/** Longest a probe may run before it stops (whatever it has seen by then is its result). */
export const PROBE_TIME_BUDGET_MS = 20_000;
