#!/usr/bin/env bash
# bench/run.sh: how fast `ferry run` turns an export into payloads.
#
# Generates (once) a bundle of CONTACTS contacts (`ferry gen --only`: just
# the files the two bench specs read, ~0.65 GB at 1,000,000 contacts; the
# complete bundle would be ~16 GB; FILES=all writes it all), then measures,
# each with wall time, CPU time and peak RSS (/usr/bin/time):
#   1. ferry run bench/contacts.ferry   the contacts route (renames,
#      lower/trim, a value map, a date reformat, a table lookup) on 1 and
#      on 2 threads; records/s of the route phase alone come from ferry's
#      own "run N s" split;
#   2. ferry run bench/related.ferry    contacts with their accounts
#      (through the link table), managers (deferred pass), owners, courses
#      and enrollments;
#   3. the floor: `ferry bench-floor` converts the same CSV files to JSON
#      lines with the csv crate and serde_json, no mapping (2 threads,
#      one file per thread);
#   4. Miller (`mlr`) doing the contacts route's mapping, CSV in, JSON
#      lines out; and jaq doing it over the floor's JSON lines (jaq reads
#      no CSV). Skipped when not installed. Above TOOL_MAX contacts
#      (200,000) they get the first TOOL_MAX records (Miller holds its
#      output in memory: ~10 GB at a million) and are compared by records/s.
# and prints records/s, MB/s of input, peak RSS and the ratios.
#
# Usage: bench/run.sh            (CONTACTS=1000000 SEED=1 WORK=/tmp/ferry-bench)
#        CONTACTS=100000 bench/run.sh
# The machine's load average is printed before and after: on a shared
# machine compare CPU seconds, not only wall time.
set -euo pipefail

CONTACTS=${CONTACTS:-1000000}
SEED=${SEED:-1}
WORK=${WORK:-/tmp/ferry-bench}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=${BUNDLE:-$WORK/bundle-$CONTACTS-$SEED}
FERRY=$ROOT/target/release/ferry
# The files bench/contacts.ferry and bench/related.ferry read.
FILES=${FILES:-contacts.csv,companies.csv,company_contacts.csv,admin_users.csv,learning_paths.csv,learning_enrollments.csv}
TOOL_MAX=${TOOL_MAX:-200000}

cd "$ROOT"
cargo build --release --quiet
mkdir -p "$WORK"
if [ ! -f "$BUNDLE/manifest.json" ]; then
  echo "generating $CONTACTS contacts into $BUNDLE …"
  if [ "$FILES" = all ]; then
    "$FERRY" gen --contacts "$CONTACTS" --seed "$SEED" --out "$BUNDLE" 2>&1 | tee "$BUNDLE.gen"
  else
    "$FERRY" gen --contacts "$CONTACTS" --seed "$SEED" --out "$BUNDLE" --only "$FILES" 2>&1 | tee "$BUNDLE.gen"
  fi
fi
# Size of the complete bundle: what `ferry gen` reported. A bundle made
# elsewhere (BUNDLE=) has no report: its size on disk is all we know, and
# it is labelled so (an `--only` bundle is far smaller than the complete one).
COMPLETE_MB=$(grep -o 'complete bundle is [0-9.]* MB' "$BUNDLE.gen" 2>/dev/null | awk '{print int($4)}' || true)
COMPLETE_LABEL="complete bundle"
if [ -z "$COMPLETE_MB" ]; then
  COMPLETE_MB=$(du -sm "$BUNDLE" | cut -f1)
  COMPLETE_LABEL="bundle folder on disk (no $BUNDLE.gen: complete size unknown)"
fi

TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""

# measure NAME CMD… : runs CMD (stdout to $WORK/NAME.out), records
# "wall user sys maxrss_kb" in $WORK/NAME.time
measure() {
  local name=$1; shift
  local t="$WORK/$name.time"
  if [ -n "$TIME" ]; then
    "$TIME" -f "%e %U %S %M" -o "$t" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  else
    local s e
    s=$(date +%s.%N)
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    e=$(date +%s.%N)
    echo "$(echo "$e - $s" | bc) 0 0 0" > "$t"
  fi
}

field() { awk -v i="$2" '{print $i}' "$WORK/$1.time"; }

