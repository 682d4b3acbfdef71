import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decode as oracleDecode, ExtData } from '@msgpack/msgpack';
import {
  CtyDecodeError,
  CtyDynamic,
  CtyEncodeError,
  CtyNumber,
  CtyTypeError,
  ctyBool,
  ctyDynamic,
  ctyEquals,
  ctyNumber,
  ctyString,
  decodeJson,
  decodeMsgpack,
  deepClone,
  encodeJson,
  encodeJsonText,
  encodeMsgpack,
  getAttr,
  isUnknown,
  isWhollyKnown,
  listOf,
  mapOf,
  numberToString,
  objectOf,
  parseTypeJson,
  parseTypeJsonText,
  recordFrom,
  setOf,
  toNumberExact,
  tupleOf,
  typeEquals,
  typeToJson,
  typeToJsonText,
  UNKNOWN,
  Unknown,
  type CtyType,
  type CtyValue,
} from '../../provider/plugin/cty';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\s+/g, ''), 'hex') : Buffer.from(p)))));
/** msgpack str header + UTF-8 text, for short ASCII strings in hand-written vectors. */
const fixstr = (s: string): number[] => [0xa0 | Buffer.byteLength(s), ...Buffer.from(s)];

function assertCtyError(fn: () => unknown, cls: typeof CtyDecodeError | typeof CtyEncodeError | typeof CtyTypeError, path: (string | number)[], message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.deepEqual(err.path, path);
    assert.match(err.message, message);
    return true;
  });
}

// The object Terraform 1.11.4 sent for
//   { name="alpha", size=1.5, tags={k="v"}, secret="s3cr3t", id=null, anything={list=[1,"two"]} }
const probeType = parseTypeJson([
  'object',
  { anything: 'dynamic', id: 'string', name: 'string', secret: 'string', size: 'number', tags: ['map', 'string'] },
]);
const anythingTypeJson = '["object",{"list":["tuple",["number","string"]]}]';
const probeBytes = bytes(
  [0x86],
  fixstr('anything'),
  '92 c4 31',
  [...Buffer.from(anythingTypeJson)],
  '81',
  fixstr('list'),
  '92 01',
  fixstr('two'),
  fixstr('id'),
  'c0',
  fixstr('name'),
  fixstr('alpha'),
  fixstr('secret'),
  fixstr('s3cr3t'),
  fixstr('size'),
  'cb 3ff8000000000000',
  fixstr('tags'),
  '81',
  fixstr('k'),
  fixstr('v'),
);

describe('types', () => {
  test('JSON type syntax round-trips and prints like go-cty', () => {
    const json = ['object', { b: ['list', 'string'], a: ['tuple', ['number', 'bool', 'dynamic']], c: ['map', ['set', 'number']] }];
    const t = parseTypeJson(json);
    assert.equal(typeToJsonText(t), '["object",{"a":["tuple",["number","bool","dynamic"]],"b":["list","string"],"c":["map",["set","number"]]}]');
    assert.deepEqual(typeToJson(t), ['object', { a: ['tuple', ['number', 'bool', 'dynamic']], b: ['list', 'string'], c: ['map', ['set', 'number']] }]);
    assert.ok(typeEquals(parseTypeJson(typeToJson(t)), t));
    assert.ok(typeEquals(parseTypeJsonText(typeToJsonText(t)), t));
    assert.equal(anythingTypeJson.length, 0x31, 'the observed bin length');
  });

  test('optional attributes, sorted byte-wise keys, odd names', () => {
    const t = parseTypeJson(['object', { z: 'string', a: 'number', ['__proto__']: 'bool' }, ['z']]);
    assert.equal(t.kind, 'object');
    assert.equal(typeToJsonText(t), '["object",{"__proto__":"bool","a":"number","z":"string"},["z"]]');
    assert.ok(!typeEquals(t, parseTypeJson(['object', { z: 'string', a: 'number', ['__proto__']: 'bool' }])));
    assert.ok(typeEquals(t, parseTypeJsonText(typeToJsonText(t))));
    // Go sorts by UTF-8 bytes: "10" < "9", and U+FF21 < U+1F600.
    assert.equal(typeToJsonText(objectOf({ '9': ctyString, '10': ctyString })), '["object",{"10":"string","9":"string"}]');
    assert.equal(typeToJsonText(objectOf({ '😀': ctyString, 'Ａ': ctyString })), '["object",{"Ａ":"string","😀":"string"}]');
  });

  test('typeEquals', () => {
    assert.ok(typeEquals(listOf(ctyString), parseTypeJson(['list', 'string'])));
    assert.ok(!typeEquals(listOf(ctyString), setOf(ctyString)));
    assert.ok(!typeEquals(tupleOf([ctyString]), tupleOf([ctyString, ctyString])));
    assert.ok(!typeEquals(objectOf({ a: ctyString }), objectOf({ b: ctyString })));
    assert.ok(typeEquals(objectOf({ a: mapOf(ctyBool) }), objectOf({ a: mapOf(ctyBool) })));
  });

  test('invalid type descriptions', () => {
    assertCtyError(() => parseTypeJson('str'), CtyTypeError, [], /invalid primitive type name "str"/);
    assertCtyError(() => parseTypeJson(['list']), CtyTypeError, [], /invalid type description/);
    assertCtyError(() => parseTypeJson(['object', { a: ['list', 'nope'] }]), CtyTypeError, ['a'], /invalid primitive/);
    assertCtyError(() => parseTypeJson(['list', 'string', 'x']), CtyTypeError, [], /extra data/);
    assertCtyError(() => parseTypeJsonText('{'), CtyTypeError, [], /invalid type JSON/);
  });
});

