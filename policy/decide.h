/*
 * NAME
 *	decide.h - verdict + policy -> what happens to the message
 * SYNOPSIS
 *	pc_decide(&policy, verdict, hostname, &decision);
 *	... apply it ...
 *	pc_decision_clear(&decision);
 * DESCRIPTION
 *	The pure decision step between the engine (what the message is) and
 *	the milter (which applies the result).  No I/O, no MTA: it is unit
 *	tested with hand-made verdicts.  In order:
 *	  1. a finding whose status is in policy->block: the whole message
 *	     gets block_action (reject, discard, quarantine, tempfail);
 *	  2. otherwise a failed check (status error): on_error;
 *	  3. otherwise each part with findings gets the strongest of the
 *	     actions its statuses ask for (remove > placeholder > rename >
 *	     pass).  A part that cannot be removed (the only part of its
 *	     multipart, or the whole body) gets a placeholder instead.  If
 *	     the message is signed, signed_action decides whether it may
 *	     change;
 *	  4. the X-Virus-Status value says what was found and done;
 *	  0. a sender or client on the allow list: spam and probable
 *	     findings do not count; on the block list: the message is spam;
 *	  5. whatever the action: whether a copy goes to the quarantine
 *	     (quarantine), who is notified (notify_*), and for delivered mail
 *	     the subject tag (tag, subject_tag) and the headers (add_headers).
 */
#ifndef PC_POLICY_DECIDE_H
#define PC_POLICY_DECIDE_H

#include <portcullis/policy.h>
#include <portcullis/rewrite.h>
#include <portcullis/verdict.h>
#include "groups.h"

typedef enum {
	PC_ACT_ACCEPT,
	PC_ACT_REJECT,
	PC_ACT_TEMPFAIL,
	PC_ACT_DISCARD,
	PC_ACT_QUARANTINE,
} PcAction;

/* Who hears of a message (PcDecision.notify bits). */
enum {
	PC_NOTIFY_ADMIN = 1 << 0,
	PC_NOTIFY_RECIPIENTS = 1 << 1,
	PC_NOTIFY_SENDER = 1 << 2,
};

typedef struct {
	PcAction action;
	const char *rcode;	/* "550", for reject/tempfail */
	const char *xcode;	/* "5.7.1" */
	char *reply;		/* reply text, for reject/tempfail */
	char *status;		/* X-Virus-Status value, for accept */
	char *reason;		/* what decided it, for the log */
	GArray *edits;		/* PcEdit: parts to change before delivery */
	gboolean keep_copy;	/* also store it in the quarantine */
	gboolean add_headers;	/* X-Virus-Scanned and X-Virus-Status */
	char *subject_tag;	/* prefix for the Subject, NULL: none */
	guint notify;		/* PC_NOTIFY_* */
	double spam_required;	/* spam_threshold, for X-Spam-Status */
	double spam_score;	/* the verdict's, with the lists' */
	const char *spam_list;	/* PC_ALLOWLIST_TEST, PC_BLOCKLIST_TEST or NULL */
	PcStatus listed_status;	/* spam for a sender or client on a block list
				 * (not a finding of the verdict), else clean */
} PcDecision;

/* A sender or client on a policy's allow list (which wins) or block list
 * scores like SpamAssassin's lists: -100 or +100, named as a test. */
#define PC_ALLOWLIST_TEST "USER_IN_ALLOWLIST"
#define PC_BLOCKLIST_TEST "USER_IN_BLOCKLIST"
#define PC_LIST_SCORE 100.0
typedef enum { PC_LISTED_NONE, PC_LISTED_ALLOW, PC_LISTED_BLOCK } PcListed;
PcListed pc_spam_listed(const PcPolicy *policy, const PcEnvelope *envelope);

/* envelope: sender and client for the allow and block lists; NULL: none. */
void pc_decide(const PcPolicy *policy, const PcVerdict *verdict, const PcEnvelope *envelope,
	       const char *hostname, PcDecision *out);
/* How much of the message a decision keeps from its recipients; with
 * group_conflict = strictest the highest wins: reject, quarantine,
 * discard, tempfail, then accept with the most removed or replaced. */
/* The spam tests that scored: the allow or block list's (when a list
 * matched) before the verdict's, "A,B" ("" when none). */
char *pc_decision_spam_tests(const PcDecision *decision, const PcVerdict *verdict);
int pc_decision_severity(const PcDecision *decision);
/* Makes any decision a tempfail (e.g. quarantine could not store). */
void pc_decision_tempfail(PcDecision *decision, const char *reply);
void pc_decision_clear(PcDecision *decision);
const char *pc_action_name(PcAction action);

/* "virus Clam.Test found", "filtered: executable (setup.exe)". */
char *pc_finding_reason(const PcFinding *finding);

#endif
