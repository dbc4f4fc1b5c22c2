/*
 * NAME
 *	rules.c - parse SpamAssassin-style rule files and run them (rules.h)
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "evals.h"
#include "prefilter.h"
#include "replace.h"
#include "expr.h"
#include "rules.h"

typedef enum {
	PC_RULE_HEADER, PC_RULE_EXISTS, PC_RULE_BODY, PC_RULE_RAWBODY, PC_RULE_FULL,
	PC_RULE_URI, PC_RULE_META, PC_RULE_EVAL, PC_RULE_KINDS
} PcRuleKind;


typedef struct {
	char *name;
	PcRuleKind kind;
	char *header;		/* header rules; "ALL" for all headers */
	PcHeaderPart part;
	gboolean negate;	/* !~ */
	char *if_unset;
	pcre2_code *re;
	PcExpr *meta;
	PcEval *eval;
	char *def;		/* the definition, while replace_rules may name it */
	char *source;		/* body, rawbody, uri: the pattern, for the prefilter */
	guint32 options;
	int pf;			/* its index in its kind's prefilter; -1: none */
	char *file;
	guint line;
} PcRule;

/* score, describe and tflags may come before or after the rule itself. */
typedef struct {
	double score[PC_SCORE_SETS];
	gboolean scored;
	char *describe;
	gboolean multiple;
	gboolean nice;		/* tflags nice: a ham sign, scored below zero */
	guint maxhits;
} PcRuleExtra;

struct _PcRuleSet {
	GPtrArray *rules;		/* PcRule *, in file order */
	GHashTable *by_name;		/* name -> PcRule * */
	GHashTable *extras;		/* name -> PcRuleExtra * */
	GPtrArray *order;		/* PcRule *: tests first, metas after what they use */
	GHashTable *sets;		/* DNS list set -> PcEval * defining its zone */
	guint unsupported;
	guint dropped;			/* metas naming a rule we do not run */
	GHashTable *not_run;		/* rule name -> why it is not run */
	PcFreemail *freemail;		/* freemail_domains lines */
	PcReplace *replace;		/* replace_tag and replace_rules lines */
	PcPrefilter *prefilter[PC_RULE_KINDS];	/* body, rawbody, uri patterns */
	gboolean no_prefilter;
	gboolean auth;			/* DKIM, SPF, DMARC plugins count as loaded */
};

#define PC_RULES_ERROR (g_quark_from_static_string("pc-rules-error"))

static void
pc_rule_free(gpointer data)
{
	PcRule *r = data;

	g_free(r->name);
	g_free(r->header);
	g_free(r->if_unset);
	g_free(r->def);
	g_free(r->source);
	g_free(r->file);
	if (r->re != NULL)
		pcre2_code_free(r->re);
	pc_expr_free(r->meta);
	pc_eval_free(r->eval);
	g_free(r);
}

static void
pc_extra_free(gpointer data)
{
	PcRuleExtra *x = data;

	g_free(x->describe);
	g_free(x);
}

PcRuleSet *
pc_rules_new(void)
{
	PcRuleSet *rs = g_new0(PcRuleSet, 1);

	rs->rules = g_ptr_array_new_with_free_func(pc_rule_free);
	rs->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	rs->extras = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pc_extra_free);
	rs->order = g_ptr_array_new();
	rs->sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rs->not_run = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rs->freemail = pc_freemail_new();
	rs->replace = pc_replace_new();
	return rs;
}

void
pc_rules_free(PcRuleSet *rs)
{
	if (rs == NULL)
		return;
	g_ptr_array_unref(rs->order);
	g_hash_table_unref(rs->sets);
	g_hash_table_unref(rs->not_run);
	pc_freemail_free(rs->freemail);
	pc_replace_free(rs->replace);
	for (guint k = 0; k < PC_RULE_KINDS; k++)
		pc_prefilter_free(rs->prefilter[k]);
	g_hash_table_unref(rs->by_name);
	g_hash_table_unref(rs->extras);
	g_ptr_array_unref(rs->rules);
	g_free(rs);
}

void
pc_rules_use_prefilter(PcRuleSet *rs, gboolean on)
{
	rs->no_prefilter = !on;
}

void
pc_rules_use_auth(PcRuleSet *rs, gboolean on)
{
	rs->auth = on;
}

guint
pc_rules_count(const PcRuleSet *rs)
{
	return rs->rules->len;
}

guint
pc_rules_unsupported(const PcRuleSet *rs)
{
	return rs->unsupported;
}

guint
pc_rules_dropped(const PcRuleSet *rs)
{
	return rs->dropped;
}

static PcRuleExtra *
pc_rules_extra(PcRuleSet *rs, const char *name)
{
	PcRuleExtra *x = g_hash_table_lookup(rs->extras, name);

	if (x == NULL) {
		x = g_new0(PcRuleExtra, 1);
		g_hash_table_insert(rs->extras, g_strdup(name), x);
	}
	return x;
}

