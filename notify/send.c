/*
 * NAME
 *	send.c - one delivery attempt: the local sendmail, or an SMTP relay
 * DESCRIPTION
 *	Both run only in the sender thread.  sendmail_path is executed
 *	directly (no shell: nothing in an address is interpreted), with the
 *	null envelope sender.  The SMTP client speaks the minimum a relay
 *	needs (EHLO or HELO, MAIL FROM:<>, RCPT TO, DATA), with a timeout on
 *	every step; any reply other than the expected one fails the attempt.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <gio/gio.h>

#include "notify-private.h"

#define PCN_SMTP_TIMEOUT 30

/* The program's output goes to an anonymous file rather than a pipe: there
 * is nothing to drain while its input is written, so one blocking write
 * cannot deadlock.  g_subprocess_communicate() drives both pipes on a
 * private main context, but when the write fails (a sendmail that exits
 * without reading its input: EPIPE) it returns before its other operations
 * end and the context, an eventfd, stays behind for good (GLib 2.74): one
 * descriptor per failed attempt, retried every few minutes. */
static GSubprocess *
pcn_sendmail_spawn(const char *const *argv, int output, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
	int mine = fcntl(output, F_DUPFD_CLOEXEC, 0);

	if (mine < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "dup: %s",
			    g_strerror(errno));
		return NULL;
	}
	g_subprocess_launcher_take_stdout_fd(launcher, mine);
	return g_subprocess_launcher_spawnv(launcher, argv, error);
}

/* Closed even after a failed write: the program sees the end of its input. */
static gboolean
pcn_sendmail_feed(GSubprocess *proc, GBytes *message, GError **error)
{
	GOutputStream *in = g_subprocess_get_stdin_pipe(proc);
	gsize size = 0;
	const void *data = g_bytes_get_data(message, &size);
	gboolean ok = g_output_stream_write_all(in, data, size, NULL, NULL, error);

	return g_output_stream_close(in, NULL, ok ? error : NULL) && ok;
}

/* A failed exit status says more than the broken pipe it caused. */
static gboolean
pcn_sendmail_status(GSubprocess *proc, int output, const char *sendmail_path, GError **error)
{
	char text[200];
	ssize_t len;

	if (g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 0)
		return TRUE;
	len = pread(output, text, sizeof(text), 0);
	g_clear_error(error);
	g_set_error(error, PCN_ERROR, 0, "%s exited with status %d: %.*s", sendmail_path,
		    g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1,
		    (int)MAX(len, 0), text);
	return FALSE;
}

gboolean
pcn_sendmail(const char *sendmail_path, const char *sender, const char *const *recipients,
	     GBytes *message, GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocess) proc = NULL;
	int output;
	gboolean fed;

	g_ptr_array_add(argv, (char *)sendmail_path);
	g_ptr_array_add(argv, "-i");
	g_ptr_array_add(argv, "-f");
	g_ptr_array_add(argv, *sender ? (char *)sender : "<>");
	g_ptr_array_add(argv, "--");
	for (guint i = 0; recipients[i] != NULL; i++)
		g_ptr_array_add(argv, (char *)recipients[i]);
	g_ptr_array_add(argv, NULL);
	output = memfd_create("sendmail-output", MFD_CLOEXEC);
	if (output < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "memfd_create: %s",
			    g_strerror(errno));
		return FALSE;
	}
	proc = pcn_sendmail_spawn((const char *const *)argv->pdata, output, error);
	if (proc == NULL) {
		close(output);
		return FALSE;
	}
	fed = pcn_sendmail_feed(proc, message, error);
	/* Without a cancellable the wait ends only with the child: nothing of
	 * GLib's private context is left pending. */
	g_subprocess_wait(proc, NULL, NULL);
	fed = pcn_sendmail_status(proc, output, sendmail_path, error) && fed;
	close(output);
	return fed;
}

typedef struct {
	const char *relay;
	GDataInputStream *in;
	GOutputStream *out;
} PcnSmtp;

