import { expect, type Locator, type Page } from '@playwright/test';
import { AppShell } from './app-shell.js';

/** A folder as the panel shows it: its id for the address, its name for the breadcrumb. */
export interface FolderRef {
  id: number;
  name: string;
}

export class FileBrowser {
  readonly shell: AppShell;

  constructor(private readonly page: Page) {
    this.shell = new AppShell(page);
  }

  /**
   * Opens a folder on the run's target, or on `origin` (another entry of the same site), and waits
   * until the breadcrumb shows it. A panel that was still settling the page it was on can land on
   * the root instead (seen on a busy machine): then the folder is opened once more.
   */
  async openFolder(folder: FolderRef, origin = ''): Promise<void> {
    const arrived = this.page.getByRole('navigation', { name: 'Breadcrumb' }).getByText(folder.name, { exact: true });
    await this.page.goto(`${origin}/folder/${folder.id}`);
    await this.shell.expectSignedIn();
    const shown = await arrived.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (!shown) await this.page.goto(`${origin}/folder/${folder.id}`);
    await expect(arrived, `the panel did not show folder "${folder.name}" at /folder/${folder.id}`).toBeVisible({ timeout: 30_000 });
  }

  /** The name cell gains sr-only badges after share/lock, so match the row by its title span. */
  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByTitle(name, { exact: true }) });
  }

  /** Uploads through the real file chooser: surface context menu → `Upload File`. */
  async uploadThroughChooser(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const zone = this.shell.dropZone;
    const box = await zone.boundingBox();
    if (!box) throw new Error('the file drop zone has no size');
    // Right-click the surface well away from any row, so the surface menu (not a row menu) opens.
    await zone.click({ button: 'right', position: { x: box.width - 12, y: box.height - 12 } });
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('menuitem', { name: 'Upload File' }).click();
    await (await chooser).setFiles(file);
    // The task says `Upload complete`; a failed one shows the server's message instead, and the
    // panel's summary counts it ("1 items · 0 succeeded · 1 failed · 0 active"): told at once, not
    // after the timeout.
    const shell = this.page.getByTestId('bottom-right-activity-shell');
    const complete = shell.getByText('Upload complete').first();
    const failed = this.page.getByText(/· [1-9]\d* failed ·/).first();
    await expect(complete.or(failed)).toBeVisible({ timeout: 60_000 });
    if (await failed.isVisible()) {
      // The task's own line (name, method, the server's message), else the whole upload panel.
      const task = shell.getByText(file.name).first().locator('xpath=..');
      const says = ((await task.innerText().catch(() => '')) || (await shell.innerText().catch(() => ''))).replace(/\s+/g, ' ').trim();
      throw new Error(`the panel's upload of ${file.name} failed; it says: ${says.slice(0, 400)}`);
    }
    await expect(this.row(file.name)).toBeVisible({ timeout: 30_000 });
  }

  async openRowMenu(name: string): Promise<void> {
    await this.row(name).getByRole('button', { name: 'More actions' }).click();
  }

  async rowAction(name: string, action: string): Promise<void> {
    await this.openRowMenu(name);
    await this.page.getByRole('menuitem', { name: action, exact: true }).click();
  }

  /** The file preview dialog: it has no accessible name, only a level-2 heading with the file name. */
  previewDialog(name: string): Locator {
    return this.page.getByRole('dialog').filter({ has: this.page.getByRole('heading', { level: 2, name, exact: true }) });
  }

  /** Opens the preview dialog of a file (single-click mode) and returns it. */
  async preview(name: string): Promise<Locator> {
    await this.row(name).getByTitle(name, { exact: true }).click();
    const dialog = this.previewDialog(name);
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
