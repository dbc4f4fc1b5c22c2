/*
 * Unit tests for the engine's parts: file-name decoding (RFC 2231, RFC
 * 2047, both parameters disagreeing), the filter's predicates (double
 * extension with RTL override, type mismatch), signature name -> status,
 * archive name listing (nested zip) through real libclamav, the clean
 * cache that must not hide detections or archive names, and splicing
 * edits into a message with every other byte kept, and the limits that
 * stop a scan (MIME parts, deadline) without ever making it clean.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cases.h"

#include "check.h"
#include <portcullis/rewrite.h>

static PcEngine *test_engine_instance;

static PcEngine *
test_engine(void)
{
	if (test_engine_instance == NULL) {
		g_autofree char *sigs = g_build_filename(g_getenv("top_srcdir"), "tests/data/sigs",
							 NULL);
		PcEngineOptions o = {
			.database_dir = sigs, .tmp_dir = g_get_tmp_dir(),
			.max_scan_size = 10 << 20, .max_file_size = 10 << 20, .max_recursion = 10,
			.max_files = 100, .max_scan_time_ms = 10000, .max_mime_depth = 20,
			.memory_max = 1 << 20, .digests = TRUE,
		};
		g_autoptr(GError) error = NULL;

		test_engine_instance = pc_engine_new(&o, &error);
		g_assert_no_error(error);
	}
	return test_engine_instance;
}

static PcVerdict *
test_scan(const char *text, gsize len, const PcPolicy *policy)
{
	PcInput input = { (const guint8 *)text, len ? len : strlen(text), -1, NULL, NULL, NULL, 0 };

	return pc_engine_scan(test_engine(), &input, policy);
}

/* --- file names ------------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *headers;	/* the part's header lines */
	const char *names[3];	/* expected names, NULL-terminated */
} NameCase;

static const NameCase name_cases[] = {
	{ "plain-filename", "Content-Disposition: attachment; filename=\"a.pdf\"\r\n",
	  { "a.pdf" } },
	{ "name-only", "Content-Type: application/pdf; name=\"b.pdf\"\r\n", { "b.pdf" } },
	{ "rfc2231-continuation-charset",
	  "Content-Disposition: attachment;\r\n filename*0*=utf-8''%C3%A9t%C3%A9;\r\n"
	  " filename*1=\"_report\";\r\n filename*2*=%2Eexe\r\n", { "été_report.exe" } },
	{ "rfc2231-latin1", "Content-Disposition: attachment; filename*=iso-8859-1'fr'caf%E9.doc\r\n",
	  { "café.doc" } },
	{ "rfc2047-word", "Content-Type: application/octet-stream;\r\n"
	  " name=\"=?UTF-8?B?0L/RgNC40LLQtdGCLmV4ZQ==?=\"\r\n", { "привет.exe" } },
	{ "rfc2047-q", "Content-Disposition: attachment; filename=\"=?iso-8859-1?Q?na=EFve.txt?=\"\r\n",
	  { "naïve.txt" } },
	{ "both-disagree", "Content-Type: application/pdf; name=\"invoice.pdf\"\r\n"
	  "Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n",
	  { "invoice.pdf.exe", "invoice.pdf" } },
	{ "both-agree", "Content-Type: application/pdf; name=\"same.pdf\"\r\n"
	  "Content-Disposition: attachment; filename=\"same.pdf\"\r\n", { "same.pdf" } },
	/* A decoded name keeps no line break: it would end a notice line or a
	 * header line it is written into (part injection). */
	{ "rfc2231-crlf", "Content-Disposition: attachment;\r\n filename*=us-ascii''"
	  "x%0D%0A--b%0D%0AContent-Type:%20text/html%0D%0A%0D%0Aevil.exe\r\n",
	  { "x--bContent-Type: text/htmlevil.exe" } },
	{ "rfc2047-crlf", "Content-Type: application/octet-stream;\r\n"
	  " name=\"=?utf-8?q?a=0D=0A--b=0Ab=09=7F=C2=85.exe?=\"\r\n", { "a--bb.exe" } },
};

static void
test_name_case(gconstpointer data)
{
	const NameCase *c = data;
	g_autofree char *msg = g_strdup_printf(
		"Subject: names\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n"
		"\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n%s\r\nbody\r\n--b--\r\n",
		c->headers);
	g_autoptr(PcVerdict) v = test_scan(msg, 0, NULL);
	const PcObject *o = pc_verdict_object(v, "2");
	guint n = 0;

	g_assert_nonnull(o);
	while (c->names[n] != NULL) {
		g_assert_cmpuint(o->names->len, >, n);
		g_assert_cmpstr(g_ptr_array_index(o->names, n), ==, c->names[n]);
		n++;
	}
	g_assert_cmpuint(o->names->len, ==, n);
}

