# Sourced by the tools that measure one clip (e2e_shares.sh, encoder_gain.sh): strict mode, the
# clip's absolute path (their first argument), the checkout, a temporary folder removed on exit,
# and the ffmpeg to use.
set -euo pipefail
clip=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg=${FFMPEG_PATH:-ffmpeg}