static gboolean
pc_rules_fail(GError **error, const char *file, guint line, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static gboolean
pc_rules_fail(GError **error, const char *file, guint line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, PC_RULES_ERROR, 0, "%s:%u: %s", file, line, what);
	return FALSE;
}

/* "/re/flags" or "mX...Xflags" (X any punctuation; {} () [] <> pair up).
 * Returns the compiled pattern; *rest points after the flags. */
static pcre2_code *
pc_rules_regex(const char *text, const char **rest, GString *why, char **source,
	       guint32 *out_options)
{
	static const char open[] = "{([<", close[] = "})]>";
	const char *p = text, *start, *end;
	char delim;
	guint32 options = PCRE2_UTF | PCRE2_NO_UTF_CHECK;
	const char *o;
	g_autofree char *pattern = NULL;
	int code;
	PCRE2_SIZE offset;
	pcre2_code *re;

	if (*p == 'm' && g_ascii_ispunct(p[1]))
		p++;
	if (!g_ascii_ispunct(*p)) {
		g_string_assign(why, "expected /pattern/ or m{pattern}");
		return NULL;
	}
	delim = (o = strchr(open, *p)) ? close[o - open] : *p;
	start = ++p;
	for (end = start; *end && *end != delim; end++)
		if (*end == '\\' && end[1])
			end++;
	if (*end != delim) {
		g_string_assign(why, "unterminated pattern");
		return NULL;
	}
	for (p = end + 1; g_ascii_isalpha(*p); p++) {
		switch (*p) {
		case 'i': options |= PCRE2_CASELESS; break;
		case 'm': options |= PCRE2_MULTILINE; break;
		case 's': options |= PCRE2_DOTALL; break;
		case 'x': options |= PCRE2_EXTENDED; break;
		default:
			g_string_printf(why, "unknown pattern flag '%c'", *p);
			return NULL;
		}
	}
	*rest = p;
	pattern = g_strndup(start, end - start);
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &code, &offset,
			   NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		g_string_printf(why, "bad pattern /%s/ at %u: %s", pattern, (guint)offset, msg);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* falls back to interpretation */
	if (source != NULL) {
		*source = g_steal_pointer(&pattern);
		*out_options = options;
	}
	return re;
}

static gboolean
pc_rules_header_spec(PcRule *r, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	static const struct { const char *suffix; PcHeaderPart part; } parts[] = {
		{ ":addr", PC_HDR_ADDR }, { ":name", PC_HDR_NAME }, { ":raw", PC_HDR_RAW },
	};

	r->part = PC_HDR_DECODED;
	for (guint i = 0; colon != NULL && i < G_N_ELEMENTS(parts); i++)
		if (g_ascii_strcasecmp(colon, parts[i].suffix) == 0) {
			r->part = parts[i].part;
			r->header = g_strndup(spec, colon - spec);
			return *r->header != '\0';
		}
	r->header = g_strdup(spec);
	return colon == NULL;
}

/* "Header =~ /re/ [if-unset: X]", "exists:Header", "ALL =~ /re/". */
static gboolean
pc_rules_header(PcRule *r, const char *def, GString *why)
{
	const char *p = def, *rest = NULL;
	g_autofree char *spec = NULL;

	if (g_str_has_prefix(def, "exists:")) {
		r->kind = PC_RULE_EXISTS;
		r->header = g_strstrip(g_strdup(def + 7));
		return TRUE;
	}
	while (*p && !g_ascii_isspace(*p) && *p != '=' && *p != '!')
		p++;
	spec = g_strndup(def, p - def);
	while (g_ascii_isspace(*p))
		p++;
	if (strncmp(p, "=~", 2) != 0 && strncmp(p, "!~", 2) != 0) {
		g_string_assign(why, "expected HEADER =~ /pattern/");
		return FALSE;
	}
	r->negate = *p == '!';
	p += 2;
	while (g_ascii_isspace(*p))
		p++;
	if (!pc_rules_header_spec(r, spec)) {
		g_string_printf(why, "bad header name \"%s\"", spec);
		return FALSE;
	}
	r->re = pc_rules_regex(p, &rest, why, &r->source, &r->options);
	if (r->re == NULL)
		return FALSE;
	while (g_ascii_isspace(*rest))
		rest++;
	if (g_str_has_prefix(rest, "[if-unset:")) {
		const char *close = strchr(rest, ']');
		gsize len = close ? (gsize)(close - rest) - 10 : strlen(rest + 10);

		r->if_unset = g_strstrip(g_strndup(rest + 10, len));
	}
	r->kind = PC_RULE_HEADER;
	return TRUE;
}

static gboolean
pc_rules_tflags(PcRuleExtra *x, const char *flags)
{
	g_auto(GStrv) words = g_strsplit_set(flags, " \t", -1);

	for (guint i = 0; words[i] != NULL; i++) {
		if (strcmp(words[i], "multiple") == 0)
			x->multiple = TRUE;
		else if (strcmp(words[i], "nice") == 0)
			x->nice = TRUE;
		else if (g_str_has_prefix(words[i], "maxhits=")) {
			x->maxhits = (guint)atoi(words[i] + 8);
			x->multiple = TRUE;
		}
	}
	return TRUE;
}

