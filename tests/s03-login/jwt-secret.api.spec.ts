/**
 * 3.1: auth.jwt_secret is fixed, not a temporary random value: a session made before a restart
 * still works after it, and data/config.toml holds a non-empty secret.
 *
 * - ASTER_RECREATE_CMD / ASTER_RESTART_CMD: recreates or restarts the deployment (run it where
 *   nothing else uses the target).
 * - ASTER_DATA_DIR: reads <data dir>/config.toml (the secret is never shown) and checks that the
 *   running server signs sessions with that very secret (HS256, upstream
 *   src/services/auth/local/tokens/mod.rs): a secret passed per start in the environment
 *   (ASTER__AUTH__JWT_SECRET) would leave a good-looking file that the server does not use.
 * - Managed target: a private twin of the managed target (same binary and environment, its own
 *   working directory; helpers/harness/target/twin.ts) is set up, signed in to, restarted in place
 *   and asked again, so the run's own target keeps serving the other checks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../../fixtures/index.js';
import { sessionAnswer } from '../../helpers/clients/api/aster.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { freshLogin } from '../../helpers/judges/cookies.js';
import { registerSecret } from '../../helpers/harness/secrets.js';
import { restartWithCommand } from '../../helpers/harness/target/restart.js';
import { Twin } from '../../helpers/harness/target/twin.js';
import { notChecked, qualifiedPass } from '../../helpers/catalogue/verdict.js';

const FIX =
  'set a fixed [auth] jwt_secret in data/config.toml (a long random value, e.g. `openssl rand -hex 32`) on a persisted volume, or pass a fixed ASTER__AUTH__JWT_SECRET; a new value per start signs everybody out at every restart';

/** The [auth] jwt_secret of a config.toml, or undefined. Never returned to messages. */
function jwtSecretOf(file: string): string | undefined {
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) section = sec[1].trim();
    else if (section === 'auth') {
      const kv = /^jwt_secret\s*=\s*"(.*)"\s*(#.*)?$/.exec(line) ?? /^jwt_secret\s*=\s*'(.*)'\s*(#.*)?$/.exec(line);
      if (kv) return kv[1];
    }
  }
  return undefined;
}

/** Whether an HS256 JWT carries a valid signature under `secret`. */
function jwtSignedWith(token: string, secret: string): boolean {
  const [head, body, sig] = token.split('.');
  if (!head || !body || !sig) return false;
  const want = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const got = Buffer.from(sig, 'base64url');
  return got.length === want.length && timingSafeEqual(got, want);
}

function checkConfigToml(dataDir: string): { file: string; present: boolean; length: number; placeholder: boolean } {
  const file = path.join(dataDir, 'config.toml');
  expect(existsSync(file), `${file} does not exist: is ${dataDir} the data directory (it holds config.toml)? Persist it on a volume`).toBe(true);
  const secret = jwtSecretOf(file);
  registerSecret(secret);
  return { file, present: Boolean(secret), length: secret?.length ?? 0, placeholder: /^change-me/i.test(secret ?? '') };
}

test(
  'jwt_secret is fixed: a session made before a restart still works after it',
  checks(['3.1'], '@own-data', { restarts: true }),
  async ({ run, userCredentials, evidence }) => {
    const env = loadConfig().env;
    const found: Record<string, unknown> = {};

    if (run.mode === 'managed') {
      test.setTimeout(180_000);
      const twin = await Twin.start(env.ASTER_DRIVE_BIN, 'jwt');
      try {
        const login = await freshLogin(twin.baseURL, twin.creds);
        expect(login.status, `sign-in on the twin target answered ${login.status}`).toBe(200);
        const token = String(login.cookies.get('aster_access')?.value);
        const before = await sessionAnswer(twin.baseURL, token);
        await test.step('restart the target in place (same data directory and port)', () => twin.restart());
        const after = await sessionAnswer(twin.baseURL, token);
        found.restart = { target: 'private twin of the managed target', before: before.status, after: after.status, afterBody: after.body };
        found.configToml = checkConfigToml(twin.dataDir);
        await evidence('jwt_secret', found);
        expect(before.status).toBe(200);
        expect(after.status, `a session signed before the restart is refused after it (${after.status} ${after.body}): the JWT secret changed. ${FIX}`).toBe(
          200,
        );
      } finally {
        await twin.dispose();
      }
      const toml = found.configToml as ReturnType<typeof checkConfigToml>;
      expect(toml.present && !toml.placeholder, `data/config.toml has no usable [auth] jwt_secret. ${FIX}`).toBe(true);
      return;
    }

    const cmd = env.ASTER_RECREATE_CMD ?? env.ASTER_RESTART_CMD;
    const cmdName = env.ASTER_RECREATE_CMD ? 'ASTER_RECREATE_CMD' : 'ASTER_RESTART_CMD';
    if (!cmd && !env.ASTER_DATA_DIR) {
      notChecked('ASTER_RESTART_CMD or ASTER_DATA_DIR', 'whether jwt_secret survives a restart cannot be seen from outside');
    }
    let signedWithFile = false;
    if (env.ASTER_DATA_DIR) {
      const toml = checkConfigToml(env.ASTER_DATA_DIR);
      found.configToml = toml;
      expect(
        toml.present,
        `${toml.file} has no [auth] jwt_secret. AsterDrive writes a random one at start when the file is writable; if you pass ASTER__AUTH__JWT_SECRET instead, make sure it is fixed. ${FIX}`,
      ).toBe(true);
      expect(toml.placeholder, `${toml.file} still holds the example jwt_secret ("change-me…"): anyone who read the example can forge sessions. ${FIX}`).toBe(
        false,
      );
      expect(toml.length, `the jwt_secret in ${toml.file} is only ${toml.length} characters; use at least 32 random characters`).toBeGreaterThanOrEqual(32);
      const login = await freshLogin(run.baseURL, userCredentials);
      expect(login.status, `sign-in answered ${login.status}`).toBe(200);
      signedWithFile = jwtSignedWith(String(login.cookies.get('aster_access')?.value), String(jwtSecretOf(toml.file)));
      found.sessionSignedWithConfigToml = signedWithFile;
      if (!signedWithFile && !cmd) {
        await evidence('jwt_secret', found);
        notChecked(
          'ASTER_RECREATE_CMD or ASTER_RESTART_CMD',
          `the server signs sessions with a secret other than the jwt_secret in ${toml.file} (ASTER__AUTH__JWT_SECRET in its environment?); whether that one is fixed shows only across a restart`,
        );
      }
    }
    if (cmd) {
      test.setTimeout(420_000);
      const login = await freshLogin(run.baseURL, userCredentials);
      expect(login.status, `sign-in answered ${login.status}`).toBe(200);
      const token = String(login.cookies.get('aster_access')?.value);
      const before = await sessionAnswer(run.baseURL, token);
      const restart = await test.step(`restart with ${cmdName}`, () => restartWithCommand(cmd, run.baseURL));
      const after = await sessionAnswer(run.baseURL, token);
      found.restart = { how: cmdName, before: before.status, after: after.status, afterBody: after.body, seconds: restart.seconds };
      await evidence('jwt_secret', found);
      expect(before.status).toBe(200);
      expect(
        after.status,
        `a session signed before the restart is refused after it (${after.status} ${after.body}): the JWT secret changed at restart. ${FIX}`,
      ).toBe(200);
    } else {
      await evidence('jwt_secret', found);
      qualifiedPass(
        'proved from the data directory: the running server signs sessions with the jwt_secret kept in config.toml; that config.toml survives a recreation is item 1.1',
      );
    }
  },
);
