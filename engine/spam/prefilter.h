/*
 * NAME
 *	prefilter.h - which rules' patterns may match a text, in one pass
 * DESCRIPTION
 *	SpamAssassin's set has about a thousand body, rawbody, uri and header
 *	patterns; run one after another over every paragraph they were most
 *	of a message's CPU.  The prefilter knows, for each pattern, strings one
 *	of which every match contains (its required literals), finds all of
 *	them in one pass over each text (a Hyperscan literal database), and
 *	marks the patterns that may match.  Only those run in PCRE2, which
 *	decides.  A pattern with no required literal known is always a
 *	candidate: the answer is PCRE2's either way, the prefilter only skips
 *	work.
 */
#ifndef PC_SPAM_PREFILTER_H
#define PC_SPAM_PREFILTER_H

#include <glib.h>

typedef struct _PcPrefilter PcPrefilter;

typedef struct {
	const char *pattern;	/* PCRE source */
	guint32 options;	/* PCRE2_CASELESS, _MULTILINE, _DOTALL, _EXTENDED */
} PcPattern;

/* NULL when no pattern could be compiled (then every one is a candidate). */
PcPrefilter *pc_prefilter_new(const PcPattern *patterns, guint n);
void pc_prefilter_free(PcPrefilter *pf);
/* Patterns with required literals (the others are always candidates), and all. */
guint pc_prefilter_compiled(const PcPrefilter *pf);
guint pc_prefilter_size(const PcPrefilter *pf);

/* Required literals of one pattern (char *; caseless: match them so), or
 * NULL when none is known; exported for tests. */
GPtrArray *pc_prefilter_literals(const PcPattern *pattern, gboolean *caseless);

/* Where pattern i may match: texts first..last (first > last: nowhere),
 * the texts holding one of its literals; all of them for a pattern with
 * no required literal known, and for all patterns when the scan failed
 * (then FALSE).  ranges holds one for each pattern. */
typedef struct {
	guint first, last;
} PcPrefilterRange;

gboolean pc_prefilter_scan(const PcPrefilter *pf, const char *const *texts, const gsize *lens,
			   guint ntexts, PcPrefilterRange *ranges);

#endif