/* "N" for every score set, or SpamAssassin's four "N N N N" (rules.h). */
static gboolean
pc_rules_score(PcRuleExtra *x, const char *text)
{
	double v[4];
	guint n = 0;
	const char *p = text;

	while (n < 4 && *p) {
		char *end = NULL;

		v[n] = g_ascii_strtod(p, &end);
		if (end == p)
			break;
		n++;
		for (p = end; g_ascii_isspace(*p); p++)
			;
	}
	if (n == 0)
		return FALSE;
	for (guint i = 0; i < PC_SCORE_SETS; i++)
		x->score[i] = n == PC_SCORE_SETS ? v[i] : v[0];
	x->scored = TRUE;
	return TRUE;
}

/* Compiles def (what follows the rule's name) into r, by r->kind. */
static gboolean
pc_rules_compile(PcRuleSet *rs, PcRule *r, const char *file_keyword, const char *def,
		 GString *why)
{
	g_autoptr(GError) local = NULL;
	const char *rest = NULL;

	if (r->kind == PC_RULE_EVAL) {
		r->eval = g_str_has_prefix(def, "eval:") ? pc_eval_parse(def + 5, why)
			  : pc_eval_parse_uri(def, strcmp(file_keyword, "urirhssub") == 0, why);
		if (r->eval != NULL)
			pc_eval_define_set(r->eval, rs->sets);
		return r->eval != NULL;
	}
	if (r->kind == PC_RULE_HEADER)
		return pc_rules_header(r, def, why);
	if (r->kind == PC_RULE_META) {
		r->meta = pc_expr_parse(def, &local);
		if (r->meta == NULL)
			g_string_assign(why, local->message);
		return r->meta != NULL;
	}
	r->re = pc_rules_regex(def, &rest, why, r->kind == PC_RULE_FULL ? NULL : &r->source,
			       &r->options);
	return r->re != NULL;
}

static gboolean
pc_rules_define(PcRuleSet *rs, PcRuleKind kind, const char *file_keyword, const char *name,
		const char *def, const char *file, guint line, GError **error)
{
	g_autoptr(GString) why = g_string_new(NULL);
	PcRule *r = g_new0(PcRule, 1);

	r->name = g_strdup(name);
	r->kind = kind;
	r->file = g_strdup(file);
	r->line = line;
	/* a pattern with <TAGS> may be named on a replace_rules line later */
	if (kind != PC_RULE_EVAL && kind != PC_RULE_META && strchr(def, '<') != NULL)
		r->def = g_strdup(def);
	if (!pc_rules_compile(rs, r, file_keyword, def, why)) {
		pc_rule_free(r);
		return pc_rules_fail(error, file, line, "%s: %s", name, why->str);
	}
	if (g_hash_table_contains(rs->by_name, name)) {
		/* A later file redefines a rule, as in SpamAssassin's local.cf. */
		g_hash_table_remove(rs->by_name, name);
	}
	g_ptr_array_add(rs->rules, r);
	g_hash_table_insert(rs->by_name, r->name, r);
	g_hash_table_remove(rs->not_run, name);
	return TRUE;
}

/* Rules named on replace_rules lines, their tags replaced (replace.c);
 * one whose pattern no longer compiles stays as it was, as in
 * SpamAssassin. */
static void
pc_rules_replace_tags(PcRuleSet *rs)
{
	for (guint i = 0; i < rs->rules->len; i++) {
		PcRule *r = g_ptr_array_index(rs->rules, i);
		g_autofree char *def = NULL;
		g_autoptr(GString) why = g_string_new(NULL);
		PcRule fresh;

		if (r->def == NULL || !pc_replace_wants(rs->replace, r->name))
			continue;
		def = pc_replace_apply(rs->replace, r->def);
		fresh = (PcRule){ .name = r->name, .kind = r->kind };
		if (strcmp(def, r->def) == 0 || !pc_rules_compile(rs, &fresh, "", def, why))
			continue;
		if (r->re != NULL)
			pcre2_code_free(r->re);
		g_free(r->header);
		g_free(r->if_unset);
		g_free(r->source);
		r->re = fresh.re;
		r->source = fresh.source;
		r->options = fresh.options;
		r->header = fresh.header;
		r->if_unset = fresh.if_unset;
		r->part = fresh.part;
		r->negate = fresh.negate;
		r->kind = fresh.kind;
		g_clear_pointer(&r->def, g_free);
	}
}

/* Remembers why a rule SpamAssassin has is not run (--list-rules). */
static void
pc_rules_not_run(PcRuleSet *rs, const char *name, char *why)
{
	if (g_hash_table_contains(rs->by_name, name))
		g_free(why);
	else
		g_hash_table_replace(rs->not_run, g_strdup(name), why);
}

