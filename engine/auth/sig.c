/*
 * NAME
 *	sig.c - keys, canonical data and signature verification shared by
 *	DKIM (RFC 6376, RFC 8463) and ARC (RFC 8617)
 * DESCRIPTION
 *	Only sha256 is accepted: RFC 8301 forbids rsa-sha1.  RSA keys below
 *	1024 bits are refused (RFC 8301), and above 8192 bits too: a key
 *	only costs the sender a DNS record, but each verification costs us.
 */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "header.h"
#include "sig.h"

#define PC_RSA_MIN_BITS 1024
#define PC_RSA_MAX_BITS 8192
/* Public keys kept decoded: OpenSSL 3 takes longer to decode a key than to
 * verify with it, and the same few keys sign most mail.  Past this many
 * the cache starts over. */
#define PC_KEY_CACHE_MAX 2000

static GMutex pc_key_lock;
static GHashTable *pc_key_cache;	/* "r:" or "e:" + p= -> EVP_PKEY */

gboolean
pc_sig_fail(PcSigOutcome *out, PcAuthResult result, const char *why)
{
	if (out->why == NULL) {
		out->result = result;
		out->why = g_strdup(why);
	}
	return FALSE;
}

gboolean
pc_sig_canon(const char *c, gboolean *header_relaxed, gboolean *body_relaxed)
{
	g_auto(GStrv) parts = g_strsplit(c ? c : "simple", "/", 3);
	guint n = g_strv_length(parts);

	if (n < 1 || n > 2)
		return FALSE;
	for (guint i = 0; i < n; i++)
		if (strcmp(parts[i], "simple") != 0 && strcmp(parts[i], "relaxed") != 0)
			return FALSE;
	*header_relaxed = strcmp(parts[0], "relaxed") == 0;
	*body_relaxed = n == 2 && strcmp(parts[1], "relaxed") == 0;
	return TRUE;
}

/* Index of the last field named name below *used (bottom-up), or -1. */
static gint
pc_sig_pick(const PcAuthMessage *m, const char *name, guint self, gboolean *used)
{
	for (gint i = (gint)m->fields->len - 1; i >= 0; i--) {
		const PcAuthField *f = g_ptr_array_index(m->fields, i);

		if (!used[i] && (guint)i != self && g_ascii_strcasecmp(f->name, name) == 0) {
			used[i] = TRUE;
			return i;
		}
	}
	return -1;
}

GString *
pc_sig_header_data(const PcAuthMessage *m, guint self, const char *h, gboolean relaxed)
{
	g_auto(GStrv) names = g_strsplit(h, ":", -1);
	g_autofree gboolean *used = g_new0(gboolean, m->fields->len + 1);
	g_autofree char *stripped = NULL;
	GString *data = g_string_new(NULL);

	for (char **n = names; *n != NULL; n++) {
		gint i = pc_sig_pick(m, g_strstrip(*n), self, used);

		/* a name with no (more) fields signs their absence: nothing */
		if (i >= 0)
			pc_auth_canon_header(data,
					     ((PcAuthField *)g_ptr_array_index(m->fields, i))->raw,
					     relaxed, TRUE);
	}
	stripped = pc_auth_strip_b(((PcAuthField *)g_ptr_array_index(m->fields, self))->raw);
	pc_auth_canon_header(data, stripped, relaxed, FALSE);
	return data;
}

static gboolean
pc_sig_number(const char *text, guint64 *value)
{
	return text != NULL && *text != '\0' && strlen(text) <= 19 &&
	       g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, value, NULL);
}

gboolean
pc_sig_algorithm(GHashTable *tags, gboolean *ed25519, PcSigOutcome *out)
{
	const char *a = g_hash_table_lookup(tags, "a");

	if (a == NULL)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "a=, b=, d= or s= missing");
	if (strcmp(a, "rsa-sha256") != 0 && strcmp(a, "ed25519-sha256") != 0)
		return pc_sig_fail(out, PC_AUTH_PERMERROR,
				   strcmp(a, "rsa-sha1") == 0 ? "rsa-sha1 is not accepted"
							      : "unknown algorithm");
	*ed25519 = a[0] == 'e';
	return TRUE;
}

/* The body's hash as canonicalized and cut at limit, from the message's
 * memo when another signature asked the same. */
