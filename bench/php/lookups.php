<?php
// Bench driver for the PHP side: times N lookups through sidecar/php/vmoodle.php, the same functions
// config.php runs (normalise the Host, select the tenant, set $CFG), and prints JSON stats.
//   php lookups.php INCLUDE HOSTS_JSON N MAP SOCKET   (MAP '-' = no map: the HTTP fallback)
// Each lookup is checked (the expected dbname), so a failure path is never what gets timed.
define('VMOODLE_NO_BOOT', 1);
require $argv[1];
$hosts = json_decode(file_get_contents($argv[2]), true);
$n = (int)$argv[3];
$base = new stdClass();
$base->dboptions = ['dbcollation' => 'utf8mb4_unicode_ci'];
$base->vmoodle_map = $argv[4] === '-' ? '/nonexistent/vmoodle-map.php' : $argv[4];
$base->vmoodle_socket = $argv[5];
$base->vmoodle_timeout_ms = 2000;
mt_srand(42);
$count = count($hosts);
$warm = min(200, $n);
$times = [];
for ($i = -$warm; $i < $n; $i++) {
    $k = mt_rand(0, $count - 1);
    $t0 = hrtime(true);
    $CFG = clone $base;
    $host = vmoodle_normalise_host($hosts[$k]);
    $r = vmoodle_select($CFG, $host, null, false);
    if ($r['status'] === 'ok') {
        vmoodle_apply($CFG, $r['tenant'], $r['key']);
    }
    $t1 = hrtime(true);
    if ($r['status'] !== 'ok' || $CFG->dbname !== 'moodle_site' . $k) {
        fwrite(STDERR, "wrong answer for {$hosts[$k]}: " . json_encode($r['status']) . "\n");
        exit(1);
    }
    if ($i >= 0) {
        $times[] = ($t1 - $t0) / 1000; // µs
    }
}
echo json_encode(['times' => $times, 'opcache' => function_exists('opcache_get_status') && ($s = @opcache_get_status(false)) && !empty($s['opcache_enabled'])]);
