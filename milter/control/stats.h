/*
 * NAME
 *	stats.h - what the daemon has done since it started, counted
 * DESCRIPTION
 *	Lock-free counters, bumped once per message where its outcome is
 *	logged, read by the control socket (portcullisctl stats) and, later,
 *	the metrics endpoint.  Counts are since start; a reload keeps them.
 */
#ifndef PCM_STATS_H
#define PCM_STATS_H

#include <glib.h>
#include <portcullis/object.h>

#include "decide.h"

/* One message's outcome: its action, the worst status found, how long
 * it took (ms) and whether a check failed. */
void pcm_stats_message(PcAction action, PcStatus status, double ms);

/* A reload's outcome. */
void pcm_stats_reload(gboolean ok);

/* The counters in Prometheus' text format, appended to out. */
void pcm_stats_prometheus(GString *out);

/* Text, one "name value" a line, or one JSON object; every counter,
 * zeros included, so that a reader sees the whole set. */
char *pcm_stats_text(gboolean json);

#endif
