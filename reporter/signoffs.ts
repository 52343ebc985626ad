/**
 * Sign-offs: a person confirms a MANUAL item (something only an operator can decide) for a while.
 * Each entry names the item, who signed, when, what exactly was confirmed and an expiry date.
 * Like waivers, bad entries fail the run so they cannot rot: an unknown item, an expired or
 * future-dated sign-off, two for one item, or one whose item is no longer MANUAL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const SignoffEntry = z.object({
  item: z.string().regex(/^\d+\.\d+$/, 'must be a checklist item ID such as "8.1"'),
  signedBy: z.string().min(3, 'must name the person who confirmed it'),
  signedOn: z.iso.date('must be a date such as 2026-11-20'),
  confirmed: z.string().min(10, 'must say what was confirmed (at least 10 characters)'),
  expires: z.iso.date('must be a date such as 2027-05-20'),
});
export type SignoffEntry = z.infer<typeof SignoffEntry>;

export const SignoffFile = z.object({ signoffs: z.array(SignoffEntry) });

export function loadSignoffs(file: string): { signoffs: SignoffEntry[]; problems: string[] } {
  if (!existsSync(file)) return { signoffs: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { signoffs: [], problems: [`${file} is not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = SignoffFile.safeParse(json);
  if (!parsed.success) {
    return { signoffs: [], problems: parsed.error.issues.map((i) => `${file}: ${i.path.join('.')} ${i.message}`) };
  }
  return { signoffs: parsed.data.signoffs, problems: [] };
}