static int
pc_rules_kind(const char *word)
{
	static const char *const kinds[] = {
		[PC_RULE_HEADER] = "header", [PC_RULE_BODY] = "body", [PC_RULE_RAWBODY] = "rawbody",
		[PC_RULE_FULL] = "full", [PC_RULE_URI] = "uri", [PC_RULE_META] = "meta",
	};

	for (guint i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (kinds[i] != NULL && strcmp(word, kinds[i]) == 0)
			return (int)i;
	return -1;
}

/* "header|body NAME eval:f(args)": a test we have, SpamAssassin's
 * check_uridnsbl (urirhssub already defined the rule), or one we do not
 * have (unsupported: an error only when strict). */
static gboolean
pc_rules_eval_line(PcRuleSet *rs, GStrv head, const char *file, guint line, gboolean strict,
		   GError **error)
{
	g_autoptr(GString) why = g_string_new(NULL);
	PcEval *probe;

	if (g_str_has_prefix(head[2], "eval:check_uridnsbl"))
		return TRUE;
	probe = pc_eval_parse(head[2] + 5, why);
	if (probe != NULL) {
		pc_eval_free(probe);
		return pc_rules_define(rs, PC_RULE_EVAL, head[0], head[1], head[2], file, line,
				       error);
	}
	if (!g_str_has_prefix(why->str, "unknown eval function"))
		return pc_rules_fail(error, file, line, "%s: %s", head[1], why->str);
	rs->unsupported++;
	pc_rules_not_run(rs, head[1], g_strdup(why->str));
	if (strict)
		return pc_rules_fail(error, file, line, "%s: %s", head[1], why->str);
	return TRUE;
}

/* "KEYWORD NAME REST" -> three strings; runs of blanks separate them. */
static GStrv
pc_rules_split(const char *text)
{
	GStrv head = g_new0(char *, 4);
	const char *p = text;

	for (guint i = 0; i < 2 && *p; i++) {
		const char *start = p;

		while (*p && !g_ascii_isspace(*p))
			p++;
		head[i] = g_strndup(start, p - start);
		while (g_ascii_isspace(*p))
			p++;
	}
	if (*p)
		head[2] = g_strdup(p);
	return head;
}

/* One line: "KEYWORD NAME REST". */
static gboolean
pc_rules_line(PcRuleSet *rs, const char *file, guint line, char *text, gboolean strict,
	      GError **error)
{
	g_auto(GStrv) head = pc_rules_split(text);
	int kind;

	if (head[0] == NULL || head[1] == NULL)
		goto unsupported;
	if (pc_replace_line(rs->replace, head[0], head[1], head[2]))
		return TRUE;
	if (strcmp(head[0], "freemail_domains") == 0 ||
	    strcmp(head[0], "freemail_welcomelist") == 0 ||
	    strcmp(head[0], "freemail_whitelist") == 0) {
		g_autofree char *words = g_strjoin(" ", head[1], head[2], NULL);

		pc_freemail_add(rs->freemail, words, strcmp(head[0], "freemail_domains") != 0);
		return TRUE;
	}
	for (char *p = head[1]; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '_')
			goto unsupported;
	kind = pc_rules_kind(head[0]);
	if (kind >= 0 && head[2] != NULL && g_str_has_prefix(g_strstrip(head[2]), "eval:"))
		return pc_rules_eval_line(rs, head, file, line, strict, error);
	if (kind >= 0 && head[2] != NULL)
		return pc_rules_define(rs, kind, head[0], head[1], head[2], file, line, error);
	if ((strcmp(head[0], "urirhssub") == 0 || strcmp(head[0], "urirhsbl") == 0) &&
	    head[2] != NULL)
		return pc_rules_define(rs, PC_RULE_EVAL, head[0], head[1], head[2], file, line,
				       error);
	if (strcmp(head[0], "score") == 0 && head[2] != NULL) {
		if (!pc_rules_score(pc_rules_extra(rs, head[1]), g_strstrip(head[2])))
			return pc_rules_fail(error, file, line, "%s: score is not a number", head[1]);
		return TRUE;
	}
	if (strcmp(head[0], "describe") == 0 && head[2] != NULL) {
		PcRuleExtra *x = pc_rules_extra(rs, head[1]);

		g_free(x->describe);
		x->describe = g_strstrip(g_strdup(head[2]));
		return TRUE;
	}
	if (strcmp(head[0], "tflags") == 0 && head[2] != NULL)
		return pc_rules_tflags(pc_rules_extra(rs, head[1]), head[2]);

unsupported:
	rs->unsupported++;
	if (strict)
		return pc_rules_fail(error, file, line, "unsupported line: %s", text);
	return TRUE;
}

/* A line of a block SpamAssassin would not enter either; a rule defined
 * there is listed as not run. */
static void
pc_rules_skipped_line(PcRuleSet *rs, const char *text)
{
	g_auto(GStrv) head = pc_rules_split(text);

	rs->unsupported++;
	if (head[1] != NULL && head[2] != NULL && pc_rules_kind(head[0]) >= 0)
		pc_rules_not_run(rs, head[1], g_strdup("in a block for a plugin or feature "
						       "portcullis does not have"));
}

/* The open conditional blocks of one file: each one's own condition and
 * whether the block around it applies. */
#define PC_RULES_MAX_NESTING 64
typedef struct {
	guint depth;
	gboolean cond[PC_RULES_MAX_NESTING];
	gboolean outer[PC_RULES_MAX_NESTING];
	gboolean auth;			/* the rule set's pc_rules_use_auth() */
} PcRulesBlocks;

static gboolean
pc_rules_active(const PcRulesBlocks *b)
{
	return b->depth == 0 || (b->outer[b->depth - 1] && b->cond[b->depth - 1]);
}

/* ifplugin / if / else / endif: TRUE when the line was one of them. */
static gboolean
pc_rules_conditional(PcRulesBlocks *b, const char *l)
{
	gboolean open_plugin = g_str_has_prefix(l, "ifplugin") && g_ascii_isspace(l[8]);
	gboolean open_if = g_str_has_prefix(l, "if") && (g_ascii_isspace(l[2]) || l[2] == '(');

	if (open_plugin || open_if) {
		gboolean outer = pc_rules_active(b);

		/* deeper than any rule file nests: everything inside is skipped */
		if (b->depth == PC_RULES_MAX_NESTING)
			b->depth--;
		b->outer[b->depth] = outer;
		b->cond[b->depth] = open_plugin ? pc_cond_plugin(l + 8, b->auth)
					   : pc_cond_if(l + 2, b->auth);
		b->depth++;
		return TRUE;
	}
	if (strcmp(l, "else") == 0) {
		if (b->depth > 0)
			b->cond[b->depth - 1] = !b->cond[b->depth - 1];
		return TRUE;
	}
	if (strcmp(l, "endif") == 0) {
		if (b->depth > 0)
			b->depth--;
		return TRUE;
	}
	return FALSE;
}

gboolean
pc_rules_parse(PcRuleSet *rs, const char *file, const char *text, gboolean strict,
	       GError **error)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	PcRulesBlocks blocks = { .auth = rs->auth };
	GError *local = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);

		if (*l == '#' || *l == '\0' || pc_rules_conditional(&blocks, l))
			continue;
		/* a block SpamAssassin would not enter is not read */
		if (!pc_rules_active(&blocks)) {
			pc_rules_skipped_line(rs, l);
			continue;
		}
		if (!pc_rules_line(rs, file, i + 1, l, strict, &local)) {
			if (strict) {
				g_propagate_error(error, local);
				return FALSE;
			}
			/* another rule set's line we cannot read: skipped */
			g_clear_error(&local);
			rs->unsupported++;
		}
	}
	return TRUE;
}

