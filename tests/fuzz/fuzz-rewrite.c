/*
 * fuzz-rewrite: libFuzzer target for the rewrite path, the one that writes
 * a sender's text into a message.  Each input is read as a recipe:
 * two attachment file names (any bytes, sent RFC 2231 percent-encoded or as
 * an RFC 2047 word, so every byte reaches the engine decoded), raw
 * parameters added to the first attachment's Content-Type (anything but a
 * line break: charset, boundary, duplicated or continued names), the text
 * body and its transfer encoding and charset, line ends, the part action
 * (placeholder, remove, rename), a placeholder template, a disclaimer and a
 * rename suffix.  The message built from it is scanned (attachment filter
 * only: every named attachment is filtered), decided by pc_decide and
 * rewritten by pc_rewrite.
 *
 * The oracle: the rewritten body, re-parsed by GMime under the same
 * headers, holds exactly the leaf parts the decision kept, in order, a
 * placeholder being a text/plain part; and the rewrite is never refused
 * (a refusal means an edit wrote a delimiter line).  The administrator's
 * texts are the fuzzer's too, but a disclaimer line starting with "--" is
 * left out: a disclaimer is written raw into 7bit parts, and one that holds
 * a delimiter is refused by design.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>
#include <portcullis/engine.h>
#include <portcullis/rewrite.h>

#include "decide.h"
#include "fuzz.h"
#include "template.h"

static PcEngine *fuzz_engine;

typedef struct {
	const guint8 *data;
	gsize len;
} FuzzReader;

static guint8
fuzz_byte(FuzzReader *r)
{
	guint8 b;

	if (r->len == 0)
		return 0;
	b = *r->data;
	r->data++;
	r->len--;
	return b;
}

/* A field: one length byte, then that many bytes (fewer at the end). */
static char *
fuzz_field(FuzzReader *r)
{
	gsize want = fuzz_byte(r);
	gsize n = MIN(want, r->len);
	char *out = g_strndup((const char *)r->data, n);

	r->data += n;
	r->len -= n;
	return out;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *sigs = g_getenv("PORTCULLIS_SIGS");
	const char *tmp = g_getenv("PORTCULLIS_FUZZ_TMP");
	g_autofree char *here = g_path_get_dirname((*argv)[0]);
	g_autofree char *fallback = g_build_filename(here, "..", "..", "tests", "data", "sigs",
						     NULL);
	PcEngineOptions options = {
		.database_dir = sigs ? sigs : fallback, .tmp_dir = tmp ? tmp : g_get_tmp_dir(),
		.max_scan_size = 1 << 20, .max_file_size = 1 << 20, .max_recursion = 4,
		.max_files = 10, .max_scan_time_ms = 5000, .max_mime_depth = 8,
		.memory_max = 256 << 10,
	};
	(void)argc;
	fuzz_engine = fuzz_engine_start("fuzz-rewrite", &options);
	return 0;
}

/* A file name parameter carrying any bytes, decoded by the receiver, and
 * raw parameters after the type. */
static void
fuzz_name_param(GString *out, const char *name, gboolean rfc2047, const char *params,
		const char *eol)
{
	if (rfc2047) {
		g_autofree char *b64 = g_base64_encode((const guchar *)name, strlen(name));

		g_string_append_printf(out, "Content-Type: application/octet-stream;%s"
				       " name=\"=?utf-8?b?%s?=\"; %s%s", eol, b64, params, eol);
		return;
	}
	g_string_append_printf(out, "Content-Type: application/octet-stream; %s%s"
			       "Content-Disposition: attachment;%s filename*=utf-8''", params, eol,
			       eol);
	for (const char *p = name; *p; p++)
		g_string_append_printf(out, "%%%02X", (guint8)*p);
	g_string_append(out, eol);
}