describe('msgpack: observed Terraform 1.11.4 vectors', () => {
  test('a whole null object is c0', () => {
    assert.equal(hex(encodeMsgpack(null, probeType)), 'c0');
    assert.equal(decodeMsgpack(bytes('c0'), probeType), null);
  });

  test('unknown is d4 00 00', () => {
    assert.equal(hex(encodeMsgpack(UNKNOWN, ctyString)), 'd40000');
    assert.equal(hex(encodeMsgpack(new Unknown(), probeType)), 'd40000');
    assert.equal(decodeMsgpack(bytes('d4 00 00'), probeType), UNKNOWN);
  });

  test('the 6-attribute config object, byte for byte', () => {
    const value = recordFrom([
      ['name', 'alpha'],
      ['size', 1.5],
      ['tags', { k: 'v' }],
      ['secret', 's3cr3t'],
      ['id', null],
      ['anything', { list: [1, 'two'] }], // plain value in a dynamic slot: type is implied
    ]);
    assert.equal(hex(encodeMsgpack(value, probeType)), hex(probeBytes));

    const decoded = decodeMsgpack(probeBytes, probeType) as Record<string, CtyValue>;
    assert.equal(decoded.name, 'alpha');
    assert.equal(decoded.size, 1.5);
    assert.equal(decoded.id, null);
    assert.deepEqual(decoded.tags, { k: 'v' });
    const anything = decoded.anything;
    assert.ok(anything instanceof CtyDynamic);
    assert.equal(typeToJsonText(anything.type), anythingTypeJson);
    assert.deepEqual(anything.value, { list: [1, 'two'] });
    // Re-encoding what we decoded gives Terraform's bytes back.
    assert.equal(hex(encodeMsgpack(decoded, probeType)), hex(probeBytes));

    // Independent check with @msgpack/msgpack.
    const oracle = oracleDecode(probeBytes) as Record<string, unknown>;
    assert.deepEqual(Object.keys(oracle), ['anything', 'id', 'name', 'secret', 'size', 'tags']);
    assert.equal(Buffer.from(((oracle.anything as unknown[])[0] as Uint8Array)).toString(), anythingTypeJson);
  });

  test('1.5 is cb 3ff8000000000000', () => {
    assert.equal(hex(encodeMsgpack(1.5, ctyNumber)), 'cb3ff8000000000000');
    assert.equal(decodeMsgpack(bytes('cb 3ff8000000000000'), ctyNumber), 1.5);
  });

  test('size = 12345678901234567890123 arrives as str and stays exact', () => {
    const wire = bytes(fixstr('12345678901234567890123'));
    assert.equal(hex(wire).slice(0, 2), 'b7');
    const n = decodeMsgpack(wire, ctyNumber);
    assert.ok(n instanceof CtyNumber);
    assert.equal(n.decimal, '12345678901234567890123');
    assert.equal(hex(encodeMsgpack(n, ctyNumber)), hex(wire));
  });

  test('refined unknown: ext 12 payload 82 01 c2 02 a4 "pre-"', () => {
    const wire = bytes('c7 09 0c 82 01 c2 02', fixstr('pre-'));
    const v = decodeMsgpack(wire, ctyString);
    assert.ok(v instanceof Unknown);
    assert.deepEqual(v.refinements, { notNull: true, stringPrefix: 'pre-' });
    assert.equal(hex(encodeMsgpack(v, ctyString)), hex(wire));
    assert.ok(!isWhollyKnown(v));
  });

  test('dynamic value 92 c4 31 5b"object",...', () => {
    const wire = bytes('92 c4 31', [...Buffer.from(anythingTypeJson)], '81', fixstr('list'), '92 01', fixstr('two'));
    const v = decodeMsgpack(wire, ctyDynamic);
    assert.ok(v instanceof CtyDynamic);
    assert.equal(hex(encodeMsgpack(v, ctyDynamic)), hex(wire));
    assert.equal(decodeMsgpack(bytes('c0'), ctyDynamic), null);
    assert.equal(hex(encodeMsgpack(null, ctyDynamic)), 'c0');
    assert.equal(hex(encodeMsgpack(UNKNOWN, ctyDynamic)), 'd40000', 'an unknown dynamic is a bare ext');
    assert.equal(decodeMsgpack(bytes('d4 00 00'), ctyDynamic), UNKNOWN);
    // A known type with an unknown value keeps the wrapper.
    const typedUnknown = new CtyDynamic(ctyString, UNKNOWN);
    assert.equal(hex(encodeMsgpack(typedUnknown, ctyDynamic)), '92c408' + Buffer.from('"string"').toString('hex') + 'd40000');
    assert.deepEqual(decodeMsgpack(encodeMsgpack(typedUnknown, ctyDynamic), ctyDynamic), typedUnknown);
  });
});

