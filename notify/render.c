/*
 * NAME
 *	render.c - a notification message from a template and a context
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include <portcullis/random.h>

#include "notify-private.h"
#include "template.h"

/* Values come from senders (subjects, file names, declared types): no
 * line breaks or other control characters, so nothing can be injected
 * into the header part or disguised in the body; valid UTF-8 only. */
static char *
pcn_clean(const char *value)
{
	char *out = g_utf8_make_valid(value ? value : "", -1);

	for (char *p = out; *p; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* The Subject as received may be RFC 2047 encoded ("=?utf-8?q?...?="):
 * templates get the text a reader sees. */
static char *
pcn_clean_subject(const char *subject)
{
	g_autofree char *decoded = g_mime_utils_header_decode_text(NULL, subject ? subject : "");

	return pcn_clean(decoded);
}

/* RFC 5322 date in English whatever the locale. */
static char *
pcn_date(gint64 when)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(when);

	return g_strdup_printf("%s, %02d %s %d %02d:%02d:%02d +0000",
			       days[g_date_time_get_day_of_week(dt) - 1],
			       g_date_time_get_day_of_month(dt),
			       months[g_date_time_get_month(dt) - 1], g_date_time_get_year(dt),
			       g_date_time_get_hour(dt), g_date_time_get_minute(dt),
			       g_date_time_get_second(dt));
}

/* ASCII only (GLib's formatter uses a no-break space): a plain-English
 * notification stays 7bit. */
static char *
pcn_size(guint64 bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB" };
	double value = bytes;
	int unit = -1;

	if (bytes < 1024)
		return g_strdup_printf("%" G_GUINT64_FORMAT " bytes", bytes);
	while (value >= 1024 && unit < 2) {
		value /= 1024;
		unit++;
	}
	return g_strdup_printf("%.1f %s", value, units[unit]);
}

typedef struct {
	char *values[13];	/* parallel to pcn_variables */
} PcnValues;

static void
pcn_values_fill(PcnValues *v, const PcnContext *c)
{
	g_autofree char *rcpts = g_strjoinv(", ", (char **)c->recipients);

	v->values[0] = pcn_clean(c->sender);
	v->values[1] = pcn_clean(rcpts);
	v->values[2] = pcn_clean_subject(c->subject);
	v->values[3] = pcn_clean(c->queue_id);
	v->values[4] = pcn_clean(c->client_address);
	v->values[5] = pcn_clean(c->group);
	v->values[6] = pcn_clean(c->status);
	v->values[7] = pcn_clean(c->action);
	v->values[8] = pcn_clean(c->reason);
	v->values[9] = pcn_clean(c->quarantine_id);
	v->values[10] = pcn_clean(c->hostname);
	v->values[11] = pcn_date(c->date);
	v->values[12] = NULL;
}

static void
pcn_values_clear(PcnValues *v)
{
	for (guint i = 0; v->values[i] != NULL; i++)
		g_free(v->values[i]);
}

/* The block once per object: object variables first, then the message's. */
static void
pcn_render_block(GString *out, const char *block, gsize len, const PcnContext *c,
		 const PcnValues *v)
{
	g_autofree char *text = g_strndup(block, len);

	for (guint i = 0; i < c->n_objects; i++) {
		const PcnObject *o = &c->objects[i];
		g_autofree char *size = pcn_size(o->size);
		g_autofree char *name = pcn_clean(o->name);
		g_autofree char *sig = pcn_clean(o->signature);
		const char *names[20] = { "name", "path", "type", "size", "status", "signature" };
		g_autofree char *path = pcn_clean(o->path);
		g_autofree char *type = pcn_clean(o->type);
		g_autofree char *status = pcn_clean(o->status);
		const char *values[20] = { name, path, type, size, status, sig };
		g_autofree char *piece = NULL;
		guint n = 6;

		/* An object's own {status} wins over the message's. */
		for (guint j = 0; pcn_variables[j] != NULL; j++) {
			if (g_strv_contains(pcn_object_variables, pcn_variables[j]))
				continue;
			names[n] = pcn_variables[j];
			values[n++] = v->values[j];
		}
		names[n] = NULL;
		piece = pc_template_render(text, names, values);
		/* The block's own first line break belongs to the marker line. */
		g_string_append(out, piece[0] == '\n' ? piece + 1 : piece);
	}
}

static char *
pcn_expand(const char *template, const PcnContext *c)
{
	PcnValues v = { 0 };
	PcnTemplateParts p;
	GString *out = g_string_new(NULL);
	const char *const *names = pcn_variables;
	g_autofree char *head = NULL;
	g_autofree char *tail = NULL;

	pcn_values_fill(&v, c);
	if (!pcn_template_split(template, &p) || p.block == NULL) {
		g_autofree char *all = pc_template_render(template, names,
							  (const char *const *)v.values);

		g_string_append(out, all);
	} else {
		const char *after = p.end + strlen(PCN_BLOCK_CLOSE);
		g_autofree char *before = g_strndup(template, p.block - template);

		head = pc_template_render(before, names, (const char *const *)v.values);
		tail = pc_template_render(after[0] == '\n' ? after + 1 : after, names,
					  (const char *const *)v.values);
		g_string_append(out, head);
		pcn_render_block(out, p.block + strlen(PCN_BLOCK_OPEN),
				 p.end - p.block - strlen(PCN_BLOCK_OPEN), c, &v);
		g_string_append(out, tail);
	}
	pcn_values_clear(&v);
	return g_string_free(out, FALSE);
}

static gboolean
pcn_ascii(const char *text)
{
	for (const guchar *p = (const guchar *)text; *p; p++)
		if (*p >= 0x80)
			return FALSE;
	return TRUE;
}

static void
pcn_header(GString *out, const char *name, const char *value)
{
	g_autofree char *encoded = pcn_ascii(value) ? g_strdup(value)
			: g_mime_utils_header_encode_text(NULL, value, "utf-8");

	g_string_append_printf(out, "%s: %s\r\n", name, encoded);
}

static void
pcn_body(GString *out, const char *body)
{
	if (pcn_ascii(body)) {
		g_string_append(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		for (const char *p = body; *p; p++) {
			if (*p == '\n')
				g_string_append_c(out, '\r');
			g_string_append_c(out, *p);
		}
		return;
	}
	/* base64: any relay takes it, 8BITMIME or not. */
	g_autofree char *b64 = g_base64_encode((const guchar *)body, strlen(body));

	g_string_append(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	for (gsize i = 0, n = strlen(b64); i < n; i += 76)
		g_string_append_printf(out, "%.76s\r\n", b64 + i);
}

/* Unguessable: the loop mark is bound to it, and ids seen outside must
 * not tell anything about the daemon's other random values. */
static char *
pcn_message_id(const char *hostname, GError **error)
{
	g_autofree char *nonce = pc_random_hex(12, error);

	return nonce ? g_strdup_printf("<%s.portcullis@%s>", nonce, hostname) : NULL;
}

char *
pcn_loop_mark(GBytes *key, const char *message_id)
{
	g_autoptr(GHmac) hmac = g_hmac_new(G_CHECKSUM_SHA256, g_bytes_get_data(key, NULL),
					   g_bytes_get_size(key));
	g_autofree char *id = g_strstrip(g_strdup(message_id));

	g_hmac_update(hmac, (const guchar *)"portcullis notification\n", -1);
	g_hmac_update(hmac, (const guchar *)id, -1);
	return g_strdup(g_hmac_get_string(hmac));
}

gboolean
pcn_loop_verify(GBytes *key, const char *mark, const char *message_id)
{
	g_autofree char *expect = NULL;
	g_autofree char *given = NULL;

	if (key == NULL || mark == NULL || message_id == NULL)
		return FALSE;
	expect = pcn_loop_mark(key, message_id);
	given = g_strstrip(g_strdup(mark));
	return pc_secret_equal(given, expect);
}

char *
pcn_render(const PcnTemplates *templates, const char *language, PcnParty party,
	   const PcnContext *context, const char *from, const char *to, GError **error)
{
	const char *template = pcn_templates_get(templates, language, party);
	g_autofree char *text = NULL;
	g_autofree char *date = NULL;
	g_autofree char *message_id = NULL;
	g_auto(GStrv) lines = NULL;
	GString *out;
	char *body;

	if (template == NULL) {
		g_set_error(error, PCN_ERROR, 0, "no templates for language \"%s\"", language);
		return NULL;
	}
	message_id = pcn_message_id(context->hostname, error);
	if (message_id == NULL)
		return NULL;
	text = pcn_expand(template, context);
	body = strstr(text, "\n\n");
	if (body != NULL) {
		*body = '\0';
		body += 2;
	}
	out = g_string_new(NULL);
	pcn_header(out, "From", from);
	pcn_header(out, "To", to);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *colon = strchr(lines[i], ':');

		if (colon == NULL || colon == lines[i])
			continue;
		*colon = '\0';
		pcn_header(out, g_strstrip(lines[i]), g_strstrip(colon + 1));
	}
	date = pcn_date(g_get_real_time() / G_USEC_PER_SEC);
	g_string_append_printf(out, "Date: %s\r\nMessage-ID: %s\r\n"
			       "Auto-Submitted: auto-generated\r\n", date, message_id);
	if (context->loop_key != NULL) {
		g_autofree char *mark = pcn_loop_mark(context->loop_key, message_id);

		g_string_append_printf(out, "%s: %s\r\n", PCN_HEADER, mark);
	}
	g_string_append(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n");
	pcn_body(out, body ? body : "");
	return g_string_free(out, FALSE);
}
