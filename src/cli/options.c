/* SPDX-License-Identifier: MIT */
#include "cli/options.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum {
	OPT_INITRD = 256,
	OPT_APPEND,
	OPT_REUSE_CMDLINE,
	OPT_MEM_MIN,
	OPT_MEM_MAX,
	OPT_CONSOLE_SERIAL,
	OPT_CONSOLE_VGA,
	OPT_RESET_VGA,
	OPT_SERIAL,
	OPT_SERIAL_BAUD,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_SYSROOT,
	OPT_TEST_BAD_DIGEST,
	OPT_MODULE,
	OPT_ARGS_LINUX,
	OPT_ARGS_ELF,
	OPT_ARGS_NONE,
	OPT_REAL_MODE,
	OPT_ENTRY_32BIT,
	OPT_ELF32_CORE,
	OPT_ELF64_CORE,
	OPT_DTB,
	OPT_FORCE_DTB,
	OPT_HOTPLUG,
	OPT_NO_CMA,
	OPT_PRINT_CKR_SIZE,
	OPT_NOEFI,
	OPT_PASS_MEMMAP_CMDLINE,
	OPT_REUSE_VIDEO_TYPE,
	OPT_REUSEINITRD,
	OPT_LOAD_PRESERVE_CONTEXT,
	OPT_LOAD_JUMP_BACK_HELPER,
	OPT_ENTRY,
	OPT_EXEC_LIVE_UPDATE,
	OPT_LOAD_LIVE_UPDATE,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "debug", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "status", no_argument, NULL, 'S' },
	{ "type", required_argument, NULL, 't' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "console-serial", no_argument, NULL, OPT_CONSOLE_SERIAL },
	{ "console-vga", no_argument, NULL, OPT_CONSOLE_VGA },
	{ "reset-vga", no_argument, NULL, OPT_RESET_VGA },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "serial-baud", required_argument, NULL, OPT_SERIAL_BAUD },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "test-bad-digest", no_argument, NULL, OPT_TEST_BAD_DIGEST },
	{ "module", required_argument, NULL, OPT_MODULE },
	{ "args-linux", no_argument, NULL, OPT_ARGS_LINUX },
	{ "args-elf", no_argument, NULL, OPT_ARGS_ELF },
	{ "args-none", no_argument, NULL, OPT_ARGS_NONE },
	{ "real-mode", no_argument, NULL, OPT_REAL_MODE },
	{ "entry-32bit", no_argument, NULL, OPT_ENTRY_32BIT },
	{ "elf32-core-headers", no_argument, NULL, OPT_ELF32_CORE },
	{ "elf64-core-headers", no_argument, NULL, OPT_ELF64_CORE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "force-dtb", no_argument, NULL, OPT_FORCE_DTB },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	{ "no-cma", no_argument, NULL, OPT_NO_CMA },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ "noefi", no_argument, NULL, OPT_NOEFI },
	{ "pass-memmap-cmdline", no_argument, NULL, OPT_PASS_MEMMAP_CMDLINE },
	{ "reuse-video-type", no_argument, NULL, OPT_REUSE_VIDEO_TYPE },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSEINITRD },
	{ "load-preserve-context", no_argument, NULL, OPT_LOAD_PRESERVE_CONTEXT },
	{ "load-jump-back-helper", no_argument, NULL, OPT_LOAD_JUMP_BACK_HELPER },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "exec-live-update", no_argument, NULL, OPT_EXEC_LIVE_UPDATE },
	{ "load-live-update", no_argument, NULL, OPT_LOAD_LIVE_UPDATE },
	{ NULL, 0, NULL, 0 },
};

/* kexec-tools options kx does not do, and why: refused before anything is
 * read or loaded, with exit status 1. */
static const struct {
	int opt;
	const char *why;
} refused[] = {
	{ OPT_REUSEINITRD, "--reuseinitrd is not supported on x86 (kexec-tools refuses it there "
			   "too): the initrd kept by retain_initrd lies in memory the new load may "
			   "place segments over; pass the initrd file again with --initrd=FILE" },
	{ OPT_LOAD_PRESERVE_CONTEXT, "--load-preserve-context (kexec jump) is not supported: kx's "
				     "purgatory never returns to this kernel; use -l to load a "
				     "kernel that replaces it" },
	{ OPT_LOAD_JUMP_BACK_HELPER, "--load-jump-back-helper (kexec jump) is not supported: kx "
				     "loads no image that returns to this kernel" },
	{ OPT_ENTRY, "--entry goes with --load-jump-back-helper (kexec jump), which kx does not "
		     "support" },
	{ OPT_EXEC_LIVE_UPDATE, "--exec-live-update (Xen live update) is not supported: kx does "
				"not load through the Xen hypervisor" },
	{ OPT_LOAD_LIVE_UPDATE, "--load-live-update (Xen live update) is not supported: kx does "
				"not load through the Xen hypervisor" },
};

