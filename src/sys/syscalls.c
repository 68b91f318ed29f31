/* SPDX-License-Identifier: MIT */
#include "sys/kexec_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch_defs.h"
#include "core/err.h"
#include "sys/sysfacts.h"

struct kexec_segment {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

int kx_map_file(const char *path, const char *what, struct kx_mapped *m)
{
	uint64_t size;
	void *p;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = kx_open_regular(path, what, &m->fd, &size);
	if (ret < 0)
		return ret;
	if (size > SIZE_MAX) {
		kx_unmap_file(m);
		return kx_err(EFBIG, what, "%s is too large to map", path);
	}
	if (size == 0)
		return 0;
	/* Not populated: a kexec_file_load never touches the initrd's pages here
	 * (the kernel reads the file), and a dry run drops them as it hashes
	 * (kx_mapped_release), so only what is in use counts in our RSS. */
	p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, m->fd, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		kx_unmap_file(m);
		return kx_err(e, what, "cannot map %s: %s", path, strerror(e));
	}
	/* One sequential pass (hashing); tell the kernel to read ahead. */
	madvise(p, (size_t)size, MADV_SEQUENTIAL);
	m->data = p;
	m->len = (size_t)size;
	return 0;
}

bool kx_mapped_release(const struct kx_mapped *m, const void *buf, size_t len)
{
	uintptr_t base = (uintptr_t)m->data, lo = (uintptr_t)buf, hi = lo + len;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	if (!m->data || lo < base || hi < lo || hi > base + m->len)
		return false;
	/* Whole pages inside [buf, buf+len) only: the bytes either side may not
	 * be hashed yet. The mapping is private and never written, so a page
	 * touched again later is read back from the file, unchanged. */
	lo = (lo + page - 1) & ~(page - 1);
	hi = hi == base + m->len ? (hi + page - 1) & ~(page - 1) : hi & ~(page - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	return true;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int kx_memfd_build(const char *name, const struct kx_span *parts, size_t n, size_t align,
		   struct kx_mapped *m)
{
	static const uint8_t zeros[16];
	size_t total = 0;
	int ret = 0;

	memset(m, 0, sizeof(*m));
	m->fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m->fd < 0)
		return kx_err(errno, "kexec", "memfd_create for the %s: %s", name, strerror(errno));
	for (size_t i = 0; i < n && !ret; i++) {
		size_t pad = i + 1 < n && align > 1 ? (align - parts[i].len % align) % align : 0;

		ret = write_all(m->fd, parts[i].data, parts[i].len);
		total += parts[i].len + pad;
		for (size_t z; !ret && pad; pad -= z) {
			z = pad < sizeof(zeros) ? pad : sizeof(zeros);
			ret = write_all(m->fd, zeros, z);
		}
	}
	/* EFAULT: a mapped source file shrank under us (write() reports what
	 * would be SIGBUS for a load from the mapping). */
	if (ret == -EFAULT)
		ret = kx_err(EIO, "kexec", "a file changed or became unreadable while kx copied it "
			     "into the %s; nothing was loaded: try again", name);
	else if (ret < 0)
		ret = kx_err(-ret, "kexec", "cannot write the %s: %s", name, strerror(-ret));
	/* Sealed: the kernel's file loader reads exactly what the plan shows. */
	if (!ret && fcntl(m->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
			  F_SEAL_SEAL) < 0)
		ret = kx_err(errno, "kexec", "cannot seal the %s: %s", name, strerror(errno));
	if (!ret && total) {
		void *p = mmap(NULL, total, PROT_READ, MAP_PRIVATE, m->fd, 0);

		if (p == MAP_FAILED)
			ret = kx_err(errno, "kexec", "cannot map the %s: %s", name, strerror(errno));
		else
			m->data = p;
	}
	if (ret < 0) {
		kx_unmap_file(m);
		return ret;
	}
	m->len = total;
	return 0;
}

void kx_unmap_file(struct kx_mapped *m)
{
	if (m->data)
		munmap((void *)m->data, m->len);
	if (m->fd >= 0)
		close(m->fd);
	m->data = NULL;
	m->len = 0;
	m->fd = -1;
}

int kx_sys_kexec_load(const struct kx_plan *p, unsigned long flags)
{
	struct kexec_segment segs[KX_MAX_SEGMENTS];

	for (size_t i = 0; i < p->n; i++) {
		segs[i] = (struct kexec_segment){
			.buf = p->seg[i].buf,
			.bufsz = p->seg[i].bufsz,
			.mem = (const void *)(uintptr_t)p->seg[i].mem,
			.memsz = p->seg[i].memsz,
		};
	}
	if (syscall(SYS_kexec_load, p->entry, p->n, segs, flags | KX_ARCH_KEXEC_FLAG) < 0)
		return -errno;
	return 0;
}

int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline,
			   unsigned long flags)
{
	const char *c = cmdline ? cmdline : "";

	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, strlen(c) + 1, c, flags) < 0)
		return -errno;
	return 0;
}

