/*
 * NAME
 *	control.c - the control socket (control.h)
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <portcullis/engine.h>
#include <portcullis/text.h>

#include "callbacks.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "runtime.h"
#include "stats.h"

/* A reload waited for at most this long; longer, the client hears so and
 * the reload goes on. */
#define PCM_CONTROL_RELOAD_WAIT (15 * 60 * G_USEC_PER_SEC)
#define PCM_CONTROL_LINE_MAX 256

static struct {
	int fd;
	char *path;
	GThread *thread;
	gint64 started;		/* wall clock, µs */
} pcm_control = { .fd = -1 };

/* Root, our user, or someone in our group (the socket's mode says the same;
 * this holds even if the mode is changed by hand). */
static gboolean
pcm_control_peer_ok(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[256];
	int n = G_N_ELEMENTS(groups);
	struct passwd *pw;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return FALSE;
	if (cred.uid == 0 || cred.uid == geteuid() || cred.gid == getegid())
		return TRUE;
	pw = getpwuid(cred.uid);
	if (pw == NULL || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return FALSE;
	for (int i = 0; i < n; i++)
		if (groups[i] == getegid())
			return TRUE;
	return FALSE;
}

static char *
pcm_control_time(gint64 us)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(us / G_USEC_PER_SEC);

	return t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
}

static char *
pcm_control_status(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	const PcEngineInfo *info = pc_engine_info(rt->engine);
	gint64 up = (g_get_real_time() - pcm_control.started) / G_USEC_PER_SEC;
	PcmReloadResult last;
	GString *out = g_string_new("ok\n");

	g_string_append_printf(out, "version: %s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	g_string_append_printf(out, "uptime: %" G_GINT64_FORMAT "s\n", up);
	g_string_append_printf(out, "scanner: %s\n", info->scanner_version);
	g_string_append_printf(out, "database: %s, version %s, %u signatures\n",
			       info->database_dir, info->database_version, info->signatures);
	if (info->database_missing != NULL)
		g_string_append_printf(out, "waiting for signatures (mail is tempfailed): %s\n",
				       info->database_missing);
	g_string_append_printf(out, "spam rules: %u (%u SpamAssassin lines skipped)\n",
			       info->spam_rules, info->spam_skipped);
	if (info->bayes_store)
		g_string_append_printf(out, "bayes: %" G_GUINT64_FORMAT " spam, %" G_GUINT64_FORMAT
				       " ham learned; %s\n", info->bayes_spam, info->bayes_ham,
				       info->bayes_active ? "active" : "not yet active");
	else
		g_string_append(out, "bayes: off\n");
	g_string_append_printf(out, "sender authentication: %s\n", rt->conf->auth ? "on" : "off");
	g_string_append_printf(out, "messages in flight: %u\nconnections open: %u\n",
			       pcm_messages_in_flight(), pcm_connections_open());
	pcm_reload_last(&last);
	if (last.when == 0) {
		g_string_append(out, "last reload: none\n");
	} else {
		g_autofree char *when = pcm_control_time(last.when);

		g_string_append_printf(out, "last reload: %s, %s, %s: %s\n", when, last.what,
				       last.ok ? "worked" : "failed", last.detail);
	}
	pcm_reload_result_clear(&last);
	return g_string_free(out, FALSE);
}

/* The same facts for a program (the web console's statistics). */
static char *
pcm_control_status_json(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	const PcEngineInfo *info = pc_engine_info(rt->engine);
	GString *out = g_string_new("ok\n{\"version\":");

	pc_text_json_append(out, PACKAGE_VERSION);
	g_string_append_printf(out, ",\"uptime\":%" G_GINT64_FORMAT ",\"database_version\":",
			       (g_get_real_time() - pcm_control.started) / G_USEC_PER_SEC);
	pc_text_json_append(out, info->database_version);
	g_string_append_printf(out, ",\"database_age_seconds\":%" G_GINT64_FORMAT
			       ",\"signatures\":%u,\"waiting_for_signatures\":%s"
			       ",\"in_flight\":%u,\"connections\":%u}\n",
			       pcm_metrics_database_age(info->database_dir), info->signatures,
			       info->database_missing ? "true" : "false", pcm_messages_in_flight(),
			       pcm_connections_open());
	return g_string_free(out, FALSE);
}

static char *
pcm_control_reload(const char *what)
{
	static const struct { const char *word; PcmReloadKind kind; const char *said; } kinds[] = {
		{ "config", PCM_RELOAD_CONFIG, "configuration and signatures" },
		{ "signatures", PCM_RELOAD_DATABASE, "signatures" },
		{ "policy", PCM_RELOAD_POLICY, "the configuration with the running engine" },
	};
	guint k = 0;
	PcmReloadResult r = { 0 };
	char *answer;

	while (what != NULL && k < G_N_ELEMENTS(kinds) && g_strcmp0(what, kinds[k].word) != 0)
		k++;
	if (k == G_N_ELEMENTS(kinds))
		return g_strdup("error: reload what? (config, signatures or policy)\n");
	pcm_log(LOG_NOTICE, "control socket: reloading %s", kinds[k].said);
	if (!pcm_reloader_wait(pcm_reloader_request(kinds[k].kind),
			       g_get_monotonic_time() + PCM_CONTROL_RELOAD_WAIT, &r))
		return g_strdup("error: the reload has not finished after 15 minutes; it goes on\n");
	answer = r.ok ? g_strdup_printf("ok\n%s reloaded: %s\n", r.what, r.detail)
		      : g_strdup_printf("error: %s reload failed, the running one is kept: %s\n",
					r.what, r.detail);
	pcm_reload_result_clear(&r);
	return answer;
}

static char *
pcm_control_answer(const char *request)
{
	g_auto(GStrv) words = g_strsplit(request, " ", 3);

	if (g_strcmp0(words[0], "status") == 0)
		return g_strcmp0(words[1], "json") == 0 ? pcm_control_status_json()
							: pcm_control_status();
	if (g_strcmp0(words[0], "stats") == 0) {
		g_autofree char *text = pcm_stats_text(g_strcmp0(words[1], "json") == 0);

		return g_strconcat("ok\n", text, NULL);
	}
	if (g_strcmp0(words[0], "reload") == 0)
		return pcm_control_reload(words[1]);
	if (g_strcmp0(words[0], "drain") == 0) {
		pcm_log(LOG_NOTICE, "control socket: drain: finishing open connections, then "
			"exiting");
		kill(getpid(), SIGTERM);
		return g_strdup("ok\ndraining: no new connections; exiting once the open ones "
				"are done\n");
	}
	return g_strdup("error: unknown request (status [json], stats [json], reload "
			"[config|signatures|policy], drain)\n");
}

static gboolean
pcm_control_read_line(int fd, char *line, gsize size)
{
	gsize n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, line + n, 1);

		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	return n > 0;
}

