/*
 * NAME
 *	failshim.c - LD_PRELOAD fault injection for file system calls
 * SYNOPSIS
 *	PC_FAIL_CALL=write PC_FAIL_NTH=3 PC_FAIL_UNDER=/dir \
 *	PC_FAIL_REPORT=/file LD_PRELOAD=failshim.so portcullis ...
 * DESCRIPTION
 *	Counts the calls of one function (mkdir, open, write, mmap, rename or
 *	fsync) that touch a file under PC_FAIL_UNDER, and makes the Nth fail
 *	(ENOSPC for write and fsync, EACCES for mkdir, open and rename, ENOMEM
 *	for mmap).  N = 0 fails nothing: it only counts.  At exit the count
 *	goes to PC_FAIL_REPORT, so a test knows which N reach a call site.
 *	Calls on sockets, pipes and files elsewhere (libmilter, logs, the
 *	signature files) are passed through: the faults are the ones a full
 *	or vanished spool directory causes.  PC_FAIL_CALL=magic_buffer makes
 *	libmagic's Nth answer NULL, as it is when libmagic fails.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *shim_call;
static const char *shim_under;
static long shim_nth;
static long shim_count;
static pthread_mutex_t shim_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void
shim_init(void)
{
	const char *nth = getenv("PC_FAIL_NTH");

	shim_call = getenv("PC_FAIL_CALL");
	shim_under = getenv("PC_FAIL_UNDER");
	shim_nth = nth ? atol(nth) : 0;
}

__attribute__((destructor)) static void
shim_report(void)
{
	const char *path = getenv("PC_FAIL_REPORT");
	FILE *f;

	if (path == NULL || shim_call == NULL || (f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "%ld\n", shim_count);
	fclose(f);
}

static int
shim_path_under(const char *path)
{
	size_t n;

	if (shim_under == NULL || path == NULL)
		return 0;
	n = strlen(shim_under);
	return strncmp(path, shim_under, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A regular file (or, with dirs, a directory) whose name is under the
 * directory; unlinked files too. */
static int
shim_fd_under(int fd, int dirs)
{
	char link[64], path[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || (dirs && S_ISDIR(st.st_mode))))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return shim_path_under(path);
}

/* Whether this call, of function name on a matching file, must fail. */
static int
shim_fail(const char *name, int matches)
{
	int fail;

	if (shim_call == NULL || strcmp(shim_call, name) != 0 || !matches)
		return 0;
	pthread_mutex_lock(&shim_lock);
	fail = ++shim_count == shim_nth;
	pthread_mutex_unlock(&shim_lock);
	return fail;
}

#define SHIM_REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (real == NULL) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

int
mkdir(const char *path, mode_t mode)
{
	SHIM_REAL(int, "mkdir", const char *, mode_t);
	if (shim_fail("mkdir", shim_path_under(path))) {
		errno = EACCES;
		return -1;
	}
	return real(path, mode);
}

static int
shim_open(const char *sym, int at, int dirfd, const char *path, int flags, mode_t mode)
{
	static int (*real_open)(const char *, int, ...);
	static int (*real_openat)(int, const char *, int, ...);

	if (shim_fail("open", shim_path_under(path))) {
		errno = EACCES;
		return -1;
	}
	if (at) {
		if (real_openat == NULL)
			real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, sym);
		return real_openat(dirfd, path, flags, mode);
	}
	if (real_open == NULL)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, sym);
	return real_open(path, flags, mode);
}

#define SHIM_MODE(flags) \
	mode_t mode = 0; \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	}

int
open(const char *path, int flags, ...)
{
	SHIM_MODE(flags);
	return shim_open("open", 0, 0, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	SHIM_MODE(flags);
	return shim_open("open64", 0, 0, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	SHIM_MODE(flags);
	return shim_open("openat", 1, dirfd, path, flags, mode);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	SHIM_REAL(ssize_t, "write", int, const void *, size_t);
	if (shim_call != NULL && strcmp(shim_call, "write") == 0 &&
	    shim_fail("write", shim_fd_under(fd, 0))) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len);
}

static void *
shim_mmap(const char *sym, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);

	if (real == NULL)
		real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, sym);
	if (fd >= 0 && shim_call != NULL && strcmp(shim_call, "mmap") == 0 &&
	    shim_fail("mmap", shim_fd_under(fd, 0))) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return real(addr, len, prot, flags, fd, off);
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return shim_mmap("mmap", addr, len, prot, flags, fd, off);
}

void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return shim_mmap("mmap64", addr, len, prot, flags, fd, off);
}

int
rename(const char *from, const char *to)
{
	SHIM_REAL(int, "rename", const char *, const char *);
	if (shim_fail("rename", shim_path_under(from) || shim_path_under(to))) {
		errno = EACCES;
		return -1;
	}
	return real(from, to);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	SHIM_REAL(int, "renameat", int, const char *, int, const char *);
	if (shim_fail("rename", shim_path_under(from) || shim_path_under(to))) {
		errno = EACCES;
		return -1;
	}
	return real(fromfd, from, tofd, to);
}

int
fsync(int fd)
{
	SHIM_REAL(int, "fsync", int);
	if (shim_call != NULL && strcmp(shim_call, "fsync") == 0 &&
	    shim_fail("fsync", shim_fd_under(fd, 1))) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

const char *magic_buffer(void *cookie, const void *buf, size_t len);

const char *
magic_buffer(void *cookie, const void *buf, size_t len)
{
	SHIM_REAL(const char *, "magic_buffer", void *, const void *, size_t);
	if (shim_fail("magic_buffer", 1))
		return NULL;
	return real(cookie, buf, len);
}