/* Reads a (multi-line) reply; FALSE unless its code is want. */
static gboolean
pcn_smtp_reply(PcnSmtp *s, int want, const char *step, GError **error)
{
	g_autofree char *last = NULL;

	for (;;) {
		gsize len = 0;
		char *line = g_data_input_stream_read_line(s->in, &len, NULL, error);

		if (line == NULL) {
			if (error != NULL && *error == NULL)
				g_set_error(error, PCN_ERROR, 0, "%s: connection closed after %s",
					    s->relay, step);
			return FALSE;
		}
		g_strchomp(line);
		g_free(last);
		last = line;
		if (len < 4 || line[3] != '-')
			break;
	}
	if (atoi(last) == want || (want == 250 && atoi(last) == 251))
		return TRUE;
	g_set_error(error, PCN_ERROR, 0, "%s: %s: %s", s->relay, step, last);
	return FALSE;
}

static gboolean
pcn_smtp_command(PcnSmtp *s, const char *command, int want, GError **error)
{
	g_autofree char *line = g_strconcat(command, "\r\n", NULL);

	return g_output_stream_write_all(s->out, line, strlen(line), NULL, NULL, error) &&
	       pcn_smtp_reply(s, want, command, error);
}

/* Lines starting with a dot get another one (RFC 5321 4.5.2). */
static gboolean
pcn_smtp_data(PcnSmtp *s, GBytes *message, GError **error)
{
	gsize len = 0;
	const char *data = g_bytes_get_data(message, &len);
	GString *out = g_string_sized_new(len + 64);

	for (gsize i = 0; i < len; i++) {
		if (data[i] == '.' && (i == 0 || data[i - 1] == '\n'))
			g_string_append_c(out, '.');
		g_string_append_c(out, data[i]);
	}
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append(out, "\r\n");
	g_string_append(out, ".\r\n");
	gboolean ok = g_output_stream_write_all(s->out, out->str, out->len, NULL, NULL, error) &&
		      pcn_smtp_reply(s, 250, "end of data", error);

	g_string_free(out, TRUE);
	return ok;
}

/* An address that cannot end an SMTP command early or start another. */
static gboolean
pcn_smtp_address_ok(const char *address, GError **error)
{
	if (strpbrk(address, "\r\n<>") == NULL)
		return TRUE;
	g_set_error(error, PCN_ERROR, 0, "address not fit for SMTP: it has a line break or <>");
	return FALSE;
}

static gboolean
pcn_smtp_session(PcnSmtp *s, const char *sender, const char *const *recipients,
		 GBytes *message, GError **error)
{
	g_autofree char *ehlo = g_strdup_printf("EHLO %s", g_get_host_name());
	g_autofree char *from = g_strdup_printf("MAIL FROM:<%s>", sender);

	if (!pcn_smtp_address_ok(sender, error))
		return FALSE;
	for (guint i = 0; recipients[i] != NULL; i++)
		if (!pcn_smtp_address_ok(recipients[i], error))
			return FALSE;
	if (!pcn_smtp_reply(s, 220, "connect", error) ||
	    !pcn_smtp_command(s, ehlo, 250, error) ||
	    !pcn_smtp_command(s, from, 250, error))
		return FALSE;
	for (guint i = 0; recipients[i] != NULL; i++) {
		g_autofree char *rcpt = g_strdup_printf("RCPT TO:<%s>", recipients[i]);

		if (!pcn_smtp_command(s, rcpt, 250, error))
			return FALSE;
	}
	if (!pcn_smtp_command(s, "DATA", 354, error) || !pcn_smtp_data(s, message, error))
		return FALSE;
	pcn_smtp_command(s, "QUIT", 221, NULL);
	return TRUE;
}

gboolean
pcn_send_smtp(const char *relay, const char *sender, const char *const *recipients,
	      GBytes *message, GError **error)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) conn = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	PcnSmtp s = { relay, NULL, NULL };
	g_autoptr(GError) local = NULL;

	g_socket_client_set_timeout(client, PCN_SMTP_TIMEOUT);
	conn = g_socket_client_connect_to_host(client, relay, 25, NULL, &local);
	if (conn == NULL) {
		g_set_error(error, PCN_ERROR, 0, "connect to %s: %s", relay, local->message);
		return FALSE;
	}
	in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
	g_data_input_stream_set_newline_type(in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
	s.in = in;
	s.out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
	return pcn_smtp_session(&s, sender, recipients, message, error);
}

gboolean
pcn_deliver(const char *sendmail_path, const char *relay, const char *sender,
	    const char *const *recipients, GBytes *message, GError **error)
{
	if (relay != NULL && *relay != '\0')
		return pcn_send_smtp(relay, sender, recipients, message, error);
	return pcn_sendmail(sendmail_path, sender, recipients, message, error);
}