/* --- filter predicates ------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *file;
	gboolean double_ext;
} DoubleExtCase;

static const DoubleExtCase double_ext_cases[] = {
	{ "pdf-exe", "report.pdf.exe", TRUE },
	{ "upper", "REPORT.PDF.EXE", TRUE },
	{ "padding-spaces", "report.pdf                 .exe", TRUE },
	{ "trailing-dot", "report.doc.scr.", TRUE },
	{ "rtl-override", "invoice\xe2\x80\xae" "exe.pdf", TRUE },
	{ "rtl-isolate", "photo\xe2\x81\xa7gpj.exe", TRUE },
	{ "plain-exe", "setup.exe", FALSE },
	{ "plain-pdf", "report.pdf", FALSE },
	{ "version-dots", "tool-1.2.3.tar.gz", FALSE },
	{ "exe-then-pdf", "report.exe.pdf", FALSE },
};

static void
test_double_ext_case(gconstpointer data)
{
	const DoubleExtCase *c = data;

	g_assert_cmpint(pc_filter_double_extension(c->file), ==, c->double_ext);
}

typedef struct {
	const char *name;
	const char *declared, *detected, *file;
	gboolean mismatch;
} MismatchCase;

static const MismatchCase mismatch_cases[] = {
	{ "pe-as-pdf", "application/pdf", "application/vnd.microsoft.portable-executable",
	  "invoice.pdf", TRUE },
	{ "pe-as-pdf-no-name", "application/pdf", "application/x-dosexec", NULL, TRUE },
	{ "elf-as-image", "image/png", "application/x-executable", "cat.png", TRUE },
	{ "pe-named-exe", "application/octet-stream", "application/x-dosexec", "setup.exe", FALSE },
	{ "pe-octet-no-name", "application/octet-stream", "application/x-dosexec", NULL, FALSE },
	{ "real-pdf", "application/pdf", "application/pdf", "invoice.pdf", FALSE },
	{ "script-as-text", "text/plain", "text/x-shellscript", "notes.txt", TRUE },
};

static void
test_mismatch_case(gconstpointer data)
{
	const MismatchCase *c = data;

	g_assert_cmpint(pc_filter_type_mismatch(c->declared, c->detected, c->file), ==,
			c->mismatch);
}

/* --- signature name -> status ------------------------------------------------ */

typedef struct {
	const char *name;
	const char *signature;
	PcStatus status;
} StatusCase;

static char *status_overrides[] = { "Heuristics.OLE2.ContainsMacros*=pass",
				    "Win.Test.Noisy*=suspicious", NULL };

static const StatusCase status_cases[] = {
	{ "virus", "Win.Trojan.Agent-123", PC_STATUS_INFECTED },
	{ "test-file", "Clam.Test.File-SHA256.UNOFFICIAL", PC_STATUS_INFECTED },
	{ "encrypted-zip", "Heuristics.Encrypted.Zip", PC_STATUS_ENCRYPTED },
	{ "encrypted-pdf", "Heuristics.Encrypted.PDF", PC_STATUS_ENCRYPTED },
	{ "limit", "Heuristics.Limits.Exceeded.MaxRecursion", PC_STATUS_UNSCANNABLE },
	{ "broken-exe", "Heuristics.Broken.Executable", PC_STATUS_SUSPICIOUS },
	{ "broken-media", "Heuristics.Broken.Media.JPEG.EOFReadingHeader", PC_STATUS_CORRUPTED },
	{ "phishing", "Heuristics.Phishing.Email.SpoofedDomain", PC_STATUS_SUSPICIOUS },
	{ "pua", "PUA.Win.Packer.Upx", PC_STATUS_SUSPICIOUS },
	{ "override-pass", "Heuristics.OLE2.ContainsMacros", PC_STATUS_CLEAN },
	{ "override-down", "Win.Test.Noisy-7", PC_STATUS_SUSPICIOUS },
};

static void
test_status_case(gconstpointer data)
{
	const StatusCase *c = data;

	g_assert_cmpint(pc_av_status_of(c->signature, status_overrides), ==, c->status);
}

/* --- real scans ----------------------------------------------------------- */

static char *
test_attach(const char *path, const char *name, const char *type)
{
	g_autofree char *data = NULL;
	g_autofree char *b64 = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	b64 = g_base64_encode((const guchar *)data, len);
	return g_strdup_printf("Subject: t\r\nMIME-Version: 1.0\r\n"
			       "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
			       "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
			       "--b\r\nContent-Type: %s; name=\"%s\"\r\n"
			       "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n",
			       type, name, b64);
}

static gboolean
test_inner_has(const PcObject *o, const char *name, guint depth)
{
	for (guint i = 0; i < o->inner->len; i++) {
		const PcInnerFile *f = g_ptr_array_index(o->inner, i);

		if (g_strcmp0(f->name, name) == 0 && f->depth == depth)
			return TRUE;
	}
	return FALSE;
}

/* Names inside nested archives are listed, and again on a repeat scan (a
 * cache that skipped unpacking would lose them). */
