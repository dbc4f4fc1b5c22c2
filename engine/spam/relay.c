/*
 * NAME
 *	relay.c - the address DNS lists are asked about
 * DESCRIPTION
 *	The client that connected, unless it is one of ours (trusted_networks,
 *	loopback, private and link-local ranges): then the relay it says it
 *	got the message from, the "from ... [address]" of the Received
 *	headers read top down, the first that is not ours.  A list is about
 *	who handed the message to our side; our own relays are never listed.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "spam.h"

void
pc_trusted_free(GPtrArray *trusted)
{
	if (trusted != NULL)
		g_ptr_array_unref(trusted);
}

GPtrArray *
pc_trusted_new(char *const *ranges, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_object_unref);

	for (guint i = 0; ranges != NULL && ranges[i] != NULL; i++) {
		g_autoptr(GError) local = NULL;
		GInetAddressMask *m = g_inet_address_mask_new_from_string(ranges[i], &local);

		if (m == NULL) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    "trusted_networks: \"%s\" is not an address or range", ranges[i]);
			g_ptr_array_unref(out);
			return NULL;
		}
		g_ptr_array_add(out, m);
	}
	return out;
}

/* Ours: trusted, or an address no list could be about. */
gboolean
pc_relay_is_ours(const char *text, const GPtrArray *trusted)
{
	g_autoptr(GInetAddress) a = g_inet_address_new_from_string(text);

	if (a == NULL)
		return TRUE;
	if (g_inet_address_get_is_loopback(a) || g_inet_address_get_is_site_local(a) ||
	    g_inet_address_get_is_link_local(a) || g_inet_address_get_is_any(a))
		return TRUE;
	for (guint i = 0; trusted != NULL && i < trusted->len; i++)
		if (g_inet_address_mask_matches(g_ptr_array_index(trusted, i), a))
			return TRUE;
	return FALSE;
}

/* The bracketed address of "from host (name [1.2.3.4]) by ...". */
static char *
pc_relay_received_address(const char *received)
{
	static GRegex *re;
	g_autoptr(GMatchInfo) m = NULL;
	const char *by = strstr(received, " by ");
	g_autofree char *from = g_strndup(received, by ? (gsize)(by - received) : strlen(received));

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\]", G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	return g_regex_match(re, from, 0, &m) ? g_match_info_fetch(m, 1) : NULL;
}

char *
pc_spam_relay(const PcSpamView *v, const char *client, const GPtrArray *trusted)
{
	if (client != NULL && *client != '\0' && !pc_relay_is_ours(client, trusted))
		return g_strdup(client);
	for (guint i = 0; i < v->header_names->len; i++) {
		g_autofree char *address = NULL;

		if (g_ascii_strcasecmp(g_ptr_array_index(v->header_names, i), "Received") != 0)
			continue;
		address = pc_relay_received_address(g_ptr_array_index(v->header_values, i));
		if (address != NULL && !pc_relay_is_ours(address, trusted))
			return g_steal_pointer(&address);
	}
	return NULL;
}
