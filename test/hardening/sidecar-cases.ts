// The tenants the sidecar load test serves, and what the load process asks with the one answer each
// must get: exact hosts and harmless variants, a subpath tenant, an IDN host, a disabled tenant,
// unknown and malformed hosts.
import type { TenantInput } from '../sidecar/helpers';
import type { LoadCase } from './load-protocol';
import { profile } from './profile';

export const D = 'hardening.test';

export function tenants(): TenantInput[] {
  const list: TenantInput[] = [];
  for (let i = 1; i <= profile.tenants; i++) {
    const n = String(i).padStart(4, '0');
    list.push({ id: `s${n}`, host: `s${n}.${D}`, dbpass: `pw-s${n}-${Math.random().toString(36).slice(2)}` });
  }
  list.push({ id: 'sub', host: `sub.${D}` }, { id: 'sub-m1', host: `sub.${D}/m1` });
  list.push({ id: 'cafe', host: `xn--caf-dma.${D}` });
  list.push({ id: 'off', host: `off.${D}`, enabled: false });
  return list;
}

function dbnameOf(t: TenantInput): string {
  return `moodle_${t.id.replace(/[^a-z0-9_]/gi, '_')}`;
}

/** What the load process asks, and the one answer each must get. */
export function cases(list: TenantInput[]): LoadCase[] {
  const out: LoadCase[] = [];
  for (const t of list) {
    if (t.enabled === false) {
      out.push({ host: t.host, expect: { status: 423 } });
      continue;
    }
    if (t.host.includes('/')) continue;
    const ok = { status: 200 as const, key: t.host, dbname: dbnameOf(t) };
    out.push({ host: t.host, expect: ok });
    if (t.id.endsWith('1')) out.push({ host: t.host.toUpperCase() + ':8443', expect: ok }, { host: t.host + '.', expect: ok });
  }
  out.push({ host: `sub.${D}`, path: '/m1/course/view.php?id=1', expect: { status: 200, key: `sub.${D}/m1`, dbname: 'moodle_sub_m1' } });
  out.push({ host: `sub.${D}`, path: '/course/view.php', expect: { status: 200, key: `sub.${D}`, dbname: 'moodle_sub' } });
  out.push({ host: `café.${D}`, expect: { status: 200, key: `xn--caf-dma.${D}`, dbname: 'moodle_cafe' } });
  for (let i = 0; i < 10; i++) out.push({ host: `nobody-${i}.${D}`, expect: { status: 404 } });
  for (const bad of [`s0001.${D}' OR '1'='1`, `s0001.${D}\r\nX-Injected: 1`, '127.0.0.1', `a_b.${D}`, '[::1]:443', `s0001.${D}..`, '']) {
    out.push({ host: bad, expect: { status: 400 } });
  }
  return out;
}