static void
test_archive_names(void)
{
	g_autofree char *zip = g_build_filename(g_getenv("top_srcdir"), "tests/data/nested.zip",
						NULL);
	g_autofree char *msg = test_attach(zip, "docs.zip", "application/zip");
	PcPolicy policy = { .av = TRUE, .filter_enabled = TRUE };
	char *masks[] = { "*.exe", NULL };

	policy.filter.name_include = masks;
	for (int round = 0; round < 2; round++) {
		g_autoptr(PcVerdict) v = test_scan(msg, 0, &policy);
		const PcObject *o = pc_verdict_object(v, "2");

		g_assert_true(test_inner_has(o, "inner.zip", 1));
		g_assert_true(test_inner_has(o, "readme.txt", 1));
		g_assert_true(test_inner_has(o, "setup.exe", 2));
		g_assert_cmpint(o->status, ==, PC_STATUS_FILTERED);
		g_assert_cmpstr(o->detected_type, ==, "application/zip");
	}
}

/* The parser-less raw scan must not teach the cache that bytes are clean:
 * a message that is itself an archive stays infected on every scan. */
static void
test_cache_never_hides(void)
{
	g_autofree char *data = NULL;
	gsize len;

	g_assert_true(g_file_get_contents("/usr/share/clamav-testfiles/clam.zip", &data, &len,
					  NULL));
	for (int round = 0; round < 3; round++) {
		g_autoptr(PcVerdict) v = test_scan(data, len, NULL);

		g_assert_cmpint(v->status, ==, PC_STATUS_INFECTED);
	}
}

/* Per-part finds clam.exe in a base64 attachment with its SHA-256. */
static void
test_part_digest(void)
{
	g_autofree char *msg = test_attach("/usr/share/clamav-testfiles/clam.exe", "clam.exe",
					   "application/octet-stream");
	g_autoptr(PcVerdict) v = test_scan(msg, 0, NULL);
	const PcObject *o = pc_verdict_object(v, "2");

	g_assert_cmpint(o->status, ==, PC_STATUS_INFECTED);
	g_assert_cmpuint(o->size, ==, 544);
	g_assert_cmpstr(o->sha256, ==,
			"71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495");
	g_assert_cmpstr(v->mode, ==, "parts");
}

/* --- what the raw scan covers (raw_scan) --------------------------------- */

/* Signatures only these tests use, beside the shared test set: one on a
 * header, one across the end of the headers into the body, one on the base64
 * text of an attachment ("encoded-only-marker" decoded matches nothing), and
 * a mail-target one (target 4: libclamav applies it only in a file it typed
 * as mail, so only the raw scan can match it). */
#define RAW_SIGS \
	"Pc.Test.Header:0:*:582d5261772d4d61726b65723a206865616465722d6f6e6c79\n" \
	"Pc.Test.Span:0:*:582d5370616e3a20610d0a0d0a7370616e2d626f6479\n" \
	"Pc.Test.Encoded:0:*:5a57356a6232526c5a433176626d78354c573168636d746c\n" \
	"Pc.Test.MailTarget:4:*:6d61696c2d7461726765742d6d61726b6572\n"

static PcEngine *test_raw_engine_instance;

static PcEngine *
test_raw_engine(void)
{
	if (test_raw_engine_instance == NULL) {
		g_autofree char *dir = g_dir_make_tmp("pc-raw-XXXXXX", NULL);
		g_autofree char *ndb = g_build_filename(dir, "raw.ndb", NULL);
		g_autofree char *eicar = g_build_filename(dir, "eicar.ndb", NULL);
		g_autofree char *shared = g_build_filename(g_getenv("top_srcdir"),
							   "tests/data/sigs/portcullis-test.ndb", NULL);
		g_autofree char *shared_text = NULL;
		PcEngineOptions o = {
			.database_dir = dir, .tmp_dir = g_get_tmp_dir(),
			.max_scan_size = 10 << 20, .max_file_size = 10 << 20, .max_recursion = 10,
			.max_files = 100, .max_scan_time_ms = 10000, .max_mime_depth = 20,
			.max_parts = 100, .memory_max = 1 << 20,
		};
		g_autoptr(GError) error = NULL;

		g_assert_true(g_file_get_contents(shared, &shared_text, NULL, NULL));
		g_assert_true(g_file_set_contents(eicar, shared_text, -1, NULL));
		g_assert_true(g_file_set_contents(ndb, RAW_SIGS, -1, NULL));
		test_raw_engine_instance = pc_engine_new(&o, &error);
		g_assert_no_error(error);
		g_unlink(ndb);
		g_unlink(eicar);
		g_rmdir(dir);
	}
	return test_raw_engine_instance;
}

typedef struct {
	const char *name;
	const char *message;
	const char *signature;
	guint text;		/* findings of signature with raw_scan = text */
	guint full;		/* and with raw_scan = full */
} RawCase;

