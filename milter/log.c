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

#include <portcullis/text.h>

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

typedef enum { PCM_ESC_LINE, PCM_ESC_QUOTED, PCM_ESC_BARE } PcmEscape;

static void
pcm_log_hex(GString *out, guchar byte)
{
	g_string_append_printf(out, "\\x%02X", byte);
}

/* Characters a terminal, syslog or a log reader may take for a line end or
 * hide: C0, DEL, C1 (U+0080-U+009F) and U+2028/U+2029. */
static gboolean
pcm_log_is_control(gunichar c)
{
	return pc_text_is_control(c) || c == 0x2028 || c == 0x2029;
}

/* Appends the character at p, escaped for mode; returns the next one.  A
 * character that is not shown is escaped byte by byte: the bytes after
 * its first are not valid alone, so they are escaped in turn. */
static const char *
pcm_log_escape_char(GString *out, const char *p, PcmEscape mode)
{
	guchar byte = (guchar)*p;
	gunichar c;

	if (byte == '\n' || byte == '\r' || byte == '\t') {
		g_string_append_c(out, '\\');
		g_string_append_c(out, byte == '\n' ? 'n' : byte == '\r' ? 'r' : 't');
		return p + 1;
	}
	if (mode != PCM_ESC_LINE && (byte == '"' || byte == '\\')) {
		g_string_append_c(out, '\\');
		g_string_append_c(out, (char)byte);
		return p + 1;
	}
	c = byte < 0x80 ? byte : g_utf8_get_char_validated(p, -1);
	if (c == (gunichar)-1 || c == (gunichar)-2 || pcm_log_is_control(c) ||
	    (byte == ' ' && mode == PCM_ESC_BARE)) {
		pcm_log_hex(out, byte);
		return p + 1;
	}
	g_string_append_len(out, p, g_utf8_next_char(p) - p);
	return g_utf8_next_char(p);
}

void
pcm_log_append(GString *out, const char *text, gboolean bare)
{
	gsize start = out->len;

	for (const char *p = text ? text : ""; *p != '\0';) {
		if (out->len - start >= PCM_LOG_FIELD_MAX) {
			g_string_append(out, "...");
			return;
		}
		p = pcm_log_escape_char(out, p, bare ? PCM_ESC_BARE : PCM_ESC_QUOTED);
	}
}

char *
pcm_log_str(const char *text, gboolean bare)
{
	GString *out = g_string_new(NULL);

	pcm_log_append(out, text, bare);
	return g_string_free(out, FALSE);
}

static gboolean
pcm_log_needs_escape(const char *line)
{
	for (const guchar *p = (const guchar *)line; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return TRUE;
	return FALSE;
}

/* The last guard: whatever a caller formatted, one call is one line.
 * Fields are escaped where they are formatted (quotes included); this only
 * catches what was missed there, such as an error text naming a file. */
static char *
pcm_log_one_line(char *line)
{
	GString *out;

	if (!pcm_log_needs_escape(line))
		return line;
	out = g_string_sized_new(strlen(line) + 16);
	for (const char *p = line; *p != '\0';)
		p = pcm_log_escape_char(out, p, PCM_ESC_LINE);
	g_free(line);
	return g_string_free(out, FALSE);
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

/* "2026-12-03 14:00:52.155", local time: one line per message is logged,
 * so this stays off the heap. */
static void
pcm_log_stamp(char *stamp, gsize size)
{
	struct timespec now;
	struct tm tm;
	gsize n;

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	n = strftime(stamp, size, "%Y-%m-%d %H:%M:%S", &tm);
	g_snprintf(stamp + n, size - n, ".%03ld", now.tv_nsec / 1000000);
}

void
pcm_log(int priority, const char *fmt, ...)
{
	g_autofree char *line = NULL;
	va_list ap;

	if (!pcm_log_enabled(priority))
		return;
	va_start(ap, fmt);
	line = pcm_log_one_line(g_strdup_vprintf(fmt, ap));
	va_end(ap);
	if (pcm_log_stderr) {
		char stamp[32];

		pcm_log_stamp(stamp, sizeof(stamp));
		/* One fprintf per line keeps lines from threads unmixed. */
		fprintf(stderr, "%s portcullis[%d]: %s%s\n", stamp, (int)getpid(),
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
