#!/bin/sh
# layers.sh SERVER_DIR -- fails when an include runs against the arrows of
# docs/architecture.md, or when a source file outgrows one concept.
#
# Every subsystem of server/ has a rank; a file may include headers of its own
# folder (written bare: "deck_impl.h") and of folders of a strictly lower rank
# (written with the folder: "model/pollkind.h").  Siblings of one rank (deck,
# store, export) do not include each other.  The top (server.c, main.c) may
# include anything.
set -eu
dir=${1:?usage: layers.sh SERVER_DIR}
cd "$dir"

rank() {
    case "$1" in
    base) echo 0 ;;
    model) echo 1 ;;
    deck | store | export) echo 2 ;;
    room) echo 3 ;;
    net) echo 4 ;;
    .) echo 5 ;;
    *) echo "" ;;
    esac
}

# Longest file we accept; split a file before it grows past this.
max_lines=600
bad=0
for f in $(find . -name '*.[ch]' | sort); do
    d=$(dirname "$f" | sed 's|^\./||')
    [ "$d" = "." ] || [ -n "$(rank "$d")" ] || {
        echo "$f: folder $d has no rank in tests/layers.sh (add it there and to docs/architecture.md)"
        bad=1
        continue
    }
    mine=$(rank "$d")
    lines=$(wc -l <"$f")
    if [ "$lines" -gt "$max_lines" ]; then
        echo "$f: $lines lines (at most $max_lines: is it still one concept?)"
        bad=1
    fi
    # shellcheck disable=SC2013 # one include a line
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        case "$inc" in
        */*)
            to=${inc%%/*}
            r=$(rank "$to")
            if [ ! -f "$inc" ]; then
                echo "$f: includes \"$inc\", which does not exist"
                bad=1
            elif [ -z "$r" ] || [ "$r" -ge "$mine" ]; then
                echo "$f: includes \"$inc\": $d may only include subsystems below it"
                bad=1
            fi
            ;;
        *)
            if [ ! -f "$d/$inc" ]; then
                echo "$f: includes \"$inc\" without its folder; write \"<subsystem>/$inc\""
                bad=1
            fi
            ;;
        esac
    done
done
[ "$bad" -eq 0 ] && echo "layers: every include runs downwards, every file within $max_lines lines"
exit "$bad"
