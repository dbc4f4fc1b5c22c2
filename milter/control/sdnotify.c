/*
 * NAME
 *	sdnotify.c - sd_notify(3)'s protocol, and the watchdog (sdnotify.h)
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "reload.h"
#include "runtime.h"
#include "sdnotify.h"

static void
pcm_notify_send(const char *text)
{
	const char *path = g_getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (path == NULL || *path == '\0' || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')	/* the abstract namespace */
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&sa,
			     len) < 0)
		pcm_log(LOG_WARNING, "systemd notification failed: %s", g_strerror(errno));
	if (fd >= 0)
		close(fd);
}

void
pcm_notify(const char *format, ...)
{
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, format);
	text = g_strdup_vprintf(format, ap);
	va_end(ap);
	pcm_notify_send(text);
}

static struct {
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean stop;
	gint64 interval;		/* µs */
	gboolean (*healthy)(void);
} pcm_watchdog;

static gpointer
pcm_watchdog_thread(gpointer data)
{
	gboolean sick = FALSE;

	(void)data;
	g_mutex_lock(&pcm_watchdog.lock);
	while (!pcm_watchdog.stop) {
		g_mutex_unlock(&pcm_watchdog.lock);
		if (pcm_watchdog.healthy()) {
			pcm_notify_send("WATCHDOG=1");
			sick = FALSE;
		} else if (!sick) {
			pcm_log(LOG_ERR, "watchdog: the milter listener or the engine does not "
				"answer; systemd will restart the daemon");
			sick = TRUE;
		}
		g_mutex_lock(&pcm_watchdog.lock);
		g_cond_wait_until(&pcm_watchdog.cond, &pcm_watchdog.lock,
				  g_get_monotonic_time() + pcm_watchdog.interval);
	}
	g_mutex_unlock(&pcm_watchdog.lock);
	return NULL;
}

void
pcm_watchdog_start(gboolean (*healthy)(void))
{
	const char *usec = g_getenv("WATCHDOG_USEC");
	const char *pid = g_getenv("WATCHDOG_PID");
	guint64 interval;

	if (usec == NULL || !g_ascii_string_to_unsigned(usec, 10, 1, G_MAXINT64, &interval, NULL))
		return;
	/* the variables are inherited: they may be for a parent */
	if (pid != NULL && atol(pid) != (long)getpid())
		return;
	pcm_watchdog.interval = (gint64)interval / 2;
	pcm_watchdog.healthy = healthy;
	pcm_watchdog.stop = FALSE;
	pcm_watchdog.thread = g_thread_new("watchdog", pcm_watchdog_thread, NULL);
}

void
pcm_watchdog_stop(void)
{
	if (pcm_watchdog.thread == NULL)
		return;
	g_mutex_lock(&pcm_watchdog.lock);
	pcm_watchdog.stop = TRUE;
	g_cond_signal(&pcm_watchdog.cond);
	g_mutex_unlock(&pcm_watchdog.lock);
	g_thread_join(g_steal_pointer(&pcm_watchdog.thread));
}

char *
pcm_status_line(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	const PcEngineInfo *info = pc_engine_info(rt->engine);
	PcmReloadResult last;
	GString *out = g_string_new(NULL);

	if (info->database_missing != NULL)
		g_string_printf(out, "waiting for signatures, mail tempfailed: %s; ",
				info->database_missing);
	g_string_append_printf(out, "scanning: %s, database %s (%u signatures), %u spam rules, "
			"sender authentication %s", info->scanner_version, info->database_version,
			info->signatures, info->spam_rules, rt->conf->auth ? "on" : "off");
	pcm_reload_last(&last);
	if (last.when != 0)
		g_string_append_printf(out, "; last reload (%s) %s", last.what,
				       last.ok ? "worked" : "failed");
	pcm_reload_result_clear(&last);
	return g_string_free(out, FALSE);
}

void
pcm_notify_status(const char *format, ...)
{
	g_autofree char *head = NULL;
	g_autofree char *status = NULL;
	va_list ap;

	if (g_getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, format);
	head = g_strdup_vprintf(format, ap);
	va_end(ap);
	status = pcm_status_line();
	pcm_notify("%s\nSTATUS=%s", head, status);
}
