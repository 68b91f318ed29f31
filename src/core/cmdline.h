/* SPDX-License-Identifier: MIT */
/* Kernel command line handling: reuse of the running one, joining pieces. */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H

#include <stdbool.h>

/* The running command line without BOOT_IMAGE= (added by boot loaders, wrong for
 * the next kernel) and, for a capture kernel, without crashkernel=. Words keep
 * their quoting. Returns a new string or NULL on allocation failure. */
char *kx_cmdline_reuse(const char *running, bool drop_crashkernel);
/* Appends `piece` to *line with one space between; *line may be NULL. */
int kx_cmdline_append(char **line, const char *piece);
/* Whether the command line has parameter `name`, alone or as name=value. */
bool kx_cmdline_has_param(const char *line, const char *name);

#endif
