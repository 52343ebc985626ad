import type { Need } from './capabilities.js';
import { SECTIONS } from './checklist-data.js';

export type ItemKind = 'auto' | 'auto+' | 'manual';

export interface ChecklistItem {
  id: string;
  title: string;
  kind: ItemKind;
  /** The kind column as written in the canonical list, e.g. "auto+ (restart command: records survive)". */
  kindNote: string;
}

export interface ChecklistSection {
  number: number;
  title: string;
  tag: string;
  items: readonly ChecklistItem[];
}

export { SECTIONS };

export const SECTION_TAGS: readonly string[] = SECTIONS.map((s) => s.tag);

const byId = new Map<string, { item: ChecklistItem; section: ChecklistSection }>();
for (const section of SECTIONS) for (const item of section.items) byId.set(item.id, { item, section });

export function findItem(id: string): { item: ChecklistItem; section: ChecklistSection } | undefined {
  return byId.get(id);
}

export function allItems(): ChecklistItem[] {
  return SECTIONS.flatMap((s) => [...s.items]);
}

export function sectionOfTag(tag: string): ChecklistSection | undefined {
  return SECTIONS.find((s) => s.tag === tag);
}

export const CHECKLIST_ANNOTATION = 'checklist';

/**
 * The annotations a test carries for the items it proves. Unknown IDs throw when the spec file
 * loads, so a typo cannot silently leave an item unchecked.
 */
export function proves(...ids: string[]): { type: string; description: string }[] {
  if (ids.length === 0) throw new Error('proves(): name at least one checklist item ID');
  for (const id of ids) {
    if (!byId.has(id)) throw new Error(`proves(): unknown checklist item "${id}" (see helpers/catalogue/checklist-data.ts)`);
  }
  const tags = new Set(ids.map((id) => byId.get(id)?.section.tag));
  if (tags.size > 1) throw new Error(`proves(${ids.join(', ')}): items from several sections; split the test`);
  return ids.map((id) => ({ type: CHECKLIST_ANNOTATION, description: id }));
}

export type SafetyTag = '@readonly' | '@own-data' | '@settings';
export const SAFETY_TAGS: readonly SafetyTag[] = ['@readonly', '@own-data', '@settings'];

/** Tag of the checks that run alone, after every other check (playwright.config.ts project `disruptive`). */
export const DISRUPTIVE_TAG = '@disruptive';

/** Annotation type of what a check needs (`needs` of checks()); the automatic fixture reads it. */
export const NEEDS_ANNOTATION = 'needs';

export interface CheckOptions {
  /**
   * The check disturbs the target for everybody (exhausts the client's rate-limit buckets), so it
   * runs alone after everything else (project `disruptive`).
   */
  disruptive?: boolean;
  /**
   * The check restarts, recreates or restores the server. On a deployment that disturbs everybody,
   * so there it is disruptive; a managed run gives it a private twin of the target
   * (helpers/harness/target/twin.ts), so it runs beside the other checks.
   */
  restarts?: boolean;
  /**
   * Access the check cannot run without (helpers/catalogue/capabilities.ts NEEDS). Without it the check is
   * NOT_CHECKED naming the variable, before its body runs; the README's access table lists it.
   */
  needs?: Need[];
}

/**
 * Whether the run checks an existing deployment (ASTER_BASE_URL). The runner loads .env into the
 * environment (helpers/harness/config.ts) before it loads a spec, and workers inherit it.
 */
function checksDeployment(): boolean {
  return Boolean(process.env.ASTER_BASE_URL);
}

/**
 * The details object of a checklist test: its section tag, one `@item-<id>` tag per item (so one
 * item can be re-run with `--grep "@item-10\.5\b"`), its safety tag, and the annotations the
 * launch report (`checklist`) and the automatic fixtures (`needs`) read.
 *
 *   test('large upload survives', checks(['10.5'], '@own-data'), async (...) => { ... })
 *   test('reset links', checks(['5.4'], '@own-data', { needs: ['mailpit'] }), async (...) => { ... })
 */
export function checks(ids: string[], safety: SafetyTag, opts: CheckOptions = {}): { tag: string[]; annotation: { type: string; description: string }[] } {
  const annotation = proves(...ids);
  const section = findItem(ids[0])?.section;
  if (!section) throw new Error(`checks(): unknown item ${ids[0]}`);
  const disruptive = opts.disruptive || (opts.restarts && checksDeployment());
  return {
    tag: [section.tag, safety, ...ids.map((id) => `@item-${id}`), ...(disruptive ? [DISRUPTIVE_TAG] : [])],
    annotation: [
      ...annotation,
      { type: 'section', description: section.tag },
      ...(opts.needs ?? []).map((need) => ({ type: NEEDS_ANNOTATION, description: need })),
    ],
  };
}

/** The command that re-runs just the tests of one item. */
export function rerunCommand(id: string): string {
  return `npx playwright test --grep "@item-${id.replace('.', '\\.')}\\b"`;
}
