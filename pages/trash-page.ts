import { expect, type Page } from '@playwright/test';

export class TrashPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/trash');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Trash' })).toBeVisible();
  }

  row(name: string) {
    return this.page.getByRole('row').filter({ hasText: name });
  }

  /**
   * Restores one item through its row menu, which acts on that row alone. (A click on the row only
   * toggles a selection, and a click that lands while the list renders again is lost: the restore
   * check was flaky that way on the real panel.)
   */
  async restore(name: string): Promise<void> {
    const row = this.row(name);
    await row.getByRole('button', { name: 'More actions' }).click();
    await this.page.getByRole('menuitem', { name: 'Restore', exact: true }).click();
    await expect(this.row(name)).toHaveCount(0);
  }
}
