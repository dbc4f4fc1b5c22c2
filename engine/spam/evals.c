/*
 * NAME
 *	evals.c - "eval:" rule tests: DNS lists and checks of the message (evals.h)
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "../dns/resolver.h"
#include "evals.h"
#include "evals_msg.h"

typedef enum {
	PC_EVAL_RBL,		/* the untrusted relay's address */
	PC_EVAL_RBL_SUB,	/* same, zone of another rule's set */
	PC_EVAL_ENVFROM,	/* the envelope sender's domain */
	PC_EVAL_URI,		/* registrable domains of the URLs */
	PC_EVAL_HIDDEN,
	PC_EVAL_LINK_MISMATCH,
	PC_EVAL_IMAGE_ONLY,
	PC_EVAL_RECIPIENTS,
	PC_EVAL_MSG,		/* a test of evals_msg.c */
} PcEvalKind;

struct _PcEval {
	PcEvalKind kind;
	char *set;
	char *zone;		/* without the trailing dot */
	char *sub;		/* NULL: any 127.0.0.0/8 answer */
	pcre2_code *sub_re;	/* SUB as a regular expression */
	guint32 sub_mask;	/* SUB as a bit mask (0: not one) */
	guint number;		/* the N of the message checks */
	PcMsgTest msg_test;
	PcMsgArgs msg_args;
};

/* Most URL domains a message gets list queries for. */
#define PC_EVAL_MAX_URI_DOMAINS 20

void
pc_eval_free(PcEval *e)
{
	if (e == NULL)
		return;
	g_free(e->set);
	g_free(e->zone);
	g_free(e->sub);
	if (e->sub_re != NULL)
		pcre2_code_free(e->sub_re);
	if (e->msg_args.re != NULL)
		pcre2_code_free(e->msg_args.re);
	g_strfreev(e->msg_args.args);
	g_free(e->msg_args.name);
	g_free(e);
}

/* 'a', "b", c -> a, b, c (quotes dropped, spaces trimmed). */
static GStrv
pc_eval_args(const char *text)
{
	g_auto(GStrv) parts = g_strsplit(text, ",", -1);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; parts[i] != NULL; i++) {
		char *a = g_strstrip(parts[i]);
		gsize n = strlen(a);

		if (n >= 2 && (*a == '\'' || *a == '"') && a[n - 1] == *a)
			a = g_strndup(a + 1, n - 2);
		else
			a = g_strdup(a);
		if (*a != '\0' || parts[i + 1] != NULL)
			g_ptr_array_add(out, a);
		else
			g_free(a);
	}
	g_ptr_array_add(out, NULL);
	return (GStrv)g_ptr_array_free(out, FALSE);
}

static gboolean
pc_eval_set_sub(PcEval *e, const char *sub, GString *why)
{
	char *end = NULL;
	guint8 bytes[4];
	guint64 mask;
	int code;
	PCRE2_SIZE offset;

	if (sub == NULL || *sub == '\0')
		return TRUE;
	e->sub = g_strdup(sub);
	if (inet_pton(AF_INET, sub, bytes) == 1)
		return TRUE;
	mask = g_ascii_strtoull(sub, &end, 0);
	if (end != sub && *end == '\0' && mask > 0 && mask <= G_MAXUINT32) {
		e->sub_mask = (guint32)mask;
		return TRUE;
	}
	e->sub_re = pcre2_compile((PCRE2_SPTR)sub, PCRE2_ZERO_TERMINATED, 0, &code, &offset, NULL);
	if (e->sub_re == NULL)
		g_string_printf(why, "bad answer pattern \"%s\"", sub);
	return e->sub_re != NULL;
}

static char *
pc_eval_zone_of(const char *zone)
{
	char *z = g_ascii_strdown(zone, -1);
	gsize n = strlen(z);

	if (n > 0 && z[n - 1] == '.')
		z[n - 1] = '\0';
	return z;
}

static const struct {
	const char *name;
	PcEvalKind kind;
	guint min_args, max_args;
} pc_eval_functions[] = {
	{ "check_rbl", PC_EVAL_RBL, 2, 3 },
	{ "check_rbl_sub", PC_EVAL_RBL_SUB, 2, 2 },
	{ "check_rbl_envfrom", PC_EVAL_ENVFROM, 2, 3 },
	{ "check_hidden_text", PC_EVAL_HIDDEN, 1, 1 },
	{ "check_link_mismatch", PC_EVAL_LINK_MISMATCH, 0, 0 },
	{ "check_image_only", PC_EVAL_IMAGE_ONLY, 1, 1 },
	{ "check_many_recipients", PC_EVAL_RECIPIENTS, 1, 1 },
};