static gint
pc_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

gboolean
pc_rules_load_dir(PcRuleSet *rs, const char *dir, gboolean strict, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".cf"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_ptr_array_sort(names, pc_strcmp);
	for (guint i = 0; i < names->len; i++)
		if (!pc_rules_load_file(rs, g_ptr_array_index(names, i), strict, error))
			return FALSE;
	return TRUE;
}

gboolean
pc_rules_load_file(PcRuleSet *rs, const char *path, gboolean strict, GError **error)
{
	g_autofree char *text = NULL;

	return g_file_get_contents(path, &text, NULL, error) &&
	       pc_rules_parse(rs, path, text, strict, error);
}

double
pc_rules_score_named(const PcRuleSet *rs, const char *name, PcScoreSet set, double fallback)
{
	const PcRuleExtra *x = g_hash_table_lookup(rs->extras, name);

	return x != NULL && x->scored ? x->score[set] : fallback;
}

/* Depth-first: a meta comes after every rule it names; a cycle is an error.
 * A meta that names a rule we do not run (an eval: test we lack, a rule in
 * a block that was not read, a meta dropped for that reason) is dropped
 * too, as SpamAssassin drops a meta whose rules are missing: read as "did
 * not hit", every "!__SAFE_GUARD" in it would turn true on every ham. */
enum { PC_VISITING = 1, PC_ORDERED, PC_DROPPED };

