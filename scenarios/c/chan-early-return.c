/*
 * c-chan-early-return: pattern 5 in C. A call starts a worker thread that computes a
 * result (--size bytes) and hands it over through a channel; the caller returns early
 * without receiving. Leaky: the channel is unbuffered (a rendezvous: the sender waits
 * on a condition variable until a receiver takes the value), so every call leaves one
 * thread blocked forever, holding its result: threads and RSS grow. (7 calls in 8
 * return early, as if a check failed; the 8th receives the result.) --fixed: the
 * channel has room for one value: the worker deposits its result and ends; the last
 * of the two parties to let go frees channel and result: threads and RSS stay flat.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sc_desc desc = {
    .name = "c-chan-early-return",
    .what = "Pattern 5: a sender blocked forever on a channel whose receiver returned.",
    .leaky = "unbuffered (rendezvous) channel: each call leaves a thread blocked in send, "
	     "holding a --size result: threads and RSS grow",
    .fixed = "channel with a buffer of one: the worker deposits its result and ends",
    .unit = "calls",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 200, .max = 4096, .duration_ns = 3000000000LL, .size = 64 * 1024},
};

/* A one-value channel: capacity 0 (rendezvous) or 1. */
struct chan {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int capacity;
	int refs;    /* sender + receiver; the last to let go frees the channel */
	size_t size; /* the size of the result to compute */
	void *value; /* the value in flight or in the buffer */
	bool full;
	bool taken; /* a receiver took the value (what an unbuffered send waits for) */
};

static struct chan *chan_new(int capacity, size_t size)
{
	struct chan *c = calloc(1, sizeof(*c));
	if (!c) {
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->capacity = capacity;
	c->refs = 2;
	c->size = size;
	return c;
}

static void chan_release(struct chan *c)
{
	pthread_mutex_lock(&c->mu);
	bool last = --c->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (last) {
		free(c->value); /* a buffered value nobody received */
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		free(c);
	}
}

/* Send: with capacity 0, returns only once a receiver has taken the value. */
static void chan_send(struct chan *c, void *v)
{
	pthread_mutex_lock(&c->mu);
	c->value = v;
	c->full = true;
	pthread_cond_broadcast(&c->cv);
	while (c->capacity == 0 && !c->taken) {
		pthread_cond_wait(&c->cv, &c->mu);
	}
	pthread_mutex_unlock(&c->mu);
}

static void *chan_recv(struct chan *c)
{
	pthread_mutex_lock(&c->mu);
	while (!c->full) {
		pthread_cond_wait(&c->cv, &c->mu);
	}
	void *v = c->value;
	c->value = NULL;
	c->full = false;
	c->taken = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return v;
}

/* The worker: computes a result and sends it. */
static void *worker(void *arg)
{
	struct chan *c = arg;
	void *result = malloc(c->size);
	if (result) {
		sc_touch(result, c->size);
	}
	chan_send(c, result);
	chan_release(c);
	return NULL;
}

/* One call; returns 0, or an errno if the worker could not start. */
static int call(long long i, bool fixed, size_t size, size_t *received)
{
	struct chan *c = chan_new(fixed ? 1 : 0, size);
	if (!c) {
		return ENOMEM;
	}
	pthread_t tid;
	int e = sc_thread_start(&tid, worker, c, true);
	if (e != 0) {
		free(c);
		return e;
	}
	if (i % 8 != 7) {
		/* The early return: a check failed, the result is not wanted any more. */
		chan_release(c);
		return 0;
	}
	void *result = chan_recv(c);
	if (result) {
		*received += size;
	}
	free(result);
	chan_release(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct sc_opts o;
	int rc = sc_parse(&desc, argc, argv, &o);
	if (rc >= 0) {
		return rc;
	}
	struct sc_pacer pacer;
	sc_pacer_init(&pacer, &o);
	long long calls = 0;
	size_t received = 0;
	while (sc_pacer_next(&pacer)) {
		int e = call(calls, o.fixed, o.size, &received);
		if (e != 0) {
			printf("Error at call %lld: cannot start the worker: %s\n", calls,
			       strerror(e));
			fflush(stdout);
			return e == EAGAIN || e == ENOMEM ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE;
		}
		calls++;
	}
	printf("%lld calls, %lld returned early (%zu bytes received); %s\n", calls,
	       calls - calls / 8, received,
	       o.fixed ? "their workers ended" : "their workers are still blocked in send");
	return SC_EXIT_OK;
}
