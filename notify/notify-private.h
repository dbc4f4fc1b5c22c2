/*
 * NAME
 *	notify-private.h - shared between the files of notify/
 */
#ifndef PCN_NOTIFY_PRIVATE_H
#define PCN_NOTIFY_PRIVATE_H

#include "notify.h"

#define PCN_BLOCK_OPEN "{#objects}"
#define PCN_BLOCK_CLOSE "{/objects}"

typedef struct {
	const char *block;	/* "{#objects}", or NULL */
	const char *end;	/* "{/objects}", or NULL */
} PcnTemplateParts;

/* FALSE when the block markers are unbalanced or repeated. */
gboolean pcn_template_split(const char *text, PcnTemplateParts *parts);
const char *pcn_templates_get(const PcnTemplates *templates, const char *language,
			      PcnParty party);

/* notify/send.c: one attempt; FALSE and error on any failure. */
gboolean pcn_send_smtp(const char *relay, const char *sender, const char *const *recipients,
		       GBytes *message, GError **error);

#endif