#define RAW_EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static const RawCase raw_cases[] = {
	/* Headers are scanned once in either mode. */
	{ "header", "X-Raw-Marker: header-only\r\nSubject: h\r\n\r\nplain body\r\n",
	  "Pc.Test.Header", 1, 1 },
	/* An unencoded body is matched as its part and again in the raw
	 * message, where mail-target signatures see it: in both modes. */
	{ "plain-body", "Subject: e\r\n\r\n" RAW_EICAR "\r\n", "Eicar-Test-Signature", 2, 2 },
	{ "mail-target", "Received: from a by b; Thu, 3 Dec 2026 12:00:00 +0000\r\n"
	  "Subject: t\r\n\r\nsome mail-target-marker text\r\n", "Pc.Test.MailTarget", 1, 1 },
	{ "span", "Subject: s\r\nX-Span: a\r\n\r\nspan-body\r\n", "Pc.Test.Span", 1, 1 },
	/* What text mode gives up, and full keeps: a match on an
	 * attachment's base64 text (the decoded part was scanned). */
	{ "encoded", "Subject: b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
	  "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
	  "Content-Type: application/octet-stream; name=m.bin\r\n"
	  "Content-Transfer-Encoding: base64\r\n\r\nZW5jb2RlZC1vbmx5LW1hcmtlcg==\r\n--b--\r\n",
	  "Pc.Test.Encoded", 0, 1 },
	/* The attachment's decoded bytes are scanned in both modes. */
	{ "decoded-once", "Subject: d\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
	  "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
	  "Content-Type: application/octet-stream; name=e.com\r\n"
	  "Content-Transfer-Encoding: base64\r\n\r\n"
	  "WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNU\r\n"
	  "LUZJTEUhJEgrSCo=\r\n--b--\r\n", "Eicar-Test-Signature", 1, 1 },
};

static guint
test_count_findings(const PcVerdict *v, const char *signature)
{
	guint n = 0;

	for (guint i = 0; i < v->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(v->findings, i);

		/* libclamav names signatures it did not sign "NAME.UNOFFICIAL". */
		n += f->names->len > 0 && g_str_has_prefix(g_ptr_array_index(f->names, 0), signature);
	}
	return n;
}

static void
test_raw_case(gconstpointer data)
{
	const RawCase *c = data;
	PcPolicy policy = { .av = TRUE, .scan_mode = PC_SCAN_PARTS };
	PcInput input = { (const guint8 *)c->message, strlen(c->message), -1, NULL, NULL, NULL, 0 };

	for (int full = 0; full < 2; full++) {
		g_autoptr(PcVerdict) v = NULL;

		policy.raw_scan = full ? PC_RAW_FULL : PC_RAW_TEXT;
		v = pc_engine_scan(test_raw_engine(), &input, &policy);
		g_assert_cmpuint(test_count_findings(v, c->signature), ==, full ? c->full : c->text);
	}
}

/* --- rewriting ----------------------------------------------------------- */

#define REWRITE_MSG \
	"Subject: r\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n" \
	"\r\npreamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n" \
	"--b\r\nContent-Type: application/octet-stream; name=\"evil.exe\"\r\n" \
	"Content-ID: <x@y>\r\nContent-Disposition: attachment; filename=\"evil.exe\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--b\r\nContent-Type: text/plain\r\n\r\n" \
	"tail part\r\n--b--\r\nepilogue\r\n"

