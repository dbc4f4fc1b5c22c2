/*
 * NAME
 *	prefilter.c - required literals of rule patterns, found in one pass
 * DESCRIPTION
 *	For each pattern, a set of strings of which every match must contain
 *	one: "viagra" for /\bviagra\b/i, {"dollars", "usd"} for
 *	/(?:dollars|usd)\d+/.  It comes from a walk of the pattern's syntax:
 *	a run of plain characters is a literal; a concatenation needs all of
 *	its parts, so the longest required set of any part stands for it; an
 *	alternation needs one branch, so the union of its branches' sets; a
 *	part that may be absent (?, *, {0,n}), a class, ".", an escape for a
 *	class and anything looked around need nothing.  When in doubt the walk
 *	says "nothing known" and the pattern is always a candidate: a wrong
 *	literal would skip a rule that matches, a missing one only costs time.
 *	All the literals go into one Hyperscan literal database (compiled in
 *	milliseconds, unlike whole patterns in its prefilter mode, which took
 *	minutes and a gigabyte for SpamAssassin's set) and each text is
 *	scanned once.
 *
 *	Case: a pattern with /i or an inline (?i anywhere is matched caseless
 *	throughout (a superset); a caseless literal stops at a character
 *	outside ASCII, whose case folding Hyperscan's caseless literals do not
 *	know.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs.h>
#include <pcre2.h>
#include <string.h>

#include "prefilter.h"

/* Literals shorter than this are not worth a prefilter: "a" is in every text. */
#define PC_PREFILTER_MIN 3
/* More alternatives than this are not worth one either. */
#define PC_PREFILTER_MAX_ALTS 64

struct _PcPrefilter {
	hs_database_t *db;
	hs_scratch_t *scratch;		/* the prototype every scan clones */
	guint n;
	guint8 *always;			/* n: patterns with no required literal */
	GArray *owner;			/* guint: literal id -> pattern */
	guint compiled;
};

/* --- required literals of a pattern ---------------------------------- */

typedef struct {
	const char *p;		/* next character of the pattern */
	const char *end;
	gboolean caseless;
	gboolean extended;
	int depth;
	gboolean failed;	/* a construct the walk does not know: nothing known */
} PcLitParse;

/* A set of literals (char *); NULL: nothing known. */
typedef GPtrArray PcLits;

static PcLits *pc_lits_alternation(PcLitParse *ps);

static void
pc_lits_free(PcLits *l)
{
	if (l != NULL)
		g_ptr_array_unref(l);
}

static PcLits *
pc_lits_one(const char *s, gsize n)
{
	PcLits *l = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(l, g_strndup(s, n));
	return l;
}

/* The shortest literal: how telling a set is. */
static gsize
pc_lits_strength(const PcLits *l)
{
	gsize min = G_MAXSIZE;

	if (l == NULL || l->len == 0)
		return 0;
	for (guint i = 0; i < l->len; i++)
		min = MIN(min, strlen(g_ptr_array_index(l, i)));
	return min;
}

/* Keeps the more telling of *best and l (takes l). */
static void
pc_lits_keep_best(PcLits **best, PcLits *l)
{
	gsize a = pc_lits_strength(*best), b = pc_lits_strength(l);

	if (l != NULL && (b > a || (b == a && b > 0 && l->len < (*best)->len))) {
		pc_lits_free(*best);
		*best = l;
	} else {
		pc_lits_free(l);
	}
}

