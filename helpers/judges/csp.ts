/**
 * Who sent the Content-Security-Policy a violation happened under. AsterDrive states its panel
 * policy twice: as a response header on HTML pages, and as a `<meta http-equiv>` in the page
 * (without frame-ancestors, which a meta policy cannot carry; upstream src/api/routes/frontend.rs).
 * A proxy can add or replace the header but does not rewrite the page, so the meta policy tells
 * AsterDrive's own policy apart from one a proxy added. Only violations of the latter are the
 * proxy's fault (2.7); the panel's own code tripping its own policy (an eval probe) is not.
 */

/** Directive name -> sorted source list; frame-ancestors dropped (header-only). */
function directives(policy: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    if (!name || name.toLowerCase() === 'frame-ancestors') continue;
    out.set(name.toLowerCase(), sources.sort().join(' '));
  }
  return out;
}

/** Same directives with the same sources, in any order, ignoring frame-ancestors. */
export function samePolicy(a: string, b: string): boolean {
  const da = directives(a);
  const db = directives(b);
  return da.size === db.size && [...da].every(([k, v]) => db.get(k) === v);
}

export interface Violation {
  directive: string;
  blocked: string;
  policy: string;
  source?: string;
  disposition?: string;
}

/**
 * Splits violations into those under AsterDrive's own policy (the page's meta policy, or a header
 * equal to it) and the others. Without a meta policy nothing can be attributed to AsterDrive.
 */
export function attributeViolations(violations: Violation[], ownPolicy: string | undefined): { own: Violation[]; foreign: Violation[] } {
  const own = violations.filter((v) => ownPolicy !== undefined && samePolicy(v.policy, ownPolicy));
  return { own, foreign: violations.filter((v) => !own.includes(v)) };
}

/**
 * A console CSP error names the directive it hit, quoted (`... directive: "script-src 'self'"`);
 * it is AsterDrive's own when that directive, with those sources, is in AsterDrive's policy.
 */
export function consoleErrorIsOwn(message: string, ownPolicy: string | undefined): boolean {
  if (!ownPolicy) return false;
  const quoted = /directive:?\s*"([^"]+)"/i.exec(message)?.[1];
  if (!quoted) return false;
  const [name, ...sources] = quoted.trim().split(/\s+/);
  return directives(ownPolicy).get(name.toLowerCase()) === sources.sort().join(' ');
}