# Bytes of the CSV files a spec reads (from the plan the run wrote).
input_bytes() {
  local plan=$1 total=0 f
  for f in $(grep -o '"file": "[^"]*\.csv"' "$plan" | sed 's/.*: "//; s/"$//' | sort -u); do
    if [ -f "$BUNDLE/$f" ]; then total=$((total + $(stat -c %s "$BUNDLE/$f"))); fi
  done
  echo "$total"
}

# The "run N s" figure ferry prints: the route phase without staging.
run_phase() { grep -o 'run [0-9.]* s' "$WORK/$1.err" | awk '{print $2}'; }

load() { awk '{print $1, $2, $3}' /proc/loadavg; }

echo "machine: $(nproc) cores; load average before: $(load)"

rm -rf "$WORK/out-1t" "$WORK/out-2t" "$WORK/out-related" "$WORK/floor" "$WORK/floor-related"
measure run1 "$FERRY" run bench/contacts.ferry --input "$BUNDLE" --out "$WORK/out-1t" --threads 1
measure run2 "$FERRY" run bench/contacts.ferry --input "$BUNDLE" --out "$WORK/out-2t" --threads 2
measure related "$FERRY" run bench/related.ferry --input "$BUNDLE" --out "$WORK/out-related" --threads 2
measure floor "$FERRY" bench-floor --spec bench/contacts.ferry --input "$BUNDLE" --out "$WORK/floor"
measure floor_related "$FERRY" bench-floor --spec bench/related.ferry --input "$BUNDLE" --out "$WORK/floor-related"

MLR_PROGRAM='
begin {
  @status = {"active": "Active", "inactive": "Inactive", "invited": "Invited", "pending": "Pending"};
  @region = {"DK": "Nordics", "SE": "Nordics", "NO": "Nordics", "FI": "Nordics", "DE": "DACH"};
}
o = {};
o["Source_System_ID__c"] = $contact_id;
o["FirstName"] = $first_name;
o["LastName"] = is_empty($last_name) ? "(unknown)" : $last_name;
o["Email"] = tolower(strip($email));
o["Title"] = $title;
o["Department"] = $department;
o["Actimo_Status__c"] = @status[$status];
o["Hire_Date__c"] = is_empty($hire_date) ? "" : strftime(strptime($hire_date, "%Y-%m-%d"), "%d.%m.%Y");
o["Region__c"] = @region[$addr_country];
emit o;
'
JAQ_PROGRAM='
{"active": "Active", "inactive": "Inactive", "invited": "Invited", "pending": "Pending"} as $status
| {"DK": "Nordics", "SE": "Nordics", "NO": "Nordics", "FI": "Nordics", "DE": "DACH"} as $region
| {Source_System_ID__c: .contact_id,
   FirstName: .first_name,
   LastName: (if .last_name == "" then "(unknown)" else .last_name end),
   Email: (.email | ascii_downcase | trim),
   Title: .title,
   Department: .department,
   Actimo_Status__c: $status[.status],
   Hire_Date__c: (if .hire_date == "" then "" else (.hire_date | strptime("%Y-%m-%d") | strftime("%d.%m.%Y")) end),
   Region__c: $region[.addr_country]}
'
HAVE_MLR=0; HAVE_JAQ=0
TOOL_N=$CONTACTS
MLR_IN=$BUNDLE/contacts.csv
JAQ_IN=$WORK/floor/contacts.jsonl
if [ "$CONTACTS" -gt "$TOOL_MAX" ]; then
  TOOL_N=$TOOL_MAX
  head -n $((TOOL_MAX + 1)) "$BUNDLE/contacts.csv" > "$WORK/tool-contacts.csv"
  head -n "$TOOL_MAX" "$WORK/floor/contacts.jsonl" > "$WORK/tool-contacts.jsonl"
  MLR_IN=$WORK/tool-contacts.csv
  JAQ_IN=$WORK/tool-contacts.jsonl
fi
MLR_BYTES=$(stat -c %s "$MLR_IN")
JAQ_BYTES=$(stat -c %s "$JAQ_IN")
if command -v mlr > /dev/null; then
  HAVE_MLR=1
  measure mlr mlr -S --icsv --ojsonl put -q "$MLR_PROGRAM" "$MLR_IN"
fi
if command -v jaq > /dev/null; then
  HAVE_JAQ=1
  measure jaq jaq -c "$JAQ_PROGRAM" "$JAQ_IN"
