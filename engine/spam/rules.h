/*
 * NAME
 *	rules.h - spam rules in SpamAssassin's syntax: parse and evaluate
 * DESCRIPTION
 *	The lines SpamAssassin rule files mostly use:
 *	  header   NAME  Header =~ /re/flags   (also !~, [if-unset: TEXT])
 *	  header   NAME  Header:addr|:name|:raw =~ /re/   ALL =~ /re/
 *	  header   NAME  exists:Header
 *	  SpamAssassin's pseudo-headers: ToCc (To, then Cc), MESSAGEID
 *	  (Message-Id, Resent-Message-Id, X-Message-Id, X-Original-Message-ID),
 *	  EnvelopeFrom (the envelope sender)
 *	  body     NAME  /re/       decoded visible text, subject first
 *	  rawbody  NAME  /re/       decoded text parts, markup kept
 *	  full     NAME  /re/       the raw message
 *	  uri      NAME  /re/       each URL in the text parts
 *	  meta     NAME  expression (&& || ! + - * / < > <= >= == != ( ))
 *	  header|body NAME eval:FUNCTION(ARGS)   see evals.h
 *	  urirhssub NAME ZONE A SUB, urirhsbl NAME ZONE A   see evals.h
 *	  score    NAME  N | N N N N   one value, or one per score set
 *	  describe NAME  text
 *	  tflags   NAME  nice multiple maxhits=N ...
 *	Regular expressions are PCRE2 (Perl syntax), compiled with JIT;
 *	m{..}, m!..! and other m-delimiters are accepted.  Other lines
 *	(lang, ifplugin blocks, eval: tests, priority...) are counted as
 *	unsupported and skipped; with strict set they are errors.  A rule
 *	with no score scores 1.0, as in SpamAssassin; names starting with
 *	"__" are sub-rules that score nothing and only feed metas.
 * DIAGNOSTICS
 *	"FILE:LINE: what is wrong".
 */
#ifndef PC_SPAM_RULES_H
#define PC_SPAM_RULES_H

#include <glib.h>
#include <portcullis/auth.h>

typedef struct _PcRuleSet PcRuleSet;

/* The message as the rules see it (spam/view.c builds it). */
typedef struct {
	GPtrArray *header_names;	/* char *, as written */
	GPtrArray *header_values;	/* char *, decoded, unfolded */
	GPtrArray *header_raw;		/* char *, as received (folded) */
	GPtrArray *body;		/* char *: subject, then text paragraphs */
	GPtrArray *rawbody;		/* char *: text part lines, markup kept */
	GPtrArray *uris;		/* char * */
	const char *full;		/* the raw message */
	gsize full_len;
	/* for DNS list tests (evals.h) */
	char *relay_address;		/* first untrusted relay; NULL: none */
	char *envelope_from;		/* envelope sender (Return-Path's); NULL: none */
	char *sender_domain;		/* envelope sender's; NULL: none */
	/* the Received trail in SpamAssassin's relay format (received.c);
	 * NULL: not parsed (pc_spam_view_relays) */
	char *relays_trusted, *relays_untrusted, *relays_internal, *relays_external;
	gboolean relays_all_trusted;	/* check_all_trusted */
	gboolean relays_none;		/* check_no_relays */
	guint relays_unparseable;	/* Received lines no format matched */
	GPtrArray *uri_domains;		/* char *, registrable, unique */
	GHashTable *dns;		/* query -> answer; NULL: no lookups */
	/* for the message checks (evals.h) */
	guint hidden_chars;		/* text the reader cannot see */
	guint link_mismatches;		/* links whose text names another domain */
	guint images;			/* <img> and image parts */
	guint words;			/* of visible text */
	guint recipients;		/* addresses in To and Cc */
	/* MIME structure, as SpamAssassin's MIMEEval counts it (every entity) */
	guint mime_html;		/* text/html entities */
	guint mime_text;		/* other text/ entities */
	gboolean mime_alternative;	/* a multipart/alternative */
	gboolean mime_base64_text;	/* inline text, ASCII charset, in base64 */
	gboolean mime_bad_iso_charset;	/* "iso-X-Y" that is no ISO charset */
	gboolean mime_attachment;	/* Content-Disposition: attachment */
	guint mime_qp;			/* quoted-printable entities */
	gboolean html;			/* a part was rendered as HTML */
	gint64 date;			/* Date (Resent-Date first), Unix time; 0: none */
	GArray *received_dates;		/* gint64 of each Received, top down */
	const PcAuth *auth;		/* sender authentication; NULL: not checked */
} PcSpamView;