/* Text without a line that could end its part, in the message's line ends. */
static char *
fuzz_safe_text(const char *text, const char *eol)
{
	g_auto(GStrv) lines = g_strsplit_set(text, "\r\n", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; lines[i] != NULL; i++)
		if (!g_str_has_prefix(lines[i], "-"))
			g_string_append_printf(out, "%s%s", lines[i], eol);
	return g_string_free(out, FALSE);
}

static void
fuzz_text_part(GString *msg, const char *text, guint8 how, const char *eol)
{
	static const char *const charsets[] = { "", "; charset=us-ascii", "; charset=utf-8",
						"; charset=iso-8859-1" };
	g_autofree char *safe = fuzz_safe_text(text, eol);

	g_string_append_printf(msg, "Content-Type: text/plain%s%s", charsets[how & 3], eol);
	switch ((how >> 2) % 3) {
	case 0:
		g_string_append_printf(msg, "%s%s", eol, safe);
		break;
	case 1: {
		g_autofree char *b64 = g_base64_encode((const guchar *)text, strlen(text));

		g_string_append_printf(msg, "Content-Transfer-Encoding: base64%s%s%s%s", eol, eol,
				       b64, eol);
		break;
	}
	default: {
		GMimeEncoding state;
		g_autofree char *qp = g_malloc(strlen(text) * 4 + 16);
		gsize n;

		g_mime_encoding_init_encode(&state, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
		n = g_mime_encoding_flush(&state, text, strlen(text), qp);
		qp[n] = '\0';
		g_autofree char *lines = fuzz_safe_text(qp, eol);

		g_string_append_printf(msg, "Content-Transfer-Encoding: quoted-printable%s%s%s",
				       eol, eol, lines);
	}
	}
}

/* Leaf parts of a parsed body, their content types in order. */
static void
fuzz_leaves(GMimeObject *object, GPtrArray *types)
{
	if (GMIME_IS_MULTIPART(object)) {
		for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(object)); i++)
			fuzz_leaves(g_mime_multipart_get_part(GMIME_MULTIPART(object), i), types);
		return;
	}
	g_ptr_array_add(types, g_mime_content_type_get_mime_type(
				       g_mime_object_get_content_type(object)));
}

