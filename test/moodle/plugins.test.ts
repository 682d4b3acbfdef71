// The pure half of plugin switching: the type table (where each type keeps "enabled", which types
// are refused) and the order-preserving edits of Moodle's lists, filter rows and repository rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseComponent,
  pluginType,
  isSupported,
  checkPlugin,
  settingsPlugin,
  reservedSettingNames,
  supportedTypes,
  parseList,
  formatList,
  removeFromList,
  insertIntoList,
  mediaRank,
  filterPosition,
  setFilterState,
  repositoryInsert,
  repositoryPosition,
  TEXTFILTER_ON,
  TEXTFILTER_OFF,
  TEXTFILTER_DISABLED,
  type PluginTypeInfo,
} from '../../provider/moodle/plugins';
import { planSettings, flatKey, parseFlatKey, truthy } from '../../provider/moodle/config';
import { renderCliMaintenancePage, messageOfPage } from '../../provider/moodle/maintenance';

function info(type: string): PluginTypeInfo {
  const t = pluginType(type);
  assert.ok(isSupported(t), `${type} should be supported`);
  return t;
}

test('components split at the first underscore, as the plugin manager does', () => {
  assert.deepEqual(parseComponent('mod_forum'), { component: 'mod_forum', type: 'mod', name: 'forum' });
  assert.deepEqual(parseComponent('assignsubmission_online_text'), { component: 'assignsubmission_online_text', type: 'assignsubmission', name: 'online_text' });
  assert.deepEqual(parseComponent('tiny_h5p'), { component: 'tiny_h5p', type: 'tiny', name: 'h5p' });
  for (const bad of ['forum', 'Mod_forum', 'mod_', '_forum', 'mod-forum', 'mod_forum;drop', 'mod_' + 'x'.repeat(100)]) assert.equal(parseComponent(bad), null, bad);
});

test('each type says where Moodle keeps its enabled state (moodle-facts.md C2)', () => {
  assert.deepEqual(info('mod').store, { kind: 'table-flag', table: 'modules', column: 'visible' });
  assert.deepEqual(info('mod').effects, ['course-modules']);
  assert.deepEqual(info('block').store, { kind: 'table-flag', table: 'block', column: 'visible' });
  assert.deepEqual(info('message').store, { kind: 'table-flag', table: 'message_processors', column: 'enabled' });
  const auth = info('auth').store;
  assert.ok(auth.kind === 'list' && auth.at.plugin === 'core' && auth.at.name === 'auth');
  assert.deepEqual(auth.kind === 'list' ? auth.alwaysEnabled : null, ['manual', 'nologin']);
  const lists: Record<string, [string, string, 'name' | 'component']> = {
    enrol: ['core', 'enrol_plugins_enabled', 'name'],
    editor: ['core', 'texteditors', 'name'],
    media: ['core', 'media_plugins_sortorder', 'name'],
    antivirus: ['core', 'antiviruses', 'name'],
    fileconverter: ['core', 'converter_plugins_sortorder', 'name'],
    paygw: ['core', 'paygw_plugins_sortorder', 'name'],
    webservice: ['core', 'webserviceprotocols', 'name'],
    logstore: ['tool_log', 'enabled_stores', 'component'],
    gradepenalty: ['core_grades', 'gradepenalty_enabled_plugins', 'name'],
  };
  for (const [type, [plugin, name, entry]] of Object.entries(lists)) {
    const s = info(type).store;
    assert.ok(s.kind === 'list', type);
    assert.deepEqual([s.at.plugin, s.at.name, s.entry], [plugin, name, entry], type);
  }
  const flag = (type: string, name: string): unknown => {
    const s = info(type).store;
    return s.kind === 'disabled-flag' ? [s.flag(name), s.enableWrites] : s.kind;
  };
  assert.deepEqual(flag('tiny', 'h5p'), [{ plugin: 'tiny_h5p', name: 'disabled' }, 'delete']);
  assert.deepEqual(flag('format', 'social'), [{ plugin: 'format_social', name: 'disabled' }, 'delete']);
  assert.deepEqual(flag('qtype', 'essay'), [{ plugin: 'question', name: 'essay_disabled' }, 'delete']);
  assert.deepEqual(flag('contenttype', 'h5p'), [{ plugin: 'contentbank_h5p', name: 'disabled' }, 'delete'], 'contentbank_ prefix, not contenttype_');
  assert.deepEqual(flag('assignsubmission', 'file'), [{ plugin: 'assignsubmission_file', name: 'disabled' }, '0'], 'assign subplugins write 0 on enable');
  for (const t of ['dataformat', 'qbank', 'availability', 'customfield', 'communication', 'smsgateway', 'bbbext']) assert.deepEqual(flag(t, 'x'), [{ plugin: `${t}_x`, name: 'disabled' }, 'delete'], t);
  assert.deepEqual(info('qbehaviour').store, { kind: 'disabled-list', at: { plugin: 'question', name: 'disabledbehaviours' } });
  assert.equal(info('filter').store.kind, 'filter');
  assert.deepEqual(info('filter').effects, ['string-filters']);
  assert.equal(info('repository').store.kind, 'repository');
  assert.equal(info('portfolio').store.kind, 'portfolio');
  assert.equal(info('aiplacement').store.kind, 'enabled-flag');
  assert.deepEqual(info('message').caches, ['core_message_processors_enabled']);
  assert.deepEqual(info('repository').caches, ['core_repositories']);
});

