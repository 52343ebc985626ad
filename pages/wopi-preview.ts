import { expect, type Frame, type FrameLocator, type Locator, type Page } from '@playwright/test';

/** What the Office editor inside the preview shows (the launch frame and the frames it nests). */
export interface EditorView {
  state: 'document' | 'error' | 'loading';
  /** The error text, or where the document was seen. */
  detail: string;
  /** Every frame's URL (no query), title and first visible text, for evidence. */
  frames: { url: string; title: string; text: string; alerts: string[] }[];
}

/** Words of an Office server's error page or dialog (Collabora, OnlyOffice, Microsoft 365 for the web). */
const ERROR_WORDS =
  /\b(error|failed|failure|unable|cannot|can't|could not|couldn't|denied|forbidden|unauthori[sz]ed|not found|expired|invalid|unavailable|went wrong)\b/i;

/**
 * The preview dialog of a file opened with a WOPI app in iframe mode (upstream
 * frontend-panel/src/components/files/preview/viewers/wopi/WopiPreview.tsx): the
 * dialog is named after the file; a hidden form posts into an `<iframe title="<app label>">`;
 * `Starting <label>...` while it loads, `This WOPI app is unavailable` when no session starts.
 */
export class WopiPreview {
  constructor(
    private readonly page: Page,
    private readonly fileName: string,
    private readonly appLabel: string,
  ) {}

  /** The file preview dialog has no accessible name, only a level-2 heading with the file name. */
  get dialog(): Locator {
    return this.page.getByRole('dialog').filter({ has: this.page.getByRole('heading', { level: 2, name: this.fileName, exact: true }) });
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

  /**
   * Looks inside the editor: the launch frame and every frame it nests (OnlyOffice loads its
   * editor in a child frame). The document is shown when a frame's visible text, title or an
   * input (Collabora's document-name field) carries one of `marks` (the file name, its stem, a
   * line of its content); an error when a visible alert, the title or a heading reads like one.
   */
  async editorView(marks: string[]): Promise<EditorView> {
    const top = await (await this.frameElement.elementHandle())?.contentFrame();
    if (!top) return { state: 'loading', detail: 'the editor iframe has no document yet', frames: [] };
    const all: Frame[] = [];
    const walk = (f: Frame) => {
      all.push(f);
      for (const c of f.childFrames()) walk(c);
    };
    walk(top);
    const frames: EditorView['frames'] = [];
    let seen: string | undefined;
    let error: string | undefined;
    for (const f of all) {
      const v = await f
        .evaluate(() => {
          const visible = (e: Element) => (e as HTMLElement).offsetWidth > 0 || (e as HTMLElement).offsetHeight > 0 || e.getClientRects().length > 0;
          const texts = (sel: string) =>
            Array.from(document.querySelectorAll(sel))
              .filter(visible)
              // biome-ignore lint/performance/useDomNodeTextContent: what the editor shows, hidden text left out
              .map((e) => (e as HTMLElement).innerText.trim())
              .filter(Boolean);
          return {
            title: document.title,
            // biome-ignore lint/performance/useDomNodeTextContent: what the editor shows, hidden text left out
            text: document.body?.innerText ?? '',
            alerts: texts('[role=alert], [role=alertdialog]'),
            headings: texts('h1, h2, h3'),
            inputs: Array.from(document.querySelectorAll('input'))
              .filter(visible)
              .map((i) => (i as HTMLInputElement).value),
          };
        })
        .catch(() => undefined); // a frame that navigates away meanwhile: look again on the next poll
      if (!v) continue;
      const url = f.url().split('?')[0];
      frames.push({ url, title: v.title, text: v.text.slice(0, 300), alerts: v.alerts });
      const bad = [...v.alerts, ...v.headings, v.title].find((t) => ERROR_WORDS.test(t));
      if (bad && !error) error = `${bad.replace(/\s+/g, ' ').slice(0, 200)} (frame ${url})`;
      const hay = [v.title, v.text, ...v.inputs].join('\n');
      const mark = marks.find((m) => m && hay.includes(m));
      if (mark && !seen) seen = `"${mark}" in frame ${url}`;
    }
    if (error) return { state: 'error', detail: error, frames };
    if (seen) return { state: 'document', detail: seen, frames };
    return { state: 'loading', detail: 'neither the document nor an error is shown yet', frames };
  }

  /** Polls the editor until it shows the document or an error (a real Office server takes its time). */
  async waitForDocument(marks: string[], timeout = 90_000): Promise<EditorView> {
    let last: EditorView = { state: 'loading', detail: 'not looked yet', frames: [] };
    await expect
      .poll(
        async () => {
          last = await this.editorView(marks);
          return last.state;
        },
        { timeout, intervals: [250, 500, 1000, 2000] },
      )
      .not.toBe('loading')
      .catch(() => undefined);
    return last;
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await expect(this.dialog).toBeHidden();
  }
}
