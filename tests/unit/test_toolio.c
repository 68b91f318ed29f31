/* SPDX-License-Identifier: MIT */
/* The crash tools' file reader (tools/toolio.c): windows of a file mapped
 * with mmap, one per reader or from a set several readers share, checked
 * against the file's bytes; a shared window stays mapped while a reader
 * still uses it; readers on threads at once. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "toolio.h"

#define WIN ((uint64_t)1 << 20) /* the readers' window size */
/* Ten windows and part of an eleventh. */
#define FILE_SIZE (10 * WIN + 12345)
#define READERS 3
#define MAX_LEN 9000

/* The byte at off: differs from its neighbours and from the same place in
 * other windows. */
static uint8_t byte_at(uint64_t off)
{
	uint64_t x = (off + 1) * UINT64_C(0x9e3779b97f4a7c15);

	return (uint8_t)(x >> 56);
}

static int make_file(char *path)
{
	uint8_t *buf = malloc(1 << 20);
	int fd = mkstemp(path);

	assert_non_null(buf);
	assert_true(fd >= 0);
	for (uint64_t off = 0; off < FILE_SIZE; off += 1 << 20) {
		size_t n = FILE_SIZE - off < (1 << 20) ? (size_t)(FILE_SIZE - off) : 1 << 20;

		for (size_t i = 0; i < n; i++)
			buf[i] = byte_at(off + i);
		assert_int_equal(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
	}
	free(buf);
	return fd;
}

static bool bytes_ok(const uint8_t *p, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != byte_at(off + i))
			return false;
	return true;
}

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 11;
}

/* One random read or map by reader m; false when the bytes are wrong. A map
 * is kept in *held (and its place in *held_off, *held_len) for the caller to
 * check later. */
static bool random_op(struct tool_mapped *m, uint64_t *seed, const uint8_t **held,
		      uint64_t *held_off, size_t *held_len)
{
	static __thread uint8_t buf[MAX_LEN];
	/* Mostly near the windows' borders and the file's end, where the cases are. */
	uint64_t win = next_rand(seed) % 11, off = win * WIN;
	size_t len = 1 + next_rand(seed) % MAX_LEN;

	off += next_rand(seed) % 2 ? next_rand(seed) % WIN : WIN - next_rand(seed) % (2 * MAX_LEN);
	if (off >= FILE_SIZE)
		off = FILE_SIZE - 1 - next_rand(seed) % (2 * MAX_LEN);
	if (len > FILE_SIZE - off)
		len = (size_t)(FILE_SIZE - off);
	if (next_rand(seed) % 2) {
		const uint8_t *p = tool_mmap_map(m, off, len);

		if (!p)
			return off / WIN != (off + len - 1) / WIN; /* only across a border */
		*held = p;
		*held_off = off;
		*held_len = len;
		return bytes_ok(p, off, len);
	}
	if (tool_mmap_read(m, buf, len, off) != 0)
		return false;
	return bytes_ok(buf, off, len);
}

static void test_own_window(void **state)
{
	char path[] = "/tmp/kx-toolio-XXXXXX";
	int fd = make_file(path);
	struct tool_mapped m = { .f = { .fd = fd, .path = path }, .size = FILE_SIZE,
				 .win_size = WIN };
	struct tool_mapped d = { .f = { .fd = fd, .path = path }, .size = FILE_SIZE };
	uint8_t buf[64];
	uint64_t seed = 1;
	const uint8_t *held = NULL;
	uint64_t held_off = 0;
	size_t held_len = 0;

	(void)state;
	for (int i = 0; i < 2000; i++)
		assert_true(random_op(&m, &seed, &held, &held_off, &held_len));
	assert_false(m.no_mmap);
	/* With the default window (the whole file in one). */
	for (int i = 0; i < 200; i++)
		assert_true(random_op(&d, &seed, &held, &held_off, &held_len));
	assert_int_equal(d.maps, 1);
	tool_mmap_close(&d);
	/* Past the end: pread says so. */
	assert_int_not_equal(tool_mmap_read(&m, buf, sizeof(buf), FILE_SIZE - 10), 0);
	kx_err_clear();
	assert_null(tool_mmap_map(&m, FILE_SIZE - 10, 64));
	tool_mmap_close(&m);
	close(fd);
	unlink(path);
}

