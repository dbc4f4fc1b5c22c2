/*
 * NAME
 *	get.c - a header as SpamAssassin's rules read it ($pms->get)
 * DESCRIPTION
 *	Every header of that name, decoded and joined by newlines, or its
 *	address (:addr), display name (:name) or raw text (:raw); ALL is every
 *	header as "Name: value"; pseudo-headers: ToCc (To, then ", " and Cc),
 *	MESSAGEID (the message ids), EnvelopeFrom (the envelope sender) and
 *	X-Spam-Relays-Trusted/Untrusted/Internal/External (the Received trail
 *	in SpamAssassin's relay format).  Rules and eval: tests read through
 *	this one function, so both see a header the same way.
 */
#include "config.h"

#include <string.h>

#include "spam.h"

/* The address of "a@b (comment)" or "a@b": the first word with an "@",
 * comments left out; the value itself when there is none. */
static char *
pc_get_bare_address(const char *value)
{
	static GRegex *comment;
	g_autofree char *plain = NULL;
	g_auto(GStrv) words = NULL;

	if (g_once_init_enter(&comment))
		g_once_init_leave(&comment, g_regex_new("\\([^()]*\\)", 0, 0, NULL));
	plain = g_regex_replace_literal(comment, value, -1, 0, " ", 0, NULL);
	words = g_strsplit_set(plain ? plain : value, " \t,;", -1);
	for (guint i = 0; words[i] != NULL; i++)
		if (strchr(words[i], '@') != NULL)
			return g_strdup(words[i]);
	return g_strstrip(g_strdup(value));
}

/* "Name <a@b>" -> a@b (:addr) or Name (:name). */
static char *
pc_get_address_part(const char *value, PcHeaderPart part)
{
	const char *lt = strchr(value, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (part == PC_HDR_ADDR)
		return lt && gt ? g_strndup(lt + 1, gt - lt - 1) : pc_get_bare_address(value);
	if (lt == NULL)
		return g_strdup("");
	return g_strstrip(g_strdelimit(g_strndup(value, lt - value), "\"", ' '));
}

/* Whether a header called name is one that "want" stands for: itself, any
 * with ALL, the message ids with SpamAssassin's MESSAGEID. */
static gboolean
pc_get_reads_header(const char *want, const char *name)
{
	static const char *const message_ids[] = { "Message-Id", "Resent-Message-Id",
		"X-Message-Id", "X-Original-Message-ID", NULL };

	if (strcmp(want, "ALL") == 0)
		return TRUE;
	if (strcmp(want, "MESSAGEID") == 0) {
		for (guint i = 0; message_ids[i] != NULL; i++)
			if (g_ascii_strcasecmp(name, message_ids[i]) == 0)
				return TRUE;
		return FALSE;
	}
	return g_ascii_strcasecmp(name, want) == 0;
}

/* Appends every header "want" stands for, decoded (or raw, or a part of
 * it), joined by \n; TRUE when there was one. */
static gboolean
pc_get_append(GString *out, const PcSpamView *v, PcHeaderPart part, const char *want)
{
	gboolean all = strcmp(want, "ALL") == 0, found = FALSE;

	for (guint i = 0; i < v->header_names->len; i++) {
		const char *name = g_ptr_array_index(v->header_names, i);
		const char *value = g_ptr_array_index(part == PC_HDR_RAW ? v->header_raw
									      : v->header_values, i);
		g_autofree char *piece = NULL;

		if (!pc_get_reads_header(want, name))
			continue;
		piece = all ? g_strdup_printf("%s: %s", name, value)
			    : part == PC_HDR_ADDR || part == PC_HDR_NAME
			    ? pc_get_address_part(value, part) : g_strdup(value);
		g_string_append_printf(out, "%s%s", found ? "\n" : "", piece);
		found = TRUE;
	}
	return found;
}

/* A pseudo-header made from the view rather than read from the message,
 * or NULL: EnvelopeFrom and the relay lists of the Received trail. */
static const char *
pc_get_pseudo(const PcSpamView *v, const char *name)
{
	static const struct { const char *name; gsize offset; } pseudo[] = {
		{ "EnvelopeFrom", G_STRUCT_OFFSET(PcSpamView, envelope_from) },
		{ "X-Spam-Relays-Trusted", G_STRUCT_OFFSET(PcSpamView, relays_trusted) },
		{ "X-Spam-Relays-Untrusted", G_STRUCT_OFFSET(PcSpamView, relays_untrusted) },
		{ "X-Spam-Relays-Internal", G_STRUCT_OFFSET(PcSpamView, relays_internal) },
		{ "X-Spam-Relays-External", G_STRUCT_OFFSET(PcSpamView, relays_external) },
	};

	for (guint i = 0; i < G_N_ELEMENTS(pseudo); i++)
		if (strcmp(name, pseudo[i].name) == 0)
			return G_STRUCT_MEMBER(const char *, v, pseudo[i].offset);
	return NULL;
}

static gboolean
pc_get_is_pseudo(const char *name)
{
	return strcmp(name, "EnvelopeFrom") == 0 || g_str_has_prefix(name, "X-Spam-Relays-");
}

char *
pc_spam_get(const PcSpamView *v, const char *name, PcHeaderPart part, gboolean *found)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GString) cc = NULL;

	if (pc_get_is_pseudo(name)) {
		const char *value = pc_get_pseudo(v, name);

		*found = value != NULL;
		if (value != NULL && (part == PC_HDR_ADDR || part == PC_HDR_NAME))
			return pc_get_address_part(value, part);
		g_string_assign(out, value ? value : "");
	} else if (strcmp(name, "ToCc") == 0) {
		cc = g_string_new(NULL);
		*found = pc_get_append(out, v, part, "To");
		if (pc_get_append(cc, v, part, "Cc")) {
			g_string_append_printf(out, "%s%s", *found ? ", " : "", cc->str);
			*found = TRUE;
		}
	} else {
		*found = pc_get_append(out, v, part, name);
	}
	return g_string_free(out, FALSE);
}
