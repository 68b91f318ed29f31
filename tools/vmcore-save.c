/* SPDX-License-Identifier: MIT */
/*
 * vmcore-save [options] VMCORE [DUMPFILE]: saves the memory of a crashed
 * kernel from its core (/proc/vmcore in the capture kernel) as a
 * kdump-compressed or ELF dump, with makedumpfile's command line for the
 * options kdump tooling passes (kdump-tools' kdump-config, Fedora's kdumpctl).
 *
 * The dump is written to DUMPFILE.incomplete and renamed to DUMPFILE only
 * after fsync: a dump that failed or was interrupted keeps that name (and,
 * in the kdump-compressed format, the incomplete flag in its header).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/elf.h"
#include "core/err.h"
#include "crash/kdump.h"
#include "crash/printk.h"
#include "crash/save.h"
#include "crash/vmcore.h"
#include "toolio.h"

#define PROG "vmcore-save"
#define INCOMPLETE_SUFFIX ".incomplete"
/* makedumpfile's --message-level bits (print_info.h) and its default. */
enum msg_level {
	ML_PROGRESS = 1,
	ML_COMMON = 2,
	ML_ERROR = 4,
	ML_DEBUG = 8,
	ML_REPORT = 16,
	ML_MAX = 31,
	ML_DEFAULT = ML_PROGRESS | ML_COMMON | ML_ERROR,
};
#define PROGRESS_INTERVAL_NS 500000000LL
/* A flattened stream or a rebuilt dump may not describe a bigger file. */
#define MAX_DUMP_SIZE ((uint64_t)1 << 50)

enum action {
	ACT_SAVE,
	ACT_REBUILD, /* -R */
	ACT_DMESG,   /* --dump-dmesg */
};

enum {
	OPT_MESSAGE_LEVEL = 256,
	OPT_DUMP_DMESG,
	OPT_NUM_THREADS,
	OPT_HELP,
	OPT_REFUSED,
};

struct args {
	enum action action;
	struct kx_save_opts save;
	bool flatten;   /* -F */
	bool force;     /* -f */
	bool debug;     /* -D */
	unsigned msg_level;
	bool msg_level_given;
	const char *vmcore, *dumpfile;
};

/* The makedumpfile options vmcore-save does not have, and why. The long
 * ones are added to getopt's table (so that it takes their argument); the
 * short ones are in its option string. */