static gboolean
pc_rules_visit(PcRuleSet *rs, PcRule *r, GHashTable *state, gboolean strict, GError **error)
{
	g_autoptr(GPtrArray) names = NULL;
	int s = GPOINTER_TO_INT(g_hash_table_lookup(state, r));
	const char *missing = NULL;

	if (s == PC_ORDERED || s == PC_DROPPED)
		return TRUE;
	if (s == PC_VISITING)
		return pc_rules_fail(error, r->file, r->line, "%s: meta rules depend on each other "
				     "in a circle", r->name);
	g_hash_table_insert(state, r, GINT_TO_POINTER(PC_VISITING));
	names = g_ptr_array_new();
	pc_expr_names(r->meta, names);
	for (guint i = 0; i < names->len; i++) {
		PcRule *dep = g_hash_table_lookup(rs->by_name, g_ptr_array_index(names, i));

		if (dep == NULL && strict)
			return pc_rules_fail(error, r->file, r->line, "%s: meta names unknown rule %s",
					     r->name, (char *)g_ptr_array_index(names, i));
		if (dep != NULL && !pc_rules_visit(rs, dep, state, strict, error))
			return FALSE;
		if (missing == NULL && (dep == NULL || GPOINTER_TO_INT(g_hash_table_lookup(state,
								dep)) == PC_DROPPED))
			missing = g_ptr_array_index(names, i);
	}
	if (missing != NULL) {
		g_hash_table_insert(state, r, GINT_TO_POINTER(PC_DROPPED));
		g_hash_table_replace(rs->not_run, g_strdup(r->name),
				     g_strdup_printf("meta needs %s, not run", missing));
		rs->dropped++;
		return TRUE;
	}
	g_hash_table_insert(state, r, GINT_TO_POINTER(PC_ORDERED));
	g_ptr_array_add(rs->order, r);
	return TRUE;
}

/* A header rule can be skipped when its literals are nowhere in the
 * headers (ALL's text) only if it reads a part of that text and hits only
 * on a match: not negated, no if-unset text, not raw (a raw value holds
 * what decoding removed), not a pseudo-header made of other text. */
static gboolean
pc_rules_header_prefiltered(const PcRule *r)
{
	static const char *const made[] = { "ToCc", "EnvelopeFrom", "X-Spam-Relays-" };

	if (r->negate || r->if_unset != NULL || r->part == PC_HDR_RAW)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(made); i++)
		if (g_str_has_prefix(r->header, made[i]))
			return FALSE;
	return TRUE;
}

/* One prefilter for the patterns of the rules of kind that run. */
static void
pc_rules_prefilter(PcRuleSet *rs, PcRuleKind kind)
{
	g_autoptr(GArray) patterns = g_array_new(FALSE, FALSE, sizeof(PcPattern));

	g_clear_pointer(&rs->prefilter[kind], pc_prefilter_free);
	for (guint i = 0; i < rs->order->len; i++) {
		PcRule *r = g_ptr_array_index(rs->order, i);
		PcPattern p = { r->source, r->options };

		if (r->kind != kind)
			continue;
		r->pf = -1;
		if (r->source == NULL || (kind == PC_RULE_HEADER && !pc_rules_header_prefiltered(r)))
			continue;
		r->pf = (int)patterns->len;
		g_array_append_val(patterns, p);
	}
	if (patterns->len > 0 && !rs->no_prefilter)
		rs->prefilter[kind] = pc_prefilter_new((const PcPattern *)patterns->data,
						       patterns->len);
	for (guint i = 0; rs->prefilter[kind] == NULL && i < rs->order->len; i++) {
		PcRule *r = g_ptr_array_index(rs->order, i);

		if (r->kind == kind)
			r->pf = -1;
	}
}

gboolean
pc_rules_finish(PcRuleSet *rs, gboolean strict, GError **error)
{
	g_autoptr(GHashTable) state = g_hash_table_new(NULL, NULL);

	g_ptr_array_set_size(rs->order, 0);
	rs->dropped = 0;
	pc_freemail_finish(rs->freemail);
	pc_rules_replace_tags(rs);
	for (guint i = 0; i < rs->rules->len; i++) {
		PcRule *r = g_ptr_array_index(rs->rules, i);
		g_autoptr(GString) why = g_string_new(NULL);

		if (r->eval != NULL && !pc_eval_bind(r->eval, rs->sets, rs->freemail, why))
			return pc_rules_fail(error, r->file, r->line, "%s: %s", r->name, why->str);
	}
	for (guint i = 0; i < rs->rules->len; i++) {
		PcRule *r = g_ptr_array_index(rs->rules, i);

		/* a redefined rule's older copy is no longer in by_name */
		if (g_hash_table_lookup(rs->by_name, r->name) == r &&
		    !pc_rules_visit(rs, r, state, strict, error))
			return FALSE;
	}
	pc_rules_prefilter(rs, PC_RULE_HEADER);
	pc_rules_prefilter(rs, PC_RULE_BODY);
	pc_rules_prefilter(rs, PC_RULE_RAWBODY);
	pc_rules_prefilter(rs, PC_RULE_URI);
	return TRUE;
}

/* --- evaluation ---------------------------------------------------------- */

typedef struct {
	const PcRuleSet *rs;
	GHashTable *counts;	/* rule name -> guint hits */
	pcre2_match_data *md;
	GHashTable *headers;	/* "PART NAME" -> PcHeaderText: what rules read */
	PcPrefilterRange *ranges[PC_RULE_KINDS];	/* by prefilter index; NULL: not scanned yet */
} PcRun;