describe('msgpack: unknowns and refinements', () => {
  test('any extension is unknown, payload ignored unless ext 12', () => {
    for (const wire of ['c7 00 00', 'd4 05 01', 'd5 00 91 00', 'c7 03 07 01 02 03', 'd4 0c 00', 'c7 00 0c']) {
      assert.equal(decodeMsgpack(bytes(wire), ctyString), UNKNOWN, wire);
    }
  });

  test('malformed ext 12 payloads still mean unknown', () => {
    for (const wire of [
      'd5 0c 91 00', // not a map
      'd5 0c 81 01', // truncated entry
      'c7 03 0c 81 a1 78', // truncated entry with string key
      'c7 03 0c 81 01 a1', // nullness not a bool (and truncated)
      'd6 0c 81 02 05 00', // prefix not a string
    ]) {
      assert.equal(decodeMsgpack(bytes(wire), ctyString), UNKNOWN, wire);
    }
  });

  test('unknown keys and refinements for another type are ignored', () => {
    const wire = bytes('c7 0f 0c 84 09 92 01 02 05 03 03 92 01 c3 02', fixstr('ab'));
    const v = decodeMsgpack(wire, ctyString);
    assert.ok(v instanceof Unknown);
    assert.deepEqual(v.refinements, { stringPrefix: 'ab' });
  });

  test('number and length bounds round-trip', () => {
    const num = new Unknown({ notNull: true, numberLower: [0, true], numberUpper: [new CtyNumber('12345678901234567890'), false] });
    const encoded = encodeMsgpack(num, ctyNumber);
    const ext = oracleDecode(encoded) as ExtData;
    assert.ok(ext instanceof ExtData);
    assert.equal(ext.type, 12);
    assert.deepEqual(decodeMsgpack(encoded, ctyNumber), num);

    const len = new Unknown({ lengthMin: 1, lengthMax: 3 });
    const lenType = listOf(ctyString);
    assert.equal(hex(encodeMsgpack(len, lenType)), 'c7050c8205010603');
    assert.deepEqual(decodeMsgpack(encodeMsgpack(len, lenType), lenType), len);
  });

  test('refinements that do not apply to the type are not written', () => {
    assert.equal(hex(encodeMsgpack(new Unknown({ stringPrefix: 'x' }), ctyNumber)), 'd40000');
    assert.equal(hex(encodeMsgpack(new Unknown({ stringPrefix: '' }), ctyString)), 'd40000');
    assert.equal(hex(encodeMsgpack(new Unknown({ notNull: true }), ctyDynamic)), 'd40000');
    assert.equal(hex(encodeMsgpack(new Unknown({ notNull: true }), ctyBool)), 'c7030c8101c2');
    assert.equal(hex(encodeMsgpack(new Unknown({ lengthMin: 0 }), setOf(ctyString))), 'd40000');
  });

  test('long string prefixes are shortened on a character boundary', () => {
    const v = decodeMsgpack(encodeMsgpack(new Unknown({ stringPrefix: 'é'.repeat(300) }), ctyString), ctyString);
    assert.ok(v instanceof Unknown);
    assert.equal(v.refinements?.stringPrefix, 'é'.repeat(128));
  });

  test('"definitely null" refinement collapses to null like go-cty', () => {
    assert.equal(decodeMsgpack(bytes('c7 03 0c 81 01 c3'), ctyString), null);
  });

  test('unknowns nested anywhere survive a round trip', () => {
    const t = objectOf({ a: listOf(ctyString), b: mapOf(ctyNumber), c: tupleOf([ctyBool, ctyDynamic]) });
    const v = recordFrom([
      ['a', ['x', UNKNOWN]],
      ['b', UNKNOWN],
      ['c', [true, UNKNOWN]],
    ]);
    const back = decodeMsgpack(encodeMsgpack(v, t), t);
    assert.deepEqual(back, v);
    assert.ok(ctyEquals(back, v, t));
    assert.equal(isWhollyKnown(back), false);
  });
});

