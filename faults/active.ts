import { findFault } from './catalogue.js';
import type { Fault } from './types.js';

/** The fault a fault-matrix run injects (ASTER_FAULT), if any. Only ever set by `npm run faults`. */
export function activeFault(): Fault | undefined {
  const name = process.env.ASTER_FAULT;
  return name ? findFault(name) : undefined;
}