/* The texts rules of kind read. */
static const GPtrArray *
pc_rules_texts(const PcSpamView *v, PcRuleKind kind)
{
	return kind == PC_RULE_BODY ? v->body : kind == PC_RULE_RAWBODY ? v->rawbody : v->uris;
}

/* A header as rules read it, made once per message: SpamAssassin's set
 * has hundreds of rules on Subject, From or ALL, and building the text
 * anew for each was a fifth of the rules' time. */
typedef struct {
	char *text;
	gboolean found;
} PcHeaderText;

static void
pc_header_text_free(gpointer data)
{
	PcHeaderText *h = data;

	g_free(h->text);
	g_free(h);
}

static const PcHeaderText *
pc_rules_header_text(PcRun *run, const PcSpamView *v, const char *name, PcHeaderPart part)
{
	g_autofree char *key = g_strdup_printf("%d %s", (int)part, name);
	PcHeaderText *h = g_hash_table_lookup(run->headers, key);

	if (h == NULL) {
		h = g_new0(PcHeaderText, 1);
		h->text = pc_spam_get(v, name, part, &h->found);
		g_hash_table_insert(run->headers, g_steal_pointer(&key), h);
	}
	return h;
}

/* Where r's pattern may match, texts first..last of its kind (first >
 * last: nowhere): the prefilter scans the texts at the first rule of that
 * kind a message needs.  Header rules: every header as ALL reads it, one
 * text (each header's value, address or name is a part of it). */
static PcPrefilterRange
pc_rules_range(PcRun *run, const PcRule *r, const PcSpamView *v)
{
	const PcPrefilter *pf = run->rs->prefilter[r->kind];
	const PcPrefilterRange all = { 0, G_MAXUINT };

	if (r->pf < 0 || pf == NULL)
		return all;
	if (run->ranges[r->kind] == NULL) {
		const char *header_block = NULL;
		const GPtrArray *texts = NULL;
		guint n = 1;
		g_autofree gsize *lens = NULL;

		if (r->kind == PC_RULE_HEADER)
			header_block = pc_rules_header_text(run, v, "ALL", PC_HDR_DECODED)->text;
		else
			n = (texts = pc_rules_texts(v, r->kind)) ? texts->len : 0;
		lens = g_new(gsize, MAX(n, 1));
		for (guint i = 0; i < n; i++)
			lens[i] = strlen(texts ? g_ptr_array_index(texts, i) : header_block);
		run->ranges[r->kind] = g_new(PcPrefilterRange, pc_prefilter_size(pf));
		pc_prefilter_scan(pf, texts ? (const char *const *)texts->pdata : &header_block, lens,
				  n, run->ranges[r->kind]);
	}
	return run->ranges[r->kind][r->pf];
}

