/* SPDX-License-Identifier: MIT */
/*
 * kx-plan: prints the plan libkx would load, as `kexec --dry-run --json`
 * does, using only the public API. An example for boot managers:
 *
 *   cc kx-plan.c $(pkg-config --cflags --libs kx) -o kx-plan
 *   kx-plan /boot/vmlinuz --initrd=/boot/initrd.img --append="quiet"
 */
#include <stdio.h>
#include <string.h>

#include <kx/kx.h>

static int usage(void)
{
	fputs("usage: kx-plan KERNEL [--initrd=FILE] [--append=STRING] [--sysroot=DIR] [-p]\n",
	      stderr);
	return 2;
}

/* The value of "--name=value" when arg is that option, else NULL. */
static const char *option_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) || arg[n] != '=' ? NULL : arg + n + 1;
}

int main(int argc, char **argv)
{
	const char *kernel = NULL, *initrd = NULL, *sysroot = NULL, *v;
	kx_loader *l;
	kx_error *err = NULL;
	int ret = 0;

	l = kx_loader_new();
	if (!l) {
		fputs("kx-plan: out of memory\n", stderr);
		return 1;
	}
	for (int i = 1; i < argc && !ret; i++) {
		if ((v = option_value(argv[i], "--initrd")))
			initrd = v;
		else if ((v = option_value(argv[i], "--append")))
			ret = kx_set_append(l, v, &err);
		else if ((v = option_value(argv[i], "--sysroot")))
			sysroot = v;
		else if (!strcmp(argv[i], "-p"))
			ret = kx_set_panic(l, true, &err);
		else if (argv[i][0] != '-' && !kernel)
			kernel = argv[i];
		else {
			kx_loader_free(l);
			return usage();
		}
	}
	if (!ret && !kernel) {
		kx_loader_free(l);
		return usage();
	}
	if (!ret && sysroot)
		ret = kx_set_sysroot(l, sysroot, &err);
	if (!ret)
		ret = kx_open_image(l, kernel, &err);
	if (!ret && initrd)
		ret = kx_set_initrd(l, initrd, &err);
	if (!ret)
		ret = kx_build(l, &err);
	if (!ret)
		ret = kx_print_plan(l, stdout, KX_PRINT_JSON, &err);
	if (ret < 0) {
		fprintf(stderr, "kx-plan: %s\n", kx_error_message(err));
		kx_error_free(err);
	}
	kx_loader_free(l);
	return ret < 0 ? 1 : 0;
}
