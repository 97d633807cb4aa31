/*
 * c-substring: pattern 3, small pieces that pin large buffers. Each unit builds a large
 * --size buffer (default 1 MiB) of text and keeps only a 50-byte piece of it. Leaky: the
 * piece kept is a pointer into the large buffer (what a Go substring is), so the whole
 * buffer has to stay allocated for as long as the piece is used: RSS grows by --size
 * per unit. --fixed: the piece is copied into its own 51-byte allocation and the large
 * buffer freed: RSS grows by ~64 bytes per unit. Stops after --duration or --max units
 * (exit 0), or at malloc failure ("Error at string N", exit 3).
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE 50

static const struct sc_desc desc = {
    .name = "c-substring",
    .what = "Pattern 3: small pieces (pointers into large buffers) pinning the buffers.",
    .leaky = "keep a 50-byte piece of each --size buffer as a pointer into it: the buffer "
	     "stays allocated, RSS grows by --size per unit",
    .fixed = "copy the 50-byte piece and free the large buffer: RSS grows by ~64 bytes per "
	     "unit",
    .unit = "large strings",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 50, .max = 400, .duration_ns = 3000000000LL, .size = 1024 * 1024},
};

/* The kept pieces: what the program goes on using. */
static const char **pieces;
static size_t n_pieces, cap_pieces;

static char *make_text(size_t size, long long seed)
{
	char *s = malloc(size + 1);
	if (!s) {
		return NULL;
	}
	for (size_t i = 0; i < size; i++) {
		s[i] = (char)('a' + (i * 7 + (size_t)seed) % 26);
	}
	s[size] = '\0';
	return s;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	if (o.size < PIECE) {
		fprintf(stderr, "%s: --size: must be at least %d bytes\n", desc.name, PIECE);
		return SC_EXIT_USAGE;
	}

	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	while (sc_pacer_next(&pacer)) {
		if (n_pieces == cap_pieces) {
			size_t ncap = cap_pieces ? 2 * cap_pieces : 1024;
			const char **n = realloc(pieces, ncap * sizeof(*n));
			if (!n) {
				goto exhausted;
			}
			pieces = n;
			cap_pieces = ncap;
		}
		char *big = make_text(o.size, (long long)n_pieces);
		if (!big) {
			goto exhausted;
		}
		const char *piece;
		if (o.fixed) {
			piece = strndup(big, PIECE);
			free(big);
			if (!piece) {
				goto exhausted;
			}
		} else {
			piece = big; /* the first 50 bytes, but the whole buffer stays */
		}
		pieces[n_pieces++] = piece;
	}
	size_t check = 0;
	for (size_t i = 0; i < n_pieces; i++) {
		check += strnlen(pieces[i], PIECE);
	}
	printf("kept %zu pieces of %d bytes (%zu bytes of text) %s\n", n_pieces, PIECE, check,
	       o.fixed ? "as copies" : "pinning their large buffers");
	return SC_EXIT_OK;
exhausted:
	printf("Error at string %zu: %s\n", n_pieces, strerror(ENOMEM));
	fflush(stdout);
	return SC_EXIT_EXHAUSTED;
}
