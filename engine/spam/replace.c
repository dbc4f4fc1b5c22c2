/*
 * NAME
 *	replace.c - SpamAssassin's ReplaceTags: named pieces of regular
 *	expressions written once and used in many rules
 * DESCRIPTION
 *	"replace_tag CURRENCY (?:\$|€)" defines <CURRENCY>; a rule named on a
 *	"replace_rules" line has each <NAME> in its pattern replaced by the
 *	tag's text (again, up to six passes, when a tag's text holds tags).
 *	In a pattern, "<pre P>" puts replace_pre P before every tag,
 *	"<post P>" replace_post P after every tag, and "<inter I>" replace_inter
 *	I between two tags next to each other (and before a leading tag), as
 *	the plugin does.  Without this, rules such as LOTS_OF_MONEY look for a
 *	literal "<CURRENCY>" and never hit.
 */
#include "config.h"

#include <string.h>

#include "replace.h"

struct _PcReplace {
	GHashTable *tags, *pre, *post, *inter;	/* name -> text */
	GHashTable *rules;			/* rule names to rewrite */
};

PcReplace *
pc_replace_new(void)
{
	PcReplace *rp = g_new0(PcReplace, 1);

	rp->tags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rp->pre = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rp->post = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rp->inter = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rp->rules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return rp;
}

void
pc_replace_free(PcReplace *rp)
{
	if (rp == NULL)
		return;
	g_hash_table_unref(rp->tags);
	g_hash_table_unref(rp->pre);
	g_hash_table_unref(rp->post);
	g_hash_table_unref(rp->inter);
	g_hash_table_unref(rp->rules);
	g_free(rp);
}

gboolean
pc_replace_line(PcReplace *rp, const char *keyword, const char *name, const char *rest)
{
	static const struct { const char *keyword; gsize offset; } tables[] = {
		{ "replace_tag", G_STRUCT_OFFSET(PcReplace, tags) },
		{ "replace_pre", G_STRUCT_OFFSET(PcReplace, pre) },
		{ "replace_post", G_STRUCT_OFFSET(PcReplace, post) },
		{ "replace_inter", G_STRUCT_OFFSET(PcReplace, inter) },
	};

	if (strcmp(keyword, "replace_rules") == 0) {
		g_autofree char *all = g_strjoin(" ", name, rest, NULL);
		g_auto(GStrv) names = g_strsplit_set(all, " \t", -1);

		for (guint i = 0; names[i] != NULL; i++)
			if (*names[i] != '\0')
				g_hash_table_add(rp->rules, g_strdup(names[i]));
		return TRUE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
		if (strcmp(keyword, tables[i].keyword) == 0 && rest != NULL) {
			g_hash_table_replace(G_STRUCT_MEMBER(GHashTable *, rp, tables[i].offset),
					     g_strdup(name), g_strdup(rest));
			return TRUE;
		}
	/* replace_start/replace_end other than < and > are not used by
	 * SpamAssassin's rules; accepted and ignored */
	return strcmp(keyword, "replace_start") == 0 || strcmp(keyword, "replace_end") == 0;
}

gboolean
pc_replace_wants(const PcReplace *rp, const char *rule)
{
	return g_hash_table_contains(rp->rules, rule);
}

/* Takes out the first "<WHAT NAME>" of re; the table's text for NAME. */
static const char *
pc_replace_directive(GString *re, const char *what, GHashTable *table)
{
	g_autofree char *open = g_strdup_printf("<%s ", what);
	char *start = strstr(re->str, open), *end;
	g_autofree char *name = NULL;

	if (start == NULL || (end = strchr(start, '>')) == NULL)
		return NULL;
	name = g_strndup(start + strlen(open), end - start - strlen(open));
	g_string_erase(re, start - re->str, end + 1 - start);
	return g_hash_table_lookup(table, name);
}

/* Splits as perl's split(/(<[^<>]+>)/): text and tags alternate, a
 * leading empty text kept, trailing empty ones dropped. */
static GPtrArray *
pc_replace_split(const char *re)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	const char *p = re;

	for (;;) {
		const char *lt = strchr(p, '<'), *gt;

		while (lt != NULL && ((gt = strchr(lt + 1, '>')) == NULL ||
				      strcspn(lt + 1, "<>") != (gsize)(gt - lt - 1) || gt == lt + 1))
			lt = strchr(lt + 1, '<');
		if (lt == NULL) {
			g_ptr_array_add(out, g_strdup(p));
			break;
		}
		g_ptr_array_add(out, g_strndup(p, lt - p));
		g_ptr_array_add(out, g_strndup(lt, gt + 1 - lt));
		p = gt + 1;
	}
	while (out->len > 0 && *(char *)g_ptr_array_index(out, out->len - 1) == '\0')
		g_ptr_array_remove_index(out, out->len - 1);
	return out;
}

/* One pass; TRUE when a tag's text brought in more tags. */
static gboolean
pc_replace_pass(const PcReplace *rp, GString *re)
{
	const char *pre = pc_replace_directive(re, "pre", rp->pre);
	const char *post = pc_replace_directive(re, "post", rp->post);
	const char *inter = pc_replace_directive(re, "inter", rp->inter);
	g_autoptr(GPtrArray) parts = pc_replace_split(re->str);
	gboolean again = FALSE;

	g_string_truncate(re, 0);
	for (guint i = 0; i < parts->len; i++) {
		const char *part = g_ptr_array_index(parts, i);
		gboolean tag = *part == '<';
		g_autofree char *name = tag ? g_strndup(part + 1, strlen(part) - 2) : NULL;
		const char *text = tag ? g_hash_table_lookup(rp->tags, name) : NULL;

		if (!tag && *part == '\0' && inter != NULL)
			part = inter;
		if (tag && pre != NULL)
			g_string_append(re, pre);
		g_string_append(re, text != NULL ? text : part);
		if (tag && post != NULL)
			g_string_append(re, post);
		again |= text != NULL && strchr(text, '<') != NULL;
	}
	return again;
}

char *
pc_replace_apply(const PcReplace *rp, const char *re)
{
	GString *out = g_string_new(re);

	for (guint pass = 0; pass < 6 && pc_replace_pass(rp, out); pass++)
		;
	return g_string_free(out, FALSE);
}
