/**
 * Throwaway accounts for the mail flows (registration, password reset, email change): named
 * `lt-<runId>-<label>` (AsterDrive usernames are 4–16 characters, upstream src/services/auth/local/validation.rs), mailed at a
 * run-namespaced address, and removed by the admin after the test, pass or fail.
 */
import type { OwnedData } from '../../../fixtures/owned-data.js';
import type { AsterClient, Credentials } from '../api/aster.js';
import { ApiError } from '../api/http.js';
import { registerSecret } from '../../harness/secrets.js';
import type { RunState } from '../../harness/target/run-state.js';
import { generatedPassword } from '../../harness/target/provision.js';

export interface TempUser {
  id: number;
  username: string;
  email: string;
  password: string;
  creds: Credentials;
}

/** `lt-<runId>-<label>`; the label keeps it within AsterDrive's 16-character limit. */
export function tempUsername(run: RunState, label: string): string {
  const name = `lt-${run.runId}-${label}`;
  if (name.length > 16) throw new Error(`temporary username ${name} is longer than AsterDrive's 16 characters; use a shorter label`);
  return name;
}

export function tempPassword(): string {
  const password = generatedPassword();
  registerSecret(password);
  return password;
}

/** Deletes an account by username if it exists (404 = already gone). */
export async function removeUserNamed(adminApi: AsterClient, username: string): Promise<void> {
  const user = (await adminApi.users()).find((u) => u.username === username);
  if (!user) return;
  await adminApi.deleteUser(user.id).catch((e) => {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  });
}

/**
 * An active, email-verified account created by the admin (POST /admin/users), removed after the
 * test. Registered for removal before it is created, so a half-made account is found by name.
 */
export async function createTempUser(adminApi: AsterClient, owned: OwnedData, run: RunState, label: string, email: string): Promise<TempUser> {
  const username = tempUsername(run, label);
  const password = tempPassword();
  owned.custom(`temporary account ${username}`, () => removeUserNamed(adminApi, username));
  const created = await adminApi.createUser(username, email, password);
  return { id: created.user.id, username, email, password, creds: { identifier: username, password } };
}
