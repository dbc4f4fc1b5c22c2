/*
 * NAME
 *	metrics.h - Prometheus metrics and a health check over HTTP
 * DESCRIPTION
 *	[metrics] listen ("127.0.0.1:9119", "[::1]:9119" or a unix socket
 *	path; empty: off) serves two pages and nothing else:
 *	  /metrics  Prometheus' text format: the message counters and the
 *	            time histogram (stats.h), in flight, connections, reloads,
 *	            the database's signatures and age, whether the engine is
 *	            loaded, the process's resident memory
 *	  /healthz  200 "ok", or 503 with why (no signatures yet, the milter
 *	            listener stopped)
 *	on libmicrohttpd (one thread).  Only loopback addresses are accepted:
 *	the counters say what mail a site gets.
 */
#ifndef PCM_METRICS_H
#define PCM_METRICS_H

#include <glib.h>

#include "conf.h"

/* healthy(why) says whether to answer 200; why gets the reason if not. */
gboolean pcm_metrics_start(const PcmConfig *conf, gboolean (*healthy)(char **why),
			   GError **error);
void pcm_metrics_stop(void);

/* The newest file's age in database_dir, in seconds (-1: none): how old
 * the signatures are. */
gint64 pcm_metrics_database_age(const char *dir);

#endif
