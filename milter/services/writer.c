/*
 * NAME
 *	writer.c - the batch writer thread (writer.h)
 */
#include "config.h"

#include <string.h>

#include "writer.h"

/* Queued last by pcm_writer_stop(): what came before it is written. */
static char pcm_writer_stop_mark;

static const char *
pcm_writer_dir(gconstpointer job)
{
	return ((const PcmWriterJob *)job)->dir;
}

/* Up to batch_max jobs for one directory; FALSE once told to stop. */
static gboolean
pcm_writer_take(PcmWriter *w, GPtrArray *batch)
{
	gpointer job = g_async_queue_pop(w->queue);

	while (job != NULL) {
		if (job == &pcm_writer_stop_mark)
			return FALSE;
		if (batch->len > 0 &&
		    strcmp(pcm_writer_dir(job), pcm_writer_dir(g_ptr_array_index(batch, 0))) != 0) {
			g_async_queue_push_front(w->queue, job);
			break;
		}
		g_ptr_array_add(batch, job);
		job = batch->len < w->ops->batch_max ? g_async_queue_try_pop(w->queue) : NULL;
	}
	return TRUE;
}

static gpointer
pcm_writer_main(gpointer data)
{
	PcmWriter *w = data;
	gpointer store = NULL;
	char *dir = NULL;
	gboolean going = TRUE;

	while (going) {
		g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func(w->ops->job_free);

		going = pcm_writer_take(w, batch);
		if (batch->len == 0)
			continue;
		if (g_strcmp0(dir, pcm_writer_dir(batch->pdata[0])) != 0) {
			if (store != NULL)
				w->ops->close(store);
			store = NULL;
			g_free(dir);
			dir = g_strdup(pcm_writer_dir(batch->pdata[0]));
		}
		w->ops->write(&store, dir, batch);
	}
	if (store != NULL)
		w->ops->close(store);
	g_free(dir);
	return NULL;
}

guint
pcm_writer_queued(PcmWriter *w)
{
	gint n;

	g_mutex_lock(&w->lock);
	n = w->queue ? g_async_queue_length(w->queue) : 0;
	g_mutex_unlock(&w->lock);
	return (guint)MAX(n, 0);
}

void
pcm_writer_push(PcmWriter *w, gpointer job)
{
	g_mutex_lock(&w->lock);
	if (w->queue == NULL) {
		w->queue = g_async_queue_new();
		w->thread = g_thread_new(w->ops->name, pcm_writer_main, w);
	}
	g_async_queue_push(w->queue, job);
	g_mutex_unlock(&w->lock);
}

void
pcm_writer_stop(PcmWriter *w)
{
	g_mutex_lock(&w->lock);
	if (w->queue != NULL) {
		g_async_queue_push(w->queue, &pcm_writer_stop_mark);
		g_thread_join(w->thread);
		g_clear_pointer(&w->queue, g_async_queue_unref);
		w->thread = NULL;
	}
	g_mutex_unlock(&w->lock);
}
