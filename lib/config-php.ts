// Devirtualisation: a standalone Moodle config.php for one tenant, so the site can run outside the
// fleet. It must give Moodle the very $CFG the sidecar's PHP include (sidecar/php/vmoodle.php,
// vmoodle_apply) gives it, so it starts from the same validated record the sidecar serves
// (sidecar/tenant-record.ts) and writes values with the same PHP literal rules (sidecar/php-map.ts).
// Used by data "vmoodle_config_php" and `vmoodle config-php`. Deterministic: no timestamps.
import type { TenantRecord } from '../generated/sidecar-types';
import { phpString, phpValue } from '../sidecar/php-map';

/**
 * What a fleet's shared config.php sets before the vmoodle include (research: Moodle's installer
 * writes these): the include keeps them, so the standalone file must write them too.
 */
export interface SharedSettings {
  /** Shared $CFG->dboptions; dbport and dbsocket always come from the tenant. */
  dboptions: Readonly<Record<string, string | number | boolean>>;
  admin: string;
  /** Octal permissions for new folders in dataroot. */
  directorypermissions: number;
}

export const DEFAULT_SHARED_SETTINGS: SharedSettings = {
  dboptions: { dbpersist: 0, dbcollation: 'utf8mb4_unicode_ci' },
  admin: 'admin',
  directorypermissions: 0o2777,
};

/** Text safe inside a `//` comment: a `?>` there would end PHP mode. */
function commentSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._/:@-]/g, '_');
}

function line(name: string, value: string): string {
  return `$CFG->${name.padEnd(9)} = ${value};`;
}

export function renderConfigPhp(t: TenantRecord, shared: SharedSettings = DEFAULT_SHARED_SETTINGS): string {
  // vmoodle_apply(): shared options first, then the tenant's port and socket ('' when unset).
  const dboptions: Record<string, unknown> = { ...shared.dboptions, dbport: t.dbport ?? '', dbsocket: t.dbsocket ?? '' };
  const out: string[] = [
    '<?php  // Moodle configuration file',
    `// Standalone config.php of tenant ${commentSafe(t.id)} (${commentSafe(t.key)}), rendered by vmoodle.`,
    '// The site no longer needs the vmoodle sidecar with it. It holds the database password: make it',
    '// readable by the web server only.',
    ...(t.enabled ? [] : ['// Note: this tenant was disabled in the fleet when this file was rendered.']),
    '',
    'unset($CFG);',
    'global $CFG;',
    '$CFG = new stdClass();',
    '',
    line('dbtype', phpString(t.dbtype)),
    line('dblibrary', phpString('native')),
    line('dbhost', phpString(t.dbhost)),
    line('dbname', phpString(t.dbname)),
    line('dbuser', phpString(t.dbuser)),
    line('dbpass', phpString(t.dbpass)),
    line('prefix', phpString(t.prefix)),
    '$CFG->dboptions = [',
    ...Object.entries(dboptions).map(([k, v]) => `    ${phpString(k)} => ${phpValue(v)},`),
    '];',
    '',
    line('wwwroot', phpString(t.wwwroot)),
    line('dataroot', phpString(t.dataroot)),
    line('admin', phpString(shared.admin)),
    `$CFG->directorypermissions = 0${shared.directorypermissions.toString(8)};`,
  ];
  const forced = Object.entries(t.config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (forced.length > 0) {
    out.push('', '// Forced settings (vmoodle_tenant.config): values set here win over the database.');
    // Names were checked by checkForcedConfig (PHP identifiers, none of the fields above).
    for (const [name, value] of forced) out.push(`$CFG->${name} = ${phpValue(value)};`);
  }
  out.push(
    '',
    "require_once(__DIR__ . '/lib/setup.php');",
    '',
    '// There is no php closing tag in this file,',
    '// it is intentional because it prevents trailing whitespace problems!',
    '',
  );
  return out.join('\n');
}
