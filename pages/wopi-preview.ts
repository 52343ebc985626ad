import { expect, type FrameLocator, type Locator, type Page } from '@playwright/test';

/**
 * The preview dialog of a file opened with a WOPI app in iframe mode (ui reference §4): the
 * dialog is named after the file; a hidden form posts into an `<iframe title="<app label>">`;
 * `Starting <label>...` while it loads, `This WOPI app is unavailable` when no session starts.
 */
export class WopiPreview {
  constructor(
    private readonly page: Page,
    private readonly fileName: string,
    private readonly appLabel: string,
  ) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: this.fileName });
  }

  /** The editor iframe; the iframe's title attribute is the app label (no role or name otherwise). */
  get frameElement(): Locator {
    return this.dialog.getByTitle(this.appLabel, { exact: true });
  }

  get frame(): FrameLocator {
    return this.frameElement.contentFrame();
  }

  get unavailable(): Locator {
    return this.dialog.getByText('This WOPI app is unavailable');
  }

  /** Waits until the editor iframe is there, or the panel says the session could not start. */
  async waitForEditorOrError(): Promise<'editor' | 'unavailable'> {
    await expect(this.dialog).toBeVisible();
    await expect(this.frameElement.or(this.unavailable)).toBeVisible({ timeout: 30_000 });
    return (await this.unavailable.isVisible()) ? 'unavailable' : 'editor';
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await expect(this.dialog).toBeHidden();
  }
}
