# Sourced by the scripts here: the release binary (built when missing), a scratch folder
# removed on exit, A100-40GB's layouts for HiGHS, and `field NAME` to read one field of the
# JSON on standard input.
cd "$(dirname "$0")/../.."
migplan=target/release/migplan
[ -x "$migplan" ] || cargo build --release -q -p migplan-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$migplan" layouts --gpu a100-40gb --format json > "$work/layouts.json"
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
