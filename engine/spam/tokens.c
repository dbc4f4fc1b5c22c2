/*
 * NAME
 *	tokens.c - what the Bayes classifier counts in a message
 * DESCRIPTION
 *	Words are runs of letters and digits (any script), lower-cased, 3 to
 *	24 characters; longer runs are usually encoded data and add noise.
 *	Prefixes keep the sources apart: "s:" subject word, "h:NAME:" header
 *	value, "u:" URL host, none for body words, "p:" body word pairs.
 */
#include "config.h"

#include <string.h>

#include "bayes.h"
#include "url.h"

#define PC_TOKEN_MIN 3
#define PC_TOKEN_MAX 24

/* The set owns token (a repeated one replaces its twin). */
static void
pc_token_add(GHashTable *set, char *token)
{
	g_hash_table_add(set, token);
}

/* Calls add for each word of text; pairs adds "p:prev word" too. */
static void
pc_tokens_words(GHashTable *set, const char *text, const char *prefix, gboolean pairs)
{
	g_autofree char *prev = NULL;
	const char *p = text;

	while (*p) {
		const char *start;
		gunichar c = g_utf8_get_char_validated(p, -1);
		g_autofree char *lower = NULL;
		glong n;

		if (c == (gunichar)-1 || c == (gunichar)-2)
			break;
		if (!g_unichar_isalnum(c)) {
			p = g_utf8_next_char(p);
			continue;
		}
		start = p;
		while (*p && g_unichar_isalnum(g_utf8_get_char(p)))
			p = g_utf8_next_char(p);
		n = g_utf8_strlen(start, p - start);
		if (n < PC_TOKEN_MIN || n > PC_TOKEN_MAX)
			continue;
		lower = g_utf8_strdown(start, p - start);
		pc_token_add(set, g_strconcat(prefix, lower, NULL));
		if (pairs && prev != NULL)
			pc_token_add(set, g_strdup_printf("p:%s %s", prev, lower));
		g_free(prev);
		prev = g_steal_pointer(&lower);
	}
}

static const char *
pc_tokens_header(const PcSpamView *v, const char *name)
{
	for (guint i = 0; i < v->header_names->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), name) == 0)
			return g_ptr_array_index(v->header_values, i);
	return NULL;
}

/* Address and domain of an address header: "h:from:a@b", "h:from@:b". */
static void
pc_tokens_address(GHashTable *set, const PcSpamView *v, const char *name, const char *tag)
{
	const char *value = pc_tokens_header(v, name);
	const char *lt, *at;
	g_autofree char *addr = NULL;

	if (value == NULL)
		return;
	lt = strchr(value, '<');
	addr = g_ascii_strdown(lt ? lt + 1 : value, -1);
	addr[strcspn(addr, "> \t")] = '\0';
	at = strrchr(addr, '@');
	pc_token_add(set, g_strdup_printf("h:%s:%s", tag, addr));
	if (at != NULL)
		pc_token_add(set, g_strdup_printf("h:%s@:%s", tag, at + 1));
}

/* The host and its registrable domain: a spammer's thousand subdomains
 * are one domain. */
static void
pc_tokens_uri_host(GHashTable *set, const char *uri)
{
	g_autofree char *host = pc_url_host(uri);
	g_autofree char *domain = NULL;

	if (*host == '\0')
		return;
	domain = pc_url_registrable(host);
	pc_token_add(set, g_strconcat("u:", host, NULL));
	if (strcmp(domain, host) != 0)
		pc_token_add(set, g_strconcat("d:", domain, NULL));
}

GPtrArray *
pc_bayes_tokens(const PcSpamView *v)
{
	g_autoptr(GHashTable) set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *mailer = pc_tokens_header(v, "X-Mailer");
	const char *subject = pc_tokens_header(v, "Subject");
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter it;
	gpointer key;

	if (subject != NULL)
		pc_tokens_words(set, subject, "s:", FALSE);
	/* body[0] is the subject again when there is one */
	for (guint i = subject != NULL ? 1 : 0; i < v->body->len; i++)
		pc_tokens_words(set, g_ptr_array_index(v->body, i), "", TRUE);
	pc_tokens_address(set, v, "From", "from");
	pc_tokens_address(set, v, "Reply-To", "reply");
	pc_tokens_address(set, v, "Message-ID", "mid");
	if (mailer == NULL)
		mailer = pc_tokens_header(v, "User-Agent");
	if (mailer != NULL)
		pc_token_add(set, g_strdup_printf("h:mailer:%.40s", mailer));
	for (guint i = 0; i < v->uris->len; i++)
		pc_tokens_uri_host(set, g_ptr_array_index(v->uris, i));
	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		g_hash_table_iter_steal(&it);
		g_ptr_array_add(out, key);
	}
	return out;
}