static const struct {
	const char *name; /* as the user typed it, without dashes */
	int has_arg;
	const char *why;
} refused[] = {
	{ "split", no_argument, "write one dump file" },
	{ "reassemble", no_argument, "it makes no split dumps to reassemble" },
	{ "xen-syms", required_argument, "Xen hypervisor dumps are not supported" },
	{ "xen-vmcoreinfo", required_argument, "Xen hypervisor dumps are not supported" },
	{ "xen_phys_start", required_argument, "Xen hypervisor dumps are not supported" },
	{ "vtop", required_argument, "use crash(8) to translate addresses" },
	{ "partial-dmesg", no_argument, "use --dump-dmesg, which prints the whole log" },
	{ "config", required_argument, "filtering by symbol (eppic or config files) is not "
					"supported" },
	{ "diskset", required_argument, "sadump dumps are not read" },
	{ "cyclic-buffer", required_argument, "memory is handled in fixed batches; drop the "
					       "option" },
	{ "eppic", required_argument, "filtering by symbol (eppic or config files) is not "
				       "supported" },
	{ "non-mmap", no_argument, "it always reads with pread; drop the option" },
	{ "mem-usage", no_argument, "it does not report memory usage" },
	{ "splitblock-size", required_argument, "write one dump file" },
	{ "work-dir", required_argument, "it keeps its bitmaps in memory; drop the option" },
	{ "check-params", no_argument, "run it without the option" },
	{ "dry-run", no_argument, "run it without the option" },
	{ "show-stats", no_argument, "use --message-level 16" },
	{ "extension", required_argument, "extensions are not supported" },
	{ "b", required_argument, "memory is handled in fixed batches; drop the option" },
	{ "e", no_argument, "unused vmemmap pages are not excluded" },
	{ "g", required_argument, "it does not generate VMCOREINFO files" },
	{ "i", required_argument, "the VMCOREINFO is read from the core itself" },
	{ "L", required_argument, "size limits are not supported" },
	{ "X", no_argument, "Xen hypervisor dumps are not supported" },
	{ "x", required_argument, "no vmlinux is needed: the VMCOREINFO in the core is used" },
};
#define NREFUSED (sizeof(refused) / sizeof(refused[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " [options] VMCORE [DUMPFILE]\n"
		"       " PROG " -F [options] VMCORE > FLATTENED\n"
		"       " PROG " -R DUMPFILE < FLATTENED\n"
		"       " PROG " --dump-dmesg VMCORE LOGFILE\n"
		"Saves the memory of a crashed kernel from its core (/proc/vmcore) as a\n"
		"kdump-compressed dump (or ELF with -E), as makedumpfile does.\n"
		"  -d LEVEL          leave out pages by kind, a sum of: 1 zero pages,\n"
		"                    2 cache, 4 private cache, 8 user, 16 free pages;\n"
		"                    1 and 16 are implemented, other kinds are kept\n"
		"  -c, -l, -p, -z    compress pages with zlib, lzo, snappy or zstd\n"
		"  -E                write an ELF dump (not compressed)\n"
		"  -F                write makedumpfile's flattened format to stdout\n"
		"  -R                rebuild DUMPFILE from a flattened stream on stdin\n"
		"  -f                overwrite DUMPFILE if it exists\n"
		"  -D                print debugging information\n"
		"  --num-threads=N   walk, read, compress and write in N threads (0: one)\n"
		"  --message-level=N 1 progress, 2 messages, 4 errors, 8 debug, 16 report\n"
		"                    (default 7; progress is shown on a terminal only)\n"
		"  --dump-dmesg      write the crashed kernel's log to LOGFILE\n"
		"  -h, --help        this help;  -v  version\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return 2;
}

static int refuse(const char *name)
{
	for (size_t i = 0; i < NREFUSED; i++)
		if (strcmp(refused[i].name, name) == 0) {
			fprintf(stderr, PROG ": %s%s is not supported; %s\n",
				strlen(name) > 1 ? "--" : "-", name, refused[i].why);
			return 2;
		}
	return usage_error("unknown option '%s'", name);
}