/* What a header rule reads of a header (get.c). */
typedef enum { PC_HDR_DECODED, PC_HDR_ADDR, PC_HDR_NAME, PC_HDR_RAW } PcHeaderPart;

/* Every header called name (or pseudo-header) as rules read it, joined by
 * newlines; *found FALSE when there is none (get.c). */
char *pc_spam_get(const PcSpamView *view, const char *name, PcHeaderPart part,
		  gboolean *found);

typedef struct {
	const char *name;
	double score;
	guint hits;
} PcRuleHit;

PcRuleSet *pc_rules_new(void);
void pc_rules_free(PcRuleSet *rules);
/* Parses one file's text.  strict (our own files): any line we cannot
 * read or run is an error "FILE:LINE: ...".  Not strict (an installed
 * SpamAssassin set): such lines are skipped and counted. */
gboolean pc_rules_parse(PcRuleSet *rules, const char *file, const char *text, gboolean strict,
			GError **error);
/* Whether body, rawbody, uri and (most) header patterns are prefiltered
 * by their required literals (prefilter.h; the default): call before
 * finish.
 * Off, every pattern runs; the hits are the same, only slower. */
void pc_rules_use_prefilter(PcRuleSet *rules, gboolean on);
/* Before loading: the sender authentication results will be there
 * (PcSpamView.auth), so rules of SpamAssassin's DKIM, SPF and DMARC
 * plugins are read. */
void pc_rules_use_auth(PcRuleSet *rules, gboolean on);
/* Every file *.cf of dir, in name order. */
gboolean pc_rules_load_dir(PcRuleSet *rules, const char *dir, gboolean strict, GError **error);
gboolean pc_rules_load_file(PcRuleSet *rules, const char *path, gboolean strict,
			    GError **error);
/* After the last parse: orders metas after what they use and refuses
 * cycles; a meta naming an unknown rule is an error when strict, else
 * that name never hits (SpamAssassin's eval: tests we do not have). */
gboolean pc_rules_finish(PcRuleSet *rules, gboolean strict, GError **error);
guint pc_rules_count(const PcRuleSet *rules);
guint pc_rules_unsupported(const PcRuleSet *rules);
/* Metas not run because a rule they name is not run (pc_rules_finish). */
guint pc_rules_dropped(const PcRuleSet *rules);

/* One line per rule (sub-rules left out), by name: "NAME\trun\tS0 S1 S2
 * S3" with its score in each set, or "NAME\tnot run\tWHY" for a rule of
 * SpamAssassin's set that is not run (an eval: test we lack, a block for a
 * plugin we do not have, a meta needing one of those). */
GPtrArray *pc_rules_list(const PcRuleSet *rules);

/* TRUE when some rule asks a DNS list. */
gboolean pc_rules_uses_dns(const PcRuleSet *rules);
/* The DNS names the list tests need for view (char *, unique); zones, when
 * not NULL, gets each name's list zone (name -> zone, both borrowed). */
void pc_rules_dns_names(const PcRuleSet *rules, const PcSpamView *view, GPtrArray *names,
			GHashTable *zones);

/* SpamAssassin's score sets, the four columns of "score NAME a b c d":
 * which one applies depends on whether network tests and Bayes take part
 * in this message's score.  A single value serves all four. */
typedef enum {
	PC_SCORE_LOCAL = 0, PC_SCORE_NET = 1, PC_SCORE_BAYES = 2, PC_SCORE_NET_BAYES = 3,
	PC_SCORE_SETS = 4,
} PcScoreSet;

/* The score a "score NAME ..." line gave name in set, or fallback when no
 * line named it (the learners' buckets: a rescored site overrides them). */
double pc_rules_score_named(const PcRuleSet *rules, const char *name, PcScoreSet set,
			    double fallback);

/* Evaluates every rule; the hits (scored or not, sub-rules excluded) in
 * *hits (PcRuleHit, names owned by the rule set); returns the score in
 * score set set. */
double pc_rules_run(const PcRuleSet *rules, const PcSpamView *view, PcScoreSet set,
		    GArray *hits);

#endif