static char *
test_rewrite(PcObjectAction action, const char *notice, const char *new_name)
{
	const char *raw = REWRITE_MSG;
	g_autoptr(PcVerdict) v = test_scan(raw, 0, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	PcEdit edit = { pc_verdict_object(v, "2"), action, g_strdup(notice), g_strdup(new_name) };
	PcRewrite result;
	char *body;

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	g_array_append_val(edits, edit);
	g_assert_true(pc_rewrite((const guint8 *)raw, strlen(raw), v, edits, &result, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(result.headers->len, ==, 0);
	body = g_strndup((const char *)result.body->data, result.body->len);
	pc_rewrite_clear(&result);
	return body;
}

static void
test_rewrite_placeholder(void)
{
	g_autofree char *body = test_rewrite(PC_OBJ_PLACEHOLDER, "Removed evil.exe\nbye\n", NULL);

	g_assert_cmpstr(body, ==,
		"preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n"
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\nContent-Disposition: inline\r\n"
		"Content-ID: <x@y>\r\n\r\nRemoved evil.exe\r\nbye"
		"\r\n--b\r\nContent-Type: text/plain\r\n\r\ntail part\r\n--b--\r\nepilogue\r\n");
}

static void
test_rewrite_remove(void)
{
	g_autofree char *body = test_rewrite(PC_OBJ_REMOVE, NULL, NULL);

	g_assert_cmpstr(body, ==,
		"preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\ntail part\r\n--b--\r\nepilogue\r\n");
}

static void
test_rewrite_rename(void)
{
	g_autofree char *body = test_rewrite(PC_OBJ_RENAME, NULL, "evil.exe.blocked");

	g_assert_cmpstr(body, ==,
		"preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n"
		"--b\r\nContent-Type: application/octet-stream; name=evil.exe.blocked\r\n"
		"Content-ID: <x@y>\r\nContent-Disposition: attachment; filename=evil.exe.blocked\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n"
		"--b\r\nContent-Type: text/plain\r\n\r\ntail part\r\n--b--\r\nepilogue\r\n");
}

/* Parts of a rewritten body under its message's headers: their count and,
 * with text, the decoded text of part index. */
static int
test_reparse(const char *headers, const GByteArray *body, int index, char **text)
{
	g_autoptr(GByteArray) all = g_byte_array_new();
	g_autoptr(GMimeStream) stream = NULL;
	g_autoptr(GMimeParser) parser = NULL;
	GMimeMessage *message;
	GMimeObject *top;
	int count;

	g_byte_array_append(all, (const guint8 *)headers, (guint)strlen(headers));
	g_byte_array_append(all, body->data, body->len);
	stream = g_mime_stream_mem_new_with_buffer((const char *)all->data, all->len);
	parser = g_mime_parser_new_with_stream(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	top = g_mime_message_get_mime_part(message);
	count = GMIME_IS_MULTIPART(top) ? g_mime_multipart_get_count(GMIME_MULTIPART(top)) : 1;
	if (text != NULL) {
		GMimeObject *part = g_mime_multipart_get_part(GMIME_MULTIPART(top), index);
		GByteArray *bytes = g_byte_array_new();
		g_autoptr(GMimeStream) out = g_mime_stream_mem_new_with_byte_array(bytes);

		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(part)), out);
		*text = g_strndup((const char *)bytes->data, bytes->len);
	}
	g_object_unref(message);
	return count;
}

static char *
test_decoded(const char *headers, const GByteArray *body, int index)
{
	char *text = NULL;

	test_reparse(headers, body, index, &text);
	return text;
}

#define DISCLAIMER_HEADERS \
	"Subject: d\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
#define DISCLAIMER_MSG DISCLAIMER_HEADERS \
	"--b\r\nContent-Type: text/plain\r\n\r\nplain body\r\n" \
	"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n" \
	"Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 au lait\r\n" \
	"--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" \
	"PGh0bWw+PGJvZHk+PHA+aGk8L3A+PC9ib2R5PjwvaHRtbD4=\r\n--b--\r\n"

/* The disclaimer is added inside each body part's own encoding and
 * charset; decoding the result shows the original text plus it. */
static void
test_rewrite_disclaimer(void)
{
	const char *raw = DISCLAIMER_MSG;
	g_autoptr(PcVerdict) v = test_scan(raw, 0, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	const char *paths[] = { "1", "2", "3" };
	const char *notes[] = { "-- \nScanned at mx\n", "-- \nScann\xc3\xa9 \xe2\x82\xac\n",
				"<p>Scanned</p>" };
	PcRewrite result;

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	for (guint i = 0; i < 3; i++) {
		PcEdit edit = { pc_verdict_object(v, paths[i]), PC_OBJ_DISCLAIMER,
				g_strdup(notes[i]), NULL };

		g_array_append_val(edits, edit);
	}
	g_assert_true(pc_rewrite((const guint8 *)raw, strlen(raw), v, edits, &result, &error));
	g_autofree char *plain = test_decoded(DISCLAIMER_HEADERS, result.body, 0);
	g_autofree char *latin = test_decoded(DISCLAIMER_HEADERS, result.body, 1);
	g_autofree char *html = test_decoded(DISCLAIMER_HEADERS, result.body, 2);
	g_assert_cmpstr(plain, ==, "plain body\r\n-- \r\nScanned at mx");
	/* iso-8859-1 has no euro sign: it becomes '?'. */
	g_assert_cmpstr(latin, ==, "caf\xe9 au lait\r\n-- \r\nScann\xe9 ?");
	g_assert_cmpstr(html, ==, "<html><body><p>hi</p><p>Scanned</p></body></html>");
	pc_rewrite_clear(&result);
}

#define REWRITE_HEADERS \
	"Subject: r\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"

/* One edit on part path of raw; FALSE (with the error) when refused. */
static gboolean
test_rewrite_one(const char *raw, const char *path, PcObjectAction action, const char *notice,
		 const char *new_name, PcRewrite *result, GError **error)
{
	g_autoptr(PcVerdict) v = test_scan(raw, 0, NULL);
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	PcEdit edit = { pc_verdict_object(v, path), action, g_strdup(notice), g_strdup(new_name) };

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	g_array_append_val(edits, edit);
	return pc_rewrite((const guint8 *)raw, strlen(raw), v, edits, result, error);
}

/* A notice holding a delimiter line and part headers (a file name can put
 * them there) stays one part: it is quoted-printable, and no line of it
 * starts with "--". */
static void
test_injection_notice(void)
{
	const char *notice = "Removed x\n--b\nContent-Type: application/octet-stream\n"
			     "Content-Transfer-Encoding: base64\n\nWDVPIVAlQEFQWzRc\n--b--\n";
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	PcRewrite result;

	g_assert_true(test_rewrite_one(REWRITE_MSG, "2", PC_OBJ_PLACEHOLDER, notice, NULL, &result,
				       &error));
	g_assert_no_error(error);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 1, &text), ==, 3);
	g_assert_cmpstr(text, ==, "Removed x\r\n--b\r\nContent-Type: application/octet-stream\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\nWDVPIVAlQEFQWzRc\r\n--b--");
	pc_rewrite_clear(&result);
}

/* A new name with line breaks cannot add lines to the part's header. */
static void
test_injection_rename(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	PcRewrite result;

	g_assert_true(test_rewrite_one(REWRITE_MSG, "2", PC_OBJ_RENAME, NULL,
				       "x\r\n--b\r\nContent-Type: text/html\r\n\r\nhi\r\n--b\r\n.exe",
				       &result, &error));
	g_assert_no_error(error);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 1, &text), ==, 3);
	g_assert_cmpstr(text, ==, "ABC");
	pc_rewrite_clear(&result);
}