describe('msgpack: numbers', () => {
  const cases: Array<[number | CtyNumber, string]> = [
    [0, '00'],
    [127, '7f'],
    [128, 'cc80'],
    [255, 'ccff'],
    [256, 'cd0100'],
    [65535, 'cdffff'],
    [65536, 'ce00010000'],
    [4294967295, 'ceffffffff'],
    [4294967296, 'cf0000000100000000'],
    [-1, 'ff'],
    [-32, 'e0'],
    [-33, 'd0df'],
    [-128, 'd080'],
    [-129, 'd1ff7f'],
    [-32768, 'd18000'],
    [-32769, 'd2ffff7fff'],
    [-2147483648, 'd280000000'],
    [-2147483649, 'd3ffffffff7fffffff'],
    [Number.MAX_SAFE_INTEGER, 'cf001fffffffffffff'],
    [new CtyNumber('9223372036854775807'), 'cf7fffffffffffffff'],
    [new CtyNumber('-9223372036854775808'), 'd38000000000000000'],
    [new CtyNumber('1e20'), 'cb4415af1d78b58c40'], // exact double whose shortest text is the value
    // 2^63 is an exact double but Terraform would read a float64 back as 9223372036854776000.
    [new CtyNumber('9223372036854775808'), 'b3' + Buffer.from('9223372036854775808').toString('hex')],
    [-0, '00'],
    [0.5, 'cb3fe0000000000000'],
    [Infinity, 'cb7ff0000000000000'],
    [-Infinity, 'cbfff0000000000000'],
  ];
  for (const [value, expected] of cases) {
    test(`encodes ${typeof value === 'number' ? String(value) : value.decimal} as ${expected}`, () => {
      assert.equal(hex(encodeMsgpack(value, ctyNumber)), expected);
      assert.ok(ctyEquals(decodeMsgpack(bytes(expected), ctyNumber), value, ctyNumber));
    });
  }

  test('int64/uint64 limits decode exactly', () => {
    assert.deepEqual(decodeMsgpack(bytes('cf 7fffffffffffffff'), ctyNumber), new CtyNumber('9223372036854775807'));
    assert.deepEqual(decodeMsgpack(bytes('d3 8000000000000000'), ctyNumber), new CtyNumber('-9223372036854775808'));
    assert.deepEqual(decodeMsgpack(bytes('cf ffffffffffffffff'), ctyNumber), new CtyNumber('18446744073709551615'));
    assert.deepEqual(decodeMsgpack(bytes('cf 0020000000000001'), ctyNumber), new CtyNumber('9007199254740993'));
    assert.equal(decodeMsgpack(bytes('cf 001fffffffffffff'), ctyNumber), Number.MAX_SAFE_INTEGER);
    assert.equal(decodeMsgpack(bytes('d3 ffffffffffffffff'), ctyNumber), -1);
    assert.equal(decodeMsgpack(bytes('ca 3fc00000'), ctyNumber), 1.5, 'float32');
    // A big integral float64 is its exact binary value (what Terraform held when it sent it).
    assert.deepEqual(decodeMsgpack(bytes('cb 43e0000000000000'), ctyNumber), new CtyNumber('9223372036854775808'));
    assert.deepEqual(decodeMsgpack(bytes('cb 44b52d02c7e14af6'), ctyNumber), new CtyNumber('99999999999999991611392'));
    assert.equal(hex(encodeMsgpack(new CtyNumber('99999999999999991611392'), ctyNumber)), hex(bytes(fixstr('99999999999999991611392'))));
    // JS numbers mean what Terraform reads back: 1e23 as float64 is "100000000000000000000000" there.
    assert.equal(hex(encodeMsgpack(1e23, ctyNumber)), 'cb44b52d02c7e14af6');
    assert.equal(numberToString(1e23), '100000000000000000000000');
    // uint64 max does not fit int64 or a double: it goes back as a decimal string.
    assert.equal(hex(encodeMsgpack(new CtyNumber('18446744073709551615'), ctyNumber)), hex(bytes(fixstr('18446744073709551615'))));
  });

  test('numbers as strings and non-exact decimals', () => {
    assert.equal(decodeMsgpack(bytes(fixstr('0.1')), ctyNumber), 0.1);
    assert.equal(decodeMsgpack(bytes(fixstr('42')), ctyNumber), 42);
    assert.deepEqual(decodeMsgpack(bytes(fixstr('1e400')), ctyNumber), new CtyNumber('1' + '0'.repeat(400)));
    // 0.1 is not exactly a double, so cty (and we) send it as a string; 0.25 is exact.
    assert.equal(hex(encodeMsgpack(new CtyNumber('0.1'), ctyNumber)), hex(bytes(fixstr('0.1'))));
    assert.equal(hex(encodeMsgpack(new CtyNumber('0.25'), ctyNumber)), 'cb3fd0000000000000');
    assertCtyError(() => decodeMsgpack(bytes(fixstr('abc')), ctyNumber), CtyDecodeError, [], /a number is required/);
    assertCtyError(() => decodeMsgpack(bytes('cb 7ff8000000000000'), ctyNumber), CtyDecodeError, [], /NaN/);
    assertCtyError(() => encodeMsgpack(NaN, ctyNumber), CtyEncodeError, [], /invalid number/);
  });

  test('toNumberExact / numberToString', () => {
    assert.equal(toNumberExact('1.50'), 1.5);
    assert.equal(toNumberExact('0.1'), 0.1);
    assert.equal(toNumberExact(12n), 12);
    assert.deepEqual(toNumberExact('9007199254740993'), new CtyNumber('9007199254740993'));
    assert.deepEqual(toNumberExact('123456789012345678901234567890.50'), new CtyNumber('123456789012345678901234567890.5'));
    assert.deepEqual(toNumberExact(2 ** 60), new CtyNumber('1152921504606846976'));
    assert.equal(numberToString(1e21), '1000000000000000000000');
    assert.equal(numberToString(1e-7), '0.0000001');
    assert.equal(numberToString(-0), '0');
    assert.equal(numberToString(new CtyNumber('-001.2300e2')), '-123');
    assert.throws(() => toNumberExact('1.2.3'), RangeError);
    assert.throws(() => new CtyNumber('NaN'), RangeError);
  });
});

