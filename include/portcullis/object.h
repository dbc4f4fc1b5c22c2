/*
 * NAME
 *	object.h - one MIME entity of a message, as the engine saw it
 * DESCRIPTION
 *	The engine parses every message into a tree of objects in document
 *	order.  Paths follow IMAP: the parts of a top-level multipart are
 *	"1", "2", ...; the parts of part 2 are "2.1", "2.2"; the body of a
 *	message/rfc822 part 3 is "3.1" (or "3.1", "3.2"... when it is
 *	multipart); a message that is not multipart has one object, "1".
 *	Containers (multipart, message/rfc822) are objects too, with no
 *	content; the top-level multipart is "0".
 *
 *	Offsets locate the entity in the raw message, so that policy can
 *	replace or remove exactly its bytes and leave every other byte as
 *	received: header_start is the first byte of the entity's header
 *	block, body_start/body_end bound its (still encoded) content, which
 *	ends before the line break that precedes the next boundary.
 */
#ifndef PORTCULLIS_OBJECT_H
#define PORTCULLIS_OBJECT_H

#include <glib.h>

G_BEGIN_DECLS

/* Ordered by severity: a status is the maximum over its findings. */
typedef enum {
	PC_STATUS_CLEAN = 0,
	PC_STATUS_UNSCANNED,	/* whole message not kept (size): nothing scanned */
	PC_STATUS_PROBABLE,	/* spam score above the probable threshold */
	PC_STATUS_SPAM,		/* spam score above the spam threshold */
	PC_STATUS_FILTERED,	/* matched the attachment filter */
	PC_STATUS_SUSPICIOUS,	/* heuristic detection */
	PC_STATUS_CORRUPTED,	/* broken file, or a MIME defect that matters */
	PC_STATUS_ENCRYPTED,	/* password-protected archive or document */
	PC_STATUS_UNSCANNABLE,	/* deterministic limit: same on every retry */
	PC_STATUS_ERROR,	/* a check failed; a retry may succeed */
	PC_STATUS_INFECTED,
	PC_STATUS_COUNT
} PcStatus;

const char *pc_status_name(PcStatus status);
/* Status by name; -1 when unknown. */
int pc_status_from_name(const char *name);

typedef struct {
	char *name;		/* file name inside the archive, UTF-8 */
	char *type;		/* libclamav's type, e.g. "CL_TYPE_MSEXE" */
	guint depth;		/* 1 = directly inside the attachment */
} PcInnerFile;

typedef struct {
	char *path;		/* "1", "2.1"; "0" for the top multipart */
	char *declared_type;	/* lower-case type/subtype as declared */
	char *detected_type;	/* libmagic's MIME type of the decoded content */
	char *scanner_type;	/* libclamav's type of it ("CL_TYPE_TEXT_ASCII") */
	char *encoding;		/* transfer encoding as declared, lower case */
	char *charset;		/* Content-Type charset, lower case; "" if none */
	GPtrArray *names;	/* char *: every file name it carries, UTF-8 */
	GPtrArray *inner;	/* PcInnerFile *: names inside its archives */
	guint64 size;		/* decoded size */
	char *sha256;		/* of the decoded content; only when asked for */
	PcStatus status;
	guint depth;		/* MIME nesting: 0 top level */
	gboolean container;	/* multipart or message/rfc822 */
	gboolean attachment;	/* has a file name or disposition attachment */
	gint64 header_start;	/* offsets in the raw message, -1 if unknown */
	gint64 body_start;
	gint64 body_end;
	char *boundary;		/* of the multipart this object is a child of */
} PcObject;

PcObject *pc_object_new(const char *path);
void pc_object_free(PcObject *object);
/* First name, or NULL. */
const char *pc_object_name(const PcObject *object);

G_END_DECLS

#endif
