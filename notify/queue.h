/*
 * NAME
 *	queue.h - the on-disk notification queue (internal to notify/)
 */
#ifndef PCN_QUEUE_H
#define PCN_QUEUE_H

#include <glib.h>

/* Reads a queue file: its recipients (char *) and the message. */
gboolean pcn_queue_read(const char *path, GPtrArray *recipients, GBytes **message,
			GError **error);
/* Attempts recorded in a queue file name, and the name with a new count. */
guint pcn_queue_attempts(const char *name);
char *pcn_queue_renamed(const char *name, guint attempts);

/* The names of the queue files waiting in dir (not failed/, not
 * half-written dot files); empty when dir cannot be read. */
GPtrArray *pcn_queue_files(const char *dir);

#endif