static void
pc_lits_skip_space(PcLitParse *ps)
{
	while (ps->extended && ps->p < ps->end) {
		if (g_ascii_isspace(*ps->p)) {
			ps->p++;
		} else if (*ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

/* Past a character class "[...]" (ps->p on the '['). */
static void
pc_lits_skip_class(PcLitParse *ps)
{
	ps->p++;
	if (ps->p < ps->end && *ps->p == '^')
		ps->p++;
	if (ps->p < ps->end && *ps->p == ']')
		ps->p++;
	while (ps->p < ps->end && *ps->p != ']') {
		if (*ps->p == '\\' && ps->p + 1 < ps->end)
			ps->p++;
		else if (*ps->p == '[' && ps->p + 1 < ps->end && ps->p[1] == ':') {
			const char *close = g_strstr_len(ps->p + 2, ps->end - ps->p - 2, ":]");

			if (close != NULL)
				ps->p = close + 1;
		}
		ps->p++;
	}
	if (ps->p < ps->end)
		ps->p++;
}

/* {n}, {n,}, {n,m}: its minimum, or -1 when it is not a quantifier. */
static int
pc_lits_braces(PcLitParse *ps)
{
	const char *q = ps->p + 1;
	int min = 0;

	if (!g_ascii_isdigit(*q))
		return -1;
	for (; q < ps->end && g_ascii_isdigit(*q); q++)
		min = MIN(min * 10 + (*q - '0'), 1000);
	if (q < ps->end && *q == ',')
		for (q++; q < ps->end && g_ascii_isdigit(*q); q++)
			;
	if (q >= ps->end || *q != '}')
		return -1;
	ps->p = q + 1;
	return min;
}

/* The quantifier after an atom, if any (*present): its minimum. */
static int
pc_lits_quantifier(PcLitParse *ps, gboolean *present)
{
	int min = 1;

	*present = FALSE;
	pc_lits_skip_space(ps);
	if (ps->p >= ps->end)
		return 1;
	switch (*ps->p) {
	case '?':
	case '*':
		min = 0;
		ps->p++;
		break;
	case '+':
		ps->p++;
		break;
	case '{':
		if ((min = pc_lits_braces(ps)) < 0)
			return 1;
		break;
	default:
		return 1;
	}
	*present = TRUE;
	/* lazy or possessive: the same minimum */
	if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '+'))
		ps->p++;
	return min;
}

/* An escape that stands for one plain character: its bytes in out. */
static gboolean
pc_lits_escape_char(PcLitParse *ps, GString *out)
{
	static const char plain[] = "tnrfea";
	static const char value[] = "\t\n\r\f\x1b\x07";
	char c = ps->p[1];
	const char *k = strchr(plain, c);

	if (c == '\0')
		return FALSE;
	if (k != NULL) {
		g_string_append_c(out, value[k - plain]);
		ps->p += 2;
		return TRUE;
	}
	if (c == 'x') {
		const char *q = ps->p + 2;
		guint v = 0, n = 0;
		gboolean brace = q < ps->end && *q == '{';

		for (q += brace; q < ps->end && g_ascii_isxdigit(*q) && n < (brace ? 6u : 2u); q++, n++)
			v = v * 16 + g_ascii_xdigit_value(*q);
		if (n == 0 || (brace && (q >= ps->end || *q != '}')) || v > 0x7f)
			return FALSE;	/* past ASCII: its bytes depend on UTF mode */
		g_string_append_c(out, ps->caseless ? g_ascii_tolower((char)v) : (char)v);
		ps->p = q + brace;
		return TRUE;
	}
	if (g_ascii_isalnum(c))
		return FALSE;	/* \d \w \b \1 \p{..} \Q ...: not one plain character */
	g_string_append_c(out, c);
	ps->p += 2;
	return TRUE;
}

/* One plain character at ps->p (an escape, or a UTF-8 character) into
 * out; FALSE (nothing consumed) when the atom there is not one. */
static gboolean
pc_lits_plain(PcLitParse *ps, GString *out)
{
	guchar c = (guchar)*ps->p;
	gsize n;

	if (c == '\\')
		return pc_lits_escape_char(ps, out);
	if (strchr("()[]|.^$*+?{}", c) != NULL || c == '\0')
		return FALSE;
	if (c < 0x80) {
		g_string_append_c(out, ps->caseless ? g_ascii_tolower(c) : (char)c);
		ps->p++;
		return TRUE;
	}
	if (ps->caseless)
		return FALSE;
	n = (gsize)(g_utf8_next_char(ps->p) - ps->p);
	if (n > (gsize)(ps->end - ps->p))
		return FALSE;
	g_string_append_len(out, ps->p, n);
	ps->p += n;
	return TRUE;
}

/* Past the escape at ps->p that is not one plain character (\d, \b,
 * \1, \x{263a}, \pL, \Q...\E ...); TRUE when it is zero-width. */
static gboolean
pc_lits_skip_escape(PcLitParse *ps)
{
	char c = ps->p + 1 < ps->end ? ps->p[1] : '\0';
	const char *q = ps->p + 2;

	if (c == 'Q') {
		const char *e = g_strstr_len(q, ps->end - q, "\\E");

		ps->p = e ? e + 2 : ps->end;
		return FALSE;
	}
	if (c != '\0' && strchr("xopPNgk", c) != NULL && q < ps->end && strchr("{<'", *q)) {
		const char *e = strpbrk(q + 1, "}>'");

		ps->p = e && e < ps->end ? e + 1 : ps->end;
		return FALSE;
	}
	if (c == 'x')
		for (guint n = 0; n < 2 && q < ps->end && g_ascii_isxdigit(*q); n++)
			q++;
	else if (c == 'p' || c == 'P' || c == 'c')
		q += q < ps->end;
	else if (c == 'g' || (c >= '0' && c <= '9'))
		while (q < ps->end && g_ascii_isdigit(*q))
			q++;
	ps->p = MIN(q, ps->end);
	return c != '\0' && strchr("bBAzZGK", c) != NULL;
}

/* At "(?": what kind of group; ps->p moved past its opening.  Returns
 * FALSE for those the walk does not know (conditions, recursion...). */
static gboolean
pc_lits_group_kind(PcLitParse *ps, gboolean *look, gboolean *options_only)
{
	const char *q = ps->p + 2;

	*look = *options_only = FALSE;
	if (*q == '=' || *q == '!' || *q == ':' || *q == '>' || *q == '|') {
		*look = *q == '=' || *q == '!';
		ps->p = q + 1;
		return TRUE;
	}
	if (*q == '<' && (q[1] == '=' || q[1] == '!')) {
		*look = TRUE;
		ps->p = q + 2;
		return TRUE;
	}
	if (*q == '<' || *q == '\'' || (*q == 'P' && q[1] == '<')) {
		const char *e = strpbrk(q + 1 + (*q == 'P'), ">'");

		ps->p = e && e < ps->end ? e + 1 : ps->end;
		return e != NULL;
	}
	/* options: (?i) (?x-s) (?^i:...) */
	while (q < ps->end && (g_ascii_isalpha(*q) || *q == '-' || *q == '^')) {
		if (*q == 'i')
			ps->caseless = TRUE;
		if (*q == 'x')
			ps->extended = TRUE;
		q++;
	}
	if (q >= ps->end || (*q != ':' && *q != ')') || q == ps->p + 2)
		return FALSE;
	*options_only = *q == ')';
	ps->p = q + 1;
	return TRUE;
}

/* Past an atom that is not a plain character; its required literals, if
 * it has some (a group). */
static PcLits *
pc_lits_atom(PcLitParse *ps, gboolean *zero_width)
{
	PcLits *inner = NULL;
	gboolean look = FALSE, options_only = FALSE;

	*zero_width = FALSE;
	if (*ps->p == '[') {
		pc_lits_skip_class(ps);
		return NULL;
	}
	if (*ps->p == '\\') {
		*zero_width = pc_lits_skip_escape(ps);
		return NULL;
	}
	if (*ps->p == '^' || *ps->p == '$') {
		*zero_width = TRUE;
		ps->p++;
		return NULL;
	}
	if (*ps->p != '(') {
		ps->p++;	/* "." or a stray metacharacter */
		return NULL;
	}
	if (ps->p + 1 < ps->end && ps->p[1] == '?') {
		if (ps->p + 2 < ps->end && ps->p[2] == '#') {
			const char *e = memchr(ps->p, ')', ps->end - ps->p);

			ps->p = e ? e + 1 : ps->end;
			*zero_width = TRUE;
			return NULL;
		}
		if (!pc_lits_group_kind(ps, &look, &options_only)) {
			ps->failed = TRUE;
			ps->p = ps->end;
			return NULL;
		}
		if (options_only) {
			*zero_width = TRUE;
			return NULL;
		}
	} else {
		ps->p++;
	}
	if (++ps->depth > 100) {
		ps->failed = TRUE;
		ps->p = ps->end;
		return NULL;
	}
	inner = pc_lits_alternation(ps);
	ps->depth--;
	if (ps->p < ps->end && *ps->p == ')')
		ps->p++;
	else
		ps->failed = TRUE;
	if (look) {
		*zero_width = TRUE;
		pc_lits_free(inner);
		return NULL;
	}
	return inner;
}

/* A concatenation, up to "|" or ")": its most telling required set. */
static PcLits *
pc_lits_concat(PcLitParse *ps)
{
	g_autoptr(GString) run = g_string_new(NULL);
	PcLits *best = NULL;

	for (;;) {
		gsize before = run->len;
		PcLits *part;
		gboolean zero, quantified;
		int min;

		pc_lits_skip_space(ps);
		if (ps->p >= ps->end || *ps->p == '|' || *ps->p == ')')
			break;
		if (pc_lits_plain(ps, run)) {
			min = pc_lits_quantifier(ps, &quantified);
			if (!quantified)
				continue;
			/* "ab+c", "ab?c": what follows need not come right after */
			if (min == 0)
				g_string_truncate(run, before);
		} else {
			pc_lits_keep_best(&best, run->len ? pc_lits_one(run->str, run->len) : NULL);
			g_string_truncate(run, 0);
			part = pc_lits_atom(ps, &zero);
			if (pc_lits_quantifier(ps, &quantified) == 0)
				g_clear_pointer(&part, pc_lits_free);
			pc_lits_keep_best(&best, part);
		}
		pc_lits_keep_best(&best, run->len ? pc_lits_one(run->str, run->len) : NULL);
		g_string_truncate(run, 0);
	}
	pc_lits_keep_best(&best, run->len ? pc_lits_one(run->str, run->len) : NULL);
	return best;
}

static PcLits *
pc_lits_alternation(PcLitParse *ps)
{
	PcLits *all = pc_lits_concat(ps);

	while (ps->p < ps->end && *ps->p == '|') {
		PcLits *branch;

		ps->p++;
		branch = pc_lits_concat(ps);
		if (all == NULL || branch == NULL || all->len + branch->len > PC_PREFILTER_MAX_ALTS) {
			g_clear_pointer(&all, pc_lits_free);
			pc_lits_free(branch);
			continue;	/* parse on, to the end of the group */
		}
		for (guint i = 0; i < branch->len; i++)
			g_ptr_array_add(all, g_strdup(g_ptr_array_index(branch, i)));
		pc_lits_free(branch);
	}
	return all;
}

GPtrArray *
pc_prefilter_literals(const PcPattern *pattern, gboolean *caseless)
{
	PcLitParse ps = { pattern->pattern, pattern->pattern + strlen(pattern->pattern),
			  (pattern->options & PCRE2_CASELESS) != 0,
			  (pattern->options & PCRE2_EXTENDED) != 0, 0, FALSE };
	PcLits *l;

	/* an inline (?i anywhere: caseless throughout, decided before the walk */
	if (strstr(pattern->pattern, "(?i") != NULL || strstr(pattern->pattern, "(?^i") != NULL)
		ps.caseless = TRUE;
	l = pc_lits_alternation(&ps);
	/* a ")" the walk did not expect: not understood, nothing known */
	if (ps.failed || ps.p < ps.end || pc_lits_strength(l) < PC_PREFILTER_MIN) {
		pc_lits_free(l);
		l = NULL;
	}
	*caseless = ps.caseless;
	return l;
}

/* --- the database and the scan --------------------------------------- */

void
pc_prefilter_free(PcPrefilter *pf)
{
	if (pf == NULL)
		return;
	hs_free_scratch(pf->scratch);
	hs_free_database(pf->db);
	g_free(pf->always);
	if (pf->owner != NULL)
		g_array_unref(pf->owner);
	g_free(pf);
}

PcPrefilter *
pc_prefilter_new(const PcPattern *patterns, guint n)
{
	g_autoptr(GPtrArray) lits = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) flags = g_array_new(FALSE, FALSE, sizeof(unsigned int));
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(unsigned int));
	g_autoptr(GArray) lens = g_array_new(FALSE, FALSE, sizeof(size_t));
	PcPrefilter *pf = g_new0(PcPrefilter, 1);
	hs_compile_error_t *err = NULL;

	pf->n = n;
	pf->always = g_new0(guint8, MAX(n, 1));
	pf->owner = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; i < n; i++) {
		gboolean caseless;
		PcLits *l = pc_prefilter_literals(&patterns[i], &caseless);
		unsigned int f = HS_FLAG_SINGLEMATCH | (caseless ? HS_FLAG_CASELESS : 0);

		if (l == NULL) {
			pf->always[i] = 1;
			continue;
		}
		pf->compiled++;
		for (guint j = 0; j < l->len; j++) {
			size_t len = strlen(g_ptr_array_index(l, j));
			unsigned int id = lits->len;

			g_ptr_array_add(lits, g_strdup(g_ptr_array_index(l, j)));
			g_array_append_val(flags, f);
			g_array_append_val(ids, id);
			g_array_append_val(lens, len);
			g_array_append_val(pf->owner, i);
		}
		pc_lits_free(l);
	}
	if (lits->len == 0 ||
	    hs_compile_lit_multi((const char *const *)lits->pdata, (unsigned int *)flags->data,
				 (unsigned int *)ids->data, (size_t *)lens->data, lits->len,
				 HS_MODE_BLOCK, NULL, &pf->db, &err) != HS_SUCCESS ||
	    hs_alloc_scratch(pf->db, &pf->scratch) != HS_SUCCESS) {
		hs_free_compile_error(err);
		pc_prefilter_free(pf);
		return NULL;
	}
	return pf;
}