static const PcBodyHash *
pc_sig_body_hash(const PcAuthMessage *m, gboolean relaxed, guint64 limit)
{
	static __thread PcBodyHash one;	/* without a memo */
	PcAuthBody body = { .relaxed = relaxed, .limit = limit };
	PcBodyHash h = { .relaxed = relaxed, .limit = limit };
	gsize len = sizeof(h.hash);

	for (guint i = 0; m->bodies != NULL && i < m->bodies->len; i++) {
		const PcBodyHash *b = &g_array_index(m->bodies, PcBodyHash, i);

		if (b->relaxed == relaxed && b->limit == limit)
			return b;
	}
	body.hash = g_checksum_new(G_CHECKSUM_SHA256);
	pc_auth_body_run(&body, m->body, m->body_len);
	g_checksum_get_digest(body.hash, h.hash, &len);
	g_checksum_free(body.hash);
	h.length = body.length;
	if (m->bodies == NULL) {
		one = h;
		return &one;
	}
	g_array_append_val(m->bodies, h);
	return &g_array_index(m->bodies, PcBodyHash, m->bodies->len - 1);
}

gboolean
pc_sig_body_ok(const PcAuthMessage *m, GHashTable *tags, gboolean relaxed_body, gboolean *whole,
	       PcSigOutcome *out)
{
	const char *l = g_hash_table_lookup(tags, "l");
	const char *bh = g_hash_table_lookup(tags, "bh");
	guint64 limit = G_MAXUINT64;
	g_autofree guint8 *want = NULL;
	const PcBodyHash *got;
	gsize want_len = 0;
	gboolean ed25519;

	/* bh= is in a='s hash: only sha256 can be compared with ours, and
	 * a refused algorithm must say so rather than "body hash" */
	if (!pc_sig_algorithm(tags, &ed25519, out))
		return FALSE;
	if (bh == NULL)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "no bh= tag");
	if (l != NULL && !pc_sig_number(l, &limit))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed l= tag");
	want = g_base64_decode(bh, &want_len);
	got = pc_sig_body_hash(m, relaxed_body, limit);
	*whole = got->length <= limit;
	if (got->length < limit && l != NULL)
		return pc_sig_fail(out, PC_AUTH_FAIL, "l= is longer than the body");
	if (want_len != sizeof(got->hash) || memcmp(want, got->hash, want_len) != 0)
		return pc_sig_fail(out, PC_AUTH_FAIL, "body hash did not verify");
	return TRUE;
}

/* The first TXT record of s._domainkey.d as tags, or NULL with out set. */
static GHashTable *
pc_sig_key_record(const PcAuthMessage *m, const char *d, const char *s, PcSigOutcome *out)
{
	g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *name = g_strdup_printf("%s._domainkey.%s", s, d);
	GHashTable *key;

	switch (m->lookup(m->lookup_data, PC_DNS_TXT, name, records)) {
	case PC_DNS_ERROR:
		pc_sig_fail(out, PC_AUTH_TEMPERROR, "key lookup failed");
		return NULL;
	case PC_DNS_NXDOMAIN:
		pc_sig_fail(out, PC_AUTH_PERMERROR, "no key in DNS");
		return NULL;
	case PC_DNS_ANSWER:
		break;
	}
	if (records->len == 0) {
		pc_sig_fail(out, PC_AUTH_PERMERROR, "no key in DNS");
		return NULL;
	}
	key = pc_auth_tags(records->pdata[0]);
	if (key == NULL)
		pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed key record");
	return key;
}

/* The key record allows this algorithm (k=, h=, v=, s=) and is not revoked. */
static gboolean
pc_sig_key_usable(GHashTable *key, const char *keytype, PcSigOutcome *out)
{
	const char *v = g_hash_table_lookup(key, "v");
	const char *k = g_hash_table_lookup(key, "k");
	const char *h = g_hash_table_lookup(key, "h");
	const char *s = g_hash_table_lookup(key, "s");
	const char *p = g_hash_table_lookup(key, "p");

	if (v != NULL && strcmp(v, "DKIM1") != 0)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key record has another version");
	if (strcmp(k ? k : "rsa", keytype) != 0)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key is of another type than a=");
	if (h != NULL && !strstr(h, "sha256"))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key does not allow sha256");
	if (s != NULL && strcmp(s, "*") != 0 && !strstr(s, "email"))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key is not for email");
	if (p == NULL)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key record has no p=");
	if (*p == '\0')
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "key revoked");
	return TRUE;
}

static EVP_PKEY *
pc_sig_rsa_key(const guint8 *der, gsize len, PcSigOutcome *out)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)len);
	int bits;

	if (pkey == NULL) {	/* RFC 6376's RSAPublicKey form */
		p = der;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	}
	if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		pc_sig_fail(out, PC_AUTH_PERMERROR, "key is not an RSA public key");
		return NULL;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < PC_RSA_MIN_BITS || bits > PC_RSA_MAX_BITS) {
		EVP_PKEY_free(pkey);
		pc_sig_fail(out, PC_AUTH_PERMERROR, bits < PC_RSA_MIN_BITS ? "RSA key too small"
									   : "RSA key too large");
		return NULL;
	}
	return pkey;
}

