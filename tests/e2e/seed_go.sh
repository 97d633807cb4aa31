# The seed patterns in Go, leaky and fixed (body: seed_patterns.inc).
SEED_LANG=go . "$(dirname "$0")/seed_patterns.inc"
