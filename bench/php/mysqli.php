<?php
// VMoodle's request-time lookup, in PHP as it ran: a new mysqli connection + one SELECT per lookup
// (parameterised here; VMoodle pasted the Host into the SQL). Prints JSON stats.
//   php mysqli.php HOSTS_JSON N HOST PORT USER PASS DB
$hosts = json_decode(file_get_contents($argv[1]), true);
$n = (int)$argv[2];
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
mt_srand(43);
$count = count($hosts);
$times = [];
for ($i = -min(50, $n); $i < $n; $i++) {
    $k = mt_rand(0, $count - 1);
    $t0 = hrtime(true);
    $db = new mysqli($argv[3], $argv[5], $argv[6], $argv[7], (int)$argv[4]);
    $st = $db->prepare('SELECT * FROM vmoodle_tenant WHERE host = ?');
    $st->bind_param('s', $hosts[$k]);
    $st->execute();
    $row = $st->get_result()->fetch_assoc();
    $t1 = hrtime(true);
    $db->close();
    if (!$row || $row['dbname'] !== 'moodle_site' . $k) {
        fwrite(STDERR, "wrong answer for {$hosts[$k]}\n");
        exit(1);
    }
    if ($i >= 0) {
        $times[] = ($t1 - $t0) / 1000;
    }
}
echo json_encode(['times' => $times]);