/* A test of evals_msg.c: takes args. */
static PcEval *
pc_eval_parse_msg(const char *name, GStrv *args, GString *why)
{
	guint n = g_strv_length(*args), min, max;
	int re_arg, code;
	PCRE2_SIZE offset;
	PcMsgTest test = pc_msg_test(name, *args, &min, &max, &re_arg);
	PcEval *e;

	if (test == NULL) {
		g_string_printf(why, "unknown eval function %s", name);
		return NULL;
	}
	if (n < min || n > max) {
		g_string_printf(why, "%s takes %u to %u arguments", name, min, max);
		return NULL;
	}
	e = g_new0(PcEval, 1);
	e->kind = PC_EVAL_MSG;
	e->msg_test = test;
	e->msg_args.args = g_steal_pointer(args);
	e->msg_args.name = g_strdup(name);
	if (re_arg >= 0 && (guint)re_arg < n) {
		const char *re = e->msg_args.args[re_arg];

		e->msg_args.re = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code,
					       &offset, NULL);
		if (e->msg_args.re == NULL) {
			g_string_printf(why, "%s: bad regular expression \"%s\"", name, re);
			pc_eval_free(e);
			return NULL;
		}
	}
	return e;
}

PcEval *
pc_eval_parse(const char *call, GString *why)
{
	const char *open = strchr(call, '('), *close = strrchr(call, ')');
	g_autofree char *name = NULL, *inside = NULL;
	g_auto(GStrv) args = NULL;
	PcEval *e;
	guint n, i;

	if (open == NULL || close == NULL || close < open) {
		g_string_printf(why, "expected eval:function(arguments)");
		return NULL;
	}
	name = g_strstrip(g_strndup(call, open - call));
	inside = g_strndup(open + 1, close - open - 1);
	args = pc_eval_args(inside);
	n = g_strv_length(args);
	for (i = 0; i < G_N_ELEMENTS(pc_eval_functions); i++)
		if (strcmp(name, pc_eval_functions[i].name) == 0)
			break;
	if (i == G_N_ELEMENTS(pc_eval_functions))
		return pc_eval_parse_msg(name, &args, why);
	if (n < pc_eval_functions[i].min_args || n > pc_eval_functions[i].max_args) {
		g_string_printf(why, "%s takes %u to %u arguments", name,
				pc_eval_functions[i].min_args, pc_eval_functions[i].max_args);
		return NULL;
	}
	e = g_new0(PcEval, 1);
	e->kind = pc_eval_functions[i].kind;
	switch (e->kind) {
	case PC_EVAL_RBL:
	case PC_EVAL_ENVFROM:
		e->set = g_strdup(args[0]);
		e->zone = pc_eval_zone_of(args[1]);
		if (pc_eval_set_sub(e, args[2], why))
			return e;
		break;
	case PC_EVAL_RBL_SUB:
		e->set = g_strdup(args[0]);
		if (pc_eval_set_sub(e, args[1], why))
			return e;
		break;
	case PC_EVAL_LINK_MISMATCH:
		return e;
	default:
		e->number = (guint)strtoul(args[0], NULL, 10);
		return e;
	}
	pc_eval_free(e);
	return NULL;
}

PcEval *
pc_eval_parse_uri(const char *def, gboolean sub, GString *why)
{
	g_auto(GStrv) words = g_strsplit_set(def, " \t", -1);
	GPtrArray *w = g_ptr_array_new();
	PcEval *e = NULL;

	for (guint i = 0; words[i] != NULL; i++)
		if (*words[i] != '\0')
			g_ptr_array_add(w, words[i]);
	if (w->len < 2 || g_ascii_strcasecmp(g_ptr_array_index(w, 1), "A") != 0 ||
	    (sub && w->len < 3)) {
		g_string_printf(why, "expected ZONE A%s", sub ? " SUB" : "");
	} else {
		e = g_new0(PcEval, 1);
		e->kind = PC_EVAL_URI;
		e->zone = pc_eval_zone_of(g_ptr_array_index(w, 0));
		if (sub && !pc_eval_set_sub(e, g_ptr_array_index(w, 2), why))
			g_clear_pointer(&e, pc_eval_free);
	}
	g_ptr_array_free(w, TRUE);
	return e;
}

void
pc_eval_define_set(const PcEval *e, GHashTable *sets)
{
	if (e->kind == PC_EVAL_RBL || e->kind == PC_EVAL_ENVFROM)
		g_hash_table_replace(sets, g_strdup(e->set), (gpointer)e);
}

gboolean
pc_eval_bind(PcEval *e, GHashTable *sets, const PcFreemail *freemail, GString *why)
{
	const PcEval *def;

	e->msg_args.freemail = freemail;
	if (e->kind != PC_EVAL_RBL_SUB || e->zone != NULL)
		return TRUE;
	def = g_hash_table_lookup(sets, e->set);
	if (def == NULL) {
		g_string_printf(why, "no check_rbl defines set '%s'", e->set);
		return FALSE;
	}
	e->zone = g_strdup(def->zone);
	e->kind = def->kind;	/* the set's query: relay or sender */
	return TRUE;
}

