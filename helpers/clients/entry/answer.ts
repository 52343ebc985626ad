/**
 * Tells AsterDrive's answers from a proxy's: AsterDrive puts an `X-Request-ID` on its responses
 * (upstream src/runtime/components.rs) and errors in its JSON envelope; a proxy's own pages are plain text or HTML
 * (nginx: `Server: nginx`; the suite's entry proxy: `Server: launch-entry-proxy`).
 */
import { PROXY_SERVER } from '../../harness/entry-servers/entry-proxy.js';

export interface Answer {
  status: number;
  from: 'app' | 'proxy';
  server?: string;
  requestId?: string;
  contentType?: string;
  /** AsterDrive's envelope code, when the body is one. */
  code?: string;
  snippet: string;
}

export function envelopeCode(text: string): string | undefined {
  try {
    const j = JSON.parse(text) as { code?: unknown };
    return typeof j.code === 'string' ? j.code : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the body (text) and classifies the answer. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text().catch(() => '');
  return classify(res.status, res.headers, text);
}

export function classify(status: number, headers: Headers, text: string): Answer {
  const server = headers.get('server') ?? undefined;
  const requestId = headers.get('x-request-id') ?? undefined;
  const code = envelopeCode(text);
  const proxyMade = server === PROXY_SERVER || (!requestId && !code);
  return {
    status,
    from: proxyMade ? 'proxy' : 'app',
    server,
    requestId,
    contentType: headers.get('content-type') ?? undefined,
    code,
    snippet: text.slice(0, 160).replace(/\s+/g, ' '),
  };
}

export function explain(a: Answer): string {
  return `${a.status}${a.code ? ` ${a.code}` : ''} (${a.from === 'app' ? 'from AsterDrive' : 'from the proxy'}: Server=${a.server ?? '-'}, X-Request-ID=${a.requestId ? 'present' : 'absent'}, body "${a.snippet.slice(0, 80)}")`;
}
