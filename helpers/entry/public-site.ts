/** The Public Site URL setting (`public_site_url`, integrations §4.2), read only. */
import type { AsterClient } from '../api/aster.js';

export async function publicSiteUrls(admin: AsterClient): Promise<string[]> {
  const { value } = await admin.getConfig('public_site_url');
  if (Array.isArray(value)) return value.map((v) => v.trim()).filter(Boolean);
  const text = value.trim();
  if (!text) return [];
  if (text.startsWith('[')) return (JSON.parse(text) as string[]).map((v) => v.trim()).filter(Boolean);
  return text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * The origin AsterDrive uses in a URL it builds for a request (WebDAV endpoint, WOPISrc): the
 * entry that exactly matches the request origin, else the first (integrations §1.1, §2.4).
 */
export function expectedOriginFor(requestOrigin: string, entries: string[]): string | undefined {
  const norm = entries.map((e) => e.replace(/\/$/, '').toLowerCase());
  return norm.find((e) => e === requestOrigin.toLowerCase()) ?? norm[0];
}
