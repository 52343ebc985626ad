/**
 * The anonymous side of AsterDrive's auth API (upstream src/api/routes/auth/mod.rs): what a
 * visitor's browser calls before anyone signs in. Answers are returned as they came, because the
 * checks judge the status codes (a refused registration, a reused reset token).
 */
import { Http } from './http.js';
import * as S from './schemas.js';
import { apiStep } from './step.js';

export class PublicAuth {
  readonly http: Http;

  constructor(readonly baseURL: string) {
    this.http = new Http(baseURL);
  }

  /** What the login page learns: setup state, registration and sign-in switches. */
  check() {
    return this.http.call('POST', '/api/v1/auth/check', S.CheckResp);
  }

  register(body: { username: string; email: string; password: string }): Promise<Response> {
    return this.raw('POST', '/api/v1/auth/register', body);
  }

  /** "Forgot password": asks for a reset mail to this address. */
  requestPasswordReset(email: string): Promise<Response> {
    return this.raw('POST', '/api/v1/auth/password/reset/request', { email });
  }

  /** Sets a new password with the token of a reset mail. */
  confirmPasswordReset(token: string, newPassword: string): Promise<Response> {
    return this.raw('POST', '/api/v1/auth/password/reset/confirm', { token, new_password: newPassword });
  }

  private raw(method: string, path: string, json: unknown): Promise<Response> {
    return apiStep(`${method} ${path}`, () => this.http.raw(method, path, { json, timeoutMs: 15_000 }));
  }
}
