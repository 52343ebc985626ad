import type { Page } from '@playwright/test';

/** `/s/<token>` as an anonymous visitor (ui reference §5.2). */
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

  /** `Download` opens a popup that downloads (window.open); returns the download. */
  async download() {
    const popup = this.page.waitForEvent('popup');
    await this.page.getByRole('button', { name: 'Download' }).click();
    return (await popup).waitForEvent('download');
  }
}
