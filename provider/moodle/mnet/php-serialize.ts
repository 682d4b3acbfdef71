// The subset of PHP's serialize() format Moodle uses for config_plugins(mnet, openssl_history):
// a list of ['certificate' => string, 'keypair_PEM' => string, 'expires' => int]. String lengths
// are in bytes, so everything works on a Buffer.

export type PhpValue = string | number | boolean | null | PhpArray;
/** PHP arrays keep insertion order and have int or string keys. */
export type PhpArray = Array<[string | number, PhpValue]>;

export class PhpSerializeError extends Error {
  override name = 'PhpSerializeError';
}

export function phpSerialize(v: PhpValue): string {
  if (v === null) return 'N;';
  if (typeof v === 'boolean') return `b:${v ? 1 : 0};`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new PhpSerializeError('only integers are supported');
    return `i:${v};`;
  }
  if (typeof v === 'string') return `s:${Buffer.byteLength(v, 'utf8')}:"${v}";`;
  return `a:${v.length}:{${v.map(([k, x]) => phpSerialize(k) + phpSerialize(x)).join('')}}`;
}

export function phpUnserialize(text: string): PhpValue {
  const buf = Buffer.from(text, 'utf8');
  let at = 0;
  const expect = (ch: string): void => {
    if (buf.toString('latin1', at, at + ch.length) !== ch) throw new PhpSerializeError(`expected "${ch}" at byte ${at}`);
    at += ch.length;
  };
  const until = (ch: string): string => {
    const end = buf.indexOf(ch, at, 'latin1');
    if (end < 0) throw new PhpSerializeError(`unterminated value at byte ${at}`);
    const s = buf.toString('latin1', at, end);
    at = end + 1;
    return s;
  };
  const int = (s: string): number => {
    if (!/^-?\d+$/.test(s)) throw new PhpSerializeError(`bad integer "${s}"`);
    return Number(s);
  };
  const value = (): PhpValue => {
    const type = buf.toString('latin1', at, at + 1);
    at += 1;
    if (type === 'N') {
      expect(';');
      return null;
    }
    expect(':');
    switch (type) {
      case 'b':
        return until(';') === '1';
      case 'i':
        return int(until(';'));
      case 'd':
        return Number(until(';'));
      case 's': {
        const len = int(until(':'));
        expect('"');
        if (at + len > buf.length) throw new PhpSerializeError('string runs past the end');
        const s = buf.toString('utf8', at, at + len);
        at += len;
        expect('";');
        return s;
      }
      case 'a': {
        const n = int(until(':'));
        expect('{');
        const out: PhpArray = [];
        for (let i = 0; i < n; i++) {
          const k = value();
          if (typeof k !== 'string' && typeof k !== 'number') throw new PhpSerializeError('array keys must be int or string');
          out.push([k, value()]);
        }
        expect('}');
        return out;
      }
      default:
        throw new PhpSerializeError(`unsupported type "${type}"`);
    }
  };
  const v = value();
  if (at !== buf.length) throw new PhpSerializeError('trailing data');
  return v;
}

/** One archived key set, as mnet_environment::get_keypair() pushes it. */
export interface HistoricKeyPair {
  certificate: string;
  keypairPem: string;
  expires: number;
}

export function encodeHistory(items: readonly HistoricKeyPair[]): string {
  return phpSerialize(
    items.map((h, i): [number, PhpValue] => [
      i,
      [
        ['certificate', h.certificate],
        ['keypair_PEM', h.keypairPem],
        ['expires', h.expires],
      ],
    ]),
  );
}

/** Decodes a history value; anything unreadable counts as empty (it only serves old messages). */
export function decodeHistory(text: string | null): HistoricKeyPair[] {
  if (!text) return [];
  let v: PhpValue;
  try {
    v = phpUnserialize(text);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: HistoricKeyPair[] = [];
  for (const [, item] of v) {
    if (!Array.isArray(item)) continue;
    const get = (k: string): PhpValue | undefined => item.find(([key]) => key === k)?.[1];
    const certificate = get('certificate');
    const keypairPem = get('keypair_PEM');
    const expires = get('expires');
    if (typeof certificate === 'string' && typeof keypairPem === 'string') {
      out.push({ certificate, keypairPem, expires: typeof expires === 'number' ? expires : 0 });
    }
  }
  return out;
}
