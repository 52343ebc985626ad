import type { NextFunction, Request, Response } from 'express';
import { sendText } from './errors.js';

const XML_BODY_METHODS = new Set(['PROPFIND', 'PROPPATCH', 'LOCK']);
/** AsterDrive `[webdav].xml_payload_limit` default (1 MiB). */
export const XML_PAYLOAD_LIMIT = 1024 * 1024;

/**
 * Request-side handling of XML bodies before nephele sees them:
 * - nephele answers 415 to bodies not labelled application/xml or text/xml, and to an upper-case
 *   charset. The `webdav` client sends LOCK bodies without Content-Type (fetch then says
 *   text/plain); AsterDrive does not look at the label, so such bodies are relabelled as XML.
 * - nephele buffers XML bodies without a limit; a declared length over the limit answers 413.
 */
export function prepareXmlBody(request: Request, response: Response, next: NextFunction): void {
  if (!XML_BODY_METHODS.has(request.method)) {
    next();
    return;
  }
  if (Number(request.get('Content-Length') ?? 0) > XML_PAYLOAD_LIMIT) {
    sendText(response, 413, 'XML request body too large');
    return;
  }
  const header = request.headers['content-type'];
  if (header != null) {
    const charset = /;\s*charset="?([^";]+)"?/i.exec(header)?.[1]?.toLowerCase();
    request.headers['content-type'] = `application/xml${charset ? `; charset=${charset}` : ''}`;
  }
  next();
}
