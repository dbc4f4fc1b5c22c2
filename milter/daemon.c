/*
 * NAME
 *	daemon.c - socket file, background mode, pidfile and privileges
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <libmilter/mfapi.h>
#include <glib/gstdio.h>

#include "daemon.h"
#include "runtime.h"
#include "groups.h"

static int pcm_ready_fd = -1;

static gboolean
pcm_daemon_fail(GError **error, const char *fmt, const char *arg)
{
	int saved = errno;

	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), fmt, arg,
		    g_strerror(saved));
	return FALSE;
}

/* The socket's directory may be writable by the user we become, who could
 * swap the socket for a link between bind() and a chown by path, and have
 * root give a file of its choice to socket_group.  So the group is set on
 * the inode just opened without following links, once it is known to be a
 * socket; the mode was set by bind() itself (pcm_daemon_listen). */
static gboolean
pcm_daemon_socket_group(const char *path, const char *group, GError **error)
{
	struct group *gr = getgrnam(group);
	struct stat st;
	int fd;

	if (gr == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "[milter] socket_group: no group named %s", group);
		return FALSE;
	}
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pcm_daemon_fail(error, "cannot open socket %s: %s", path);
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "socket %s was replaced by "
			    "something that is not our socket; its group is left alone", path);
		return FALSE;
	}
	if (fchownat(fd, "", (uid_t)-1, gr->gr_gid, AT_EMPTY_PATH) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return pcm_daemon_fail(error, "cannot chgrp socket %s: %s", path);
	}
	close(fd);
	return TRUE;
}

/* libmilter replaces an old socket but follows a link to decide whether
 * it is one: whatever is at the path must be a socket itself. */
static gboolean
pcm_daemon_check_socket_path(const char *path, GError **error)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ||
		       pcm_daemon_fail(error, "cannot check socket %s: %s", path);
	if (S_ISSOCK(st.st_mode))
		return TRUE;
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
		    "[milter] socket: %s exists and is not a socket%s; remove it or choose "
		    "another path", path, S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
	return FALSE;
}

/* bind() creates the socket file with the umask applied: the mode is right
 * from the first moment and never set by path.  umask is per process; no
 * thread creates files yet at this point of the start. */
static gboolean
pcm_daemon_listen(const PcmConfig *conf, gboolean unix_socket)
{
	mode_t saved = unix_socket ? umask(~conf->socket_mode & 0777) : 0;
	int rc = smfi_opensocket(TRUE);

	if (unix_socket)
		umask(saved);
	return rc == MI_SUCCESS;
}

char *
pcm_daemon_unix_path(const char *socket)
{
	if (g_str_has_prefix(socket, "unix:"))
		return g_strdup(socket + 5);
	if (g_str_has_prefix(socket, "local:"))
		return g_strdup(socket + 6);
	return *socket == '/' ? g_strdup(socket) : NULL;
}

void
pcm_daemon_unlink_dead_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;
	gboolean alive;

	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode) || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	alive = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	if (!alive)
		unlink(path);
}

gboolean
pcm_daemon_open_socket(const PcmConfig *conf, GError **error)
{
	g_autofree char *path = pcm_daemon_unix_path(conf->socket);

	if (smfi_setconn(conf->socket) != MI_SUCCESS) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "[milter] socket: \"%s\" is not a valid milter socket "
			    "(unix:/path, inet:port@host, inet6:port@host)", conf->socket);
		return FALSE;
	}
	if (path != NULL && !pcm_daemon_check_socket_path(path, error))
		return FALSE;
	if (!pcm_daemon_listen(conf, path != NULL)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			    "cannot listen on %s (directory missing, address in use, or "
			    "no permission?)", conf->socket);
		return FALSE;
	}
	return path == NULL || *conf->socket_group == '\0' ||
	       pcm_daemon_socket_group(path, conf->socket_group, error);
}

gboolean
pcm_daemon_detach(GError **error)
{
	int pipefd[2];
	pid_t pid;
	char byte;

	if (pipe(pipefd) != 0)
		return pcm_daemon_fail(error, "cannot %s: %s", "create a pipe");
	pid = fork();
	if (pid < 0)
		return pcm_daemon_fail(error, "cannot %s: %s", "fork");
	if (pid > 0) {
		close(pipefd[1]);
		/* Exit status tells an init script whether start-up worked. */
		_exit(read(pipefd[0], &byte, 1) == 1 ? 0 : 1);
	}
	close(pipefd[0]);
	pcm_ready_fd = pipefd[1];
	setsid();
	if (chdir("/") != 0)
		return pcm_daemon_fail(error, "cannot chdir to %s: %s", "/");
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	return TRUE;
}

