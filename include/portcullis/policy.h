/*
 * NAME
 *	policy.h - what may differ per message: how to scan, what to filter,
 *	what to do with each kind of finding
 * DESCRIPTION
 *	One structure holds every per-message setting, so that sender and
 *	recipient groups can later override any of them by copying the
 *	default policy and changing fields.  The engine reads the scan and
 *	filter parts (they decide what the message is); the decision step in
 *	policy/ reads the action parts (they decide what happens).  Lists
 *	are NULL-terminated string vectors; NULL means empty.
 */
#ifndef PORTCULLIS_POLICY_H
#define PORTCULLIS_POLICY_H

#include <glib.h>
#include <portcullis/object.h>

G_BEGIN_DECLS

typedef enum {
	PC_SCAN_AUTO,		/* parts + raw; whole-message parse when they may miss */
	PC_SCAN_PARTS,		/* parts + raw, never libclamav's mail parser */
	PC_SCAN_MESSAGE,	/* only libclamav's whole-message parse */
	PC_SCAN_BOTH,		/* everything, always */
} PcScanMode;

typedef enum {
	PC_RAW_TEXT,		/* headers and structure: the bodies are scanned as parts */
	PC_RAW_FULL,		/* the raw message, every byte */
} PcRawScan;

typedef enum {
	PC_OBJ_PASS,		/* leave the part as it is */
	PC_OBJ_REMOVE,		/* the part disappears */
	PC_OBJ_PLACEHOLDER,	/* replaced by a text/plain notice */
	PC_OBJ_RENAME,		/* file name gets rename_suffix, content kept */
	PC_OBJ_DISCLAIMER,	/* not a status action: body text gets the disclaimer */
} PcObjectAction;

typedef enum {
	PC_BLOCK_REJECT,
	PC_BLOCK_DISCARD,
	PC_BLOCK_QUARANTINE,
	PC_BLOCK_TEMPFAIL,
} PcBlockAction;

typedef enum {
	PC_SIGNED_MODIFY,	/* change it anyway: the signature breaks */
	PC_SIGNED_BLOCK,	/* block_action instead of changing it */
	PC_SIGNED_PASS,		/* deliver unchanged, status in the header only */
} PcSignedAction;

/* What a DMARC or SPF failure gets; honour: what the domain's DMARC record
 * asks (p=reject: reject, p=quarantine: quarantine). */
typedef enum {
	PC_AUTH_ACT_IGNORE,
	PC_AUTH_ACT_TAG,	/* subject_tag, status "forged" */
	PC_AUTH_ACT_QUARANTINE,
	PC_AUTH_ACT_REJECT,
	PC_AUTH_ACT_HONOUR,
} PcAuthAction;

typedef enum { PC_ON_ERROR_TEMPFAIL, PC_ON_ERROR_ACCEPT, PC_ON_ERROR_REJECT } PcOnError;

typedef struct {
	char **name_include;		/* globs on file names, case-insensitive */
	char **name_exclude;
	char **type_include;		/* globs on declared and detected types */
	char **type_exclude;
	gboolean executables;		/* PE, ELF, Mach-O, MSI, scripts by content */
	gboolean type_mismatch;		/* declared harmless, content dangerous */
	gboolean double_extension;	/* report.pdf.exe, RTL override */
	guint64 max_attachment_size;	/* decoded bytes; 0: no limit */
} PcFilterPolicy;

typedef struct {
	/* engine: which checks run and how */
	gboolean av;			/* scan with libclamav */
	gboolean filter_enabled;	/* run the attachment filter */
	gboolean spam;			/* run the spam rules */
	double spam_threshold;		/* score for status spam */
	double probable_threshold;	/* score for status probable */
	gint scan_mode;			/* PcScanMode */
	gint raw_scan;			/* PcRawScan */
	char **signature_overrides;	/* "glob=status" */
	PcFilterPolicy filter;
	/* decision */
	gint object_action[PC_STATUS_COUNT];	/* PcObjectAction per status */
	guint block;			/* bit (1 << status) for each blocked status */
	gint block_action;		/* PcBlockAction */
	gint signed_action;		/* PcSignedAction */
	gint on_error;			/* PcOnError */
	char *rename_suffix;
	char *placeholder_template;	/* template text; NULL: built-in */
	char *reject_message;
	char *disclaimer_text;		/* appended to text/plain bodies; NULL: none */
	char *disclaimer_html;		/* inserted before </body> of text/html bodies */
	guint quarantine;		/* statuses whose messages are also kept */
	gboolean add_headers;		/* X-Virus-Scanned and X-Virus-Status */
	guint tag;			/* statuses whose subject gets subject_tag */
	char *subject_tag;		/* template: {status} */
	/* notifications: statuses that make each party hear of a message */
	guint notify_admin;
	guint notify_recipients;
	guint notify_sender;
	char *admin_address;
	char *notify_language;		/* template set: templates_dir/LANG/ */
	/* spam allow and block lists (policy/masks.h; NULL: empty) */
	struct _PcMasks *allow_senders;
	struct _PcMasks *block_senders;
	struct _PcNetworks *allow_clients;
	struct _PcNetworks *block_clients;
	/* sender authentication (auth.h) */
	gint dmarc_reject_action;	/* PcAuthAction for a p=reject failure */
	gint dmarc_quarantine_action;	/* the same for p=quarantine */
	gint spf_fail_action;		/* PcAuthAction (not honour) for SPF fail */
	char **arc_trusted_sealers;	/* a passing ARC chain sealed by one of these
					 * excuses a DMARC or SPF failure */
	struct _PcMasks *auth_allow_senders;	/* From addresses allowed (as
					 * allow_senders) only when authenticated */
	char **signed_domains;		/* DKIM signers whose verified signature
					 * over the whole body grants signed_action */
} PcPolicy;

const char *pc_scan_mode_name(PcScanMode mode);

/* One signature_overrides item, "glob=status" ("pass" = clean); FALSE
 * when it is not of that form or the status is unknown. */
gboolean pc_signature_override_parse(const char *item, char **glob, PcStatus *status);

G_END_DECLS

#endif