/* A file of FILE_SIZE bytes and READERS readers that share READERS + 1 windows. */
struct shared {
	char path[32];
	int fd;
	struct tool_windows *set;
	struct tool_mapped m[READERS];
};

static void shared_open(struct shared *sh)
{
	snprintf(sh->path, sizeof(sh->path), "/tmp/kx-toolio-XXXXXX");
	sh->fd = make_file(sh->path);
	sh->set = tool_windows_new(READERS + 1);
	assert_non_null(sh->set);
	for (int r = 0; r < READERS; r++)
		sh->m[r] = (struct tool_mapped){ .f = { .fd = sh->fd, .path = sh->path },
						 .size = FILE_SIZE, .win_size = WIN,
						 .set = sh->set };
}

/* Closes the readers (none fell back to pread, none mapped a window of its
 * own) and the set; the windows mapped in all. */
static unsigned long shared_close(struct shared *sh)
{
	unsigned long maps = 0;

	for (int r = 0; r < READERS; r++) {
		assert_false(sh->m[r].no_mmap);
		assert_int_equal(sh->m[r].maps, 0);
		tool_mmap_close(&sh->m[r]);
	}
	tool_windows_free(sh->set, &maps);
	close(sh->fd);
	unlink(sh->path);
	return maps;
}

static void test_shared_windows(void **state)
{
	struct shared sh;
	const uint8_t *held[READERS] = { 0 };
	uint64_t held_off[READERS] = { 0 }, seed = 7;
	size_t held_len[READERS] = { 0 };

	(void)state;
	shared_open(&sh);
	/* Each reader's last map stays good while the others move about: its
	 * window is not taken from it. */
	for (int i = 0; i < 3000; i++) {
		int r = (int)(next_rand(&seed) % READERS);

		held[r] = NULL; /* a reader's own next call may move its window */
		assert_true(random_op(&sh.m[r], &seed, &held[r], &held_off[r], &held_len[r]));
		for (int k = 0; k < READERS; k++)
			if (held[k] && k != r)
				assert_true(bytes_ok(held[k], held_off[k], held_len[k]));
	}
	shared_close(&sh);
}

static void test_shared_windows_counted(void **state)
{
	struct shared sh;

	(void)state;
	shared_open(&sh);
	/* Three readers take turns through the file in 4 KiB steps: each window
	 * is mapped once, not once per reader. */
	for (uint64_t off = 0, i = 0; off + 4096 <= FILE_SIZE; off += 4096, i++) {
		const uint8_t *p = tool_mmap_map(&sh.m[i % READERS], off, 4096);

		assert_non_null(p);
		assert_true(bytes_ok(p, off, 4096));
	}
	assert_int_equal(shared_close(&sh), 10 + 1);
}

struct thread_arg {
	struct tool_mapped *m;
	uint64_t seed;
	int bad;
};

static void *reader_thread(void *p)
{
	struct thread_arg *a = p;
	const uint8_t *held = NULL;
	uint64_t held_off = 0;
	size_t held_len = 0;

	for (int i = 0; i < 3000; i++) {
		if (!random_op(a->m, &a->seed, &held, &held_off, &held_len))
			a->bad++;
		/* another thread's work between a map and its use */
		if (held && !bytes_ok(held, held_off, held_len))
			a->bad++;
		held = NULL;
	}
	return NULL;
}

static void test_shared_windows_threads(void **state)
{
	struct shared sh;
	struct thread_arg a[READERS];
	pthread_t th[READERS];

	(void)state;
	shared_open(&sh);
	for (int r = 0; r < READERS; r++) {
		a[r] = (struct thread_arg){ .m = &sh.m[r], .seed = 100 + (uint64_t)r };
		assert_int_equal(pthread_create(&th[r], NULL, reader_thread, &a[r]), 0);
	}
	for (int r = 0; r < READERS; r++) {
		pthread_join(th[r], NULL);
		assert_int_equal(a[r].bad, 0);
	}
	shared_close(&sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_window),
		cmocka_unit_test(test_shared_windows),
		cmocka_unit_test(test_shared_windows_counted),
		cmocka_unit_test(test_shared_windows_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
