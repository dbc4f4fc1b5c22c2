/*
 * NAME
 *	socket-swap.c - LD_PRELOAD shim for tests/socket-perms.sh
 * DESCRIPTION
 *	Plays the daemon user who can write the socket's directory: right
 *	after bind() creates a unix socket, the file named by PCM_TEST_SWAP
 *	(a symbolic link to a root file) is renamed over the socket path.
 *	This makes the window between bind() and any later use of the path
 *	certain instead of a race.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int (*real_bind)(int, const struct sockaddr *, socklen_t) =
		(int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
	const char *swap = getenv("PCM_TEST_SWAP");
	int rc = real_bind(fd, addr, len);

	if (rc == 0 && swap != NULL && addr->sa_family == AF_UNIX)
		if (rename(swap, ((const struct sockaddr_un *)addr)->sun_path) != 0)
			perror("socket-swap: rename");
	return rc;
}
