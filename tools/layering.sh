#!/bin/sh
# layering.sh — fails when a file under server/ includes a header of a floor it may not use
# (docs/architecture.md). Reads only the #include "..." lines; system headers are not checked.
# usage: tools/layering.sh [ROOT]   (ROOT: the folder holding server/, default .)
#
# The allowed-dependency table: a file in FLOOR may include headers of these floors (its own
# floor always). "app" is server/app.h (configuration and forward-declared services).
allowed() {
    case "$1" in
    util) echo "util" ;;
    engine) echo "engine util" ;;
    scenario) echo "scenario engine util" ;;
    lessons) echo "lessons scenario engine util" ;;
    capture) echo "capture scenario engine util" ;;
    grading) echo "grading lessons scenario engine util" ;;
    lti) echo "lti util" ;;
    store) echo "store util" ;;
    http) echo "http util app" ;;
    web) echo "web http lti grading lessons capture scenario engine store util app" ;;
    cli) echo "cli web http lti grading lessons capture scenario engine store util app" ;;
    main) echo "cli" ;;
    app) echo "" ;;
    *) echo "?" ;;
    esac
}

root=${1:-.}
cd "$root" || exit 2
status=0
out=$(mktemp) || exit 2
for f in $(find server -name '*.c' -o -name '*.h' | sort); do
    dir=$(dirname "$f")
    case "$f" in
    server/main.c) floor=main ;;
    server/app.h) floor=app ;;
    server/*/*) floor=${f#server/}; floor=${floor%%/*} ;;
    *) floor=? ;;
    esac
    ok=$(allowed "$floor")
    if [ "$ok" = "?" ]; then
        echo "$f: floor '$floor' is not in the table of tools/layering.sh" >&2
        status=1
        continue
    fi
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
        target=$(realpath -m --relative-to=. "$dir/$inc")
        case "$target" in
        server/app.h) to=app ;;
        server/*/*) to=${target#server/}; to=${to%%/*} ;;
        *) to="outside:$target" ;;
        esac
        [ "$to" = "$floor" ] && continue
        case " $ok " in
        *" $to "*) continue ;;
        esac
        echo "$f:$n: $floor may not include $inc ($to); allowed: $ok (docs/architecture.md)"
    done
done >"$out" 2>&1
if [ -s "$out" ]; then
    cat "$out" >&2
    status=1
fi
rm -f "$out"
exit $status
