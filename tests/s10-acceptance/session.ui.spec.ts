import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { AppShell } from '../../pages/app-shell.js';
import { LoginPage } from '../../pages/login-page.js';

test(
  'sign in, reload, survive an access-token refresh, sign out in the browser',
  checks(['10.4'], '@readonly'),
  async ({ page, userCredentials, evidence }) => {
    const login = new LoginPage(page);
    const shell = new AppShell(page);

    await test.step('a wrong password is refused on the login page', async () => {
      await login.goto();
      await login.signIn(userCredentials.identifier, `${userCredentials.password}-wrong`);
      await expect(login.failureToast).toBeVisible();
      await expect(page).toHaveURL(/\/login/);
    });

    await test.step('sign in through the login page', async () => {
      await login.signIn(userCredentials.identifier, userCredentials.password);
      await shell.expectSignedIn();
    });

    await test.step('a page reload keeps the session', async () => {
      await page.reload();
      await shell.expectSignedIn();
    });

    await test.step('when the access token expires, the refresh token renews the session', async () => {
      // The browser drops aster_access when its Max-Age (the access TTL) runs out (upstream src/api/routes/auth/cookies.rs);
      // removing it now is that moment, without waiting 15 minutes.
      // The panel is left first: a request of the loaded panel still in flight (a slow server) would
      // meet the missing cookie and refresh the session itself, cut off by a reload, and the reloaded
      // panel would then find a fresh cookie and have nothing to renew.
      await page.goto('about:blank');
      const before = await page.context().cookies();
      const refreshBefore = before.find((c) => c.name === 'aster_refresh')?.value;
      await page.context().clearCookies({ name: 'aster_access' });
      const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh') && r.request().method() === 'POST', { timeout: 30_000 });
      await page.goto('/');
      const res = await refreshed.catch(() => {
        throw new Error('the panel, opened without an access cookie, did not call POST /api/v1/auth/refresh within 30 s');
      });
      expect(res.status(), 'POST /api/v1/auth/refresh must renew the session').toBe(200);
      await shell.expectSignedIn();
      const after = await page.context().cookies();
      expect(
        after.some((c) => c.name === 'aster_access'),
        'a new aster_access cookie',
      ).toBe(true);
      expect(after.find((c) => c.name === 'aster_refresh')?.value, 'the refresh token rotates').not.toBe(refreshBefore);
      await evidence('refresh', {
        status: res.status(),
        cookies: after.map((c) => ({ name: c.name, path: c.path, httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite })),
      });
    });

    await test.step('sign out; protected pages go back to the login page', async () => {
      const me = await page.request.get('/api/v1/auth/me');
      const username = ((await me.json()) as { data: { username: string } }).data.username;
      await shell.signOut(username);
      await page.goto('/');
      await expect(page).toHaveURL(/\/login/);
      const cookies = await page.context().cookies();
      expect(
        cookies.filter((c) => c.name.startsWith('aster_') && c.value),
        'logout clears the auth cookies',
      ).toEqual([]);
    });
  },
);
