/**
 * Waivers: an operator accepts a known failure for a while. Each entry names the item, why, a
 * tracking link and an expiry date. Stale entries fail the run so they cannot rot: an expired
 * waiver, a waiver for an unknown item, or a waiver whose item now passes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const Waiver = z.object({
  item: z.string().regex(/^\d+\.\d+$/, 'must be a checklist item ID such as "8.7"'),
  reason: z.string().min(10, 'must say why (at least 10 characters)'),
  tracking: z.url('must be a link to the tracking issue'),
  expires: z.iso.date('must be a date such as 2026-12-31'),
});
export type Waiver = z.infer<typeof Waiver>;

export const WaiverFile = z.object({ waivers: z.array(Waiver) });

export function loadWaivers(file: string): { waivers: Waiver[]; problems: string[] } {
  if (!existsSync(file)) return { waivers: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { waivers: [], problems: [`${file} is not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = WaiverFile.safeParse(json);
  if (!parsed.success) {
    return { waivers: [], problems: parsed.error.issues.map((i) => `${file}: ${i.path.join('.')} ${i.message}`) };
  }
  return { waivers: parsed.data.waivers, problems: [] };
}
