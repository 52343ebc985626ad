import { expect, type Page } from '@playwright/test';

export class ShareDialog {
  constructor(
    private readonly page: Page,
    private readonly resourceName: string,
  ) {}

  get dialog() {
    return this.page.getByRole('dialog', { name: `Share "${this.resourceName}"` });
  }

  /** Creates the link and returns the URL shown in the dialog. */
  async createLink(opts: { password?: string } = {}): Promise<string> {
    await expect(this.dialog).toBeVisible();
    if (opts.password) await this.dialog.getByLabel('Password (optional)').fill(opts.password);
    await this.dialog.getByRole('button', { name: 'Create link' }).click();
    // The URL field has no accessible name in the real panel; its test id is the stable handle.
    const url = this.dialog.getByTestId('share-primary-url');
    await expect(url).toHaveValue(/\/s\//);
    const value = await url.inputValue();
    await this.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(this.dialog).toBeHidden();
    return value;
  }
}
