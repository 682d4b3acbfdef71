// Exact number handling for cty.Number (arbitrary precision) on top of JS doubles.
//
// Meaning of a JS `number` as a cty number (this mirrors how go-cty would read what we encode):
//   * an integer with |x| < 2^63 is that exact integer (msgpack int64);
//   * anything else is the shortest decimal that round-trips the double — the same text
//     go-cty's big.Float.Text('f', -1) gives for a float64, and cty compares numbers by that text.
// Numbers that a JS number cannot carry with that meaning (big integers, long decimals) are held
// as CtyNumber with an exact decimal string. Integers beyond Number.MAX_SAFE_INTEGER are always
// CtyNumber so provider code never does silently-rounded arithmetic on them.

/** A cty number that a JS number cannot represent exactly; `decimal` is an exact decimal literal. */
export class CtyNumber {
  constructor(readonly decimal: string) {
    if (!DECIMAL_SYNTAX.test(decimal)) throw new RangeError(`not a decimal number: ${JSON.stringify(decimal)}`);
  }
  toString(): string {
    return this.decimal;
  }
}

export type NumberValue = number | CtyNumber;

/** sign * coef * 10^exp with no trailing zeros in coef; zero is {neg:false, coef:0n, exp:0}. */
interface Decimal {
  readonly neg: boolean;
  readonly coef: bigint;
  readonly exp: number;
}

const DECIMAL_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_PARTS = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
/** Bounds the plain-text expansion of exponent notation (e.g. "1e999999999") to keep memory sane. */
const MAX_DECIMAL_EXPONENT = 100_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_63 = 2 ** 63;

function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_PARTS.exec(text);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? m[4] ?? '';
  const expText = m[5];
  if (expText !== undefined && expText.replace(/^[+-]?0*/, '').length > 9) return undefined;
  let exp = (expText === undefined ? 0 : Number(expText)) - fracPart.length;
  let digits = (intPart + fracPart).replace(/^0+/, '');
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === '') return { neg: false, coef: 0n, exp: 0 };
  if (Math.abs(exp) > MAX_DECIMAL_EXPONENT || Math.abs(exp + digits.length) > MAX_DECIMAL_EXPONENT) return undefined;
  return { neg: m[1] === '-', coef: BigInt(digits), exp };
}

function formatPlain(d: Decimal): string {
  const sign = d.neg ? '-' : '';
  const digits = d.coef.toString();
  if (d.exp >= 0) return d.coef === 0n ? '0' : sign + digits + '0'.repeat(d.exp);
  const point = digits.length + d.exp;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}

function decimalEquals(a: Decimal, b: Decimal): boolean {
  return a.neg === b.neg && a.coef === b.coef && a.exp === b.exp;
}

/** Integer value of a decimal with exp >= 0. */
function decimalToBigInt(d: Decimal): bigint {
  const v = d.coef * 10n ** BigInt(d.exp);
  return d.neg ? -v : v;
}

function normalize(neg: boolean, coef: bigint, exp: number): Decimal {
  if (coef === 0n) return { neg: false, coef: 0n, exp: 0 };
  const text = coef.toString();
  const trimmed = text.replace(/0+$/, '');
  return { neg, coef: trimmed.length === text.length ? coef : BigInt(trimmed), exp: exp + text.length - trimmed.length };
}

const f64 = new DataView(new ArrayBuffer(8));

/** The exact binary value of a finite double as a decimal (0.1 -> 0.1000000000000000055511...). */
function exactDoubleDecimal(x: number): Decimal {
  f64.setFloat64(0, x);
  const bits = f64.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  if (e2 >= 0) return normalize(neg, mantissa << BigInt(e2), 0);
  // m * 2^e2 = m * 5^-e2 / 10^-e2
  return normalize(neg, mantissa * 5n ** BigInt(-e2), e2);
}

/** The cty meaning of a JS number (see the header comment). */
function doubleMeaning(x: number): Decimal {
  if (Number.isInteger(x) && x >= -TWO_POW_63 && x < TWO_POW_63) return normalize(x < 0, BigInt(Math.abs(x)), 0);
  return parseDecimal(String(x))!;
}