guint
pc_prefilter_compiled(const PcPrefilter *pf)
{
	return pf ? pf->compiled : 0;
}

guint
pc_prefilter_size(const PcPrefilter *pf)
{
	return pf ? pf->n : 0;
}

typedef struct {
	const PcPrefilter *pf;
	PcPrefilterRange *ranges;
	guint text;			/* the one being scanned */
} PcPrefilterScan;

static int
pc_prefilter_hit(unsigned int id, unsigned long long from, unsigned long long to,
		 unsigned int flags, void *context)
{
	PcPrefilterScan *s = context;
	PcPrefilterRange *r = &s->ranges[g_array_index(s->pf->owner, guint, id)];

	(void)from;
	(void)to;
	(void)flags;
	r->first = MIN(r->first, s->text);
	r->last = MAX(r->last, s->text);
	return 0;
}

gboolean
pc_prefilter_scan(const PcPrefilter *pf, const char *const *texts, const gsize *lens,
		  guint ntexts, PcPrefilterRange *ranges)
{
	hs_scratch_t *scratch = NULL;
	PcPrefilterScan s = { pf, ranges, 0 };
	gboolean ok = hs_clone_scratch(pf->scratch, &scratch) == HS_SUCCESS;
	const PcPrefilterRange all = { 0, ntexts ? ntexts - 1 : 0 }, none = { G_MAXUINT, 0 };

	for (guint i = 0; i < pf->n; i++)
		ranges[i] = pf->always[i] ? all : none;
	for (s.text = 0; ok && s.text < ntexts; s.text++)
		ok = lens[s.text] <= G_MAXUINT &&
		     hs_scan(pf->db, texts[s.text], (unsigned int)lens[s.text], 0, scratch,
			     pc_prefilter_hit, &s) == HS_SUCCESS;
	hs_free_scratch(scratch);
	for (guint i = 0; !ok && i < pf->n; i++)
		ranges[i] = all;
	return ok;
}