describe('msgpack: structure', () => {
  const nestedType = parseTypeJson([
    'object',
    {
      name: 'string',
      rules: ['list', ['object', { port: 'number', cidrs: ['set', 'string'] }]],
      labels: ['map', 'string'],
      pair: ['tuple', ['string', 'number']],
      extra: 'dynamic',
      flags: ['set', 'bool'],
    },
  ]);
  const nestedValue = (): CtyValue =>
    recordFrom([
      ['name', 'site'],
      [
        'rules',
        [
          { port: 80, cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
          { port: new CtyNumber('123456789012345678901234567890'), cidrs: [] },
        ],
      ],
      ['labels', recordFrom([['__proto__', 'p'], ['constructor', 'c'], ['x', 'y']])],
      ['pair', ['a', 2.25]],
      ['extra', new CtyDynamic(listOf(mapOf(ctyNumber)), [{ a: 1 }, { b: 2 }])],
      ['flags', [true, false]],
    ]);

  test('nested object/list/set/map/tuple/dynamic round trip', () => {
    const v = nestedValue();
    const encoded = encodeMsgpack(v, nestedType);
    const back = decodeMsgpack(encoded, nestedType);
    assert.deepEqual(back, v);
    assert.ok(ctyEquals(back, v, nestedType));
    assert.equal(hex(encodeMsgpack(back, nestedType)), hex(encoded));
    const labels = getAttr(back as Record<string, CtyValue>, 'labels') as Record<string, CtyValue>;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype, '__proto__ key did not change the prototype');
    assert.deepEqual(Object.keys(labels), ['__proto__', 'constructor', 'x']);
    assert.equal(getAttr(labels, '__proto__'), 'p');
    assert.equal(getAttr(labels, 'toString'), undefined);
  });

  test('long strings, arrays and maps use the wider headers', () => {
    const long = 'x'.repeat(40);
    assert.equal(hex(encodeMsgpack(long, ctyString)).slice(0, 4), 'd928');
    const longer = 'é'.repeat(200);
    assert.equal(hex(encodeMsgpack(longer, ctyString)).slice(0, 6), 'da0190');
    assert.equal(decodeMsgpack(encodeMsgpack(longer, ctyString), ctyString), longer);
    const list = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(hex(encodeMsgpack(list, listOf(ctyNumber))).slice(0, 6), 'dc0014');
    const map = recordFrom(list.map((i) => [`k${String(i).padStart(2, '0')}`, i]));
    assert.equal(hex(encodeMsgpack(map, mapOf(ctyNumber))).slice(0, 6), 'de0014');
    assert.deepEqual(decodeMsgpack(encodeMsgpack(map, mapOf(ctyNumber)), mapOf(ctyNumber)), map);
    assert.deepEqual(oracleDecode(encodeMsgpack(list, listOf(ctyNumber))), list);
    assert.equal(decodeMsgpack(encodeMsgpack('\ufeffbom', ctyString), ctyString), '\ufeffbom');
  });

  test('object decoding is strict and names the path', () => {
    const t = objectOf({ a: ctyString, b: ctyString });
    assertCtyError(() => decodeMsgpack(bytes('81', fixstr('a'), 'c0'), t), CtyDecodeError, [], /an object with 2 attributes is required \(1 given\); missing "b"/);
    assertCtyError(() => decodeMsgpack(bytes('80'), t), CtyDecodeError, [], /an object with 2 attributes is required \(0 given\)/);
    assertCtyError(() => decodeMsgpack(bytes('83', fixstr('a'), 'c0', fixstr('b'), 'c0', fixstr('zz'), 'c0'), t), CtyDecodeError, ['zz'], /unsupported attribute "zz"/);
    // Nested: .rules[1] lacks "cidrs".
    const nested = objectOf({ rules: listOf(objectOf({ port: ctyNumber, cidrs: setOf(ctyString) })) });
    const wire = bytes('81', fixstr('rules'), '92', '82', fixstr('cidrs'), '90', fixstr('port'), '01', '81', fixstr('port'), '02');
    assertCtyError(() => decodeMsgpack(wire, nested), CtyDecodeError, ['rules', 1], /^\.rules\[1\]: an object with 2 attributes is required \(1 given\); missing "cidrs"$/);
  });

  test('type mismatches, tuples, truncation and trailing bytes', () => {
    assertCtyError(() => decodeMsgpack(bytes('01'), ctyString), CtyDecodeError, [], /a string is required/);
    assertCtyError(() => decodeMsgpack(bytes('81', fixstr('a'), '01'), objectOf({ a: ctyBool })), CtyDecodeError, ['a'], /a bool is required/);
    assertCtyError(() => decodeMsgpack(bytes('91 01'), tupleOf([ctyNumber, ctyNumber])), CtyDecodeError, [], /a tuple of length 2 is required \(1 given\)/);
    assertCtyError(() => decodeMsgpack(bytes('92 01'), listOf(ctyNumber)), CtyDecodeError, [1], /unexpected end/);
    assertCtyError(() => decodeMsgpack(bytes('01 02'), ctyNumber), CtyDecodeError, [], /trailing bytes/);
    assertCtyError(() => decodeMsgpack(new Uint8Array(0), ctyNumber), CtyDecodeError, [], /empty/);
    assertCtyError(() => decodeMsgpack(bytes('93 01 02'), ctyDynamic), CtyDecodeError, [], /two-element array/);
    assertCtyError(() => decodeMsgpack(bytes('92 c4 03', [...Buffer.from('"x"')], '01'), ctyDynamic), CtyDecodeError, [], /invalid type in dynamic value/);
  });

  test('encoding is strict about shape but fills absent attributes with nil', () => {
    const t = objectOf({ a: ctyString, b: listOf(ctyNumber) });
    assert.equal(hex(encodeMsgpack({ a: 'x' }, t)), hex(bytes('82', fixstr('a'), fixstr('x'), fixstr('b'), 'c0')));
    assertCtyError(() => encodeMsgpack({ a: 'x', c: 1 }, t), CtyEncodeError, ['c'], /unsupported attribute "c"/);
    assertCtyError(() => encodeMsgpack({ a: 'x', b: [1, 'two'] }, t), CtyEncodeError, ['b', 1], /a number is required/);
    assertCtyError(() => encodeMsgpack(['a'], tupleOf([ctyString, ctyString])), CtyEncodeError, [], /a tuple of 2 elements/);
    assertCtyError(() => encodeMsgpack(new CtyDynamic(ctyNumber, 1), ctyString), CtyEncodeError, [], /dynamic value of type number/);
    assert.equal(hex(encodeMsgpack(new CtyDynamic(ctyString, 'a'), ctyString)), 'a161');
  });

  test('sets: duplicates collapse, order is irrelevant for equality', () => {
    const t = setOf(ctyNumber);
    assert.equal(hex(encodeMsgpack([1, 2, new CtyNumber('1.0'), 1], t)), '920102');
    assert.deepEqual(decodeMsgpack(bytes('93 01 02 01'), t), [1, 2]);
    // Unknown elements are never merged.
    assert.equal(hex(encodeMsgpack([UNKNOWN, UNKNOWN], t)), '92d40000d40000');
  });
});