test('types without an enable/disable concept are refused with the reason', () => {
  for (const type of ['local', 'report', 'tool', 'theme', 'search', 'cachestore', 'h5plib', 'mnetservice', 'plagiarism', 'atto', 'aiprovider', 'gradereport', 'calendartype', 'qformat']) {
    const t = pluginType(type);
    assert.equal(isSupported(t), false, type);
    assert.match(checkPlugin(`${type}_x`)!, new RegExp(`^${type}_x cannot be enabled or disabled: `));
  }
  assert.match(checkPlugin('frobnicator_x')!, /not a plugin type vmoodle knows/);
  assert.match(checkPlugin('auth_manual')!, /always enabled/);
  assert.match(checkPlugin('auth_nologin')!, /always enabled/);
  assert.match(checkPlugin('notfrankenstyle')!, /not a frankenstyle plugin name/);
  for (const ok of ['mod_chat', 'auth_cas', 'enrol_self', 'filter_mathjaxloader', 'block_html', 'editor_tiny', 'format_social', 'qtype_essay', 'repository_upload', 'message_email', 'media_videojs', 'antivirus_clamav', 'availability_grade', 'tiny_h5p']) {
    assert.equal(checkPlugin(ok), null, ok);
  }
  assert.ok(supportedTypes().includes('mod') && !supportedTypes().includes('local'));
});

test('settings live under the component, except repository options; the enable flag is not a setting', () => {
  assert.equal(settingsPlugin(parseComponent('auth_cas')!), 'auth_cas');
  assert.equal(settingsPlugin(parseComponent('repository_upload')!), 'upload');
  assert.deepEqual(reservedSettingNames(parseComponent('format_social')!, info('format')), ['version', 'disabled']);
  assert.deepEqual(reservedSettingNames(parseComponent('qtype_essay')!, info('qtype')), ['version'], 'its flag lives under "question"');
  assert.deepEqual(reservedSettingNames(parseComponent('aiplacement_editor')!, info('aiplacement')), ['version', 'enabled']);
});

test('lists: parsing drops empties and repeats; removing and re-adding keeps every other entry in place', () => {
  assert.deepEqual(parseList('manual,guest,,self,guest'), ['manual', 'guest', 'self']);
  assert.deepEqual(parseList(''), []);
  assert.deepEqual(parseList(null), []);
  assert.equal(formatList(['a', 'b']), 'a,b');
  const start = ['manual', 'guest', 'self', 'cohort'];
  const removed = removeFromList(start, 'guest');
  assert.deepEqual(removed, { items: ['manual', 'self', 'cohort'], index: 1 });
  assert.deepEqual(insertIntoList(removed.items, 'guest', { position: removed.index }), start, 'back to the same list');
  assert.deepEqual(removeFromList(start, 'paypal'), { items: start, index: null });
  assert.deepEqual(insertIntoList(['email'], 'ldap'), ['email', 'ldap'], "Moodle's default: append");
  assert.deepEqual(insertIntoList(['a', 'b'], 'c', { position: 99 }), ['a', 'b', 'c'], 'a stale position is clamped');
  assert.deepEqual(insertIntoList(['a', 'b'], 'a', { position: 1 }), ['a', 'b'], 'already there: unchanged');
});

