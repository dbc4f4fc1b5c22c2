/*
 * NAME
 *	masks.c - address masks and client networks (see masks.h)
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "masks.h"

/* file: masks may name further files; a loop must end. */
#define PC_MASKS_MAX_FILE_DEPTH 4

struct _PcMasks {
	GHashTable *addresses;	/* lower-case address -> itself */
	GHashTable *domains;	/* lower-case domain -> itself */
	GPtrArray *globs;	/* GPatternSpec *, lower-case */
	GPtrArray *regexes;	/* GRegex * */
	guint count;
};

PcMasks *
pc_masks_new(void)
{
	PcMasks *masks = g_atomic_rc_box_new0(PcMasks);

	masks->addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	masks->domains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	masks->globs = g_ptr_array_new_with_free_func((GDestroyNotify)g_pattern_spec_free);
	masks->regexes = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	return masks;
}

PcMasks *
pc_masks_ref(PcMasks *masks)
{
	return masks ? g_atomic_rc_box_acquire(masks) : NULL;
}

static void
pc_masks_clear(gpointer data)
{
	PcMasks *masks = data;

	g_hash_table_unref(masks->addresses);
	g_hash_table_unref(masks->domains);
	g_ptr_array_unref(masks->globs);
	g_ptr_array_unref(masks->regexes);
}

void
pc_masks_unref(PcMasks *masks)
{
	if (masks != NULL)
		g_atomic_rc_box_release_full(masks, pc_masks_clear);
}

guint
pc_masks_count(const PcMasks *masks)
{
	return masks->count;
}

static gboolean pc_masks_add_depth(PcMasks *masks, const char *mask, guint depth,
				   GError **error);

static gboolean
pc_masks_add_file(PcMasks *masks, const char *path, guint depth, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GError) local = NULL;

	if (depth >= PC_MASKS_MAX_FILE_DEPTH) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_LOOP,
			    "file:%s: files nest more than %d deep", path, PC_MASKS_MAX_FILE_DEPTH);
		return FALSE;
	}
	if (!g_file_get_contents(path, &text, NULL, &local)) {
		g_set_error(error, G_FILE_ERROR, local->code, "file:%s: %s", path, local->message);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *hash = strchr(lines[i], '#');

		if (hash != NULL)
			*hash = '\0';
		if (*g_strstrip(lines[i]) == '\0')
			continue;
		if (!pc_masks_add_depth(masks, lines[i], depth + 1, &local)) {
			g_set_error(error, G_FILE_ERROR, local->code, "%s:%u: %s", path, i + 1,
				    local->message);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
pc_masks_add_regex(PcMasks *masks, const char *pattern, GError **error)
{
	g_autoptr(GError) local = NULL;
	GRegex *re = g_regex_new(pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &local);

	if (re == NULL) {
		g_set_error(error, G_REGEX_ERROR, local->code, "\"re:%s\": %s", pattern,
			    local->message);
		return FALSE;
	}
	g_ptr_array_add(masks->regexes, re);
	masks->count++;
	return TRUE;
}

/* A glob-free mask without '@' is a domain; "*@d" and "@d" are too. */
static const char *
pc_masks_domain_of(const char *mask)
{
	if (g_str_has_prefix(mask, "*@"))
		mask += 2;
	else if (*mask == '@')
		mask++;
	else if (strchr(mask, '@') != NULL)
		return NULL;
	return strpbrk(mask, "*?@") == NULL && *mask != '\0' ? mask : NULL;
}

static gboolean
pc_masks_add_depth(PcMasks *masks, const char *mask, guint depth, GError **error)
{
	g_autofree char *lower = NULL;
	const char *domain;

	if (g_str_has_prefix(mask, "re:"))
		return pc_masks_add_regex(masks, mask + 3, error);
	if (g_str_has_prefix(mask, "file:"))
		return pc_masks_add_file(masks, mask + 5, depth, error);
	if (*mask == '\0' || strpbrk(mask, " \t,;") != NULL) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "\"%s\": not an address, domain, glob, re: or file: mask", mask);
		return FALSE;
	}
	lower = g_utf8_strdown(mask, -1);
	masks->count++;
	if (strcmp(lower, "<>") == 0) {
		g_hash_table_add(masks->addresses, g_strdup(""));
	} else if ((domain = pc_masks_domain_of(lower)) != NULL) {
		g_hash_table_add(masks->domains, g_strdup(domain));
	} else if (strpbrk(lower, "*?") == NULL) {
		g_hash_table_add(masks->addresses, g_steal_pointer(&lower));
	} else {
		g_ptr_array_add(masks->globs, g_pattern_spec_new(lower));
	}
	return TRUE;
}