void kx_usage(FILE *out)
{
	fputs("Usage: kexec [OPTION]... [KERNEL]\n"
	      "Load a kernel and reboot into it (kexec KERNEL), load it to boot later\n"
	      "(kexec -l), boot it (kexec -e), or load a capture kernel for crashes (kexec -p).\n\n"
	      "Actions:\n"
	      "  (none)                    load KERNEL, then run shutdown -r now\n"
	      "  -l, --load                load KERNEL to boot later with -e\n"
	      "  -p, --load-panic          load KERNEL to boot when this kernel panics\n"
	      "  -e, --exec                boot the loaded kernel now\n"
	      "  -f, --force               load KERNEL and boot it at once (no shutdown)\n"
	      "  -u, --unload              unload the loaded kernel (with -p: the capture kernel)\n"
	      "  -S, --status              exit 1 if the capture kernel is loaded, 0 if not\n"
	      "                            (with -l: the normal kernel)\n"
	      "      --print-ckr-size      print the size of the crash kernel region and exit\n"
	      "\nSyscall:\n"
	      "  -s, --kexec-file-syscall  use kexec_file_load (the kernel verifies the image)\n"
	      "  -c, --kexec-syscall       use kexec_load (kx builds every segment)\n"
	      "  -a, --kexec-syscall-auto  kexec_file_load, falling back to kexec_load (default)\n"
	      "      --no-cma              kexec_file_load: no segment in CMA memory\n"
	      "      --force-dtb           kexec_file_load: the kernel passes its DTB on\n"
	      "\nThe next kernel:\n"
	      "      --initrd=FILE, --ramdisk=FILE   initial ramdisk\n"
	      "      --append=STRING, --command-line=STRING   kernel command line (the\n"
	      "                            last one given counts)\n"
	      "      --reuse-cmdline       this kernel's command line, --append added after it\n"
	      "      --module=\"FILE ARGS\"  a multiboot module and its command line (repeatable)\n"
	      "      --dtb=FILE            a device tree for the next kernel (kexec_load)\n"
	      "  -t, --type=TYPE           image type instead of probing (bzImage64, linux16,\n"
	      "                            elf, multiboot2, ...; kexec-tools' names too)\n"
	      "      --args-linux          ELF: boot it as Linux (boot_params); default for a vmlinux\n"
	      "      --args-elf            ELF: command line and initrd addresses in rdi, rsi, rdx\n"
	      "      --args-none           ELF: pass nothing but the entry point\n"
	      "      --real-mode           Linux boot protocol: enter the setup code in real mode\n"
	      "      --entry-32bit         Linux boot protocol: enter code32_start in 32-bit mode\n"
	      "      --mem-min=ADDR        lowest address to load at\n"
	      "      --mem-max=ADDR        highest address to load at\n"
	      "      --noefi               kexec_load: hand no EFI state to the next kernel\n"
	      "      --reuse-video-type    keep this kernel's video type (kx always does)\n"
	      "\nCapture kernel (-p):\n"
	      "      --elf64-core-headers  ELF64 core header (the default)\n"
	      "      --elf32-core-headers  ELF32 core header (only if every address fits)\n"
	      "      --pass-memmap-cmdline kexec_load: also put its memory map on its command\n"
	      "                            line (memmap=exactmap memmap=...)\n"
	      "      --hotplug             accepted; hotplug-capable crash loads\n"
	      "\nPurgatory:\n"
	      "  -i, --no-checks           do not verify the SHA-256 of the loaded image\n"
	      "      --console-serial      print purgatory's progress on the serial port\n"
	      "      --serial=PORT         its port: ttyS0, ttyS1 or an I/O port like 0x3f8\n"
	      "                            (default 0x3f8 or this kernel's console)\n"
	      "      --serial-baud=BAUD    its speed, at least 9600 and dividing 115200\n"
	      "                            (default 115200 or this kernel's console)\n"
	      "      --console-vga         print purgatory's progress on the VGA text screen\n"
	      "      --reset-vga           reset the VGA adapter to text mode before entry\n"
	      "\nOther:\n"
	      "      --dry-run             build and print the complete plan, load nothing\n"
	      "      --json                with --dry-run: print the plan as JSON\n"
	      "  -x, --no-ifdown           do not bring network interfaces down on -e\n"
	      "  -y, --no-sync             do not sync filesystems on -e\n"
	      "  -d, --debug               print the plan and the syscall used, and ask the\n"
	      "                            kernel to log the load\n"
	      "      --sysroot=DIR         read /proc and /sys under DIR (tests, --dry-run)\n"
	      "      --test-bad-digest     test only: give purgatory a wrong digest; it must\n"
	      "                            refuse to boot and reset the machine\n"
	      "  -h, --help                this help\n"
	      "  -v, --version             print the version\n"
	      "\nNot supported, refused: --reuseinitrd, --load-preserve-context,\n"
	      "--load-jump-back-helper, --entry, --load-live-update, --exec-live-update.\n",
	      out);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* Appends s to a growing list of option values. */
static int push(const char ***list, size_t *n, const char *s)
{
	const char **grown = realloc(*list, (*n + 1) * sizeof(*grown));

	if (!grown) {
		fputs("kexec: out of memory\n", stderr);
		return -1;
	}
	grown[(*n)++] = s;
	*list = grown;
	return 0;
}

/* --serial as kexec-tools takes it (kexec/arch/x86_64/kexec-x86_64.c):
 * ttyS0, ttyS1 or a hexadecimal I/O port; a decimal port as kx took it
 * before. The port is 16 bits and not 0. */
static bool parse_serial_port(const char *s, uint16_t *port)
{
	static const struct {
		const char *name;
		uint16_t port;
	} names[] = { { "ttyS0", 0x3f8 }, { "ttyS1", 0x2f8 } };
	uint64_t v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*port = names[i].port;
			return true;
		}
	}
	if (!parse_u64(s, &v) || !v || v > 0xffff)
		return false;
	*port = (uint16_t)v;
	return true;
}