test('media players without a remembered place are inserted by rank, as set_enabled() does', () => {
  const rank = { policy: 'rank' as const, rank: mediaRank };
  assert.deepEqual(insertIntoList(['videojs', 'html5audio'], 'youtube', rank), ['videojs', 'youtube', 'html5audio']);
  assert.deepEqual(insertIntoList(['youtube'], 'videojs', rank), ['videojs', 'youtube']);
  assert.deepEqual(insertIntoList(['videojs'], 'unknownplayer', rank), ['videojs', 'unknownplayer'], 'unknown rank 0 goes last');
  assert.deepEqual(insertIntoList(['videojs', 'youtube'], 'vimeo', rank), ['videojs', 'vimeo', 'youtube']);
});

const FIXTURE_FILTERS = [
  { filter: 'activitynames', active: 1, sortorder: 2 },
  { filter: 'displayh5p', active: 1, sortorder: 1 },
  { filter: 'emoticon', active: 1, sortorder: 4 },
  { filter: 'mathjaxloader', active: 1, sortorder: 3 },
  { filter: 'mediaplugin', active: 1, sortorder: 6 },
  { filter: 'urltolink', active: 1, sortorder: 5 },
];

const order = (rows: ReadonlyArray<{ filter: string; active: number; sortorder: number }>): string[] =>
  [...rows].sort((a, b) => a.sortorder - b.sortorder).map((r) => `${r.filter}:${r.active}`);

test('filters: disabling moves a filter behind the enabled ones; re-enabling puts it back in its place', () => {
  const off = setFilterState(FIXTURE_FILTERS, 'mathjaxloader', TEXTFILTER_DISABLED);
  assert.deepEqual(order(off), ['displayh5p:1', 'activitynames:1', 'emoticon:1', 'urltolink:1', 'mediaplugin:1', `mathjaxloader:${TEXTFILTER_DISABLED}`]);
  assert.deepEqual(off.map((r) => r.sortorder).sort(), [1, 2, 3, 4, 5, 6], 'renumbered 1..n');
  const position = filterPosition(FIXTURE_FILTERS, 'mathjaxloader');
  assert.equal(position, 2);
  const back = setFilterState(off, 'mathjaxloader', TEXTFILTER_ON, position);
  assert.deepEqual(order(back), order(FIXTURE_FILTERS));
  assert.deepEqual(
    back.map((r) => `${r.filter}:${r.sortorder}`).sort(),
    FIXTURE_FILTERS.map((r) => `${r.filter}:${r.sortorder}`).sort(),
    'exactly the install sortorders again',
  );
  // Moodle's own rule without a remembered place: last among the enabled ones.
  assert.deepEqual(order(setFilterState(off, 'mathjaxloader', TEXTFILTER_ON)).slice(-1), ['mathjaxloader:1']);
  // A filter with no row yet.
  const added = setFilterState(FIXTURE_FILTERS, 'multilang', TEXTFILTER_ON);
  assert.deepEqual(order(added).slice(-1), ['multilang:1']);
  // Disabled filters sort alphabetically after the enabled ones.
  const two = setFilterState(setFilterState(FIXTURE_FILTERS, 'urltolink', TEXTFILTER_DISABLED), 'activitynames', TEXTFILTER_DISABLED);
  assert.deepEqual(order(two).slice(-2), [`activitynames:${TEXTFILTER_DISABLED}`, `urltolink:${TEXTFILTER_DISABLED}`]);
  // "Off, but available" counts as enabled for ordering and keeps its place when switched on.
  const offAvailable = FIXTURE_FILTERS.map((r) => (r.filter === 'emoticon' ? { ...r, active: TEXTFILTER_OFF } : r));
  assert.equal(filterPosition(offAvailable, 'emoticon'), 3);
  assert.deepEqual(order(setFilterState(offAvailable, 'emoticon', TEXTFILTER_ON)), order(FIXTURE_FILTERS));
});

