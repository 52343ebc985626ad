import { expect, type Page } from '@playwright/test';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/login');
    await expect(this.page.getByRole('heading', { name: 'Sign in to your account' })).toBeVisible();
  }

  /** Fills the form and submits with the exact `Sign In` (not `Sign in with passkey`). */
  async signIn(identifier: string, password: string): Promise<void> {
    await this.page.getByLabel('Email or username').fill(identifier);
    // The label text "Password" also names the show/hide toggle, so the id is unambiguous here.
    await this.page.locator('#password').fill(password);
    await this.page.getByRole('button', { name: 'Sign In', exact: true }).click();
  }

  get failureToast() {
    return this.page.getByText('Invalid credentials or account unavailable.').first();
  }
}