fi
rm -f "$WORK/tool-contacts.csv" "$WORK/tool-contacts.jsonl"

echo "load average after: $(load)"
echo

IN=$(input_bytes "$WORK/out-2t/plan.json")
IN_REL=$(input_bytes "$WORK/out-related/plan.json")
REL_RECORDS=$(grep -o '^[0-9]* source records' "$WORK/related.err" | awk '{print $1}')

report() { # NAME RECORDS BYTES
  local name=$1 records=$2 bytes=$3
  local wall cpu rss
  wall=$(field "$name" 1)
  cpu=$(awk '{print $2 + $3}' "$WORK/$name.time")
  rss=$(field "$name" 4)
  awk -v n="$name" -v r="$records" -v b="$bytes" -v w="$wall" -v c="$cpu" -v m="$rss" 'BEGIN {
    printf "%-22s %10.2f s wall %8.2f s cpu %12.0f rec/s %8.1f MB/s %8.0f MB peak RSS (%.2f x input)\n",
      n, w, c, (w > 0 ? r / w : 0), (w > 0 ? b / w / 1e6 : 0), m / 1024, (b > 0 ? m * 1024 / b : 0)
  }'
}

echo "input: contacts route $((IN / 1000000)) MB ($CONTACTS records); related $((IN_REL / 1000000)) MB ($REL_RECORDS records); $COMPLETE_LABEL $COMPLETE_MB MB"
report run1 "$CONTACTS" "$IN"
report run2 "$CONTACTS" "$IN"
report related "$REL_RECORDS" "$IN_REL"
report floor "$CONTACTS" "$IN"
report floor_related "$REL_RECORDS" "$IN_REL"
[ $HAVE_MLR = 1 ] && report mlr "$TOOL_N" "$MLR_BYTES"
[ $HAVE_JAQ = 1 ] && report jaq "$TOOL_N" "$JAQ_BYTES"
echo

R1=$(run_phase run1); R2=$(run_phase run2)
awk -v n="$CONTACTS" -v a="$R1" -v b="$R2" 'BEGIN {
  if (a <= 0 || b <= 0) { print "contacts route phase: too short to time (use more CONTACTS)"; exit }
  printf "contacts route phase (no staging): %.0f records/s on 1 thread, %.0f records/s on 2 threads (target >= 1,000,000 on one core)\n", n / a, n / b
}'
ratio() { awk -v a="$(field "$1" 1)" -v b="$(field "$2" 1)" 'BEGIN { printf "%.2f", a / b }'; }
cpu_ratio() { awk -v a="$(awk '{print $2 + $3}' "$WORK/$1.time")" -v b="$(awk '{print $2 + $3}' "$WORK/$2.time")" 'BEGIN { printf "%.2f", a / b }'; }
# Tool time per record over ferry's, when the tools saw fewer records.
rate_ratio() { awk -v a="$(field "$1" 1)" -v b="$(field "$2" 1)" -v n="$TOOL_N" -v m="$CONTACTS" 'BEGIN { printf "%.2f", (a / n) / (b / m) }'; }
echo "ferry run / floor (contacts):  $(ratio run2 floor) x wall, $(cpu_ratio run2 floor) x cpu   (target <= 2)"
echo "ferry run / floor (related):   $(ratio related floor_related) x wall, $(cpu_ratio related floor_related) x cpu   (target <= 2)"
[ $HAVE_MLR = 1 ] && echo "Miller / ferry run (contacts, per record): $(rate_ratio mlr run2) x   (> 1: ferry is ahead)"
[ $HAVE_JAQ = 1 ] && echo "jaq / ferry run (contacts, per record):    $(rate_ratio jaq run2) x   (> 1: ferry is ahead; jaq reads the floor's JSON lines)"
awk -v m="$(field related 4)" -v c="$(field run2 4)" -v b="$COMPLETE_MB" -v i="$IN_REL" -v l="$COMPLETE_LABEL" 'BEGIN {
  printf "peak RSS: contacts %.0f MB, related %.0f MB = %.2f x the files it reads, %.3f x the %s (target <= 2)\n",
    c / 1024, m / 1024, m * 1024 / i, m / 1024 / b, l
}'
[ $HAVE_MLR = 1 ] || echo "Miller: not installed, skipped"
[ $HAVE_JAQ = 1 ] || echo "jaq: not installed, skipped"
