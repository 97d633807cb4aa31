/*
 * c-finalizer-cycle: pattern 7 in C, reference-counted objects in a cycle (what Go's
 * SetFinalizer on two objects pointing at each other amounts to: neither can go
 * first, so neither goes). Each unit builds a pair of nodes with a --size/2 payload
 * each and a destructor (the "finalizer"), links them, and drops its own references.
 * Leaky: each node holds a counted reference to the other, so both counts stay at 1:
 * never freed, RSS grows by --size per unit. --fixed: the back link is weak (not
 * counted), so dropping the pair frees both and runs both destructors: RSS flat.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sc_desc desc = {
    .name = "c-finalizer-cycle",
    .what = "Pattern 7: reference-counted objects in a cycle, never freed.",
    .leaky = "two nodes hold counted references to each other: their counts never reach "
	     "0, destructors never run, RSS grows by --size per pair",
    .fixed = "the back reference is weak: dropping the pair frees both, RSS stays flat",
    .unit = "pairs",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 500, .max = 8000, .duration_ns = 3000000000LL, .size = 64 * 1024},
};

static long long finalized; /* destructors run */

struct node {
	int refs;
	struct node *peer; /* counted reference, or weak when peer_weak */
	bool peer_weak;
	unsigned char *payload;
};

static void node_release(struct node *n);

static void node_finalize(struct node *n)
{
	finalized++;
	if (n->peer && !n->peer_weak) {
		node_release(n->peer);
	}
	free(n->payload);
	free(n);
}

static void node_release(struct node *n)
{
	if (--n->refs == 0) {
		node_finalize(n);
	}
}

static struct node *node_new(size_t payload)
{
	struct node *n = calloc(1, sizeof(*n));
	if (!n) {
		return NULL;
	}
	n->payload = malloc(payload);
	if (!n->payload) {
		free(n);
		return NULL;
	}
	sc_touch(n->payload, payload);
	n->refs = 1; /* the creator's */
	return n;
}

/* One pair, linked and dropped; 0 or ENOMEM. */
static int make_pair(bool fixed, size_t size)
{
	struct node *a = node_new(size / 2), *b = node_new(size - size / 2);
	if (!a || !b) {
		if (a) {
			node_release(a);
		}
		if (b) {
			node_release(b);
		}
		return ENOMEM;
	}
	/* a owns b */
	a->peer = b;
	b->refs++;
	/* b points back at a: counted in the leaky mode, weak in the fixed one */
	b->peer = a;
	b->peer_weak = fixed;
	if (!fixed) {
		a->refs++;
	}
	/* The creator lets go of both. */
	node_release(b);
	node_release(a);
	return 0;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	if (o.size < 2) {
		fprintf(stderr, "%s: --size: must be at least 2 bytes\n", desc.name);
		return SC_EXIT_USAGE;
	}
	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long pairs = 0;
	while (sc_pacer_next(&pacer)) {
		if (make_pair(o.fixed, o.size) != 0) {
			printf("Error at pair %lld: %s\n", pairs, strerror(ENOMEM));
			fflush(stdout);
			return SC_EXIT_EXHAUSTED;
		}
		pairs++;
	}
	printf("%lld pairs dropped, %lld destructors run\n", pairs, finalized);
	return SC_EXIT_OK;
}