/* A whole decimal number in [0, max]. */
static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* -l and -p need a library the build may lack (PKG names its -dev package). */
static int set_codec(struct args *a, enum kx_page_codec c, const char *pkg)
{
	char why[128];

	if (!kx_codec_available(c)) {
		snprintf(why, sizeof(why), "this build has no %s support (install %s and rebuild)",
			 kx_codec_name(c), pkg);
		return usage_error(c == KX_CODEC_LZO ? "-l: %s" : "-p: %s", why);
	}
	a->save.codec = c;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option supported[] = {
		{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
		{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
		{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
		{ "help", no_argument, NULL, OPT_HELP },
	};
	struct option longopts[sizeof(supported) / sizeof(supported[0]) + NREFUSED + 1];
	size_t n = 0;
	char shortname[2] = { 0 };
	int opt, idx, ret;

	memcpy(longopts, supported, sizeof(supported));
	n = sizeof(supported) / sizeof(supported[0]);
	for (size_t i = 0; i < NREFUSED; i++)
		if (strlen(refused[i].name) > 1)
			longopts[n++] = (struct option){ refused[i].name, refused[i].has_arg, NULL,
							 OPT_REFUSED };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	a->msg_level = ML_DEFAULT;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":b:cDd:eEFfg:hi:lL:pRvXx:z", longopts, &idx)) != -1) {
		shortname[0] = (char)optopt;
		switch (opt) {
		case 'c':
			a->save.codec = KX_CODEC_ZLIB;
			break;
		case 'l':
			if ((ret = set_codec(a, KX_CODEC_LZO, "liblzo2-dev")))
				return ret;
			break;
		case 'z':
			a->save.codec = KX_CODEC_ZSTD;
			break;
		case 'p':
			if ((ret = set_codec(a, KX_CODEC_SNAPPY, "libsnappy-dev")))
				return ret;
			break;
		case 'd':
			if (!parse_uint(optarg, KX_DL_MAX, &a->save.dump_level))
				return usage_error("-d '%s': the dump level is a number from 0 to 31",
						   optarg);
			break;
		case 'E':
			a->save.format = KX_DUMP_ELF;
			break;
		case 'F':
			a->flatten = true;
			break;
		case 'R':
			a->action = ACT_REBUILD;
			break;
		case 'f':
			a->force = true;
			break;
		case 'D':
			a->debug = true;
			break;
		case 'v':
			printf(PROG " (kx) " KX_VERSION "\n");
			exit(0);
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_MESSAGE_LEVEL:
			if (!parse_uint(optarg, ML_MAX, &a->msg_level))
				return usage_error("--message-level '%s': a number from 0 to 31",
						   optarg);
			a->msg_level_given = true;
			break;
		case OPT_NUM_THREADS:
			if (!parse_uint(optarg, KX_SAVE_MAX_THREADS, &a->save.threads))
				return usage_error("--num-threads '%s': a number from 0 to 64", optarg);
			break;
		case OPT_DUMP_DMESG:
			a->action = ACT_DMESG;
			break;
		case OPT_REFUSED:
			return refuse(longopts[idx].name);
		case ':':
			return usage_error("option -%s needs a value", shortname);
		case '?':
			if (optopt)
				return usage_error("unknown option '-%s'", shortname);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		default: /* the refused short options */
			shortname[0] = (char)opt;
			return refuse(shortname);
		}
	}
	if (a->save.format == KX_DUMP_ELF && a->save.codec != KX_CODEC_NONE)
		return usage_error("%s: an ELF dump is not compressed; drop -c, -l or -z, or -E",
				   "-E");
	if (a->action == ACT_REBUILD) {
		if (argc - optind != 1)
			return usage_error("%s: give one DUMPFILE; the stream comes on stdin", "-R");
		a->dumpfile = argv[optind];
		return 0;
	}
	if (a->flatten && a->action == ACT_SAVE) {
		if (argc - optind != 1)
			return usage_error("%s: give VMCORE only; the stream goes to stdout", "-F");
		a->vmcore = argv[optind];
		return 0;
	}
	if (argc - optind != 2)
		return usage_error("%s", argc - optind < 2 ? "give VMCORE and DUMPFILE"
							    : "too many arguments");
	a->vmcore = argv[optind];
	a->dumpfile = argv[optind + 1];
	return 0;
}

/* Where the dump goes: a file written at offsets, or (-F) a flattened stream
 * of records on stdout. */
struct output {
	int fd;
	bool flat;
	const char *path;   /* DUMPFILE */
	char *tmp;          /* DUMPFILE.incomplete, while it is written */
};

static int pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off, const char *path)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kx_err(n < 0 ? errno : EIO, "output", "%s: write at offset %" PRIu64
				      ": %s", path, off, strerror(n < 0 ? errno : EIO));
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int output_write_at(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct output *o = ctx;
	uint8_t rec[KX_FLAT_RECORD_SIZE];
	int ret;

	if (!o->flat)
		return pwrite_all(o->fd, buf, len, off, o->tmp);
	kx_flat_record_encode(rec, off, len);
	ret = tool_write_all(o->fd, rec, sizeof(rec), "standard output");
	return ret ? ret : tool_write_all(o->fd, buf, len, "standard output");
}

static int output_open(struct output *o, const char *path, bool force)
{
	struct stat st;

	o->path = path;
	if (!force && lstat(path, &st) == 0)
		return kx_err(EEXIST, "output", "%s exists; use -f to overwrite it", path);
	if (asprintf(&o->tmp, "%s" INCOMPLETE_SUFFIX, path) < 0) {
		o->tmp = NULL;
		return kx_err(ENOMEM, "output", "out of memory");
	}
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o->fd < 0)
		return kx_err(errno, "output", "%s: %s", o->tmp, strerror(errno));
	return 0;
}

