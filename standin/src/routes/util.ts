// Query and paging helpers shared by the route files (no upstream route module of its own).
import type { Request } from 'express';

export function q(req: Request, k: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[k];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function page<T>(items: T[], limit: number, offset: number): { items: T[]; total: number; limit: number; offset: number } {
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}

/** Stable sort by one key (ties keep their order), ascending or descending. */
export function sortBy<T>(items: T[], key: (t: T) => string | number | null, order: 'asc' | 'desc'): T[] {
  const dir = order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = key(a) ?? '';
    const y = key(b) ?? '';
    return x < y ? -dir : x > y ? dir : 0;
  });
}
