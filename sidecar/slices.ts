// Long loops over a whole registry (100,000 tenants) run a slice at a time, yielding to the event
// loop in between, so lookups keep being answered while a reload is built. One slice of cheap work
// (a Map lookup, a comparison) stays well under a millisecond.
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export const CHEAP_SLICE = 2000;

export async function forEachSliced<T>(items: readonly T[], fn: (item: T, index: number) => void, slice = CHEAP_SLICE): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % slice === 0) await yieldToLoop();
    fn(items[i]!, i);
  }
}
