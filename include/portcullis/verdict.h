/*
 * NAME
 *	verdict.h - what the engine found in one message
 * DESCRIPTION
 *	A verdict is the message's object tree (see object.h) plus a list of
 *	findings.  Each finding says which check produced it (source), how
 *	bad it is (status), which object it is about ("message" for the
 *	message as a whole, or a MIME path such as "2.1"), the names involved
 *	(signature names, filter rules), a score (spam checks) and a detail
 *	text for humans.  An object's status is the worst finding about it;
 *	the verdict's status is the worst over all findings.  Policy turns a
 *	verdict into actions; the engine never decides what happens to mail.
 * STATUSES
 *	The vocabulary postmasters know from mail gateways, least severe
 *	first: clean, unscanned (the whole message was not kept: too big),
 *	probable and spam (message statuses of the spam checks), filtered
 *	(matched the attachment filter), suspicious (a heuristic
 *	detection), corrupted (broken file or a MIME defect that matters),
 *	encrypted (password-protected archive or document), unscannable (a
 *	deterministic limit: the same message hits it on every retry), error
 *	(a check failed: a retry may succeed), infected.
 * THREAD SAFETY
 *	A verdict belongs to the message that produced it; no locking.
 */
#ifndef PORTCULLIS_VERDICT_H
#define PORTCULLIS_VERDICT_H

#include <glib.h>
#include <portcullis/auth.h>
#include <portcullis/object.h>

G_BEGIN_DECLS

typedef struct {
	char *source;		/* check name: "av", "filter", "mime" */
	PcStatus status;
	char *object;		/* "message" or a MIME part path */
	GPtrArray *names;	/* char *: signature or rule names */
	double score;
	char *detail;		/* human-readable reason, may be NULL */
} PcFinding;

/* Where the engine's time for a message went (the metrics' per-stage
 * histograms).  DNS waits happen inside auth and spam, so PC_STAGE_DNS is
 * part of theirs, not beside it. */
typedef enum {
	PC_STAGE_PARSE,		/* MIME parse and decoding of the parts */
	PC_STAGE_AV,
	PC_STAGE_TYPE,		/* libmagic */
	PC_STAGE_FILTER,
	PC_STAGE_AUTH,
	PC_STAGE_SPAM,
	PC_STAGE_DNS,		/* waiting for DNS answers */
	PC_STAGE_COUNT
} PcStage;

const char *pc_stage_name(PcStage stage);

/* One DNS list's part in a message: its queries (answered from the cache
 * too) and how many had no answer within the budget. */
typedef struct {
	char *zone;
	guint asked;
	guint unanswered;
} PcDnsListUse;

typedef struct {
	PcStatus status;
	double score;
	GPtrArray *findings;	/* PcFinding *, owned */
	GPtrArray *objects;	/* PcObject *, owned, in document order */
	gboolean signed_body;	/* S/MIME, multipart/signed or DKIM over the body */
	gint64 body_offset;	/* where the top-level body starts in the raw message */
	char *mode;		/* how it was scanned: "parts", "parts+message"... */
	gboolean spam_scanned;	/* the spam rules ran */
	double spam_score;
	double spam_bayes;	/* the part of spam_score that is the learners'
				 * (Bayes, 4-grams): autolearn leaves it out */
	char *spam_tests;	/* rules that hit, highest score first, "A,B" */
	char *dns_unanswered;	/* DNS list queries not answered in time, "a,b" */
	GArray *dns_lists;	/* PcDnsListUse by zone; NULL: no list asked */
	gint64 stage_us[PC_STAGE_COUNT];	/* PcStage: microseconds */
	PcAuth *auth;		/* sender authentication; NULL: not checked */
	GPtrArray *spam_tokens;	/* Bayes tokens when bayes_dir is set: learning
				 * the message needs no second parse */
	GArray *spam_ngrams;	/* 4-gram features (guint32) when the 4-gram
				 * learner is on, for the same reason */
	struct PcVerdictIndex *index;	/* objects and findings by path, built as
					 * asked: a message has thousands of parts */
} PcVerdict;

PcVerdict *pc_verdict_new(void);
void pc_verdict_free(PcVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcVerdict, pc_verdict_free)

/* Adds a finding (taking ownership) and updates status and score, and
 * the status of the object it names if that object is in the tree. */
PcFinding *pc_verdict_add(PcVerdict *verdict, const char *source,
			  PcStatus status, const char *object,
			  const char *name, const char *detail);

/* The object with this path, or NULL. */
PcObject *pc_verdict_object(const PcVerdict *verdict, const char *path);

/* The findings about one path ("message" or a part), in the order they
 * were added; *n of them (NULL when none).  Constant time per call, so
 * per-object loops stay linear in the size of the message. */
PcFinding *const *pc_verdict_findings_about(const PcVerdict *verdict, const char *path,
					    guint *n);

/* First name carried by a finding of the given status, or NULL. */
const char *pc_verdict_first_name(const PcVerdict *verdict, PcStatus status);

/* First detail of a finding with the given status, or NULL. */
const char *pc_verdict_first_detail(const PcVerdict *verdict, PcStatus status);

/* Short token for logs: "clean", "infected(Name)", "error(detail)". */
char *pc_verdict_describe(const PcVerdict *verdict);
/* The same over the findings whose status is in statuses (bit per status). */
char *pc_verdict_describe_only(const PcVerdict *verdict, guint statuses);
/* Every status but the spam checks' ones: what X-Virus-Status and av= say. */
#define PC_STATUSES_NOT_SPAM (~((1u << PC_STATUS_PROBABLE) | (1u << PC_STATUS_SPAM)))

/* One JSON object: status, objects and findings (portcullis --scan). */
char *pc_verdict_to_json(const PcVerdict *verdict, const char *file);

G_END_DECLS

#endif
