/*
 * quarantine-fill - fill a quarantine directory for the list benchmark
 *   quarantine-fill DIR COUNT
 * Stores COUNT entries through the real store (files and index), one
 * recipient in 100 being ann@example.com, received over the last 30 days.
 * Every store is fsync'ed; run it under eatmydata to fill fast.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static gboolean
fill_write(int fd, gpointer data, GError **error)
{
	(void)error;
	return write(fd, data, strlen(data)) == (ssize_t)strlen(data);
}

int
main(int argc, char **argv)
{
	guint count = argc > 2 ? (guint)atoi(argv[2]) : 0;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const char *body = "From: s@example.org\r\nSubject: bench\r\n\r\nbody\r\n";

	if (argc != 3 || count == 0) {
		fprintf(stderr, "usage: quarantine-fill DIR COUNT\n");
		return 1;
	}
	for (guint i = 0; i < count; i++) {
		g_autofree char *rcpt = i % 100 ? g_strdup_printf("user%u@example.com", i)
						: g_strdup("ann@example.com");
		g_autofree char *qid = g_strdup_printf("Q%08X", i);
		char *rcpts[] = { rcpt, NULL };
		char *findings[] = { "2 infected Clam.Test", NULL };
		PcqEntry e = { .received = now - (gint64)(count - i) * 30 * 86400 / count,
			       .queue_id = qid, .client_address = "192.0.2.1",
			       .client_name = "c.example", .helo = "c.example",
			       .sender = "s@example.org", .recipients = rcpts, .group = "default",
			       .status = i % 10 ? "infected" : "filtered", .action = "quarantine",
			       .reason = "virus Clam.Test found", .findings = findings };
		g_autoptr(GError) error = NULL;
		g_autofree char *id = NULL;
		g_autofree char *warning = NULL;

		if (!pcq_store(argv[1], &e, fill_write, (gpointer)body, &id, &warning, &error)) {
			fprintf(stderr, "quarantine-fill: %s\n", error->message);
			return 1;
		}
	}
	return 0;
}