static gpointer
pcm_control_client(gpointer data)
{
	int fd = GPOINTER_TO_INT(data);
	struct timeval tv = { 10, 0 };
	char line[PCM_CONTROL_LINE_MAX];
	g_autofree char *answer = NULL;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!pcm_control_peer_ok(fd))
		answer = g_strdup("error: not allowed (root, the daemon's user or its group)\n");
	else if (!pcm_control_read_line(fd, line, sizeof(line)))
		answer = g_strdup("error: no request\n");
	else
		answer = pcm_control_answer(g_strstrip(line));
	if (write(fd, answer, strlen(answer)) < 0) { /* the client left: nothing to do */ }
	close(fd);
	return NULL;
}

static gpointer
pcm_control_thread(gpointer data)
{
	(void)data;
	for (;;) {
		int fd = accept4(pcm_control.fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0)	/* shut down by pcm_control_stop */
			break;
		/* a reload answer can take minutes: each client its own thread */
		g_thread_unref(g_thread_new("control", pcm_control_client, GINT_TO_POINTER(fd)));
	}
	return NULL;
}

gboolean
pcm_control_start(const PcmConfig *conf, GError **error)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = conf->control_socket;
	mode_t old;
	int fd;

	pcm_control.started = g_get_real_time();
	if (path == NULL || *path == '\0')
		return TRUE;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG,
			    "[milter] control_socket: %s is too long for a socket path", path);
		return FALSE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pcm_daemon_unlink_dead_socket(path);
	old = umask(0117);	/* 0660, before anyone can connect */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		int saved = errno;

		umask(old);
		if (fd >= 0)
			close(fd);
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "[milter] control_socket %s: %s", path, g_strerror(saved));
		return FALSE;
	}
	umask(old);
	pcm_control.fd = fd;
	pcm_control.path = g_strdup(path);
	pcm_control.thread = g_thread_new("control", pcm_control_thread, NULL);
	return TRUE;
}

void
pcm_control_stop(void)
{
	if (pcm_control.fd < 0)
		return;
	shutdown(pcm_control.fd, SHUT_RDWR);	/* accept() returns */
	g_thread_join(g_steal_pointer(&pcm_control.thread));
	close(pcm_control.fd);
	pcm_control.fd = -1;
	pcm_daemon_unlink_dead_socket(pcm_control.path);
	g_clear_pointer(&pcm_control.path, g_free);
}
