<?php
// vmoodle: picks this request's Moodle site (tenant) from its Host, and sets $CFG for it.
//
// Moodle's config.php requires this file AFTER it has set the static $CFG values and BEFORE
// lib/setup.php:
//
//     unset($CFG); global $CFG; $CFG = new stdClass();
//     $CFG->dirroot        = '/var/www/moodle';
//     $CFG->vmoodle_map    = '/var/lib/vmoodle-sidecar/vmoodle-map.php';   // fast path (opcache)
//     $CFG->vmoodle_socket = '/var/lib/vmoodle-sidecar/sidecar.sock';      // fallback (or vmoodle_url)
//     // optional: $CFG->vmoodle_url = 'http://127.0.0.1:8700'; $CFG->vmoodle_token = '...';
//     //           $CFG->vmoodle_timeout_ms = 1000;
//     // optional: $CFG->dboptions = ['dbcollation' => 'utf8mb4_unicode_ci', ...]; (shared options)
//     require('/path/to/vmoodle/sidecar/php/vmoodle.php');
//     require_once(__DIR__ . '/lib/setup.php');
//
// Resolution: the Host header (web) or VMOODLE_HOST (CLI: cron, upgrade) is normalised like
// lib/host.ts (case, port, one trailing dot; anything else invalid is refused). The map file written
// by vmoodle-sidecar is included first: with opcache it is an immutable array in shared memory, so
// the lookup is a hash probe. When the map cannot be read, the sidecar's HTTP API is asked over its
// unix socket with a short timeout.
//
// Fails closed: an unknown host gets a 404 page, a malformed one 400, a disabled site 503
// (X-VMoodle-Reason: disabled), and map + sidecar both unavailable 503. Never another tenant, never
// a default site. On the CLI: a message on stderr and a non-zero exit status
// (2 VMOODLE_HOST missing or malformed, 3 unknown, 4 disabled, 5 unavailable).
//
// Differences from lib/host.ts, both failing closed: a raw (non-ASCII) IDN in Host is refused here
// (browsers send punycode), and invalid punycode gives 404 here instead of 400.