describe('JSON', () => {
  test('big numbers survive decode and encode exactly', () => {
    const t = objectOf({ size: ctyNumber, small: ctyNumber, int: ctyNumber });
    const text = '{"size":123456789012345678901234567890.5,"small":0.1,"int":9223372036854775807}';
    const v = decodeJson(text, t) as Record<string, CtyValue>;
    assert.deepEqual(v.size, new CtyNumber('123456789012345678901234567890.5'));
    assert.equal(v.small, 0.1);
    assert.deepEqual(v.int, new CtyNumber('9223372036854775807'));
    assert.equal(encodeJsonText(v, t), '{"int":9223372036854775807,"size":123456789012345678901234567890.5,"small":0.1}');
    // ...and through msgpack as Terraform would see it.
    const viaMsgpack = decodeMsgpack(encodeMsgpack(v, t), t);
    assert.ok(ctyEquals(viaMsgpack, v, t));
    assert.equal(hex(encodeMsgpack(v.size!, ctyNumber)), hex(bytes([0xd9, 32], [...Buffer.from('123456789012345678901234567890.5')])));
  });

  test('missing attributes become null; unknown attributes fail unless ignored', () => {
    const t = objectOf({ id: ctyString, name: ctyString, nested: objectOf({ a: ctyBool }) });
    assert.deepEqual(decodeJson('{"id":"1","nested":{}}', t), { id: '1', nested: { a: null }, name: null });
    assertCtyError(() => decodeJson('{"id":"1","old":true}', t), CtyDecodeError, [], /unsupported attribute "old"/);
    assertCtyError(() => decodeJson('{"nested":{"zz":1}}', t), CtyDecodeError, ['nested'], /unsupported attribute "zz"/);
    assert.deepEqual(decodeJson('{"id":"1","old":true}', t, { ignoreUndefinedAttributes: true }), { id: '1', name: null, nested: null });
  });

  test('dynamic values as {"value":...,"type":...}', () => {
    const t = objectOf({ anything: ctyDynamic });
    const text = `{"anything":{"value":{"list":[1,"two"]},"type":${anythingTypeJson}}}`;
    const v = decodeJson(text, t) as Record<string, CtyValue>;
    assert.ok(v.anything instanceof CtyDynamic);
    assert.equal(encodeJsonText(v, t), text);
    assert.equal(decodeJson('{"anything":null}', t) !== null, true);
    assert.equal((decodeJson('{"anything":null}', t) as Record<string, CtyValue>).anything, null);
    assertCtyError(() => decodeJson('{"anything":{"value":1}}', t), CtyDecodeError, ['anything'], /missing type/);
    assertCtyError(() => decodeJson('{"anything":{"value":1,"type":"number","x":1}}', t), CtyDecodeError, ['anything'], /invalid key "x"/);
    // JSON state -> msgpack gives exactly the dynamic encoding Terraform expects.
    assert.equal(hex(encodeMsgpack(v.anything!, ctyDynamic)).slice(0, 6), '92c431');
  });

  test('conversions ctyjson performs, and type errors with paths', () => {
    const t = objectOf({ s: ctyString, n: ctyNumber, b: ctyBool, l: listOf(ctyString), tu: tupleOf([ctyString, ctyNumber]) });
    assert.deepEqual(decodeJson('{"s":12.50,"n":"42","b":"true","l":[true,1e2],"tu":["a",1]}', t), { s: '12.50', n: 42, b: true, l: ['true', '1e2'], tu: ['a', 1] });
    assertCtyError(() => decodeJson('{"l":[{}]}', t), CtyDecodeError, ['l', 0], /a string is required, got an object/);
    assertCtyError(() => decodeJson('{"b":"yes"}', t), CtyDecodeError, ['b'], /a bool is required/);
    assertCtyError(() => decodeJson('{"tu":["a"]}', t), CtyDecodeError, ['tu'], /not enough tuple elements \(need 2\)/);
    assertCtyError(() => decodeJson('{"s":', t), CtyDecodeError, [], /invalid JSON/);
    assert.deepEqual(decodeJson(Buffer.from('{"s":"ü"}'), t), { s: 'ü', n: null, b: null, l: null, tu: null });
  });

  test('maps with __proto__ keys are safe', () => {
    const v = decodeJson('{"__proto__":"x","a":"y"}', mapOf(ctyString)) as Record<string, CtyValue>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.equal(getAttr(v, '__proto__'), 'x');
    assert.equal(encodeJsonText(v, mapOf(ctyString)), '{"__proto__":"x","a":"y"}');
  });

  test('encoding: unknowns rejected, Go-style escaping, sets deduplicated', () => {
    const t = objectOf({ a: listOf(ctyString) });
    assertCtyError(() => encodeJson({ a: ['x', UNKNOWN] }, t), CtyEncodeError, ['a', 1], /not known/);
    assertCtyError(() => encodeJson(UNKNOWN, ctyDynamic), CtyEncodeError, [], /not known/);
    assertCtyError(() => encodeJson(Infinity, ctyNumber), CtyEncodeError, [], /infinity/);
    assert.equal(encodeJsonText('<a&b>\u2028"\\\n\u0001', ctyString), '"\\u003ca\\u0026b\\u003e\\u2028\\"\\\\\\n\\u0001"');
    assert.equal(encodeJsonText([2, 1, 2], setOf(ctyNumber)), '[2,1]');
    assert.equal(Buffer.from(encodeJson({ a: null }, t)).toString(), '{"a":null}');
    assert.equal(encodeJsonText({ x: [1, 'a'] }, ctyDynamic), '{"value":{"x":[1,"a"]},"type":["object",{"x":["tuple",["number","string"]]}]}');
  });
});

