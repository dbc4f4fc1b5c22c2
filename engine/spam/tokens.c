/*
 * NAME
 *	tokens.c - what the Bayes classifier counts in a message
 * DESCRIPTION
 *	Words are runs of letters and digits (any script), lower-cased, 3 to
 *	24 characters; longer runs are usually encoded data and add noise.
 *	Prefixes keep the sources apart: "s:" subject word, "h:NAME:" header
 *	value, "H" header words (htokens.c), "u:" URL host, none for body words, "p:" body word pairs.
 *	What one message may cost is bounded: the body is read up to
 *	PC_BAYES_TEXT_MAX bytes and the set stops at PC_BAYES_SET_MAX
 *	tokens; both far above ordinary mail, so its tokens are unchanged.
 */
#include "config.h"

#include <string.h>

#include "bayes.h"
#include "url.h"

#define PC_TOKEN_MIN 3
#define PC_TOKEN_MAX 24

/* Tokens of one message, and the body text it may still read. */
typedef struct {
	GHashTable *set;	/* char *, owned */
	gsize text_left;	/* bytes of body text not yet tokenised */
} PcTokens;

static gboolean
pc_tokens_full(const PcTokens *t)
{
	return g_hash_table_size(t->set) >= PC_BAYES_SET_MAX;
}

/* Takes token; once the set is full, only tokens already in it are kept
 * (contains first: adding a twin swaps the keys, see DEVELOPERS.md). */
static void
pc_token_add(PcTokens *t, char *token)
{
	/* LMDB refuses keys past 511 bytes, and one such token failed the
	 * whole transaction it was learned in (64 messages, or an autolearn
	 * batch): long runs are encoded data, not words, anyway */
	if (strlen(token) > PC_BAYES_TOKEN_MAX || g_hash_table_contains(t->set, token) ||
	    pc_tokens_full(t))
		g_free(token);
	else
		g_hash_table_add(t->set, token);
}

/* Adds each word of the first len bytes of text; pairs adds "p:prev
 * word" too.  A word cut by len is left out. */
static void
pc_tokens_words(PcTokens *t, const char *text, gsize len, const char *prefix, gboolean pairs)
{
	g_autofree char *prev = NULL;
	const char *p = text, *end = text + len;

	while (p < end && *p && !pc_tokens_full(t)) {
		const char *start;
		gunichar c = g_utf8_get_char_validated(p, end - p);
		g_autofree char *lower = NULL;
		glong n;

		if (c == (gunichar)-1 || c == (gunichar)-2)
			break;
		if (!g_unichar_isalnum(c)) {
			p = g_utf8_next_char(p);
			continue;
		}
		start = p;
		while (p < end && *p && g_unichar_isalnum(g_utf8_get_char_validated(p, end - p)))
			p = g_utf8_next_char(p);
		n = g_utf8_strlen(start, p - start);
		if (n < PC_TOKEN_MIN || n > PC_TOKEN_MAX || p >= end)
			continue;
		lower = g_utf8_strdown(start, p - start);
		pc_token_add(t, g_strconcat(prefix, lower, NULL));
		if (pairs && prev != NULL)
			pc_token_add(t, g_strdup_printf("p:%s %s", prev, lower));
		g_free(prev);
		prev = g_steal_pointer(&lower);
	}
}

/* Body paragraphs up to text_left bytes in all. */
static void
pc_tokens_body(PcTokens *t, const GPtrArray *body, guint first)
{
	for (guint i = first; i < body->len && t->text_left > 0 && !pc_tokens_full(t); i++) {
		const char *text = g_ptr_array_index(body, i);
		gsize len = strlen(text);

		/* a paragraph that ends inside the budget ends at its NUL */
		pc_tokens_words(t, text, len < t->text_left ? len + 1 : t->text_left, "", TRUE);
		t->text_left -= MIN(len, t->text_left);
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
pc_tokens_address(PcTokens *t, const PcSpamView *v, const char *name, const char *tag)
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
	pc_token_add(t, g_strdup_printf("h:%s:%s", tag, addr));
	if (at != NULL)
		pc_token_add(t, g_strdup_printf("h:%s@:%s", tag, at + 1));
}

/* SpamAssassin's header tokens (htokens.c), a bounded share of the set. */
static void
pc_tokens_headers(PcTokens *t, const PcSpamView *v)
{
	g_autoptr(GPtrArray) h = g_ptr_array_new_with_free_func(NULL);

	pc_bayes_header_tokens(v, h, PC_BAYES_HEADER_MAX);
	for (guint i = 0; i < h->len; i++)
		pc_token_add(t, g_ptr_array_index(h, i));
}

/* The host and its registrable domain: a spammer's thousand subdomains
 * are one domain. */
static void
pc_tokens_uri_host(PcTokens *t, const char *uri)
{
	g_autofree char *host = pc_url_host(uri);
	g_autofree char *domain = NULL;

	if (*host == '\0')
		return;
	domain = pc_url_registrable(host);
	pc_token_add(t, g_strconcat("u:", host, NULL));
	if (strcmp(domain, host) != 0)
		pc_token_add(t, g_strconcat("d:", domain, NULL));
}

/* The few header and URL tokens go in before the body's, so that a body
 * that fills the set cannot crowd them out. */
GPtrArray *
pc_bayes_tokens(const PcSpamView *v)
{
	g_autoptr(GHashTable) set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	PcTokens t = { set, PC_BAYES_TEXT_MAX };
	const char *mailer = pc_tokens_header(v, "X-Mailer");
	const char *subject = pc_tokens_header(v, "Subject");
	GPtrArray *out;
	GHashTableIter it;
	gpointer key;

	if (subject != NULL)
		pc_tokens_words(&t, subject, strlen(subject) + 1, "s:", FALSE);
	pc_tokens_address(&t, v, "From", "from");
	pc_tokens_address(&t, v, "Reply-To", "reply");
	pc_tokens_address(&t, v, "Message-ID", "mid");
	pc_tokens_headers(&t, v);
	if (mailer == NULL)
		mailer = pc_tokens_header(v, "User-Agent");
	if (mailer != NULL)
		pc_token_add(&t, g_strdup_printf("h:mailer:%.40s", mailer));
	for (guint i = 0; i < v->uris->len && !pc_tokens_full(&t); i++)
		pc_tokens_uri_host(&t, g_ptr_array_index(v->uris, i));
	/* body[0] is the subject again when there is one */
	pc_tokens_body(&t, v->body, subject != NULL ? 1 : 0);
	out = g_ptr_array_new_full(g_hash_table_size(set), g_free);
	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		g_hash_table_iter_steal(&it);
		g_ptr_array_add(out, key);
	}
	return out;
}
