/**
 * The Office side of WOPI, played by the suite on managed targets: it serves a discovery document
 * (upstream src/services/preview/wopi/discovery/parser.rs) and accepts the form POST the panel
 * sends to the action URL (upstream frontend-panel/src/components/files/preview/viewers/wopi/WopiPreview.tsx).
 *
 * Like a real Office server, the launch page loads the document before it shows it: CheckFileInfo
 * (`GET <WOPISrc>?access_token=…`) and GetFile (`GET <WOPISrc>/contents?access_token=…`), then
 * renders the file's BaseFileName and its text. When a host call fails it answers, as Collabora and
 * OnlyOffice do, with an HTTP 200 page that shows an error (role=alert), so a browser check must
 * look at what the editor shows, not only at the status of the form post.
 * The suite's own WOPI client (client.ts) makes the save calls an Office server makes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import JSZip from 'jszip';

export interface FakeOffice {
  origin: string;
  discoveryUrl: string;
  /** Form posts the panel made to the action URL (for browser checks). */
  launches: { path: string; fields: Record<string, string>; loaded?: string; error?: string }[];
  close(): Promise<void>;
}

const APPS = [
  { name: 'Word', ext: 'docx', path: 'we/wordeditorframe.aspx' },
  { name: 'Excel', ext: 'xlsx', path: 'x/_layouts/xlviewerinternal.aspx' },
  { name: 'PowerPoint', ext: 'pptx', path: 'p/PowerPointFrame.aspx' },
];

function discovery(origin: string): string {
  const apps = APPS.map(
    (a) =>
      `<app name="${a.name}" favIconUrl="${origin}/favicon-${a.ext}.ico">` +
      `<action name="view" ext="${a.ext}" urlsrc="${origin}/${a.path}?ui=en-US&amp;" />` +
      `<action name="edit" ext="${a.ext}" requires="locks,update" urlsrc="${origin}/${a.path}?edit=1&amp;ui=en-US&amp;" /></app>`,
  ).join('');
  return `<?xml version="1.0" encoding="utf-8"?><wopi-discovery><net-zone name="internal-http">${apps}</net-zone></wopi-discovery>`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The visible text of an OOXML document: every run of text in its body, sheets or slides. */
async function documentText(bytes: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const parts = Object.keys(zip.files)
    .filter((n) => /^(word\/document|xl\/sharedStrings|xl\/worksheets\/sheet\d+|ppt\/slides\/slide\d+)\.xml$/.test(n))
    .sort();
  const texts: string[] = [];
  for (const p of parts) {
    const xml = await zip.files[p].async('string');
    for (const m of xml.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>/g)) texts.push(m[1]);
  }
  return texts
    .join(' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Loads the document as an Office server does; returns the page to show and what happened. */
async function openDocument(wopiSrc: string, token: string): Promise<{ html: string; loaded?: string; error?: string }> {
  const fail = (error: string) => ({
    error,
    html: `<!doctype html><title>Office: error</title><div role="alert"><h1>Failed to load the document</h1><p>${escapeHtml(error)}</p></div>`,
  });
  if (!wopiSrc || !token) return fail('the launch form carried no WOPISrc or access_token');
  const call = async (suffix: string) => {
    const u = new URL(wopiSrc + suffix);
    u.searchParams.set('access_token', token);
    return fetch(u, { signal: AbortSignal.timeout(20_000) });
  };
  try {
    const info = await call('');
    if (!info.ok) return fail(`CheckFileInfo answered HTTP ${info.status}`);
    const name = String(((await info.json()) as { BaseFileName?: unknown }).BaseFileName ?? '');
    const contents = await call('/contents');
    if (!contents.ok) return fail(`GetFile answered HTTP ${contents.status}`);
    let text: string;
    try {
      text = await documentText(Buffer.from(await contents.arrayBuffer()));
    } catch (e) {
      return fail(`the file is not an Office document (${(e as Error).message})`);
    }
    return {
      loaded: name,
      html:
        '<!doctype html><title>Office editor</title><h1>Launch Office editor</h1>' +
        `<header><input aria-label="Document name" readonly value="${escapeHtml(name)}"><span data-document-name>${escapeHtml(name)}</span></header>` +
        `<main aria-label="Document">${escapeHtml(text)}</main>`,
    };
  } catch (e) {
    return fail(`the WOPI host did not answer (${(e as Error).message})`);
  }
}

export async function startFakeOffice(host = '127.0.0.1'): Promise<FakeOffice> {
  const launches: FakeOffice['launches'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (req.method === 'GET' && url.pathname === '/hosting/discovery') {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(discovery(origin));
      return;
    }
    if (req.method === 'POST' && APPS.some((a) => url.pathname === `/${a.path}`)) {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(body));
        const launch: FakeOffice['launches'][number] = { path: url.pathname + url.search, fields };
        launches.push(launch);
        void openDocument(url.searchParams.get('WOPISrc') ?? '', fields.access_token ?? '').then((page) => {
          launch.loaded = page.loaded;
          launch.error = page.error;
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(page.html);
        });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    discoveryUrl: `${origin}/hosting/discovery`,
    launches,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
