/**
 * The Office side of WOPI, played by the suite on managed targets: it serves a discovery document
 * (integrations §2.2) and accepts the form POST the panel sends to the action URL (§2.4).
 * The suite's own WOPI client (wopi-client.ts) then makes the host calls an Office server makes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOffice {
  origin: string;
  discoveryUrl: string;
  /** Form posts the panel made to the action URL (for browser checks). */
  launches: { path: string; fields: Record<string, string> }[];
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
        launches.push({ path: url.pathname + url.search, fields });
        const wopiSrc = url.searchParams.get('WOPISrc') ?? '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Launch Office</title><h1>Launch Office editor</h1><p data-wopi-src="${encodeURI(wopiSrc)}">Editing session started</p>`);
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
