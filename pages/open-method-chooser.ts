import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The method chooser a file with several open methods shows (upstream
 * frontend-panel/src/components/files/preview/dialog/FilePreviewDialog.tsx): a dialog named
 * `Choose how to open this file`, one button per method named by its label (built-in viewers,
 * `Microsoft Viewer`, `Google Viewer`, admin-added preview/WOPI apps), and `More open methods`.
 */
export class OpenMethodChooser {
  constructor(private readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Choose how to open this file' });
  }

  /**
   * Opens `fileTitle` (a file row's title in single-click mode) and picks the method `label`.
   * The chooser lists admin apps only once the panel has loaded the preview-app registry (after
   * sign-in, when the browser is idle), so a chooser without the app is closed and opened again.
   */
  async open(fileTitle: Locator, label: string): Promise<void> {
    const method = this.dialog.getByRole('button', { name: label, exact: true });
    const more = this.dialog.getByRole('button', { name: 'More open methods' });
    await expect(async () => {
      if (await this.dialog.isVisible()) {
        await this.page.keyboard.press('Escape');
        await expect(this.dialog).toBeHidden();
      }
      await fileTitle.click();
      await expect(this.dialog).toBeVisible({ timeout: 5_000 });
      if (!(await method.isVisible()) && (await more.isVisible())) await more.click();
      await expect(method).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 30_000 });
    await method.click();
    await expect(this.dialog).toBeHidden();
  }
}