static GPtrArray *
fuzz_reparse(const char *headers, const GByteArray *body)
{
	GByteArray *all = g_byte_array_new();
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	GPtrArray *types = g_ptr_array_new_with_free_func(g_free);

	g_byte_array_append(all, (const guint8 *)headers, (guint)strlen(headers));
	g_byte_array_append(all, body->data, body->len);
	stream = g_mime_stream_mem_new_with_byte_array(all);
	parser = g_mime_parser_new_with_stream(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	if (message != NULL && g_mime_message_get_mime_part(message) != NULL)
		fuzz_leaves(g_mime_message_get_mime_part(message), types);
	g_clear_object(&message);
	g_object_unref(parser);
	g_object_unref(stream);
	return types;
}

/* What the decision keeps of each leaf: NULL when removed, else the type
 * the rewritten part must have. */
static const char *
fuzz_expected(const PcDecision *decision, const PcObject *leaf)
{
	for (guint i = 0; i < decision->edits->len; i++) {
		const PcEdit *edit = &g_array_index(decision->edits, PcEdit, i);

		if (edit->object != leaf)
			continue;
		if (edit->action == PC_OBJ_REMOVE)
			return NULL;
		if (edit->action == PC_OBJ_PLACEHOLDER)
			return "text/plain";
	}
	return leaf->declared_type;
}

static void
fuzz_check(const PcVerdict *verdict, const PcDecision *decision, const char *headers,
	   const PcRewrite *result)
{
	g_autoptr(GPtrArray) types = fuzz_reparse(headers, result->body);
	guint kept = 0;

	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);
		const char *want = o->container ? NULL : fuzz_expected(decision, o);

		if (want == NULL)
			continue;
		if (kept >= types->len || g_ascii_strcasecmp(g_ptr_array_index(types, kept),
							     want) != 0) {
			fprintf(stderr, "fuzz-rewrite: leaf %u is %s, the decision kept %s\n",
				kept, kept < types->len ? (char *)g_ptr_array_index(types, kept) :
				"(none)", want);
			abort();
		}
		kept++;
	}
	if (kept != types->len) {
		fprintf(stderr, "fuzz-rewrite: %u leaf parts, the decision kept %u\n", types->len,
			kept);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
	static char *everything[] = { "*", NULL };
	static const PcObjectAction actions[] = { PC_OBJ_PLACEHOLDER, PC_OBJ_REMOVE,
						  PC_OBJ_RENAME };
	FuzzReader r = { data, len };
	guint8 how = fuzz_byte(&r);
	const char *eol = how & 1 ? "\r\n" : "\n";
	g_autofree char *name1 = fuzz_field(&r);
	g_autofree char *name2 = fuzz_field(&r);
	g_autofree char *text = fuzz_field(&r);
	g_autofree char *template = fuzz_field(&r);
	g_autofree char *disclaimer_raw = fuzz_field(&r);
	g_autofree char *suffix = fuzz_field(&r);
	g_autofree char *params = g_strdelimit(fuzz_field(&r), "\r\n", ' ');
	g_autofree char *disclaimer = fuzz_safe_text(disclaimer_raw, "\n");
	g_autofree char *headers = g_strdup_printf("Subject: fuzz%sMIME-Version: 1.0%s"
		"Content-Type: multipart/mixed; boundary=\"b%02x\"%s%s", eol, eol, how, eol, eol);
	GString *msg = g_string_new(headers);
	PcPolicy policy = { .filter_enabled = TRUE, .scan_mode = PC_SCAN_PARTS };
	g_autoptr(PcVerdict) verdict = NULL;
	g_autoptr(GError) error = NULL;
	PcInput input = { .fd = -1 };
	PcDecision decision;
	PcRewrite result;

	g_string_append_printf(msg, "--b%02x%s", how, eol);
	fuzz_text_part(msg, text, how >> 1, eol);
	g_string_append_printf(msg, "--b%02x%s", how, eol);
	fuzz_name_param(msg, name1, how & 0x40, params, eol);
	g_string_append_printf(msg, "Content-Transfer-Encoding: base64%s%sQUJD%s--b%02x%s",
			       eol, eol, eol, how, eol);
	fuzz_name_param(msg, name2, how & 0x80, "", eol);
	g_string_append_printf(msg, "%sdata%s--b%02x--%s", eol, eol, how, eol);

	policy.filter.name_include = everything;
	policy.object_action[PC_STATUS_FILTERED] = actions[(how >> 4) % 3];
	policy.rename_suffix = suffix;
	policy.placeholder_template = g_utf8_validate(template, -1, NULL) &&
		pc_template_check(template, pc_placeholder_variables, NULL) ? template : NULL;
	policy.disclaimer_text = g_utf8_validate(disclaimer, -1, NULL) &&
		pc_template_check(disclaimer, pc_disclaimer_variables, NULL) && *disclaimer ?
		disclaimer : NULL;
	policy.reject_message = "rejected";
	input.data = (const guint8 *)msg->str;
	input.len = msg->len;
	verdict = pc_engine_scan(fuzz_engine, &input, &policy);
	pc_decide(&policy, verdict, NULL, "fuzz.example", &decision);
	if (decision.edits->len > 0) {
		if (!pc_rewrite(input.data, input.len, verdict, decision.edits, &result, &error)) {
			fprintf(stderr, "fuzz-rewrite: rewrite refused: %s\n--- message:\n%s\n",
				error->message, msg->str);
			abort();
		}
		if (result.body != NULL)
			fuzz_check(verdict, &decision, headers, &result);
		pc_rewrite_clear(&result);
	}
	pc_decision_clear(&decision);
	g_string_free(msg, TRUE);
	return 0;
}