const char *
pc_eval_zone(const PcEval *e)
{
	return e->zone;
}

/* "4.3.2.1.zone", "example.com.zone" or NULL. */
static char *
pc_eval_query(const PcEval *e, const char *target)
{
	g_autofree char *rev = NULL;

	if (target == NULL || e->zone == NULL)
		return NULL;
	if (e->kind == PC_EVAL_RBL || e->kind == PC_EVAL_RBL_SUB) {
		rev = pc_resolver_reverse(target);
		return rev ? g_strdup_printf("%s.%s", rev, e->zone) : NULL;
	}
	return g_strdup_printf("%s.%s", target, e->zone);
}

static void
pc_eval_add_name(GPtrArray *names, char *name)
{
	if (name == NULL)
		return;
	for (guint i = 0; i < names->len; i++)
		if (strcmp(g_ptr_array_index(names, i), name) == 0) {
			g_free(name);
			return;
		}
	g_ptr_array_add(names, name);
}

/* The targets of a DNS test: one address, one domain, or the URL domains. */
static void
pc_eval_targets(const PcEval *e, const PcSpamView *v, GPtrArray *out)
{
	switch (e->kind) {
	case PC_EVAL_RBL:
	case PC_EVAL_RBL_SUB:
		if (v->relay_address != NULL)
			g_ptr_array_add(out, (gpointer)v->relay_address);
		break;
	case PC_EVAL_ENVFROM:
		if (v->sender_domain != NULL)
			g_ptr_array_add(out, (gpointer)v->sender_domain);
		break;
	case PC_EVAL_URI:
		for (guint i = 0; v->uri_domains && i < v->uri_domains->len &&
				  i < PC_EVAL_MAX_URI_DOMAINS; i++)
			g_ptr_array_add(out, g_ptr_array_index(v->uri_domains, i));
		break;
	default:
		break;
	}
}

void
pc_eval_dns_names(const PcEval *e, const PcSpamView *v, GPtrArray *names)
{
	g_autoptr(GPtrArray) targets = g_ptr_array_new();

	pc_eval_targets(e, v, targets);
	for (guint i = 0; i < targets->len; i++)
		pc_eval_add_name(names, pc_eval_query(e, g_ptr_array_index(targets, i)));
}

/* One answer address against SUB. */
static gboolean
pc_eval_answer_matches(const PcEval *e, const char *address)
{
	guint8 b[4];

	if (e->sub == NULL)
		return g_str_has_prefix(address, "127.");
	if (e->sub_mask != 0) {
		guint32 v;

		if (inet_pton(AF_INET, address, b) != 1)
			return FALSE;
		v = (guint32)b[0] << 24 | (guint32)b[1] << 16 | (guint32)b[2] << 8 | b[3];
		return (v & e->sub_mask) != 0;
	}
	if (e->sub_re == NULL)
		return strcmp(address, e->sub) == 0;
	{
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(e->sub_re, NULL);
		int rc = pcre2_match(e->sub_re, (PCRE2_SPTR)address, strlen(address), 0, 0, md, NULL);

		pcre2_match_data_free(md);
		return rc >= 0;
	}
}

static guint
pc_eval_dns(const PcEval *e, const PcSpamView *v)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	if (v->dns == NULL)
		return 0;
	pc_eval_dns_names(e, v, names);
	for (guint i = 0; i < names->len; i++) {
		const char *answer = g_hash_table_lookup(v->dns, g_ptr_array_index(names, i));
		g_auto(GStrv) addrs = answer ? g_strsplit(answer, " ", -1) : NULL;

		for (guint j = 0; addrs && addrs[j]; j++)
			if (*addrs[j] && pc_eval_answer_matches(e, addrs[j]))
				return 1;
	}
	return 0;
}

guint
pc_eval_run(const PcEval *e, const PcSpamView *v)
{
	switch (e->kind) {
	case PC_EVAL_RBL:
	case PC_EVAL_RBL_SUB:
	case PC_EVAL_ENVFROM:
	case PC_EVAL_URI:
		return pc_eval_dns(e, v);
	case PC_EVAL_HIDDEN:
		return v->hidden_chars >= MAX(e->number, 1);
	case PC_EVAL_LINK_MISMATCH:
		return v->link_mismatches > 0;
	case PC_EVAL_IMAGE_ONLY:
		return v->images > 0 && v->words < e->number;
	case PC_EVAL_RECIPIENTS:
		return v->recipients >= MAX(e->number, 1);
	case PC_EVAL_MSG:
		return e->msg_test(&e->msg_args, v);
	}
	return 0;
}
