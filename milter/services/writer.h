/*
 * NAME
 *	writer.h - one background thread that writes queued jobs in batches
 * DESCRIPTION
 *	Autolearn (the Bayes store) and the message history write off the
 *	message path the same way: milter threads queue jobs; one thread,
 *	started with the first job, takes up to batch_max of them for the same
 *	directory and hands them to write() in one go, so that a store's
 *	commit (a wait for the disk) is paid per batch, not per message.  The
 *	store stays open between batches and is closed when the directory
 *	changes (a reload) or at stop.  pcm_writer_stop() writes what is
 *	queued, then ends the thread.
 */
#ifndef PCM_WRITER_H
#define PCM_WRITER_H

#include <glib.h>

/* The head of every job: the store directory it goes to. */
typedef struct {
	char *dir;
} PcmWriterJob;

typedef struct {
	const char *name;	/* the thread's */
	guint batch_max;
	/* On the writer thread: writes jobs (PcmWriterJob *, all for dir) to
	 * *store, opening it when NULL; leaves it NULL to have it reopened. */
	void (*write)(gpointer *store, const char *dir, GPtrArray *jobs);
	void (*close)(gpointer store);
	GDestroyNotify job_free;
} PcmWriterOps;

typedef struct {
	const PcmWriterOps *ops;
	GMutex lock;		/* starting and stopping */
	GAsyncQueue *queue;
	GThread *thread;
} PcmWriter;

#define PCM_WRITER_INIT(ops_) { .ops = (ops_) }

/* Jobs queued and not yet taken. */
guint pcm_writer_queued(PcmWriter *writer);
/* Queues job (a PcmWriterJob at its head), starting the thread if needed. */
void pcm_writer_push(PcmWriter *writer, gpointer job);
/* Writes what is queued and ends the thread; a later push starts it again. */
void pcm_writer_stop(PcmWriter *writer);

#endif
