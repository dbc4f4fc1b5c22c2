/*
 * NAME
 *	verdict.h - what the engine found in one message
 * DESCRIPTION
 *	A verdict is a list of findings plus the overall status derived from
 *	them.  Each finding says which check produced it (source), how bad it
 *	is (status), what it is about (object: "message" now, a MIME part path
 *	such as "1.2" once per-part analysis exists), the names involved
 *	(signature names, rule names), a score (spam checks) and a detail text
 *	for humans.  Policy turns a verdict into MTA actions; the engine never
 *	decides what happens to mail.
 * THREAD SAFETY
 *	A verdict belongs to the message that produced it; no locking.
 */
#ifndef PORTCULLIS_VERDICT_H
#define PORTCULLIS_VERDICT_H

#include <glib.h>

G_BEGIN_DECLS

/* Ordered by severity: the verdict status is the maximum over findings. */
typedef enum {
	PC_STATUS_CLEAN = 0,
	PC_STATUS_UNSCANNED,	/* deliberately not scanned (size limit...) */
	PC_STATUS_ERROR,	/* a check failed: the message is not known clean */
	PC_STATUS_INFECTED,
} PcStatus;

typedef struct {
	char *source;		/* check name: "av" */
	PcStatus status;
	char *object;		/* "message" or a MIME part path */
	GPtrArray *names;	/* char *: signature or rule names */
	double score;
	char *detail;		/* human-readable reason, may be NULL */
} PcFinding;

typedef struct {
	PcStatus status;
	double score;
	GPtrArray *findings;	/* PcFinding *, owned */
} PcVerdict;

PcVerdict *pc_verdict_new(void);
void pc_verdict_free(PcVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcVerdict, pc_verdict_free)

/* Adds a finding (taking ownership) and updates status and score. */
PcFinding *pc_verdict_add(PcVerdict *verdict, const char *source,
			  PcStatus status, const char *object,
			  const char *name, const char *detail);

/* First name carried by a finding of the given status, or NULL. */
const char *pc_verdict_first_name(const PcVerdict *verdict, PcStatus status);

/* First detail of a finding with the given status, or NULL. */
const char *pc_verdict_first_detail(const PcVerdict *verdict, PcStatus status);

/* Short token for logs: "clean", "infected(Name)", "error(detail)". */
char *pc_verdict_describe(const PcVerdict *verdict);

const char *pc_status_name(PcStatus status);

G_END_DECLS

#endif
