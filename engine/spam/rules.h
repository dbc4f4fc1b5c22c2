/*
 * NAME
 *	rules.h - spam rules in SpamAssassin's syntax: parse and evaluate
 * DESCRIPTION
 *	The lines SpamAssassin rule files mostly use:
 *	  header   NAME  Header =~ /re/flags   (also !~, [if-unset: TEXT])
 *	  header   NAME  Header:addr|:name|:raw =~ /re/   ALL =~ /re/
 *	  header   NAME  exists:Header
 *	  body     NAME  /re/       decoded visible text, subject first
 *	  rawbody  NAME  /re/       decoded text parts, markup kept
 *	  full     NAME  /re/       the raw message
 *	  uri      NAME  /re/       each URL in the text parts
 *	  meta     NAME  expression (&& || ! + - * / < > <= >= == != ( ))
 *	  score    NAME  N [N N N]  the first value is used
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
} PcSpamView;

typedef struct {
	const char *name;
	double score;
	guint hits;
} PcRuleHit;

PcRuleSet *pc_rules_new(void);
void pc_rules_free(PcRuleSet *rules);
/* Parses one file's text (file names the errors); strict: unsupported
 * lines are errors too. */
gboolean pc_rules_parse(PcRuleSet *rules, const char *file, const char *text, gboolean strict,
			GError **error);
/* Every file *.cf of dir, in name order. */
gboolean pc_rules_load_dir(PcRuleSet *rules, const char *dir, gboolean strict, GError **error);
/* After the last parse: orders metas after what they use and refuses
 * cycles; a meta naming an unknown rule is an error when strict, else
 * that name never hits (SpamAssassin's eval: tests we do not have). */
gboolean pc_rules_finish(PcRuleSet *rules, gboolean strict, GError **error);
guint pc_rules_count(const PcRuleSet *rules);
guint pc_rules_unsupported(const PcRuleSet *rules);

/* Evaluates every rule; the hits (scored or not, sub-rules excluded) in
 * *hits (PcRuleHit, names owned by the rule set); returns the score. */
double pc_rules_run(const PcRuleSet *rules, const PcSpamView *view, GArray *hits);

#endif
