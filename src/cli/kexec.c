/* SPDX-License-Identifier: MIT */
/* The kexec program: all of it is kx_cli_main (cli/main.c), which the CLI
 * tests also call. */
#include "cli/options.h"

int main(int argc, char **argv)
{
	return kx_cli_main(argc, argv);
}
