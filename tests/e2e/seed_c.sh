# The seed patterns in C, leaky and fixed (body: seed_patterns.inc).
SEED_LANG=c . "$(dirname "$0")/seed_patterns.inc"