static gboolean
pc_sig_rsa_ok(EVP_PKEY *pkey, const guint8 *hash, const guint8 *sig, gsize sig_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	gboolean ok = ctx != NULL && EVP_PKEY_verify_init(ctx) == 1 &&
		      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
		      EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1 &&
		      EVP_PKEY_verify(ctx, sig, sig_len, hash, 32) == 1;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* RFC 8463: Ed25519 signs the SHA-256 hash of the data, not the data. */
static gboolean
pc_sig_ed25519_ok(EVP_PKEY *pkey, const guint8 *hash, const guint8 *sig, gsize sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	gboolean ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
		      EVP_DigestVerify(ctx, sig, sig_len, hash, 32) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static EVP_PKEY *
pc_sig_decode_key(gboolean ed25519, const char *p, PcSigOutcome *out)
{
	gsize key_len = 0;
	g_autofree guint8 *der = g_base64_decode(p, &key_len);

	if (!ed25519)
		return pc_sig_rsa_key(der, key_len, out);
	if (key_len != 32) {
		pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed Ed25519 key");
		return NULL;
	}
	return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
}

/* The decoded key, from the cache or decoded now; the caller's reference. */
static EVP_PKEY *
pc_sig_key(gboolean ed25519, const char *p, PcSigOutcome *out)
{
	g_autofree char *name = g_strconcat(ed25519 ? "e:" : "r:", p, NULL);
	EVP_PKEY *pkey;

	g_mutex_lock(&pc_key_lock);
	if (pc_key_cache == NULL)
		pc_key_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						     (GDestroyNotify)EVP_PKEY_free);
	pkey = g_hash_table_lookup(pc_key_cache, name);
	if (pkey != NULL)
		EVP_PKEY_up_ref(pkey);
	g_mutex_unlock(&pc_key_lock);
	if (pkey != NULL || (pkey = pc_sig_decode_key(ed25519, p, out)) == NULL)
		return pkey;
	g_mutex_lock(&pc_key_lock);
	if (g_hash_table_size(pc_key_cache) >= PC_KEY_CACHE_MAX)
		g_hash_table_remove_all(pc_key_cache);
	EVP_PKEY_up_ref(pkey);
	g_hash_table_replace(pc_key_cache, g_steal_pointer(&name), pkey);
	g_mutex_unlock(&pc_key_lock);
	return pkey;
}

static gboolean
pc_sig_crypto_ok(gboolean ed25519, const char *p, const GString *data, const char *b,
		 PcSigOutcome *out)
{
	gsize sig_len = 0, hash_len = 32;
	g_autofree guint8 *sig = g_base64_decode(b, &sig_len);
	guint8 hash[32];
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	EVP_PKEY *pkey;
	gboolean ok;

	g_checksum_update(sum, (const guchar *)data->str, (gssize)data->len);
	g_checksum_get_digest(sum, hash, &hash_len);
	g_checksum_free(sum);
	if ((pkey = pc_sig_key(ed25519, p, out)) == NULL)
		return FALSE;
	ok = ed25519 ? pc_sig_ed25519_ok(pkey, hash, sig, sig_len)
		     : pc_sig_rsa_ok(pkey, hash, sig, sig_len);
	EVP_PKEY_free(pkey);
	return ok || pc_sig_fail(out, PC_AUTH_FAIL, "signature did not verify");
}

gboolean
pc_sig_verify(const PcAuthMessage *m, GHashTable *tags, const GString *data, PcSigOutcome *out)
{
	const char *d = g_hash_table_lookup(tags, "d");
	const char *s = g_hash_table_lookup(tags, "s");
	const char *b = g_hash_table_lookup(tags, "b");
	g_autoptr(GHashTable) key = NULL;
	gboolean ed25519;

	if (d == NULL || s == NULL || b == NULL)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "a=, b=, d= or s= missing");
	if (!pc_sig_algorithm(tags, &ed25519, out))
		return FALSE;
	if ((key = pc_sig_key_record(m, d, s, out)) == NULL)
		return FALSE;
	if (!pc_sig_key_usable(key, ed25519 ? "ed25519" : "rsa", out))
		return FALSE;
	return pc_sig_crypto_ok(ed25519, g_hash_table_lookup(key, "p"), data, b, out);
}
