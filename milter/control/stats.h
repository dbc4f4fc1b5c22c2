/*
 * NAME
 *	stats.h - what the daemon has done since it started, counted
 * DESCRIPTION
 *	Lock-free counters and histograms, bumped once per message where its
 *	outcome is logged, read by the control socket (portcullisctl stats)
 *	and the metrics endpoint.  Counts are since start; a reload keeps
 *	them.  Labelled counters (DNS lists, error kinds) take their labels
 *	from the configuration and our own names, never from mail, and are
 *	bounded: past PCM_STATS_LABELS_MAX labels new ones count as "other".
 */
#ifndef PCM_STATS_H
#define PCM_STATS_H

#include <glib.h>
#include <portcullis/object.h>
#include <portcullis/verdict.h>

#include "decide.h"

#define PCM_STATS_LABELS_MAX 64

/* The milter's own stages, after the engine's (PcStage). */
typedef enum {
	PCM_STAGE_SPOOL = PC_STAGE_COUNT,	/* keeping the bytes as they arrive */
	PCM_STAGE_DECISION,			/* the policy */
	PCM_STAGE_ACTIONS,			/* quarantine, archive, the MTA's
						 * changes, notices, autolearn */
	PCM_STAGE_COUNT
} PcmStage;

/* One message as the counters see it. */
typedef struct {
	PcAction action;
	PcStatus status;		/* the worst found */
	double ms;			/* MAIL FROM to the answer */
	gint64 stage_us[PCM_STAGE_COUNT];
	const PcVerdict *verdict;	/* its error findings and DNS lists; may be NULL */
} PcmStatsMessage;

void pcm_stats_message(const PcmStatsMessage *message);

/* A failure outside the engine's checks ("spool", "quarantine", "archive",
 * "notify", "mta"); the checks' own come with their message. */
void pcm_stats_error(const char *kind);

/* A message handed to the Bayes store's writer ("spam", "ham"), or not
 * because it was behind ("skipped"). */
void pcm_stats_autolearn(const char *result);

/* A reload's outcome. */
void pcm_stats_reload(gboolean ok);

/* The counters in Prometheus' text format, appended to out. */
void pcm_stats_prometheus(GString *out);

/* Text, one "name value" a line, or one JSON object; every counter,
 * zeros included, so that a reader sees the whole set. */
char *pcm_stats_text(gboolean json);

/* Prometheus' text format helpers, for the gauges read elsewhere. */
void pcm_stats_head(GString *out, const char *name, const char *type, const char *help);

#endif