test('repositories: re-enabling fills the gap it left instead of renumbering the others', () => {
  const rows = ['areafiles', 'contentbank', 'local', 'recent', 'upload', 'url', 'user', 'wikimedia'].map((type, i) => ({ type, sortorder: i + 1 }));
  const position = repositoryPosition(rows, 'upload');
  assert.equal(position, 4);
  const without = rows.filter((r) => r.type !== 'upload');
  assert.deepEqual(repositoryInsert(without, 'upload', position), rows);
  assert.deepEqual(repositoryInsert(without, 'upload', null).slice(-1), [{ type: 'upload', sortorder: 9 }], "Moodle's rule: max + 1");
  // No gap: the ones after it move down, keeping their order.
  const tight = [{ type: 'a', sortorder: 1 }, { type: 'b', sortorder: 2 }, { type: 'c', sortorder: 3 }];
  assert.deepEqual(repositoryInsert(tight, 'x', 1), [{ type: 'a', sortorder: 1 }, { type: 'x', sortorder: 2 }, { type: 'b', sortorder: 3 }, { type: 'c', sortorder: 4 }]);
});

test('settings: keys joining are captured, keys leaving get their original back (or are unset)', () => {
  assert.equal(flatKey({ plugin: 'core', name: 'theme' }), 'theme');
  assert.equal(flatKey({ plugin: 'auth_cas', name: 'host' }), 'auth_cas/host');
  assert.deepEqual(parseFlatKey('auth_cas/host'), { plugin: 'auth_cas', name: 'host' });
  assert.deepEqual(parseFlatKey('theme'), { plugin: 'core', name: 'theme' });
  const p = planSettings({ theme: 'classic', 'mod_forum/maxbytes': '1024' }, { theme: 'boost', forcelogin: null, 'auth_mnet/rpc_negotiation_timeout': '30' });
  assert.deepEqual(p.capture, ['mod_forum/maxbytes']);
  assert.deepEqual(p.release.sort(), ['auth_mnet/rpc_negotiation_timeout', 'forcelogin']);
  assert.deepEqual(p.writes, [
    { key: { plugin: 'core', name: 'forcelogin' }, value: null },
    { key: { plugin: 'auth_mnet', name: 'rpc_negotiation_timeout' }, value: '30' },
    { key: { plugin: 'core', name: 'theme' }, value: 'classic' },
    { key: { plugin: 'mod_forum', name: 'maxbytes' }, value: '1024' },
  ]);
  assert.equal(truthy('0'), false);
  assert.equal(truthy(''), false);
  assert.equal(truthy(null), false);
  assert.equal(truthy('1'), true);
});

test('the CLI maintenance page reads back to the message it was written from', () => {
  const page = renderCliMaintenancePage('<p>Back at 10:00</p>');
  assert.match(page, /^<!DOCTYPE html>\n<html  dir="ltr" lang="en" xml:lang="en">/);
  assert.match(page, /<div class='alert-danger'><p>Back at 10:00<\/p><\/div>/);
  assert.equal(messageOfPage(page, null), '<p>Back at 10:00</p>');
  const blank = renderCliMaintenancePage('  <br/> ');
  assert.match(blank, /<div class='alert-danger'>The site is undergoing maintenance and is currently not available<\/div>/, 'a blank message gives the default page');
  assert.equal(messageOfPage(blank, null), '');
  assert.equal(messageOfPage('<h1>custom</h1>', '<h1>custom</h1>'), '', 'the site template');
  assert.equal(messageOfPage(page.replace('10:00', '11:00'), null), '<p>Back at 11:00</p>');
  assert.equal(messageOfPage('<html>made by hand</html>', null), '<html>made by hand</html>', 'anything else reads as its raw text, so it differs from every message');
});
