// Turns each snapshot into what the HTTP thread serves: a base answer table and an overlay. The
// base holds every tenant's answer as of some earlier snapshot; the overlay what differs now
// (changed or new answers, removed keys). A reload that touches a few tenants renders and ships a
// few answers; when the overlay grows past an eighth of the tenants, a new base replaces both.
import fastJson from 'fast-json-stringify';
import { schemas } from '../schemas';
import { AnswerTableBuilder, FLAG_SUBPATHS, type AnswerTableBuffers } from '../answer-table';
import type { TenantSet, TenantSlot } from './tenant-set';
import type { ErrorResponse, ResolveResponse, TenantRecord } from '../../generated/sidecar-types';

// fastify's own serialiser (fast-json-stringify), compiled from the same schemas the routes declare:
// the schema is an output allow-list, so a field that is not in it can never leak into a response.
const serialiseResolve = fastJson(schemas.resolveResponse) as (doc: ResolveResponse) => string;
const serialiseError = fastJson(schemas.errorResponse) as (doc: ErrorResponse) => string;

export function resolveBody(t: TenantRecord, generation: number): string {
  const doc: ResolveResponse = {
    key: t.key,
    id: t.id,
    generation,
    wwwroot: t.wwwroot,
    dbtype: t.dbtype,
    dblibrary: 'native',
    dbhost: t.dbhost,
    dbname: t.dbname,
    dbuser: t.dbuser,
    dbpass: t.dbpass,
    prefix: t.prefix,
    dataroot: t.dataroot,
    dboptions: { dbport: t.dbport, dbsocket: t.dbsocket },
    config: t.config,
  };
  return serialiseResolve(doc);
}

/** A disabled tenant's answer: refused, and without credentials. */
export function disabledBody(t: TenantRecord): string {
  return serialiseError({ error: 'tenant_disabled', message: 'this site is disabled', key: t.key });
}

/** The generation the serialiser writes before it is cut out (any integer will do). */
const PLACEHOLDER = 0;
const GENERATION_FIELD = `"generation":${PLACEHOLDER}`;

/**
 * An enabled tenant's answer around its generation. A quote inside a JSON string is always escaped,
 * so the first `"generation":` in the text is the field itself.
 */
export function splitResolveBody(t: TenantRecord): { head: string; tail: string } {
  const text = resolveBody(t, PLACEHOLDER);
  const at = text.indexOf(GENERATION_FIELD);
  if (at < 0) throw new Error('resolve body has no generation field');
  const cut = at + GENERATION_FIELD.length - String(PLACEHOLDER).length;
  return { head: text.slice(0, cut), tail: text.slice(cut + String(PLACEHOLDER).length) };
}

/** What one key answers: a tenant (as the slot it came in), or a subpath-host marker. */
type Answer = TenantSlot | 'marker';

/**
 * Every key of a set and what it answers, in the set's order, and the keys that carry the subpath
 * flag (bare hosts that also have subpath tenants).
 */
function keysOf(set: TenantSet): { answers: Map<string, Answer>; flagged: Set<string> } {
  const subpathHosts = new Set<string>();
  for (const t of set.tenants) if (t.subpath !== null) subpathHosts.add(t.host);
  const slots = set.slots();
  const answers = new Map<string, Answer>();
  const flagged = new Set<string>();
  for (const t of set.tenants) {
    answers.set(t.key, slots.get(t.id)!);
    if (t.subpath === null && subpathHosts.has(t.host)) flagged.add(t.key);
  }
  for (const host of subpathHosts) if (!answers.has(host)) answers.set(host, 'marker');
  return { answers, flagged };
}

function addAnswer(builder: AnswerTableBuilder, key: string, answer: Answer, flagged: boolean): void {
  if (answer === 'marker') return builder.addMarker(key);
  const t = answer.record;
  const flags = flagged ? FLAG_SUBPATHS : 0;
  if (t.enabled) {
    const { head, tail } = splitResolveBody(t);
    builder.add(key, 200, head, tail, flags);
  } else builder.add(key, 423, disabledBody(t), null, flags);
}

export interface Tables {
  baseId: number;
  /** Null: the base sent before (number baseId) still applies. */
  base: AnswerTableBuffers | null;
  overlay: AnswerTableBuffers;
}

/** Past this many differences from the base, a new base is cheaper to serve and to keep than the overlay. */
function overlayLimit(tenants: number): number {
  return Math.max(1024, Math.floor(tenants / 8));
}

/**
 * The loader's record of the base the HTTP thread holds: per key, the slot its answer was rendered
 * from. The poller hands an unchanged tenant over as the very same slot object (a changed row comes
 * as a new one), so "unchanged" is an identity check: no signature per tenant to build or keep.
 */
export class AnswerTables {
  private base: { answers: Map<string, Answer>; flagged: Set<string> } | null = null;
  private baseId = 0;
  private baseBytes = 0;

  /** The next build sends a whole base (the HTTP thread lost track, or was never sent one). */
  reset(): void {
    this.base = null;
  }

  build(set: TenantSet): Tables {
    const now = keysOf(set);
    const was = this.base;
    if (was !== null) {
      const limit = overlayLimit(now.answers.size);
      const changed: string[] = [];
      for (const [key, answer] of now.answers) {
        if (was.answers.get(key) !== answer || was.flagged.has(key) !== now.flagged.has(key)) {
          changed.push(key);
          if (changed.length > limit) break;
        }
      }
      const removed: string[] = [];
      if (changed.length <= limit) for (const key of was.answers.keys()) if (!now.answers.has(key)) removed.push(key);
      if (changed.length + removed.length <= limit) {
        const overlay = new AnswerTableBuilder(changed.length * 700, changed.length + removed.length);
        for (const key of changed) addAnswer(overlay, key, now.answers.get(key)!, now.flagged.has(key));
        for (const key of removed) overlay.addRemoval(key);
        return { baseId: this.baseId, base: null, overlay: overlay.finish() };
      }
    }
    // Sized from the last base when there is one: one allocation, no copy.
    const builder = new AnswerTableBuilder(this.baseBytes > 0 ? Math.ceil(this.baseBytes * 1.02) + 4096 : now.answers.size * 640, now.answers.size);
    for (const [key, answer] of now.answers) addAnswer(builder, key, answer, now.flagged.has(key));
    const base = builder.finish();
    this.base = now;
    this.baseId++;
    this.baseBytes = base.dataBytes;
    return { baseId: this.baseId, base, overlay: new AnswerTableBuilder().finish() };
  }
}
