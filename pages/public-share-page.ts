import type { Download, Page } from '@playwright/test';

/** `/s/<token>` as an anonymous visitor (upstream frontend-panel/src/pages/ShareViewPage.tsx). */
export class PublicSharePage {
  constructor(private readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  heading(name: string) {
    return this.page.getByRole('heading', { level: 1, name });
  }

  get passwordPrompt() {
    return this.page.getByText('This share is password protected');
  }

  async unlock(password: string): Promise<void> {
    await this.page.getByPlaceholder('Password').fill(password);
    await this.page.getByRole('button', { name: 'Verify' }).click();
  }

  /**
   * `Download` calls window.open on the download URL. Chromium reports the download on the
   * opener page (the popup closes at once), other browsers on the popup, so listen on both.
   */
  async download(): Promise<Download> {
    const onPopup = new Promise<Download>((resolve) => {
      this.page.context().once('page', (popup) => popup.once('download', resolve));
    });
    const download = Promise.race([this.page.waitForEvent('download'), onPopup]);
    await this.page.getByRole('button', { name: 'Download' }).click();
    return download;
  }
}
