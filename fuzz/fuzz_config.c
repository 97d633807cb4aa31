/* fuzz_config.c - libFuzzer target for the INI parser (config_load).
 *
 * The input is a config file. config_load only reads from a path, so the bytes
 * go into a memfd, opened again through /proc/self/fd/N: no disk, and every
 * iteration reuses the same descriptor.
 *
 * What must hold, whatever the input:
 * - no crash, leak or undefined behaviour (ASan, LSan, UBSan);
 * - the error stream has exactly one line per error counted, each starting
 *   with the file's path (config.h: "FILE:LINE: [SECTION] KEY: reason"), and
 *   nothing at all when the load succeeds;
 * - when the load succeeds and the effective config can be written, that text
 *   loads without error and writes back identically (a fixed point: `run.ini`
 *   of a result must mean what the original config meant).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

static int memfd = -1;
static char memfd_path[64];

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: %s\n", what);
	if (detail)
		fprintf(stderr, "----\n%s\n----\n", detail);
	abort();
}

/* Replace the memfd's contents with data. */
static void put(const void *data, size_t n)
{
	if (ftruncate(memfd, 0) != 0)
		die("cannot truncate the memfd", NULL);
	const char *p = data;
	off_t off = 0;
	while (n > 0) {
		ssize_t w = pwrite(memfd, p, n, off);
		if (w <= 0)
			die("cannot write the memfd", NULL);
		p += w;
		off += w;
		n -= (size_t)w;
	}
}

/* Load the memfd's contents; the error text in *errtext (malloc'd). */
static int load(struct config *cfg, char **errtext)
{
	size_t len;
	FILE *errs = open_memstream(errtext, &len);
	if (!errs)
		die("cannot open a memstream", NULL);
	int nerr = config_load(memfd_path, cfg, errs);
	fclose(errs);
	return nerr;
}

static void check_errors(int nerr, const char *text)
{
	size_t plen = strlen(memfd_path);
	int lines = 0;
	if (nerr < 0)
		die("config_load returned a negative count", text);
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		if (!nl)
			die("error output does not end with a newline", text);
		if (strncmp(l, memfd_path, plen) != 0 || l[plen] != ':')
			die("an error line does not start with the file's path", text);
		lines++;
		l = nl + 1;
	}
	if (lines != nerr)
		die("the number of error lines differs from the count returned", text);
}

/* The effective config as text, or NULL when it cannot be written. */
static char *effective(const struct config *cfg)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		die("cannot open a memstream", NULL);
	int rc = config_write_effective(cfg, f);
	fclose(f);
	if (rc != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz.ini", MFD_CLOEXEC);
	if (memfd < 0)
		die("memfd_create failed", NULL);
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, again;
	char *errtext;

	put(data, size);
	int nerr = load(&cfg, &errtext);
	check_errors(nerr, errtext);
	free(errtext);
	if (nerr != 0) {
		config_free(&cfg); /* must be harmless after a failed load */
		return 0;
	}

	char *first = effective(&cfg);
	config_free(&cfg);
	if (!first)
		return 0; /* refused to write (a value too long for one line) */

	put(first, strlen(first));
	nerr = load(&again, &errtext);
	if (nerr != 0) {
		fprintf(stderr, "fuzz_config: errors:\n%s", errtext);
		die("the effective config does not load", first);
	}
	free(errtext);
	char *second = effective(&again);
	config_free(&again);
	if (!second)
		die("the reloaded effective config cannot be written", first);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "fuzz_config: second writing:\n%s\n", second);
		die("the effective config is not a fixed point", first);
	}
	free(first);
	free(second);
	return 0;
}