/* The dump is on disk (fsync) under its final name (rename, then fsync of
 * the directory so that the name survives a power cut too). */
static int output_commit(struct output *o)
{
	char *dir = strdup(o->path);
	int dfd, ret = 0;

	if (fsync(o->fd) != 0)
		ret = kx_err(errno, "output", "%s: fsync: %s", o->tmp, strerror(errno));
	if (!ret && close(o->fd) != 0)
		ret = kx_err(errno, "output", "%s: close: %s", o->tmp, strerror(errno));
	else if (ret)
		close(o->fd);
	o->fd = -1;
	if (!ret && rename(o->tmp, o->path) != 0)
		ret = kx_err(errno, "output", "rename %s to %s: %s", o->tmp, o->path,
			     strerror(errno));
	if (!ret && dir) {
		dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	free(dir);
	return ret;
}

static void output_close(struct output *o)
{
	if (o->fd >= 0 && !o->flat)
		close(o->fd);
	free(o->tmp);
}

struct progress {
	bool on;
	uint64_t page_size;
	const struct kx_save_stats *st; /* filled by kx_save as it goes */
	struct timespec start, last;
};

static double seconds_since(const struct timespec *t, const struct timespec *now)
{
	return (double)(now->tv_sec - t->tv_sec) + (double)(now->tv_nsec - t->tv_nsec) / 1e9;
}

/* One line on the terminal, redrawn at most twice a second. */
static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	struct timespec now;
	double secs, rate;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total && seconds_since(&p->last, &now) * 1e9 < PROGRESS_INTERVAL_NS)
		return;
	p->last = now;
	secs = seconds_since(&p->start, &now);
	rate = secs > 0 ? (double)done / secs : 0;
	fprintf(stderr, "\r" PROG ": scanned %" PRIu64 " of %" PRIu64 " pages (%3u%%), "
		"written %" PRIu64 ", %.1f MiB/s", done, total,
		total ? (unsigned)(done * 100 / total) : 100, p->st->dumped_pages,
		rate * (double)p->page_size / (1 << 20));
	if (done < total && rate > 0) {
		unsigned eta = (unsigned)((double)(total - done) / rate);

		fprintf(stderr, ", ETA %um%02us ", eta / 60, eta % 60);
	} else {
		fprintf(stderr, "%-16s\n", "");
	}
}

/* Prints the recorded error about what (a file); returns the exit status. */
static int fail(const char *what)
{
	fprintf(stderr, PROG ": %s%s%s\n", what ? what : "", what ? ": " : "",
		tool_without_module(kx_errmsg()));
	return 1;
}

