/*
 * NAME
 *	log.c - syslog or stderr output with a level threshold
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static gboolean pcm_log_stderr = TRUE;
static gint pcm_log_level = LOG_INFO;

static const struct {
	const char *name;
	int facility;
} pcm_log_facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
pcm_log_facility_by_name(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(pcm_log_facilities); i++)
		if (strcmp(pcm_log_facilities[i].name, name) == 0)
			return pcm_log_facilities[i].facility;
	return -1;
}

void
pcm_log_open(gboolean to_stderr, const char *facility)
{
	int fac = pcm_log_facility_by_name(facility);

	pcm_log_stderr = to_stderr;
	if (!to_stderr)
		openlog("portcullis", LOG_PID | LOG_NDELAY, fac >= 0 ? fac : LOG_MAIL);
}

void
pcm_log_set_level(int priority)
{
	g_atomic_int_set(&pcm_log_level, priority);
}

gboolean
pcm_log_enabled(int priority)
{
	return priority <= g_atomic_int_get(&pcm_log_level);
}

static const char *
pcm_log_tag(int priority)
{
	switch (priority) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "fatal: ";
	case LOG_ERR: return "error: ";
	case LOG_WARNING: return "warning: ";
	default: return "";
	}
}

void
pcm_log(int priority, const char *fmt, ...)
{
	g_autofree char *line = NULL;
	va_list ap;

	if (!pcm_log_enabled(priority))
		return;
	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (pcm_log_stderr) {
		g_autoptr(GDateTime) now = g_date_time_new_now_local();
		g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");

		/* One fprintf per line keeps lines from threads unmixed. */
		fprintf(stderr, "%.23s portcullis[%d]: %s%s\n", stamp, (int)getpid(),
			pcm_log_tag(priority), line);
	} else {
		syslog(priority, "%s%s", pcm_log_tag(priority), line);
	}
}

void
pcm_log_limited(PcmLogLimit *limit, guint interval_s, int priority, const char *fmt, ...)
{
	gint64 now = g_get_monotonic_time();
	g_autofree char *line = NULL;
	guint left_out;
	va_list ap;

	g_mutex_lock(&limit->lock);
	if (limit->next_us != 0 && now < limit->next_us) {
		limit->left_out++;
		g_mutex_unlock(&limit->lock);
		return;
	}
	left_out = limit->left_out;
	limit->left_out = 0;
	limit->next_us = now + (gint64)interval_s * G_USEC_PER_SEC;
	g_mutex_unlock(&limit->lock);
	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (left_out > 0)
		pcm_log(priority, "%s (%u more like this since the last such line)", line, left_out);
	else
		pcm_log(priority, "%s", line);
}
