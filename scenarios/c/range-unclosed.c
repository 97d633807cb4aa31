/*
 * c-range-unclosed: pattern 6 in C, a consumer waiting on a queue that is never shut
 * down (Go's range over a channel nobody closes). Each job creates a queue and a
 * consumer thread that pops items until the queue is shut down, adding them into a
 * --size accumulator; the job pushes 5 items and waits until all are processed.
 * Leaky: the job then returns without shutting the queue down: the consumer waits
 * forever, holding its queue and accumulator: threads and RSS grow per job. --fixed:
 * the job shuts the queue down after the wait and joins the consumer: flat.
 */
#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 5

static const struct sc_desc desc = {
    .name = "c-range-unclosed",
    .what = "Pattern 6: a consumer waiting on a queue that is never shut down.",
    .leaky = "each job's consumer thread waits forever for more items, holding a --size "
	     "accumulator: threads and RSS grow per job",
    .fixed = "the job shuts the queue down after its wait and joins the consumer",
    .unit = "jobs",
    .opts = SC_OPT_RATE | SC_OPT_MAX | SC_OPT_DURATION | SC_OPT_SIZE,
    .defaults = {.rate = 200, .max = 4096, .duration_ns = 3000000000LL, .size = 64 * 1024},
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int items[ITEMS];
	int head, len;
	bool shut;     /* no more items will come */
	int processed; /* the job's wait group */
	size_t size;
	long long sum;
};

static void queue_push(struct queue *q, int v)
{
	pthread_mutex_lock(&q->mu);
	q->items[(q->head + q->len) % ITEMS] = v;
	q->len++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Pop the next item; false once the queue is shut down and empty. */
static bool queue_pop(struct queue *q, int *v)
{
	pthread_mutex_lock(&q->mu);
	while (q->len == 0 && !q->shut) {
		pthread_cond_wait(&q->cv, &q->mu);
	}
	bool ok = q->len > 0;
	if (ok) {
		*v = q->items[q->head];
		q->head = (q->head + 1) % ITEMS;
		q->len--;
	}
	pthread_mutex_unlock(&q->mu);
	return ok;
}

static void queue_shutdown(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->shut = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static void *consumer(void *arg)
{
	struct queue *q = arg;
	unsigned char *acc = malloc(q->size);
	if (acc) {
		sc_touch(acc, q->size);
	}
	int v;
	while (queue_pop(q, &v)) {
		if (acc) {
			acc[(size_t)v % q->size] += (unsigned char)v;
		}
		pthread_mutex_lock(&q->mu);
		q->sum += v;
		q->processed++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	free(acc);
	return NULL;
}

/* One job; returns 0 or the errno of a failed thread start. */
static int job(bool fixed, size_t size, long long *total)
{
	struct queue *q = calloc(1, sizeof(*q));
	if (!q) {
		return ENOMEM;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->size = size;
	pthread_t tid;
	int e = sc_thread_start(&tid, consumer, q, !fixed);
	if (e != 0) {
		free(q);
		return e;
	}
	for (int i = 1; i <= ITEMS; i++) {
		queue_push(q, i);
	}
	pthread_mutex_lock(&q->mu);
	while (q->processed < ITEMS) {
		pthread_cond_wait(&q->cv, &q->mu);
	}
	*total += q->sum;
	pthread_mutex_unlock(&q->mu);
	if (!fixed) {
		return 0; /* the consumer still waits on q: both are leaked */
	}
	queue_shutdown(q);
	pthread_join(tid, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
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
	long long jobs = 0, total = 0;
	while (sc_pacer_next(&pacer)) {
		int e = job(o.fixed, o.size, &total);
		if (e != 0) {
			printf("Error at job %lld: cannot start the consumer: %s\n", jobs,
			       strerror(e));
			fflush(stdout);
			return e == EAGAIN || e == ENOMEM ? SC_EXIT_EXHAUSTED : SC_EXIT_FAILURE;
		}
		jobs++;
	}
	printf("%lld jobs (items sum %lld); %s\n", jobs, total,
	       o.fixed ? "every consumer ended" : "every consumer still waits for more items");
	return SC_EXIT_OK;
}