gboolean
pc_masks_add(PcMasks *masks, const char *mask, GError **error)
{
	return pc_masks_add_depth(masks, mask, 0, error);
}

void
pc_address_init(PcAddress *address, const char *text)
{
	const char *at;

	address->text = text;
	address->lower = g_utf8_strdown(text, -1);
	address->length = strlen(address->lower);
	at = strrchr(address->lower, '@');
	address->domain = at ? at + 1 : NULL;
}

void
pc_address_clear(PcAddress *address)
{
	g_clear_pointer(&address->lower, g_free);
}

gboolean
pc_masks_match_address(const PcMasks *masks, const PcAddress *address)
{
	if (g_hash_table_contains(masks->addresses, address->lower))
		return TRUE;
	if (address->domain != NULL && g_hash_table_contains(masks->domains, address->domain))
		return TRUE;
	for (guint i = 0; i < masks->globs->len; i++)
		if (g_pattern_spec_match(g_ptr_array_index(masks->globs, i), address->length,
					 address->lower, NULL))
			return TRUE;
	for (guint i = 0; i < masks->regexes->len; i++)
		if (g_regex_match(g_ptr_array_index(masks->regexes, i), address->text, 0, NULL))
			return TRUE;
	return FALSE;
}

gboolean
pc_masks_match(const PcMasks *masks, const char *text)
{
	PcAddress address;
	gboolean match;

	pc_address_init(&address, text);
	match = pc_masks_match_address(masks, &address);
	pc_address_clear(&address);
	return match;
}

typedef struct {
	int family;
	guint8 addr[16];
	guint prefix;		/* bits */
} PcNetwork;

struct _PcNetworks {
	GArray *ranges;		/* PcNetwork */
};

PcNetworks *
pc_networks_new(void)
{
	PcNetworks *networks = g_atomic_rc_box_new0(PcNetworks);

	networks->ranges = g_array_new(FALSE, TRUE, sizeof(PcNetwork));
	return networks;
}

PcNetworks *
pc_networks_ref(PcNetworks *networks)
{
	return networks ? g_atomic_rc_box_acquire(networks) : NULL;
}

static void
pc_networks_clear(gpointer data)
{
	g_array_unref(((PcNetworks *)data)->ranges);
}

void
pc_networks_unref(PcNetworks *networks)
{
	if (networks != NULL)
		g_atomic_rc_box_release_full(networks, pc_networks_clear);
}

/* "::ffff:192.0.2.1" is the IPv4 client 192.0.2.1. */
static gboolean
pc_network_parse_addr(const char *text, PcNetwork *out)
{
	static const guint8 v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->addr) == 1) {
		out->family = AF_INET;
		return TRUE;
	}
	if (inet_pton(AF_INET6, text, out->addr) != 1)
		return FALSE;
	out->family = AF_INET6;
	if (memcmp(out->addr, v4mapped, 12) == 0) {
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		out->family = AF_INET;
	}
	return TRUE;
}

gboolean
pc_networks_add(PcNetworks *networks, const char *range, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(range, "/", 2);
	PcNetwork net;
	guint64 bits;
	guint max;
	char *end = NULL;

	if (!pc_network_parse_addr(parts[0], &net))
		goto bad;
	max = net.family == AF_INET ? 32 : 128;
	net.prefix = max;
	if (parts[1] != NULL) {
		bits = g_ascii_strtoull(parts[1], &end, 10);
		if (!g_ascii_isdigit(*parts[1]) || *end != '\0' || bits > max)
			goto bad;
		net.prefix = (guint)bits;
	}
	g_array_append_val(networks->ranges, net);
	return TRUE;
bad:
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		    "\"%s\": not an IP address or CIDR range (192.0.2.0/24, 2001:db8::/32)", range);
	return FALSE;
}

static gboolean
pc_network_contains(const PcNetwork *net, const PcNetwork *addr)
{
	guint whole = net->prefix / 8, rest = net->prefix % 8;

	if (net->family != addr->family || memcmp(net->addr, addr->addr, whole) != 0)
		return FALSE;
	return rest == 0 || ((net->addr[whole] ^ addr->addr[whole]) & (0xff << (8 - rest))) == 0;
}

gboolean
pc_networks_match(const PcNetworks *networks, const char *address)
{
	PcNetwork addr;

	if (address == NULL || !pc_network_parse_addr(address, &addr))
		return FALSE;
	for (guint i = 0; i < networks->ranges->len; i++)
		if (pc_network_contains(&g_array_index(networks->ranges, PcNetwork, i), &addr))
			return TRUE;
	return FALSE;
}
