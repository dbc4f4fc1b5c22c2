/*
 * NAME
 *	client.c - one request to the daemon's control socket (client.h)
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

gboolean
pcm_control_ask(const char *path, const char *request, GString *answer, GError **error)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (*path == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "[milter] control_socket is empty or too long: no daemon to ask");
		return FALSE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "cannot reach the daemon at %s: %s (is portcullis running, and are you "
			    "root or in its group?)", path, g_strerror(saved));
		return FALSE;
	}
	{
		g_autofree char *line = g_strconcat(request, "\n", NULL);

		/* the daemon may answer (and close) before reading, when it
		 * refuses the peer: its answer is read either way */
		if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) { /* read tells */ }
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(answer, buf, n);
	close(fd);
	if (g_str_has_prefix(answer->str, "ok\n")) {
		g_string_erase(answer, 0, 3);
		return TRUE;
	}
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s",
		    answer->len ? g_strchomp(answer->str) + (g_str_has_prefix(answer->str,
			"error: ") ? 7 : 0) : "the daemon closed without an answer");
	return FALSE;
}