void
pcm_daemon_ready(void)
{
	if (pcm_ready_fd >= 0) {
		ssize_t n = write(pcm_ready_fd, "", 1);

		(void)n;
		close(pcm_ready_fd);
		pcm_ready_fd = -1;
	}
}

gboolean
pcm_daemon_write_pidfile(const char *path, GError **error)
{
	g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());

	if (*path == '\0')
		return TRUE;
	return g_file_set_contents(path, text, -1, error);
}

gboolean
pcm_daemon_drop_privileges(const char *user, GError **error)
{
	struct passwd *pw;

	if (*user == '\0')
		return TRUE;
	pw = getpwnam(user);
	if (pw == NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "[milter] user: no user named %s", user);
		return FALSE;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return pcm_daemon_fail(error, "cannot become user %s: %s", user);
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "privileges could not be dropped to %s", user);
		return FALSE;
	}
	return TRUE;
}

void
pcm_daemon_files_for_user(const char *user)
{
	struct passwd *pw;

	if (*user == '\0' || geteuid() != 0)
		return;
	pw = getpwnam(user);
	if (pw != NULL)
		pcm_runtime_set_key_owner(pw->pw_uid, pw->pw_gid);
}

static gboolean
pcm_daemon_check_dir(const char *group_key, const char *dir, GError **error)
{
	if (g_access(dir, W_OK | X_OK) == 0)
		return TRUE;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "%s %s: %s; create it, writable by the user portcullis runs as",
		    group_key, dir, g_strerror(errno));
	return FALSE;
}

static gboolean
pcm_daemon_keeps(const PcPolicy *policy)
{
	return policy->block_action == PC_BLOCK_QUARANTINE || policy->quarantine != 0;
}

static gboolean
pcm_daemon_notifies(const PcPolicy *policy)
{
	return (policy->notify_admin | policy->notify_recipients | policy->notify_sender) != 0;
}

/* Whether the default policy or any group's asks for it. */
static gboolean
pcm_daemon_any_policy(const PcmConfig *conf, gboolean (*wants)(const PcPolicy *))
{
	if (wants(&conf->policy))
		return TRUE;
	for (guint i = 0; conf->groups != NULL && i < conf->groups->len; i++)
		if (wants(&((const PcGroup *)g_ptr_array_index(conf->groups, i))->policy))
			return TRUE;
	return FALSE;
}

/* A directory made at start when missing; -t (make FALSE) checks one
 * that exists and leaves a missing one to the daemon, which makes it as
 * its own user (made by root, the daemon could not write to it). */
static gboolean
pcm_daemon_made_dir(const char *group_key, const char *dir, gboolean make, GError **error)
{
	if (make)
		g_mkdir_with_parents(dir, 0700);
	else if (!g_file_test(dir, G_FILE_TEST_EXISTS))
		return TRUE;
	return pcm_daemon_check_dir(group_key, dir, error);
}

/* Directories a policy writes to are checked at start, not at the first
 * virus; the scan scratch and the notification queue are made when missing
 * (both live under spool_dir by default, which must already exist). */
gboolean
pcm_daemon_check_dirs(const PcmConfig *conf, gboolean make, GError **error)
{
	if (!pcm_daemon_check_dir("[message] spool_dir", conf->spool_dir, error) ||
	    !pcm_daemon_made_dir("[av] tmp_dir", conf->scan_tmp_dir, make, error))
		return FALSE;
	if (conf->quarantine_store == PCM_QUARANTINE_DIRECTORY &&
	    pcm_daemon_any_policy(conf, pcm_daemon_keeps) &&
	    !pcm_daemon_check_dir("[quarantine] quarantine_dir", conf->quarantine_dir, error))
		return FALSE;
	if (*conf->archive_dir != '\0' &&
	    !pcm_daemon_check_dir("[quarantine] archive_dir", conf->archive_dir, error))
		return FALSE;
	return !pcm_daemon_any_policy(conf, pcm_daemon_notifies) ||
	       pcm_daemon_made_dir("[notify] queue_dir", conf->notify_queue_dir, make, error);
}
