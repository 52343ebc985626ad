import { expect, type Page } from '@playwright/test';

export class TrashPage {
  constructor(private readonly page: Page) {}

  async goto(baseURL: string): Promise<void> {
    await this.page.goto(`${baseURL}/trash`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Trash' })).toBeVisible();
  }

  row(name: string) {
    return this.page.getByRole('row').filter({ hasText: name });
  }

  /** Selects the row (a click toggles selection in Trash) and restores it. */
  async restore(name: string): Promise<void> {
    await this.row(name).click();
    await this.page.getByRole('button', { name: 'Restore Selected' }).click();
    await expect(this.page.getByText(/Restored 1 item/).first()).toBeVisible();
    await expect(this.row(name)).toHaveCount(0);
  }
}