int kx_sys_kexec_unload(bool panic, bool file_syscall)
{
	long r;

	if (file_syscall)
		r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL,
			    KX_KEXEC_FILE_UNLOAD | (panic ? KX_KEXEC_FILE_ON_CRASH : 0));
	else
		r = syscall(SYS_kexec_load, 0UL, 0UL, NULL,
			    KX_ARCH_KEXEC_FLAG | (panic ? KX_KEXEC_ON_CRASH : 0));
	return r < 0 ? -errno : 0;
}

static const struct kx_sys_kexec_ops real_kexec_ops = {
	.file_load = kx_sys_kexec_file_load,
	.load = kx_sys_kexec_load,
	.unload = kx_sys_kexec_unload,
	.loaded = kx_kexec_loaded,
	.ifdown = kx_sys_ifdown,
	.reboot_kexec = kx_sys_reboot_kexec,
};
/* The one mutable global of libkx: a test seam (kx_sys_set_kexec_ops). Only
 * unit tests change it; the library reads it. */
static const struct kx_sys_kexec_ops *kexec_ops = &real_kexec_ops;

const struct kx_sys_kexec_ops *kx_sys_kexec(void)
{
	return kexec_ops;
}

bool kx_sys_kexec_is_real(void)
{
	return kexec_ops == &real_kexec_ops;
}

void kx_sys_set_kexec_ops(const struct kx_sys_kexec_ops *ops)
{
	kexec_ops = ops ? ops : &real_kexec_ops;
}

int kx_sys_reboot_kexec(void)
{
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
	return -errno;
}

static int read_small(const char *root, const char *rel, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root ? root : "", rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int kx_kexec_loaded(const char *root, bool panic, bool *loaded)
{
	const char *rel = panic ? "sys/kernel/kexec_crash_loaded" : "sys/kernel/kexec_loaded";
	char buf[16];
	int ret = read_small(root, rel, buf, sizeof(buf));

	if (ret < 0)
		return kx_err(-ret, "kexec", "cannot read /%s: %s (kernel without kexec support?)",
			      rel, strerror(-ret));
	*loaded = buf[0] == '1';
	return 0;
}

const char *kx_eperm_reason(const char *root)
{
	char buf[256];

	if (geteuid() != 0)
		return "must be run as root (loading a kernel needs CAP_SYS_BOOT)";
	if (read_small(root, "sys/kernel/security/lockdown", buf, sizeof(buf)) == 0 &&
	    !strstr(buf, "[none]"))
		return "the kernel is locked down (Secure Boot?) and refuses kexec_load; "
		       "use -s (kexec_file_load) with a signed kernel";
	if (read_small(root, "proc/sys/kernel/kexec_load_disabled", buf, sizeof(buf)) == 0 &&
	    buf[0] == '1')
		return "kexec is disabled by kernel.kexec_load_disabled=1 until the next reboot";
	return "permission denied (a security module or lockdown refuses kexec_load; try -s)";
}

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int kx_sys_ifdown(void)
{
	struct if_nameindex *ifs = if_nameindex();
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	/* Best effort, like shutdown would do: a NIC still doing DMA into memory
	 * the next kernel reuses is the classic kexec corruption. */
	if (ifs && s >= 0) {
		for (struct if_nameindex *i = ifs; i->if_index; i++) {
			struct ifreq ifr;

			if (!strcmp(i->if_name, "lo"))
				continue;
			memset(&ifr, 0, sizeof(ifr));
			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
			if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
				continue;
			ifr.ifr_flags &= ~IFF_UP;
			ioctl(s, SIOCSIFFLAGS, &ifr);
		}
	}
	if (s >= 0)
		close(s);
	if (ifs)
		if_freenameindex(ifs);
	return 0;
}