/* Hits of re in text: 0 or 1, or every match up to maxhits with multiple. */
static guint
pc_rules_count_matches(PcRun *run, const pcre2_code *re, const char *text, gsize len,
		       const PcRuleExtra *x)
{
	guint hits = 0;
	PCRE2_SIZE start = 0;

	while (start <= len) {
		int rc = pcre2_match(re, (PCRE2_SPTR)text, len, start, 0, run->md, NULL);
		PCRE2_SIZE *ov;

		if (rc < 0)
			break;
		hits++;
		if (x == NULL || !x->multiple || (x->maxhits && hits >= x->maxhits))
			break;
		ov = pcre2_get_ovector_pointer(run->md);
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return hits;
}

/* Hits of r's pattern in texts first..last. */
static guint
pc_rules_over(PcRun *run, const PcRule *r, const PcRuleExtra *x, const GPtrArray *texts,
	      PcPrefilterRange range)
{
	guint hits = 0;

	for (guint i = range.first; texts != NULL && i < texts->len && i <= range.last; i++) {
		const char *t = g_ptr_array_index(texts, i);

		hits += pc_rules_count_matches(run, r->re, t, strlen(t), x);
		if (hits > 0 && (x == NULL || !x->multiple || (x->maxhits && hits >= x->maxhits)))
			break;
	}
	return hits;
}

static guint
pc_rules_test(PcRun *run, const PcRule *r, const PcSpamView *v)
{
	const PcRuleExtra *x = g_hash_table_lookup(run->rs->extras, r->name);
	const PcHeaderText *h;
	const char *text;
	PcPrefilterRange range;
	guint hits;

	switch (r->kind) {
	case PC_RULE_EXISTS:
		return pc_rules_header_text(run, v, r->header, r->part)->found;
	case PC_RULE_HEADER:
		range = pc_rules_range(run, r, v);
		if (range.first > range.last)
			return 0;
		h = pc_rules_header_text(run, v, r->header, r->part);
		if (!h->found && r->if_unset == NULL)
			return r->negate;
		text = h->found ? h->text : r->if_unset;
		hits = pc_rules_count_matches(run, r->re, text, strlen(text), NULL);
		return r->negate ? hits == 0 : hits;
	case PC_RULE_BODY:
	case PC_RULE_RAWBODY:
	case PC_RULE_URI:
		return pc_rules_over(run, r, x, pc_rules_texts(v, r->kind), pc_rules_range(run, r, v));
	case PC_RULE_FULL:
		return v->full ? pc_rules_count_matches(run, r->re, v->full, v->full_len, x) : 0;
	case PC_RULE_EVAL:
		return pc_eval_run(r->eval, v);
	case PC_RULE_META:
	case PC_RULE_KINDS:
		break;
	}
	return 0;
}

gboolean
pc_rules_uses_dns(const PcRuleSet *rs)
{
	for (guint i = 0; i < rs->order->len; i++) {
		const PcRule *r = g_ptr_array_index(rs->order, i);

		if (r->eval != NULL && pc_eval_zone(r->eval) != NULL)
			return TRUE;
	}
	return FALSE;
}

void
pc_rules_dns_names(const PcRuleSet *rs, const PcSpamView *view, GPtrArray *names,
		   GHashTable *zones)
{
	for (guint i = 0; i < rs->order->len; i++) {
		const PcRule *r = g_ptr_array_index(rs->order, i);
		guint before = names->len;

		if (r->eval == NULL)
			continue;
		pc_eval_dns_names(r->eval, view, names);
		for (guint n = before; zones != NULL && n < names->len; n++)
			g_hash_table_insert(zones, g_ptr_array_index(names, n),
					    (gpointer)pc_eval_zone(r->eval));
	}
}

static double
pc_rules_lookup(const char *name, gpointer data)
{
	PcRun *run = data;

	return GPOINTER_TO_UINT(g_hash_table_lookup(run->counts, name));
}

/* A rule's score, or SpamAssassin's default for one without: 0 for a
 * sub-rule (__), 0.01 for a rule under test (T_), -1 for a nice one, 1. */
static double
pc_rules_score_of(const PcRuleSet *rs, const PcRule *r, PcScoreSet set)
{
	const PcRuleExtra *x = g_hash_table_lookup(rs->extras, r->name);

	if (x != NULL && x->scored)
		return x->score[set];
	if (g_str_has_prefix(r->name, "__"))
		return 0;
	if (g_str_has_prefix(r->name, "T_"))
		return 0.01;
	return x != NULL && x->nice ? -1.0 : 1.0;
}

double
pc_rules_run(const PcRuleSet *rs, const PcSpamView *view, PcScoreSet set, GArray *hits)
{
	PcRun run = { rs, g_hash_table_new(g_str_hash, g_str_equal),
		      pcre2_match_data_create(30, NULL),
		      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pc_header_text_free),
		      { NULL } };
	double total = 0;

	for (guint i = 0; i < rs->order->len; i++) {
		const PcRule *r = g_ptr_array_index(rs->order, i);
		gboolean sub = g_str_has_prefix(r->name, "__");
		PcRuleHit hit = { r->name, sub ? 0 : pc_rules_score_of(rs, r, set), 0 };
		guint n;

		/* As in SpamAssassin, a rule scored 0 in this set is not run:
		 * it does not hit, and a meta reads it as 0. */
		if (!sub && hit.score == 0)
			continue;
		n = r->kind == PC_RULE_META ? (pc_expr_eval(r->meta, pc_rules_lookup, &run) != 0)
					    : pc_rules_test(&run, r, view);
		if (n == 0)
			continue;
		g_hash_table_insert(run.counts, r->name, GUINT_TO_POINTER(n));
		if (sub)
			continue;
		hit.hits = n;
		total += hit.score;
		if (hits != NULL)
			g_array_append_val(hits, hit);
	}
	pcre2_match_data_free(run.md);
	g_hash_table_unref(run.counts);
	g_hash_table_unref(run.headers);
	for (guint k = 0; k < PC_RULE_KINDS; k++)
		g_free(run.ranges[k]);
	return total;
}

GPtrArray *
pc_rules_list(const PcRuleSet *rs)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer name, why;

	for (guint i = 0; i < rs->order->len; i++) {
		const PcRule *r = g_ptr_array_index(rs->order, i);

		if (g_str_has_prefix(r->name, "__"))
			continue;
		g_ptr_array_add(out, g_strdup_printf("%s\trun\t%g %g %g %g", r->name,
						     pc_rules_score_of(rs, r, 0),
						     pc_rules_score_of(rs, r, 1),
						     pc_rules_score_of(rs, r, 2),
						     pc_rules_score_of(rs, r, 3)));
	}
	g_hash_table_iter_init(&it, rs->not_run);
	while (g_hash_table_iter_next(&it, &name, &why))
		if (!g_str_has_prefix(name, "__"))
			g_ptr_array_add(out, g_strdup_printf("%s\tnot run\t%s", (char *)name,
							     (char *)why));
	g_ptr_array_sort(out, pc_strcmp);
	return out;
}