#define QP_DELIMITER_MSG REWRITE_HEADERS \
	"--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" \
	"one\r\n=2D-b\r\nContent-Type: text/html\r\n\r\ntwo\r\n--b\r\nContent-Type: text/plain\r\n" \
	"\r\ntail\r\n--b--\r\n"

/* Re-encoding a quoted-printable body must not turn an encoded "--b" line
 * of its text into a real delimiter. */
static void
test_injection_qp_disclaimer(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	PcRewrite result;

	g_assert_true(test_rewrite_one(QP_DELIMITER_MSG, "1", PC_OBJ_DISCLAIMER, "-- \nScanned\n",
				       NULL, &result, &error));
	g_assert_no_error(error);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 0, &text), ==, 2);
	g_assert_true(g_str_has_prefix(text, "one\r\n--b\r\nContent-Type: text/html\r\n"));
	pc_rewrite_clear(&result);
}

/* The last defence: a rewrite whose new text holds a delimiter of the
 * message is refused, whichever edit wrote it (here a disclaimer written
 * raw into a 7bit part). */
static void
test_injection_refused(void)
{
	g_autoptr(GError) error = NULL;
	PcRewrite result;

	g_assert_false(test_rewrite_one(REWRITE_MSG, "1", PC_OBJ_DISCLAIMER,
					"\n--b\nContent-Type: text/html\n\n<p>x</p>\n", NULL, &result,
					&error));
	g_assert_error(error, PC_REWRITE_ERROR, 0);
	g_assert_nonnull(strstr(error->message, "delimiter"));
	pc_rewrite_clear(&result);
}

#define SINGLE_MSG "Subject: s\r\nMIME-Version: 1.0\r\n" \
	"Content-Type: application/octet-stream; name=\"a.exe\"\r\n" \
	"Content-Disposition: attachment; filename=\"a.exe\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n"

/* A single-part message's renamed Content-* values go to the MTA with no
 * line break but folds. */
static void
test_injection_top_rename(void)
{
	g_autoptr(GError) error = NULL;
	PcRewrite result;

	g_assert_true(test_rewrite_one(SINGLE_MSG, "1", PC_OBJ_RENAME, NULL,
				       "a\r\nX-Injected: yes\r\n.exe.blocked", &result, &error));
	g_assert_cmpuint(result.headers->len, ==, 2);
	for (guint i = 0; i < result.headers->len; i++) {
		const PcHeaderChange *change = g_ptr_array_index(result.headers, i);

		g_assert_null(strchr(change->value, '\r'));
		for (const char *nl = change->value; (nl = strchr(nl, '\n')) != NULL; nl++)
			g_assert_true(nl[1] == ' ' || nl[1] == '\t');
		g_assert_nonnull(strstr(change->value, "aX-Injected: yes.exe.blocked"));
	}
	pc_rewrite_clear(&result);
}

#define CHARSET_MSG REWRITE_HEADERS \
	"--b\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n--b\r\n" \
	"Content-Type: application/octet-stream;\r\n" \
	" name=\"=?utf-8?b?Ijs7Y2hhcnNldD10AT54DQpDb250ZW50LVR5cGU6IHRleHQvaHRtbA0KWDogIg==?=\"\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--b--\r\n"

/* GMime decodes an encoded word inside a parameter, so the name can bring
 * a "charset" parameter of its own, line breaks and all; rename writes the
 * charset back: it must not add a header line (found by fuzz-rewrite). */
static void
test_injection_charset(void)
{
	g_autoptr(PcVerdict) v = test_scan(CHARSET_MSG, 0, NULL);
	g_autoptr(GError) error = NULL;
	PcRewrite result;

	g_assert_cmpstr(pc_verdict_object(v, "2")->charset, ==, "");
	g_assert_true(test_rewrite_one(CHARSET_MSG, "2", PC_OBJ_RENAME, NULL, "x.blocked",
				       &result, &error));
	g_assert_null(g_strstr_len((const char *)result.body->data, result.body->len,
				   "\r\nContent-Type: text/html"));
	pc_rewrite_clear(&result);
}

