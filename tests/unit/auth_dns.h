/*
 * auth_dns.h - the fixed DNS table of the DKIM, ARC and DMARC tests
 * (tests/unit/auth_test.c) and of their fuzz target (tests/fuzz/fuzz-auth.c):
 * the keys of tests/data/auth/keys.zone plus a table written in C.
 */
#ifndef PC_TEST_AUTH_DNS_H
#define PC_TEST_AUTH_DNS_H

#include <string.h>
#include <glib.h>

#include "dns/lookup.h"

typedef struct {
	const char *name;
	PcDnsStatus status;
	const char *txt[4];
} AuthRr;

typedef struct {
	const AuthRr *table;	/* ends with a NULL name */
	GHashTable *zone;	/* lowercase name -> GPtrArray of TXT records */
	guint lookups;
	GPtrArray *asked;	/* the names asked, in order */
} AuthDns;

/* keys.zone: "name. ttl IN TXT "part" "part"..." per line, ';' comments.
 * The parts of one record are joined, as the resolver does. */
static gboolean
auth_dns_load(AuthDns *dns, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &text, NULL, error))
		return FALSE;
	dns->zone = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)g_ptr_array_unref);
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l != NULL; l++) {
		const char *txt = strstr(*l, " TXT ");
		g_autofree char *name = NULL;
		GString *record;
		GPtrArray *records;

		if (**l == ';' || txt == NULL)
			continue;
		name = g_ascii_strdown(*l, (gssize)strcspn(*l, " "));
		if (name[0] != '\0' && name[strlen(name) - 1] == '.')
			name[strlen(name) - 1] = '\0';
		record = g_string_new(NULL);
		for (const char *p = strchr(txt, '"'); p != NULL; p = strchr(p + 1, '"')) {
			const char *end = strchr(p + 1, '"');

			if (end == NULL)
				break;
			g_string_append_len(record, p + 1, end - p - 1);
			p = end;
		}
		records = g_hash_table_lookup(dns->zone, name);
		if (records == NULL) {
			records = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(dns->zone, g_steal_pointer(&name), records);
		}
		g_ptr_array_add(records, g_string_free(record, FALSE));
	}
	return TRUE;
}

/* PcDnsLookupFunc: the C table first, then the zone; TXT only. */
static PcDnsStatus
auth_dns_lookup(gpointer data, PcDnsType type, const char *name, GPtrArray *records)
{
	AuthDns *dns = data;
	g_autofree char *lower = g_ascii_strdown(name, -1);
	GPtrArray *zone;

	dns->lookups++;
	if (dns->asked != NULL)
		g_ptr_array_add(dns->asked, g_strdup(lower));
	for (const AuthRr *rr = dns->table; rr != NULL && rr->name != NULL; rr++) {
		if (strcmp(rr->name, lower) != 0)
			continue;
		for (guint i = 0; type == PC_DNS_TXT && i < G_N_ELEMENTS(rr->txt) && rr->txt[i]; i++)
			g_ptr_array_add(records, g_strdup(rr->txt[i]));
		return rr->status;
	}
	zone = dns->zone ? g_hash_table_lookup(dns->zone, lower) : NULL;
	if (zone == NULL)
		return PC_DNS_NXDOMAIN;
	for (guint i = 0; type == PC_DNS_TXT && i < zone->len; i++)
		g_ptr_array_add(records, g_strdup(zone->pdata[i]));
	return PC_DNS_ANSWER;
}

#endif
