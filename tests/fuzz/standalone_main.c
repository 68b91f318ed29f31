/* SPDX-License-Identifier: MIT */
/*
 * A main() for fuzz targets built without libFuzzer (gcc, CI): runs the target
 * over every seed file (or every file of a seed directory) given on the
 * command line, then over pseudo-random mutations of those seeds. The seed of
 * the generator is fixed, so a failure in CI is reproducible with the same
 * command. Every input sits in its own exact-size allocation, so a build with
 * -fsanitize=address catches reads past its end.
 *
 * Usage: fuzz_<name> [-n RUNS] [-s SEED] [FILE|DIR]...
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEFAULT_RUNS 20000
#define DEFAULT_SEED 0x6b78u /* "kx" */
#define MAX_SEED_SIZE (1u << 20)
#define MAX_INPUT_SIZE (64u * 1024)
#define MAX_MUTATIONS 8

struct input {
	uint8_t *data;
	size_t size;
};

struct corpus {
	struct input *v;
	size_t n, cap;
};

/* xorshift64*: small, fixed, the same on every platform. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static size_t rng_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rng_next(s) % n) : 0;
}

static int corpus_add(struct corpus *c, uint8_t *data, size_t size)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct input *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct input){ data, size };
	return 0;
}

static int load_file(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(MAX_SEED_SIZE);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, MAX_SEED_SIZE, f);
	fclose(f);
	if (corpus_add(c, buf, n)) {
		free(buf);
		return -1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directory entries are loaded in name order so the random runs, which pick
 * seeds by index, are the same on every filesystem. */
static int load_dir(struct corpus *c, const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int ret = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 16;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				ret = -1;
				break;
			}
			names = nn;
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
			ret = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (ret == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			ret = load_file(c, names[i]);
		free(names[i]);
	}
	free(names);
	return ret;
}

static void run_one(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the sanitizer sees the end of the input. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (size)
		memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

/* Bytes that matter to the text parsers under test: separators, digits,
 * hex markers, quotes. */
static const char interesting[] = "0123456789abcdefxX-:=, \n\t\"\r";

static size_t mutate(uint64_t *s, uint8_t *buf, size_t size, size_t max,
		     const struct corpus *c)
{
	size_t k, rounds = 1 + rng_below(s, MAX_MUTATIONS);

	for (k = 0; k < rounds; k++) {
		size_t pos = rng_below(s, size + 1), len;

		switch (rng_below(s, 8)) {
		case 0: /* flip a bit */
			if (size)
				buf[rng_below(s, size)] ^= (uint8_t)(1u << rng_below(s, 8));
			break;
		case 1: /* set a random byte */
			if (size)
				buf[rng_below(s, size)] = (uint8_t)rng_next(s);
			break;
		case 2: /* set an interesting byte */
			if (size)
				buf[rng_below(s, size)] =
					(uint8_t)interesting[rng_below(s, sizeof(interesting) - 1)];
			break;
		case 3: /* insert an interesting byte */
			if (size < max) {
				memmove(buf + pos + 1, buf + pos, size - pos);
				buf[pos] = (uint8_t)interesting[rng_below(s, sizeof(interesting) - 1)];
				size++;
			}
			break;
		case 4: /* delete a run */
			if (pos < size) {
				len = 1 + rng_below(s, size - pos);
				memmove(buf + pos, buf + pos + len, size - pos - len);
				size -= len;
			}
			break;
		case 5: /* duplicate a run */
			if (size && size < max) {
				size_t from = rng_below(s, size);

				len = 1 + rng_below(s, size - from);
				if (len > max - size)
					len = max - size;
				memmove(buf + pos + len, buf + pos, size - pos);
				memmove(buf + pos, buf + from + (from >= pos ? len : 0), len);
				size += len;
			}
			break;
		case 6: /* truncate */
			size = pos;
			break;
		default: /* splice the head of another seed */
			if (c->n) {
				const struct input *o = &c->v[rng_below(s, c->n)];

				len = rng_below(s, o->size + 1);
				if (len > max - pos)
					len = max - pos;
				memcpy(buf + pos, o->data, len);
				if (pos + len > size)
					size = pos + len;
			}
			break;
		}
	}
	return size;
}

int main(int argc, char **argv)
{
	unsigned long runs = DEFAULT_RUNS, i;
	uint64_t seed = DEFAULT_SEED;
	struct corpus c = { 0 };
	uint8_t *buf;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-n") == 0 && a + 1 < argc) {
			runs = strtoul(argv[++a], NULL, 0);
		} else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 0);
		} else {
			struct stat st;

			if (stat(argv[a], &st) != 0) {
				fprintf(stderr, "%s: %s\n", argv[a], strerror(errno));
				return 2;
			}
			if ((S_ISDIR(st.st_mode) ? load_dir(&c, argv[a]) : load_file(&c, argv[a])))
				return 2;
		}
	}
	if (seed == 0)
		seed = DEFAULT_SEED; /* xorshift never leaves 0 */
	for (i = 0; i < c.n; i++)
		run_one(c.v[i].data, c.v[i].size);
	run_one(NULL, 0);

	buf = malloc(MAX_INPUT_SIZE);
	if (!buf)
		return 2;
	for (i = 0; i < runs; i++) {
		size_t size = 0;

		if (c.n) {
			const struct input *in = &c.v[rng_below(&seed, c.n)];

			size = in->size < MAX_INPUT_SIZE ? in->size : MAX_INPUT_SIZE;
			memcpy(buf, in->data, size);
		}
		size = mutate(&seed, buf, size, MAX_INPUT_SIZE, &c);
		run_one(buf, size);
	}
	printf("%zu seed inputs and %lu mutations ran without a crash\n", c.n, runs);
	free(buf);
	for (i = 0; i < c.n; i++)
		free(c.v[i].data);
	free(c.v);
	return 0;
}