#define ASCII_MSG REWRITE_HEADERS \
	"--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nascii\r\n" \
	"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n" \
	"\r\nseven\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n" \
	"Content-Transfer-Encoding: base64\r\n\r\nbGluZTENCmxpbmUyDQo=\r\n--b--\r\n"

/* A disclaimer keeps the part's charset and transfer encoding: ASCII in a
 * 7bit part (whatever its charset), and CRLF line ends inside base64. */
static void
test_rewrite_disclaimer_fits(void)
{
	g_autoptr(PcVerdict) v = test_scan(ASCII_MSG, 0, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	const char *paths[] = { "1", "2", "3" };
	char *texts[3];
	PcRewrite result;

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	for (guint i = 0; i < 3; i++) {
		PcEdit edit = { pc_verdict_object(v, paths[i]), PC_OBJ_DISCLAIMER,
				g_strdup("Scann\xc3\xa9 \xe2\x82\xac\n"), NULL };

		g_array_append_val(edits, edit);
	}
	g_assert_true(pc_rewrite((const guint8 *)ASCII_MSG, strlen(ASCII_MSG), v, edits, &result,
				 &error));
	for (int i = 0; i < 3; i++)
		test_reparse(REWRITE_HEADERS, result.body, i, &texts[i]);
	g_assert_cmpstr(texts[0], ==, "ascii\r\nScann? ?");
	g_assert_cmpstr(texts[1], ==, "seven\r\nScann? ?");
	g_assert_cmpstr(texts[2], ==, "line1\r\nline2\r\nScann\xc3\xa9 \xe2\x82\xac\r\n");
	for (guint i = 0; i < result.body->len; i++)
		g_assert_cmpuint(result.body->data[i], <, 0x80);
	for (int i = 0; i < 3; i++)
		g_free(texts[i]);
	pc_rewrite_clear(&result);
}

#define EMPTY_MSG REWRITE_HEADERS \
	"--b\r\nContent-Type: text/plain\r\n\r\n--b\r\nContent-Type: application/octet-stream;" \
	" name=\"e.exe\"\r\n\r\n--b--\r\n"

/* Text put into an empty body ends its line: the delimiter after it stays
 * a line of its own (found by fuzz-rewrite: the last defence refused). */
static void
test_rewrite_empty_bodies(void)
{
	g_autoptr(PcVerdict) v = test_scan(EMPTY_MSG, 0, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	PcEdit disclaimer = { pc_verdict_object(v, "1"), PC_OBJ_DISCLAIMER, g_strdup(".x"), NULL };
	PcEdit notice = { pc_verdict_object(v, "2"), PC_OBJ_PLACEHOLDER, g_strdup("gone"), NULL };
	g_autofree char *text = NULL;
	g_autofree char *gone = NULL;
	PcRewrite result;

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	g_array_append_val(edits, disclaimer);
	g_array_append_val(edits, notice);
	g_assert_true(pc_rewrite((const guint8 *)EMPTY_MSG, strlen(EMPTY_MSG), v, edits, &result,
				 &error));
	g_assert_no_error(error);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 0, &text), ==, 2);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 1, &gone), ==, 2);
	g_assert_cmpstr(text, ==, ".x");
	g_assert_cmpstr(gone, ==, "gone");
	pc_rewrite_clear(&result);
}

/* A disclaimer in an empty body and the removal of the next part start at
 * the same offset: both are done (fuzz-rewrite: "edits overlap"). */