static int stdin_read(void *ctx, void *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(STDIN_FILENO, (char *)buf + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kx_err(errno, "flattened", "read from standard input: %s",
				      strerror(errno));
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int rebuild(const struct args *a)
{
	struct output o = { .fd = -1 };
	int ret = output_open(&o, a->dumpfile, a->force);

	if (!ret)
		ret = kx_flat_rebuild(stdin_read, NULL, output_write_at, &o, MAX_DUMP_SIZE);
	if (!ret)
		ret = output_commit(&o);
	if (ret && o.tmp && o.fd >= 0)
		fprintf(stderr, PROG ": the partial dump is left in %s\n", o.tmp);
	if (ret)
		fail(a->dumpfile);
	output_close(&o);
	return ret ? 1 : 0;
}

static int log_write(void *ctx, const char *buf, size_t len)
{
	const struct output *o = ctx;

	return tool_write_all(o->fd, buf, len, o->tmp);
}

static int dump_dmesg(const struct args *a, const struct kx_vmcore *vc)
{
	struct output o = { .fd = -1 };
	int ret = output_open(&o, a->dumpfile, a->force);

	if (!ret)
		ret = kx_printk_dump(vc, log_write, &o);
	if (!ret)
		ret = output_commit(&o);
	if (ret)
		fail(a->dumpfile);
	output_close(&o);
	return ret ? 1 : 0;
}

/* For -D: when main started, and how long opening the vmcore took. */
static uint64_t t_start, t_open;

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void print_report(const struct args *a, const struct kx_save_stats *st,
			 uint64_t commit_ns, unsigned long maps)
{
	const struct kx_filter_counts *f = &st->filtered;

	fprintf(stderr, PROG ": level %u: %" PRIu64 " pages of RAM; left out: %" PRIu64 " zero, %"
		PRIu64 " cache, %" PRIu64 " private cache, %" PRIu64 " user, %" PRIu64 " free, %"
		PRIu64 " hwpoison, %" PRIu64 " offline; %" PRIu64 " written (%" PRIu64
		" compressed), %" PRIu64 " bytes%s%s\n", st->level, st->ram_pages, st->zero_pages,
		f->cache, f->cache_private, f->user, f->free, f->hwpoison, f->offline,
		st->dumped_pages, st->compressed_pages, st->out_size, a->flatten ? "" : " in ",
		a->flatten ? "" : a->dumpfile);
	if (a->debug)
		fprintf(stderr, PROG ": ms classifying %" PRIu64 ", reading and compressing %"
			PRIu64 ", waiting %" PRIu64 ", writing %" PRIu64 " (all threads)\n",
			st->filter_ns / 1000000, st->fill_ns / 1000000, st->wait_ns / 1000000,
			st->write_ns / 1000000);
	if (a->debug)
		fprintf(stderr, PROG ": ms opening the vmcore %" PRIu64 ", bitmaps %" PRIu64
			", buffers and codecs %" PRIu64 ", headers %" PRIu64 ", fsync %" PRIu64
			", since start %" PRIu64 "; %lu windows of the vmcore mapped\n",
			t_open / 1000000, st->bitmaps_ns / 1000000, st->start_ns / 1000000,
			st->head_ns / 1000000, commit_ns / 1000000,
			(mono_ns() - t_start) / 1000000, maps);
}

/* Windows per thread: the threads take turns in nearby parts of the file, and
 * each mapping costs a shootdown of the others' TLBs when it goes. */
#define WINDOWS_PER_THREAD 4

/* Each thread reads the pages through a window of the file of its own, from
 * a set the threads share; without the set (out of memory), through a window
 * of its own. */
static void source_open(struct kx_save_source *src, struct tool_mapped *tm, unsigned n,
			const struct tool_mapped *m, struct tool_windows **set)
{
	*set = tool_windows_new(WINDOWS_PER_THREAD * n);
	*src = (struct kx_save_source){ .read = tool_mmap_read, .map = tool_mmap_map };
	for (unsigned i = 0; i < n; i++) {
		tm[i] = (struct tool_mapped){ .f = m->f, .size = m->size, .no_mmap = m->no_mmap,
					      .set = *set };
		src->ctx[i] = &tm[i];
	}
}

static int save(const struct args *a, const struct kx_vmcore *vc, const struct tool_mapped *m)
{
	struct tool_mapped tm[KX_SAVE_MAX_THREADS];
	struct tool_windows *set;
	struct kx_save_source src;
	unsigned nsrc = a->save.threads > 1 ? a->save.threads : 1;
	struct output o = { .fd = -1, .flat = a->flatten };
	struct progress p = { .page_size = kx_save_page_size(vc) };
	struct kx_save_opts opts = a->save;
	struct kx_save_stats st;
	uint8_t flat_hdr[KX_FLAT_HEADER_SIZE];
	uint64_t commit_ns = 0;
	unsigned long maps = m->maps;
	int ret;

	if (a->flatten) {
		o.fd = STDOUT_FILENO;
		kx_flat_header_encode(flat_hdr);
		ret = tool_write_all(o.fd, flat_hdr, sizeof(flat_hdr), "standard output");
	} else {
		ret = output_open(&o, a->dumpfile, a->force);
	}
	if (ret) {
		fail(a->dumpfile);
		output_close(&o);
		return 1;
	}
	p.on = (a->msg_level & ML_PROGRESS) && isatty(STDERR_FILENO);
	p.st = &st;
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	p.last = p.start;
	opts.progress = show_progress;
	opts.progress_ctx = &p;
	source_open(&src, tm, nsrc, m, &set);
	opts.source = &src;
	ret = kx_save(vc, &opts, output_write_at, &o, &st);
	for (unsigned i = 0; i < nsrc; i++) {
		maps += tm[i].maps;
		tool_mmap_close(&tm[i]);
	}
	tool_windows_free(set, &maps);
	if (st.level_note[0] && (a->msg_level & ML_ERROR))
		fprintf(stderr, PROG ": warning: dump level %u applied instead of %u: %s\n",
			st.level, opts.dump_level, tool_without_module(st.level_note));
	if (!ret && a->flatten) {
		uint8_t end[KX_FLAT_RECORD_SIZE];

		kx_flat_record_encode(end, KX_FLAT_END, KX_FLAT_END);
		ret = tool_write_all(o.fd, end, sizeof(end), "standard output");
	}
	if (!ret && !a->flatten) {
		commit_ns = mono_ns();
		ret = output_commit(&o);
		commit_ns = mono_ns() - commit_ns;
	}
	if (ret) {
		if (p.on)
			fputc('\n', stderr);
		fail(a->flatten ? a->vmcore : a->dumpfile);
		if (!a->flatten)
			fprintf(stderr, PROG ": the dump is incomplete: what was written is "
				"left in %s\n", o.tmp);
	} else if (a->debug || (a->msg_level & ML_REPORT) ||
		   (a->msg_level_given && (a->msg_level & ML_COMMON))) {
		print_report(a, &st, commit_ns, maps);
	}
	output_close(&o);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct tool_mapped m = { .f = { .fd = -1 } };
	struct tool_file f = { .fd = -1 };
	struct kx_vmcore vc;
	struct stat st;
	int ret;

	t_start = mono_ns();
	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	if (a.debug)
		a.msg_level |= ML_DEBUG;
	if (a.action == ACT_REBUILD)
		return rebuild(&a);
	f.path = a.vmcore;
	f.fd = open(f.path, O_RDONLY | O_CLOEXEC);
	if (f.fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", f.path, strerror(errno));
		return 1;
	}
	if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": %s: not a regular file\n", f.path);
		close(f.fd);
		return 1;
	}
	m.f = f;
	m.size = (uint64_t)st.st_size;
	ret = kx_vmcore_open(&vc, tool_mmap_read, &m, (uint64_t)st.st_size);
	t_open = mono_ns() - t_start;
	if (ret) {
		tool_mmap_close(&m);
		close(f.fd);
		return fail(f.path);
	}
	/* The reader also takes arm64 dumps (for vmcore-dmesg and --dump-dmesg);
	 * the page filter and the kdump header are x86_64's so far. */
	if (vc.machine != KX_EM_X86_64 && a.action != ACT_DMESG) {
		fprintf(stderr, PROG ": %s: an arm64 dump: vmcore-save saves x86_64 dumps only so "
			"far (--dump-dmesg and vmcore-dmesg read its log; cp or makedumpfile save "
			"it)\n", f.path);
		kx_vmcore_close(&vc);
		tool_mmap_close(&m);
		close(f.fd);
		return 1;
	}
	if (a.debug)
		fprintf(stderr, PROG ": %s: %zu PT_LOADs, %zu bytes of notes, page size %" PRIu64
			"\n", f.path, vc.nloads, vc.notes_len, kx_save_page_size(&vc));
	ret = a.action == ACT_DMESG ? dump_dmesg(&a, &vc) : save(&a, &vc, &m);
	kx_vmcore_close(&vc);
	tool_mmap_close(&m);
	close(f.fd);
	return ret;
}
