// Host normalisation cases shared by host.test.ts (lib/host.ts) and php.test.ts (the PHP include's mirror).

export const label63 = 'a'.repeat(63);
export const host253 = [label63, label63, label63, 'b'.repeat(61)].join('.'); // 63*3 + 61 + 3 dots = 253

/** Inputs that must normalise, and to what. */
export const ACCEPTED: ReadonlyArray<[string, string]> = [
  ['example.org', 'example.org'],
  ['EXAMPLE.Org', 'example.org'],
  ['example.org:8080', 'example.org'],
  ['example.org:1', 'example.org'],
  ['example.org:65535', 'example.org'],
  ['example.org.', 'example.org'],
  ['Example.ORG.:443', 'example.org'],
  ['localhost', 'localhost'],
  ['moodle:3000', 'moodle'],
  ['a-b.example', 'a-b.example'],
  ['ab--cd.example', 'ab--cd.example'],
  ['1a.example', '1a.example'],
  ['example.1a', 'example.1a'],
  ['site4242.example.org', 'site4242.example.org'],
  [`${label63}.example`, `${label63}.example`],
  [host253, host253],
  [`${host253}.`, host253],
  ['xn--caf-dma.example', 'xn--caf-dma.example'],
  ['XN--CAF-DMA.example', 'xn--caf-dma.example'],
];

/** Unicode inputs (TypeScript side only: the PHP include refuses raw non-ASCII Host values). */
export const ACCEPTED_IDN: ReadonlyArray<[string, string]> = [
  ['café.example', 'xn--caf-dma.example'],
  ['CAFÉ.Example.', 'xn--caf-dma.example'],
  ['münchen.de:8443', 'xn--mnchen-3ya.de'],
  ['ｅｘａｍｐｌｅ.org', 'example.org'], // full-width forms map to ASCII, as in browsers
  ['example.org。', 'example.org'], // ideographic full stop is a dot
  ['exa\u00ADmple.org', 'example.org'], // soft hyphen is ignored by UTS-46
  ['faß.de', 'xn--fa-hia.de'],
];

/** Inputs that must be refused. */
export const REFUSED: ReadonlyArray<[string, string]> = [
  ['', 'empty'],
  ['.', 'only a dot'],
  [' ', 'space'],
  ['example.org ', 'trailing space'],
  ['\texample.org', 'tab'],
  ['example.org\r\nX-Injected: 1', 'CRLF header injection'],
  ['example.org\n', 'LF'],
  ["a.example.test' OR '1'='1", 'SQL quote'],
  ["x' UNION SELECT 1,'n','evil.example.net' -- ", 'VMoodle UNION payload'],
  ['a"b.org', 'double quote'],
  ['a\\b.org', 'backslash'],
  ['a`b.org', 'backtick'],
  ['a;b.org', 'semicolon'],
  ['a_b.example', 'underscore'],
  ['a%2eb.example', 'percent-encoding'],
  ['example.org%00', 'encoded NUL'],
  ['a\u0000b.org', 'NUL'],
  ['a\u0085b.org', 'C1 control (NEL)'],
  ['a\u2028b.org', 'line separator'],
  ['a\u200db.com', 'zero-width joiner'],
  ['a\uFF0Fb.com', 'full-width solidus (maps to "/")'],
  ['a/b', 'slash'],
  ['user@example.org', 'userinfo'],
  ['example.org?x=1', 'query'],
  ['example.org#f', 'fragment'],
  ['<script>.org', 'angle brackets'],
  ['1.2.3.4', 'IPv4'],
  ['1.2.3.4.', 'IPv4 with trailing dot'],
  ['127.0.0.1:80', 'IPv4 with port'],
  ['0x7f.1', 'hex IPv4 (WHATWG)'],
  ['2130706433', 'integer IPv4'],
  ['example.0x1f', 'hex last label'],
  ['example.123', 'numeric last label'],
  ['[::1]', 'IPv6 literal'],
  ['[::1]:443', 'IPv6 literal with port'],
  ['::1', 'bare IPv6'],
  ['fe80::1%eth0', 'IPv6 with zone'],
  ['example.org:', 'empty port'],
  ['example.org:0', 'port 0'],
  ['example.org:65536', 'port too big'],
  ['example.org:123456', 'port too long'],
  ['example.org:8o', 'port with a letter'],
  ['example.org:80:80', 'two ports'],
  ['example.org..', 'two trailing dots'],
  ['.example.org', 'leading dot'],
  ['a..b', 'empty label'],
  ['-a.example', 'label starts with hyphen'],
  ['a-.example', 'label ends with hyphen'],
  [`${'a'.repeat(64)}.example`, '64-character label'],
  [`${host253}a`, '254 characters'],
  ['a'.repeat(10_000), 'very long'],
  ['xn--a.example', 'invalid punycode'],
  ['xn--.example', 'empty punycode'],
  ['x.xn--', 'empty punycode TLD'],
  ['\u00e9'.repeat(2000), 'long unicode'],
];
