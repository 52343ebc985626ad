import { expect, type Page } from '@playwright/test';

/** The signed-in shell: top bar, user menu, sidebar. */
export class AppShell {
  constructor(private readonly page: Page) {}

  /** Upstream's universal "I'm in" landmark (upstream frontend-panel/src/pages/file-browser/FileBrowserWorkspace.tsx). */
  get dropZone() {
    return this.page.getByRole('region', { name: 'File drop zone' });
  }

  async expectSignedIn(): Promise<void> {
    await expect(this.dropZone).toBeVisible({ timeout: 30_000 });
  }

  async signOut(username: string): Promise<void> {
    await this.page.getByRole('button', { name: username, exact: true }).click();
    // Logout is a plain button inside the menu, not a menuitem (upstream frontend-panel/src/components/layout/HeaderControls.tsx).
    await this.page.getByRole('button', { name: 'Logout' }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