/** A decimal as the preferred JS value: a number when one carries exactly this meaning. */
function fromDecimal(d: Decimal): NumberValue {
  if (d.exp >= 0) {
    const n = decimalToBigInt(d);
    return n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : new CtyNumber(formatPlain(d));
  }
  const plain = formatPlain(d);
  const x = Number(plain);
  if (Number.isFinite(x) && !Number.isInteger(x) && decimalEquals(parseDecimal(String(x))!, d)) return x;
  return new CtyNumber(plain);
}

/**
 * Normalises any number-like input to the preferred representation: a JS number when it carries
 * the value exactly (0.1, 42, 1.5), otherwise a CtyNumber with the canonical plain decimal.
 * Throws RangeError for text that is not a decimal literal and for NaN.
 */
export function toNumberExact(input: string | number | bigint | CtyNumber): NumberValue {
  if (typeof input === 'number') {
    if (Number.isNaN(input)) throw new RangeError('NaN is not a cty number');
    if (!Number.isFinite(input)) return input;
    if (Number.isInteger(input) && !Number.isSafeInteger(input)) return fromDecimal(doubleMeaning(input));
    return input === 0 ? 0 : input;
  }
  if (typeof input === 'bigint') {
    return fromDecimal(normalize(input < 0n, input < 0n ? -input : input, 0));
  }
  const text = typeof input === 'string' ? input : input.decimal;
  const d = parseDecimal(text);
  if (!d) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  return fromDecimal(d);
}

/** Parses decimal text from the wire; undefined when it is not a decimal literal. */
export function parseNumberText(text: string): NumberValue | undefined {
  const d = parseDecimal(text.trim());
  return d ? fromDecimal(d) : undefined;
}

/**
 * A double read from msgpack float32/float64. go-cty only writes a float when its value is
 * exactly that double, so a big integral double means its exact binary value (CtyNumber of the
 * integer), e.g. 2^63 -> CtyNumber('9223372036854775808').
 */
export function fromWireDouble(x: number): NumberValue {
  if (Number.isInteger(x) && !Number.isSafeInteger(x)) return new CtyNumber(BigInt(x).toString());
  return x === 0 ? 0 : x;
}

/** A 64-bit integer read from msgpack (bigint when it came from int64/uint64). */
export function fromWireInteger(n: number | bigint): NumberValue {
  if (typeof n === 'number') return n;
  return n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : new CtyNumber(n.toString());
}

/**
 * Canonical plain decimal text of a number (no exponent, no trailing zeros): the value Terraform
 * sees once we encode it, the text ctyjson writes, and the basis of number equality (cty compares
 * numbers by this text). Infinities give "Infinity"/"-Infinity".
 */
export function numberToString(v: NumberValue): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new RangeError('NaN is not a cty number');
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return formatPlain(doubleMeaning(v));
  }
  const d = parseDecimal(v.decimal);
  if (!d) throw new RangeError(`not a decimal number: ${JSON.stringify(v.decimal)}`);
  return formatPlain(d);
}

export function numbersEqual(a: NumberValue, b: NumberValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    // Fast path; distinct doubles can still mean the same cty number only via big integers.
    if (a === b) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  }
  return numberToString(a) === numberToString(b);
}

/** How a number goes onto the msgpack wire, following go-cty's marshal order of preference. */
export type WireNumber =
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string };

/**
 * Int when exactly an int64, float64 when exactly a double, else the exact decimal string.
 * One deliberate refinement of go-cty's rule: a float64 is only used when the double's shortest
 * text is also the value, because Terraform reads a float64 at 53-bit precision and compares
 * numbers by that text; 2^63 as float64 would come back as 9223372036854776000, so it goes as
 * the string "9223372036854775808" instead.
 */
export function toWireNumber(v: NumberValue): WireNumber | undefined {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return undefined;
    if (Number.isInteger(v) && v >= -TWO_POW_63 && v < TWO_POW_63) {
      return { kind: 'int', value: Number.isSafeInteger(v) ? v + 0 : BigInt(v) };
    }
    return { kind: 'float', value: v };
  }
  const d = parseDecimal(v.decimal);
  if (!d) return undefined;
  if (d.exp >= 0) {
    const n = decimalToBigInt(d);
    if (n >= INT64_MIN && n <= INT64_MAX) return { kind: 'int', value: n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n };
  }
  const plain = formatPlain(d);
  const x = Number(plain);
  if (Number.isFinite(x) && decimalEquals(exactDoubleDecimal(x), d) && decimalEquals(parseDecimal(String(x))!, d)) return { kind: 'float', value: x };
  return { kind: 'string', value: plain };
}