static void
test_rewrite_empty_then_removed(void)
{
	const char *raw = EMPTY_MSG;
	g_autoptr(PcVerdict) v = test_scan(raw, 0, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	PcEdit removal = { pc_verdict_object(v, "2"), PC_OBJ_REMOVE, NULL, NULL };
	PcEdit disclaimer = { pc_verdict_object(v, "1"), PC_OBJ_DISCLAIMER, g_strdup(".x"), NULL };
	g_autofree char *text = NULL;
	PcRewrite result;

	g_array_set_clear_func(edits, (GDestroyNotify)pc_edit_clear);
	g_array_append_val(edits, removal);
	g_array_append_val(edits, disclaimer);
	g_assert_true(pc_rewrite((const guint8 *)raw, strlen(raw), v, edits, &result, &error));
	g_assert_no_error(error);
	g_assert_cmpint(test_reparse(REWRITE_HEADERS, result.body, 0, &text), ==, 1);
	g_assert_cmpstr(text, ==, ".x");
	pc_rewrite_clear(&result);
}

/* --- limits ------------------------------------------------------------------ */

/* A multipart of n empty parts: n + 1 objects with the multipart. */
static char *
test_parts_message(guint n)
{
	GString *msg = g_string_new("Subject: parts\r\nMIME-Version: 1.0\r\n"
				    "Content-Type: multipart/mixed; boundary=b\r\n\r\n");

	for (guint i = 0; i < n; i++)
		g_string_append(msg, "--b\r\nContent-Type: text/plain\r\n\r\n\r\n");
	g_string_append(msg, "--b--\r\n");
	return g_string_free(msg, FALSE);
}

static const PcFinding *
test_finding_with(const PcVerdict *v, const char *detail)
{
	for (guint i = 0; i < v->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(v->findings, i);

		if (g_strcmp0(f->detail, detail) == 0)
			return f;
	}
	return NULL;
}

/* max_parts objects are all scanned; one more is unscannable, and no
 * more than max_parts objects are walked. */
static void
test_limit_mime_parts(void)
{
	g_autofree char *fits = test_parts_message(PC_ENGINE_MAX_PARTS - 1);
	g_autofree char *over = test_parts_message(PC_ENGINE_MAX_PARTS);
	g_autoptr(PcVerdict) ok = test_scan(fits, 0, NULL);
	g_autoptr(PcVerdict) v = test_scan(over, 0, NULL);
	const PcFinding *f = test_finding_with(v, "limit:mime-parts");

	g_assert_cmpuint(ok->objects->len, ==, PC_ENGINE_MAX_PARTS);
	g_assert_cmpint(ok->status, ==, PC_STATUS_CLEAN);
	g_assert_null(test_finding_with(ok, "limit:mime-parts"));
	g_assert_cmpuint(v->objects->len, <=, PC_ENGINE_MAX_PARTS);
	g_assert_nonnull(f);
	g_assert_cmpint(f->status, ==, PC_STATUS_UNSCANNABLE);
	g_assert_cmpstr(f->object, ==, "message");
	g_assert_cmpint(v->status, ==, PC_STATUS_UNSCANNABLE);
}

/* A deadline already past stops the scan: an error, never clean. */
static void
test_limit_deadline(void)
{
	const char msg[] = "Subject: late\r\n\r\nhello\r\n";
	PcInput input = { (const guint8 *)msg, strlen(msg), -1, NULL, NULL, NULL, 1 };
	g_autoptr(PcVerdict) v = pc_engine_scan(test_engine(), &input, NULL);
	const PcFinding *f = test_finding_with(v, "limit:deadline");

	g_assert_nonnull(f);
	g_assert_cmpint(f->status, ==, PC_STATUS_ERROR);
	g_assert_cmpint(v->status, ==, PC_STATUS_ERROR);
	/* reported once, however many checks were left */
	g_assert_cmpuint(v->findings->len, ==, 1);
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_assert_true(pc_engine_global_init(NULL, NULL));
	PC_TEST_ADD_CASES("/mime/names", name_cases, test_name_case);
	PC_TEST_ADD_CASES("/filter/double-extension", double_ext_cases, test_double_ext_case);
	PC_TEST_ADD_CASES("/filter/type-mismatch", mismatch_cases, test_mismatch_case);
	PC_TEST_ADD_CASES("/av/status", status_cases, test_status_case);
	g_test_add_func("/av/archive-names", test_archive_names);
	g_test_add_func("/av/cache-never-hides", test_cache_never_hides);
	g_test_add_func("/av/part-digest", test_part_digest);
	for (guint i = 0; i < G_N_ELEMENTS(raw_cases); i++) {
		g_autofree char *path = g_strdup_printf("/av/raw-scan/%s", raw_cases[i].name);

		g_test_add_data_func(path, &raw_cases[i], test_raw_case);
	}
	g_test_add_func("/rewrite/placeholder", test_rewrite_placeholder);
	g_test_add_func("/rewrite/remove", test_rewrite_remove);
	g_test_add_func("/rewrite/rename", test_rewrite_rename);
	g_test_add_func("/rewrite/disclaimer", test_rewrite_disclaimer);
	g_test_add_func("/rewrite/disclaimer-fits", test_rewrite_disclaimer_fits);
	g_test_add_func("/rewrite/empty-bodies", test_rewrite_empty_bodies);
	g_test_add_func("/rewrite/empty-then-removed", test_rewrite_empty_then_removed);
	g_test_add_func("/rewrite/injection/notice", test_injection_notice);
	g_test_add_func("/rewrite/injection/rename", test_injection_rename);
	g_test_add_func("/rewrite/injection/qp-disclaimer", test_injection_qp_disclaimer);
	g_test_add_func("/rewrite/injection/refused", test_injection_refused);
	g_test_add_func("/rewrite/injection/top-rename", test_injection_top_rename);
	g_test_add_func("/rewrite/injection/charset", test_injection_charset);
	g_test_add_func("/limits/mime-parts", test_limit_mime_parts);
	g_test_add_func("/limits/deadline", test_limit_deadline);
	rc = g_test_run();
	pc_engine_unref(test_engine_instance);
	if (test_raw_engine_instance != NULL)
		pc_engine_unref(test_raw_engine_instance);
	return rc;
}
