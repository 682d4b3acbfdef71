// A generated corpus of hostile Host values, deterministic for a seed so a failure can be replayed:
// random bytes and UTF-16 units, CRLF and header injection, SQL and PHP syntax, path traversal,
// overlong labels and names, Unicode confusables, IPv4/IPv6 literals, ports, dots, and mutations of
// the real tenant hosts (the values most likely to be mistaken for one).

/** xorshift32: small, fast, and the same sequence on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
}

const SQL = [
  "' OR '1'='1",
  "' OR 1=1 -- ",
  "'; DROP TABLE vmoodle_tenant; --",
  "x' UNION SELECT id,host,dbpass FROM vmoodle_tenant -- ",
  '\\\' OR 1=1 #',
  '%27%20OR%201=1',
  '" OR ""="',
  "') OR ('a'='a",
  '1; SELECT SLEEP(5)',
  "' AND (SELECT 1 FROM (SELECT SLEEP(5))x) AND '",
  '`vmoodle_meta`',
  '/*!50000UNION*/',
];
const PHP = [
  "<?php system('id'); ?>",
  '${@phpinfo()}',
  "'.die('x').'",
  "\\'; exit; //",
  '{$CFG->dbpass}',
  '$_SERVER',
  '<?= `id` ?>',
  "';require('/etc/passwd');'",
  '\\0',
  'php://filter/resource=config.php',
];
const TRAVERSAL = ['../../etc/passwd', '..%2f..%2f', '..\\..\\', '/./', '%2e%2e/', '....//', '/..', '%252e%252e', '..;/', '/%00/'];
const INJECT = ['\r\nX-Injected: 1', '\nHost: evil.example', '\r\n\r\nGET / HTTP/1.1', '\u0000', '\r', '\n', '\t', ' ', '\u0085', '\u2028', '\u000b', '\u000c'];
const CONFUSABLES: Record<string, string[]> = {
  a: ['а', 'ɑ', 'ａ', 'α', '𝐚', 'ᵃ'],
  e: ['е', 'ｅ', 'ε', '𝐞', 'ė'],
  o: ['о', 'ο', 'ｏ', '𝐨', '0', 'º'],
  s: ['ѕ', 'ſ', 'ｓ', '𝐬', 'ś'],
  t: ['т', 'ｔ', '𝐭', 'τ'],
  i: ['і', 'ı', 'ｉ', 'ï', 'ℹ', 'Ⅰ'],
  c: ['с', 'ϲ', 'ｃ', 'ⅽ'],
  k: ['K', 'к', 'ｋ', 'κ'], // U+212A KELVIN SIGN maps to k under UTS-46
  h: ['һ', 'ｈ', 'ℎ'],
  r: ['г', 'ｒ'],
  n: ['п', 'ｎ', 'ո'],
  g: ['ɡ', 'ｇ'],
  '.': ['。', '．', '｡', '·', '․', '﹒'],
  '-': ['‐', '‑', '−', '–', '﹣', '－'],
  '1': ['l', 'I', '１', '𝟏'],
};
const INVISIBLE = ['\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u202e', '\u202d', '\u0301', '\u034f', '\u180e'];
const IP = [
  '127.0.0.1', '127.1', '0x7f000001', '0x7f.1', '017700000001', '2130706433', '1.2.3.4.', '999.1.1.1', '0', '0x', '0xg',
  '[::1]', '[::1]:443', '::1', '[fe80::1%25eth0]', 'fe80::1%eth0', '[2001:db8::1]:8080', '2001:db8::1', '::ffff:127.0.0.1',
  '[::ffff:7f00:1]', '[::]', '[', ']', '[]', '[::1', '::1]', 'localhost:80:80',
];

function randomLabel(r: Rng, len: number): string {
  const alpha = 'abcdefghijklmnopqrstuvwxyz0123456789-';
  let s = '';
  for (let i = 0; i < len; i++) s += alpha[r.int(alpha.length)];
  return s;
}

function randomBytes(r: Rng): string {
  const n = 1 + r.int(48);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(256));
  return s;
}

function randomUnits(r: Rng): string {
  const n = 1 + r.int(24);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.5) ? r.int(0x80) : r.int(0x10000)); // includes lone surrogates
  return s;
}

function port(r: Rng): string {
  return r.pick([
    ':' + String(1 + r.int(65535)),
    ':' + String(r.int(10_000_000)),
    ':', ':0', ':65535', ':65536', ':-1', ':+80', ': 80', ':80 ', ':８０', ':0x50', ':80:80', '::80', ':00080', ':1e3',
  ]);
}