describe('values', () => {
  test('isWhollyKnown looks everywhere', () => {
    assert.equal(isWhollyKnown(null), true);
    assert.equal(isWhollyKnown({ a: [1, { b: 'x' }] }), true);
    assert.equal(isWhollyKnown({ a: [1, { b: UNKNOWN }] }), false);
    assert.equal(isWhollyKnown(new CtyDynamic(listOf(ctyString), ['a', UNKNOWN])), false);
    assert.equal(isWhollyKnown(new CtyNumber('1')), true);
    assert.equal(isUnknown(UNKNOWN), true);
    assert.equal(isUnknown(null), false);
  });

  test('ctyEquals: sets ignore order, numbers compare exactly', () => {
    const st = setOf(objectOf({ n: ctyNumber, tags: setOf(ctyString) }));
    const a = [
      { n: 1, tags: ['x', 'y'] },
      { n: new CtyNumber('12345678901234567890'), tags: [] },
    ];
    const b = [
      { n: new CtyNumber('12345678901234567890.000'), tags: [] },
      { n: new CtyNumber('1'), tags: ['y', 'x'] },
    ];
    assert.ok(ctyEquals(a, b, st));
    assert.ok(!ctyEquals(a, [a[0]!, { n: 2, tags: [] }], st));
    assert.ok(!ctyEquals([1, 1], [1, 2], setOf(ctyNumber)));
    assert.ok(ctyEquals(1.5, new CtyNumber('1.50'), ctyNumber));
    assert.ok(ctyEquals(0.1, new CtyNumber('0.1'), ctyNumber));
    assert.ok(!ctyEquals(9007199254740992, new CtyNumber('9007199254740993'), ctyNumber));
    assert.ok(!ctyEquals([1, 2], [2, 1], listOf(ctyNumber)));
    assert.ok(ctyEquals({ a: 'x' }, { a: 'x', b: null }, objectOf({ a: ctyString, b: ctyString })));
    assert.ok(!ctyEquals({ a: 'x' }, { a: 'x', b: null }, mapOf(ctyString)));
    assert.ok(ctyEquals(UNKNOWN, new Unknown(), ctyString));
    assert.ok(!ctyEquals(UNKNOWN, null, ctyString));
    assert.ok(!ctyEquals(UNKNOWN, new Unknown({ notNull: true }), ctyString));
    assert.ok(ctyEquals({ list: [1, 'two'] }, new CtyDynamic(parseTypeJsonText(anythingTypeJson), { list: [1, 'two'] }), ctyDynamic));
    assert.ok(!ctyEquals(new CtyDynamic(listOf(ctyNumber), [1]), new CtyDynamic(setOf(ctyNumber), [1]), ctyDynamic));
  });

  test('deepClone copies containers, not the immutable leaves', () => {
    const dyn = new CtyDynamic(listOf(ctyString), ['a']);
    const v: CtyValue = recordFrom([
      ['list', [1, { x: 'y' }]],
      ['dyn', dyn],
      ['__proto__', 'safe'],
    ]);
    const c = deepClone(v) as Record<string, CtyValue>;
    assert.deepEqual(c, v);
    (c.list as CtyValue[]).push(2);
    assert.equal(((v as Record<string, CtyValue>).list as CtyValue[]).length, 2);
    assert.notEqual(c.dyn, dyn);
    assert.equal(getAttr(c, '__proto__'), 'safe');
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
  });
});

// Type annotation check: the public types are usable in signatures.
const _typeCheck: (t: CtyType) => string = typeToJsonText;
void _typeCheck;