static int set_action(struct kx_request *r, bool *have, enum kx_action a, int opt)
{
	/* -S -l asks about the normal kernel (kexec-tools): -l is no second
	 * action there. */
	if (*have && ((r->action == KX_ACT_STATUS && a == KX_ACT_LOAD) ||
		      (r->action == KX_ACT_LOAD && a == KX_ACT_STATUS))) {
		r->action = KX_ACT_STATUS;
		return 0;
	}
	if (*have && r->action != a) {
		fprintf(stderr, "kexec: -%c conflicts with an action given before\n", opt);
		return 2;
	}
	r->action = a;
	*have = true;
	return 0;
}

int kx_parse_args(int argc, char **argv, struct kx_request *r)
{
	bool have_action = false, print_ckr_size = false;
	uint64_t v;
	int c, ret;

	memset(r, 0, sizeof(*r));
	r->sysroot = "/";
	opterr = 0;
	optind = 0; /* GNU getopt: start afresh, also on a second call */
	while ((c = getopt_long(argc, argv, ":hvdfxyilpueSt:sca", long_opts, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'h': r->action = KX_ACT_HELP; return 0;
		case 'v': r->action = KX_ACT_VERSION; return 0;
		case 'd':
			r->debug = true;
			r->options[KX_OPT_KERNEL_DEBUG] = true;
			break;
		case 'x': r->no_ifdown = true; break;
		case 'y': r->no_sync = true; break;
		case 'i': r->no_checks = true; break;
		case 'l':
			r->load_given = true;
			ret = set_action(r, &have_action, KX_ACT_LOAD, c);
			break;
		case 'p': r->panic = true; break;
		case 'f': ret = set_action(r, &have_action, KX_ACT_FORCE, c); break;
		case 'u': ret = set_action(r, &have_action, KX_ACT_UNLOAD, c); break;
		case 'e': ret = set_action(r, &have_action, KX_ACT_EXEC, c); break;
		case 'S': ret = set_action(r, &have_action, KX_ACT_STATUS, c); break;
		case 't': r->type = optarg; break;
		case 's': r->syscall = KX_SYSCALL_FILE; break;
		case 'c': r->syscall = KX_SYSCALL_LOAD; break;
		case 'a': r->syscall = KX_SYSCALL_AUTO; break;
		case OPT_INITRD: r->initrd = optarg; break;
		case OPT_APPEND: r->append = optarg; break; /* kexec-tools: the last one */
		case OPT_REUSE_CMDLINE: r->reuse_cmdline = true; break;
		case OPT_MEM_MIN:
		case OPT_MEM_MAX:
			if (!parse_u64(optarg, &v)) {
				fprintf(stderr, "kexec: --%s needs an address, got '%s'\n",
					c == OPT_MEM_MIN ? "mem-min" : "mem-max", optarg);
				return 2;
			}
			if (c == OPT_MEM_MIN)
				r->mem_min = v;
			else
				r->mem_max = v;
			break;
		case OPT_CONSOLE_SERIAL: r->console_serial = true; break;
		case OPT_CONSOLE_VGA: r->console_vga = true; break;
		case OPT_RESET_VGA: r->reset_vga = true; break;
		case OPT_SERIAL:
			if (!parse_serial_port(optarg, &r->serial_port)) {
				fprintf(stderr, "kexec: --serial needs ttyS0, ttyS1 or an I/O port "
					"like 0x3f8 (1 to 0xffff), got '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_SERIAL_BAUD:
			/* kexec-tools: at least 9600, and a divisor of 115200. */
			if (!parse_u64(optarg, &v) || v < 9600 || v > 115200 || 115200 % v) {
				fprintf(stderr, "kexec: --serial-baud must be at least 9600 and divide "
					"115200 (9600, 19200, 38400, 57600, 115200), got '%s'\n",
					optarg);
				return 2;
			}
			r->serial_baud = (uint32_t)v;
			break;
		case OPT_DRY_RUN: r->dry_run = true; break;
		case OPT_JSON: r->json = true; break;
		case OPT_SYSROOT: r->sysroot = optarg; break;
		case OPT_TEST_BAD_DIGEST: r->test_bad_digest = true; break;
		case OPT_ARGS_LINUX: r->args = KX_ARGS_LINUX; break;
		case OPT_ARGS_ELF: r->args = KX_ARGS_ELF; break;
		case OPT_ARGS_NONE: r->args = KX_ARGS_NONE; break;
		case OPT_REAL_MODE:
		case OPT_ENTRY_32BIT: {
			enum kx_linux_entry e = c == OPT_REAL_MODE ? KX_LINUX_ENTRY_REAL16
								   : KX_LINUX_ENTRY_PM32;

			if (r->linux_entry != KX_LINUX_ENTRY_AUTO && r->linux_entry != e) {
				fputs("kexec: --real-mode and --entry-32bit exclude each other\n",
				      stderr);
				return 2;
			}
			r->linux_entry = e;
			break;
		}
		case OPT_MODULE:
			if (push(&r->modules, &r->n_modules, optarg) < 0)
				return 1;
			break;
		case OPT_ELF32_CORE: r->options[KX_OPT_ELF32_CORE_HEADERS] = true; break;
		case OPT_ELF64_CORE: r->options[KX_OPT_ELF32_CORE_HEADERS] = false; break;
		case OPT_DTB: r->dtb = optarg; break;
		case OPT_FORCE_DTB: r->options[KX_OPT_FORCE_DTB] = true; break;
		case OPT_HOTPLUG: r->hotplug = true; break;
		case OPT_NO_CMA: r->options[KX_OPT_NO_CMA] = true; break;
		case OPT_NOEFI: r->options[KX_OPT_NO_EFI] = true; break;
		case OPT_PASS_MEMMAP_CMDLINE: r->options[KX_OPT_PASS_MEMMAP_CMDLINE] = true; break;
		/* kx always passes the running kernel's screen_info on, video
		 * type included, as the kernel's own kexec_file_load does. */
		case OPT_REUSE_VIDEO_TYPE: break;
		/* Wins over any action, as in kexec-tools (it prints and exits
		 * when it meets the option); parsing goes on for --sysroot. */
		case OPT_PRINT_CKR_SIZE: print_ckr_size = true; break;
		case OPT_REUSEINITRD:
		case OPT_LOAD_PRESERVE_CONTEXT:
		case OPT_LOAD_JUMP_BACK_HELPER:
		case OPT_ENTRY:
		case OPT_EXEC_LIVE_UPDATE:
		case OPT_LOAD_LIVE_UPDATE:
			for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
				if (refused[i].opt == c)
					fprintf(stderr, "kexec: %s\n", refused[i].why);
			return 1;
		case ':':
			fprintf(stderr, "kexec: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			if (optopt)
				fprintf(stderr, "kexec: unknown option '-%c' (see kexec --help)\n", optopt);
			else
				fprintf(stderr, "kexec: unknown option '%s' (see kexec --help)\n",
					argv[optind - 1]);
			return 2;
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		r->kernel = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "kexec: unexpected argument '%s' (one kernel image only)\n",
			argv[optind]);
		return 2;
	}
	if (print_ckr_size) {
		r->action = KX_ACT_PRINT_CKR_SIZE;
		return 0;
	}
	if (r->json && !r->dry_run) {
		fputs("kexec: --json goes with --dry-run\n", stderr);
		return 2;
	}
	if ((r->action == KX_ACT_LOAD || r->action == KX_ACT_FORCE) && !r->kernel) {
		if (!have_action && !r->panic)
			fputs("kexec: no kernel image given (see kexec --help)\n", stderr);
		else
			fputs("kexec: no kernel image given to load\n", stderr);
		return 2;
	}
	if (r->action == KX_ACT_FORCE && r->panic) {
		fputs("kexec: -f and -p do not go together (a capture kernel boots on panic)\n",
		      stderr);
		return 2;
	}
	r->shutdown_after = !have_action && !r->panic && !r->dry_run;
	return 0;
}

void kx_request_free(struct kx_request *r)
{
	free(r->modules);
	r->modules = NULL;
	r->n_modules = 0;
}