function mutate(r: Rng, host: string): string {
  let h = host;
  const steps = 1 + r.int(3);
  for (let s = 0; s < steps; s++) {
    const i = h.length ? r.int(h.length) : 0;
    switch (r.int(16)) {
      case 0: // case flips (harmless: must still resolve)
        h = [...h].map((c) => (r.chance(0.5) ? c.toUpperCase() : c)).join('');
        break;
      case 1: // insert an ASCII character
        h = h.slice(0, i) + String.fromCharCode(0x20 + r.int(0x5f)) + h.slice(i);
        break;
      case 2: // delete a character
        h = h.slice(0, i) + h.slice(i + 1);
        break;
      case 3: { // confusable substitution
        const chars = [...h];
        const positions = chars.map((c, k) => (CONFUSABLES[c.toLowerCase()] ? k : -1)).filter((k) => k >= 0);
        if (positions.length) {
          const k = r.pick(positions);
          chars[k] = r.pick(CONFUSABLES[chars[k]!.toLowerCase()]!);
        }
        h = chars.join('');
        break;
      }
      case 4: // invisible character
        h = h.slice(0, i) + r.pick(INVISIBLE) + h.slice(i);
        break;
      case 5:
        h += port(r);
        break;
      case 6:
        h += '.'.repeat(1 + r.int(3));
        break;
      case 7: // a label before or after: evil.<host>, <host>.evil
        h = r.chance(0.5) ? `${randomLabel(r, 1 + r.int(8))}.${h}` : `${h}.${randomLabel(r, 1 + r.int(8))}`;
        break;
      case 8:
        h = r.chance(0.5) ? h + r.pick(INJECT) + (r.chance(0.5) ? host : '') : r.pick(INJECT) + h;
        break;
      case 9:
        h = `[${h}]`;
        break;
      case 10:
        h = r.chance(0.5) ? `user:pw@${h}` : `${h}@evil.example`;
        break;
      case 11:
        h = h + r.pick(['/', '/..', '/m1', '?host=x', '#f', '\\', '/%2e%2e']);
        break;
      case 12: // percent-encode one character
        h = h.slice(0, i) + '%' + (h.charCodeAt(i) || 0x2e).toString(16).padStart(2, '0') + h.slice(i + 1);
        break;
      case 13:
        h = h.slice(0, i) + r.pick(['_', '%', '"', "'", '`', ';', ',', '*', '~', '!', '$', '&', '(', '=', '+']) + h.slice(i);
        break;
      case 14: // doubled or leading dots, empty labels
        h = r.chance(0.5) ? '.' + h : h.replace('.', '..');
        break;
      default: // truncate
        h = h.slice(0, Math.max(0, h.length - 1 - r.int(4)));
    }
  }
  return h;
}

function overlong(r: Rng, host: string): string {
  switch (r.int(6)) {
    case 0:
      return `${'a'.repeat(62 + r.int(5))}.${host}`;
    case 1: { // around the 253-character limit
      const target = 246 + r.int(12);
      const labels: string[] = [];
      let len = host.length;
      while (len < target) {
        const l = 1 + r.int(Math.min(63, target - len));
        labels.push('x'.repeat(l));
        len += l + 1;
      }
      return [...labels, host].join('.');
    }
    case 2:
      return 'a'.repeat(1020 + r.int(10));
    case 3:
      return `${host}:${'9'.repeat(6 + r.int(20))}`;
    case 4:
      return ('é' + randomLabel(r, 40) + '.').repeat(10 + r.int(30));
    default:
      return randomLabel(r, 2000 + r.int(4000));
  }
}

/** A payload before, after or inside a host (at a random point), or on its own. */
function splice(r: Rng, host: string, payload: string): string {
  switch (r.int(4)) {
    case 0:
      return host + payload;
    case 1:
      return payload + host;
    case 2: {
      const i = r.int(host.length + 1);
      return host.slice(0, i) + payload + host.slice(i);
    }
    default:
      return payload + (r.chance(0.5) ? port(r) : '');
  }
}

/** `size` distinct values; known tenant hosts are the raw material for most of them. */
export function generateCorpus(size: number, knownHosts: readonly string[], seed = 20260501): string[] {
  const r = new Rng(seed);
  // A Set, so the size counts distinct values (the small fixed lists would otherwise repeat).
  const out = new Set<string>();
  const push = (v: string): void => void out.add(v);
  // The exact hosts and their harmless variants first: the corpus must also contain values that
  // resolve, or "never another tenant" would be checked on refusals only.
  for (const h of knownHosts) [h, h.toUpperCase(), `${h}.`, `${h}:443`].forEach(push);
  while (out.size < size) {
    const host = r.pick(knownHosts);
    const kind = r.int(100);
    if (kind < 10) push(randomBytes(r));
    else if (kind < 15) push(randomUnits(r));
    else if (kind < 50) push(mutate(r, host));
    else if (kind < 58) push(splice(r, host, r.pick(SQL)));
    else if (kind < 64) push(splice(r, host, r.pick(PHP)));
    else if (kind < 68) push(splice(r, host, r.pick(TRAVERSAL)));
    else if (kind < 72) push(host + r.pick(INJECT) + r.pick(['', 'X: 1', host, `Host: ${r.pick(knownHosts)}`]));
    else if (kind < 79) push(overlong(r, host));
    else if (kind < 86) push(mutate(r, mutate(r, host)));
    else if (kind < 92) push(r.chance(0.7) ? r.pick(IP) + (r.chance(0.3) ? port(r) : '') : `${host.split('.')[0]}.${String(r.int(1000))}`);
    else if (kind < 97) push(host + port(r));
    else push(r.pick(['', ' ', '.', '..', ':', ':80', '\t', '-', 'a', 'A.', host.replace(/\./g, '')]) + '.'.repeat(r.int(3)));
  }
  return [...out].slice(0, size);
}