if (!function_exists('vmoodle_normalise_host')) {

    /** Normalised host (lowercase, no port, no trailing dot) or null when it is not a valid host. */
    function vmoodle_normalise_host($raw)
    {
        // The length cap runs first. The patterns below are anchored and linear (labels are delimited
        // by dots, each at most 63 characters): no catastrophic backtracking on hostile input.
        if (!is_string($raw) || $raw === '' || strlen($raw) > 1024) {
            return null;
        }
        $h = strtolower($raw); // ASCII only, locale-independent since PHP 8.2
        $colon = strpos($h, ':');
        if ($colon !== false) {
            $port = substr($h, $colon + 1);
            if (!preg_match('/^[0-9]{1,5}$/D', $port) || (int)$port < 1 || (int)$port > 65535) {
                return null;
            }
            $h = substr($h, 0, $colon);
        }
        if (substr($h, -1) === '.') {
            $h = substr($h, 0, -1);
        }
        // Labels of 1..63 [a-z0-9-], not starting or ending with "-"; ≤ 253 in all. This refuses
        // spaces, CR/LF, quotes, "_", "%", "\", "[" (IPv6 literals), "/", "@" and every non-ASCII byte.
        if (strlen($h) > 253
            || !preg_match('/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/D', $h)) {
            return null;
        }
        // A last label a URL parser would read as an IPv4 number (all digits, or 0x + hex): refused.
        $dot = strrpos($h, '.');
        if (preg_match('/^(?:[0-9]+|0x[0-9a-f]*)$/D', $dot === false ? $h : substr($h, $dot + 1))) {
            return null;
        }
        return $h;
    }

    /** True for a subpath segment: [a-z0-9][a-z0-9._-]{0,63}. */
    function vmoodle_valid_subpath($s)
    {
        return is_string($s) && preg_match('/^[a-z0-9][a-z0-9._-]{0,63}$/D', $s) === 1;
    }

    /** First segment of a request URI when it can be a subpath ("/moodle1/x.php?a" → "moodle1"). */
    function vmoodle_subpath_of_uri($uri)
    {
        if (!is_string($uri) || strlen($uri) < 2 || $uri[0] !== '/') {
            return null;
        }
        $seg = substr($uri, 1, strcspn($uri, '/?#', 1));
        return vmoodle_valid_subpath($seg) ? $seg : null;
    }

    /** "host" or "host/subpath" (VMOODLE_HOST) → [host, subpath|null], or null. No port allowed. */
    function vmoodle_parse_address($raw)
    {
        if (!is_string($raw) || $raw === '' || strlen($raw) > 1024) {
            return null;
        }
        $slash = strpos($raw, '/');
        $hostpart = $slash === false ? $raw : substr($raw, 0, $slash);
        if (strpos($hostpart, ':') !== false) {
            return null;
        }
        $host = vmoodle_normalise_host($hostpart);
        if ($host === null) {
            return null;
        }
        if ($slash === false) {
            return [$host, null];
        }
        $sub = (string)substr($raw, $slash + 1);
        if ($sub === '') {
            return [$host, null]; // "host/"
        }
        if (substr($sub, -1) === '/') {
            $sub = substr($sub, 0, -1); // "host/sub/", one slash only
        }
        return vmoodle_valid_subpath($sub) ? [$host, $sub] : null;
    }

    /** The map written by vmoodle-sidecar, or null when it is missing, unreadable or not a map. */
    function vmoodle_load_map($file)
    {
        // Absolute paths only: a relative one would be searched along include_path.
        if (!is_string($file) || $file === '' || $file[0] !== '/') {
            return null;
        }
        try {
            $map = @include $file;
        } catch (\Throwable $e) {
            return null;
        }
        if (!is_array($map) || !isset($map['format'], $map['tenants']) || $map['format'] !== 1 || !is_array($map['tenants'])) {
            return null;
        }
        return $map;
    }

    /**
     * Looks a tenant up in the map. $exact: only the key host[/subpath] itself (CLI); otherwise the
     * subpath tenant when there is one, else the bare host.
     * @return array ['status' => 'ok'|'disabled'|'unknown', 'key' => string, 'tenant' => array|null]
     */
    function vmoodle_lookup_map(array $map, $host, $subpath, $exact)
    {
        $tenants = $map['tenants'];
        if ($subpath !== null && ($exact || isset($map['subpath_hosts'][$host]))) {
            $key = $host . '/' . $subpath;
            if (isset($tenants[$key])) {
                $t = $tenants[$key];
                return ['status' => empty($t['enabled']) ? 'disabled' : 'ok', 'key' => $key, 'tenant' => $t];
            }
            if ($exact) {
                return ['status' => 'unknown', 'key' => $key, 'tenant' => null];
            }
        }
        if (isset($tenants[$host])) {
            $t = $tenants[$host];
            return ['status' => empty($t['enabled']) ? 'disabled' : 'ok', 'key' => $host, 'tenant' => $t];
        }
        return ['status' => 'unknown', 'key' => $host, 'tenant' => null];
    }

    /** Asks the sidecar's HTTP API (unix socket, or $CFG->vmoodle_url). Same result shape plus 'why'. */
    function vmoodle_ask_sidecar($CFG, $host, $subpath, $exact)
    {
        $socket = isset($CFG->vmoodle_socket) ? (string)$CFG->vmoodle_socket : '';
        $base = isset($CFG->vmoodle_url) ? rtrim((string)$CFG->vmoodle_url, '/') : '';
        if ($socket === '' && $base === '') {
            return ['status' => 'unavailable', 'why' => 'neither $CFG->vmoodle_socket nor $CFG->vmoodle_url is set'];
        }
        if (!function_exists('curl_init')) {
            return ['status' => 'unavailable', 'why' => 'the PHP curl extension is missing'];
        }
        $url = ($socket !== '' ? 'http://localhost' : $base) . '/v1/resolve?host=' . rawurlencode($host)
            . ($subpath !== null ? '&path=' . rawurlencode('/' . $subpath) : '');
        $headers = ['Accept: application/json'];
        if (isset($CFG->vmoodle_token) && (string)$CFG->vmoodle_token !== '') {
            $headers[] = 'Authorization: Bearer ' . $CFG->vmoodle_token;
        }
        $timeout = isset($CFG->vmoodle_timeout_ms) ? max(50, (int)$CFG->vmoodle_timeout_ms) : 1000;
        $ch = curl_init();
        $opts = [
            CURLOPT_URL => $url,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_CONNECTTIMEOUT_MS => $timeout,
            CURLOPT_TIMEOUT_MS => $timeout,
            CURLOPT_NOSIGNAL => true, // sub-second timeouts without SIGALRM
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROXY => '', // never through http_proxy from the environment
        ];
        if ($socket !== '') {
            $opts[CURLOPT_UNIX_SOCKET_PATH] = $socket;
        }
        curl_setopt_array($ch, $opts);
        $body = curl_exec($ch);
        $code = (int)curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);
        if (!is_string($body)) {
            return ['status' => 'unavailable', 'why' => 'sidecar unreachable: ' . $error];
        }
        if ($code === 404) {
            return ['status' => 'unknown', 'key' => $host, 'tenant' => null];
        }
        if ($code === 423) {
            return ['status' => 'disabled', 'key' => $host, 'tenant' => null];
        }
        if ($code === 400) {
            return ['status' => 'bad_host'];
        }
        if ($code !== 200) {
            return ['status' => 'unavailable', 'why' => 'sidecar answered HTTP ' . $code];
        }
        $t = json_decode($body, true);
        foreach (['key', 'id', 'wwwroot', 'dbtype', 'dbhost', 'dbname', 'dbuser', 'dbpass', 'prefix', 'dataroot'] as $f) {
            if (!is_array($t) || !isset($t[$f]) || !is_string($t[$f])) {
                return ['status' => 'unavailable', 'why' => 'sidecar answer lacks ' . $f];
            }
        }
        if (!isset($t['dboptions'], $t['config']) || !is_array($t['dboptions']) || !is_array($t['config'])) {
            return ['status' => 'unavailable', 'why' => 'sidecar answer lacks dboptions or config'];
        }
        // The CLI names one exact tenant: the sidecar's fallback to the bare host must not apply.
        $want = $subpath !== null ? $host . '/' . $subpath : $host;
        if ($exact && $t['key'] !== $want) {
            return ['status' => 'unknown', 'key' => $want, 'tenant' => null];
        }
        $t['enabled'] = true;
        return ['status' => 'ok', 'key' => $t['key'], 'tenant' => $t];
    }

    /**
     * Resolves host[/subpath]: map first, sidecar when the map is unavailable.
     * @return array with 'status' ok|disabled|unknown|unavailable, 'via' map|sidecar, 'tenant', 'key'
     */
    function vmoodle_select($CFG, $host, $subpath, $exact)
    {
        $map = vmoodle_load_map(isset($CFG->vmoodle_map) ? $CFG->vmoodle_map : null);
        if ($map !== null) {
            $r = vmoodle_lookup_map($map, $host, $subpath, $exact);
            $r['via'] = 'map';
            return $r;
        }
        $r = vmoodle_ask_sidecar($CFG, $host, $subpath, $exact);
        $r['via'] = 'sidecar';
        return $r;
    }

    /** Sets the tenant's $CFG fields and its forced overrides. */
    function vmoodle_apply($CFG, array $t, $key)
    {
        $CFG->wwwroot = $t['wwwroot'];
        $CFG->dbtype = $t['dbtype'];
        $CFG->dblibrary = 'native';
        $CFG->dbhost = $t['dbhost'];
        $CFG->dbname = $t['dbname'];
        $CFG->dbuser = $t['dbuser'];
        $CFG->dbpass = $t['dbpass'];
        $CFG->prefix = $t['prefix'];
        $CFG->dataroot = $t['dataroot'];
        // Shared options from config.php (collation, persistence...) stay; the server-specific ones
        // always come from the tenant, even when empty, so config.php's port never points elsewhere.
        $dboptions = (isset($CFG->dboptions) && is_array($CFG->dboptions)) ? $CFG->dboptions : [];
        $dboptions['dbport'] = isset($t['dboptions']['dbport']) ? (int)$t['dboptions']['dbport'] : '';
        $dboptions['dbsocket'] = isset($t['dboptions']['dbsocket']) ? (string)$t['dboptions']['dbsocket'] : '';
        $CFG->dboptions = $dboptions;
        static $reserved = ['wwwroot' => 1, 'dbtype' => 1, 'dblibrary' => 1, 'dbhost' => 1, 'dbname' => 1,
            'dbuser' => 1, 'dbpass' => 1, 'prefix' => 1, 'dataroot' => 1, 'dboptions' => 1, 'dirroot' => 1, 'libdir' => 1,
            'admin' => 1];
        if (isset($t['config']) && is_array($t['config'])) {
            foreach ($t['config'] as $name => $value) {
                // The sidecar refuses such names already; checked again because this is the last step.
                if (!is_string($name) || !preg_match('/^[A-Za-z_][A-Za-z0-9_]{0,99}$/D', $name)
                    || isset($reserved[strtolower($name)]) || strncasecmp($name, 'vmoodle_', 8) === 0) {
                    continue;
                }
                $CFG->$name = $value;
            }
        }
        $CFG->vmoodle_key = $key;
        $CFG->vmoodle_tenant = isset($t['id']) ? $t['id'] : '';
    }

    /** Ends the request: a small HTML page with a status (web), or stderr + exit status (CLI). */
    function vmoodle_fail($cli, $status, $reason, $title, $message, $log = null)
    {
        if ($log !== null) {
            error_log('vmoodle: ' . $log);
        }
        if ($cli) {
            $codes = ['bad_host' => 2, 'unknown' => 3, 'disabled' => 4, 'unavailable' => 5];
            fwrite(STDERR, 'vmoodle: ' . $message . ($log !== null ? ' (' . $log . ')' : '') . "\n");
            exit(isset($codes[$reason]) ? $codes[$reason] : 5);
        }
        if (!headers_sent()) {
            http_response_code($status);
            header('Content-Type: text/html; charset=utf-8');
            header('Cache-Control: no-store');
            header('X-VMoodle-Reason: ' . $reason);
            if ($reason === 'unavailable') {
                header('Retry-After: 30');
            }
        }
        $t = htmlspecialchars($title, ENT_QUOTES, 'UTF-8');
        $m = htmlspecialchars($message, ENT_QUOTES, 'UTF-8');
        echo "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{$t}</title></head>"
            . "<body><h1>{$t}</h1><p>{$m}</p></body></html>\n";
        exit(0);
    }

    /** Entry point: select the tenant for this request or CLI run, set $CFG, or fail closed. */
    function vmoodle_boot($CFG)
    {
        $cli = (PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg');
        if (!is_object($CFG)) {
            vmoodle_fail($cli, 503, 'unavailable', 'Site unavailable', 'This site is not configured correctly.',
                'config.php must create $CFG before requiring vmoodle.php');
        }
        if ($cli) {
            $raw = getenv('VMOODLE_HOST');
            if ($raw === false || $raw === '') {
                vmoodle_fail(true, 400, 'bad_host', '', 'VMOODLE_HOST is not set: set it to the site to run on (host or host/subpath)');
            }
            $addr = vmoodle_parse_address($raw);
            if ($addr === null) {
                vmoodle_fail(true, 400, 'bad_host', '', 'VMOODLE_HOST is not a valid host or host/subpath');
            }
            list($host, $subpath) = $addr;
            $exact = true;
        } else {
            $host = vmoodle_normalise_host(isset($_SERVER['HTTP_HOST']) ? $_SERVER['HTTP_HOST'] : null);
            if ($host === null) {
                vmoodle_fail(false, 400, 'bad_host', 'Bad request', 'The requested host name is not valid.');
            }
            $subpath = vmoodle_subpath_of_uri(isset($_SERVER['REQUEST_URI']) ? $_SERVER['REQUEST_URI'] : null);
            $exact = false;
        }

        $r = vmoodle_select($CFG, $host, $subpath, $exact);
        switch ($r['status']) {
            case 'ok':
                vmoodle_apply($CFG, $r['tenant'], $r['key']);
                $CFG->vmoodle_via = $r['via']; // 'map' or 'sidecar': shows whether the fast path is in use
                return;
            case 'disabled':
                vmoodle_fail($cli, 503, 'disabled', 'Site disabled', 'This site is currently disabled.');
                // no break: vmoodle_fail exits
            case 'unknown':
                vmoodle_fail($cli, 404, 'unknown', 'Site not found', 'There is no site at this address.');
                // no break
            case 'bad_host':
                vmoodle_fail($cli, 400, 'bad_host', 'Bad request', 'The requested host name is not valid.');
                // no break
            default:
                vmoodle_fail($cli, 503, 'unavailable', 'Site unavailable',
                    'This site is temporarily unavailable. Please try again in a moment.',
                    'site map unavailable and ' . (isset($r['why']) ? $r['why'] : 'sidecar failed'));
        }
    }
}

if (!defined('VMOODLE_NO_BOOT')) {
    global $CFG;
    vmoodle_boot(isset($CFG) ? $CFG : null);
}
