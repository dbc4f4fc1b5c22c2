/*
 * NAME
 *	conf_keys.h - the table of configuration keys (internal to conf.c)
 */
#ifndef PCM_CONF_KEYS_H
#define PCM_CONF_KEYS_H

#include <stddef.h>
#include "conf.h"

typedef enum {
	PCM_KEY_STRING,		/* any text; "" allowed where min == 0 */
	PCM_KEY_UINT,		/* decimal, min..max */
	PCM_KEY_SIZE,		/* bytes with optional K, M, G suffix, min..max */
	PCM_KEY_MODE,		/* octal file mode */
	PCM_KEY_ENUM,		/* one of choices[], stored as its index */
	PCM_KEY_LOGLEVEL,	/* error|warning|notice|info|debug -> syslog priority */
	PCM_KEY_BOOL,		/* yes|no|true|false|on|off|1|0 -> gboolean */
	PCM_KEY_LIST,		/* comma-separated -> NULL-terminated char ** */
	PCM_KEY_STATUSES,	/* comma-separated status names -> guint bit mask */
	PCM_KEY_OVERRIDES,	/* comma-separated glob=status -> char ** */
	PCM_KEY_TEMPLATE,	/* path of a template file -> its text (char *) */
} PcmKeyType;

typedef struct {
	const char *group;
	const char *key;
	PcmKeyType type;
	const char *defval;
	guint64 min, max;
	const char *const *choices;	/* PCM_KEY_ENUM: the values; PCM_KEY_TEMPLATE:
					 * the variables; NULL-terminated */
	size_t offset;			/* into PcmConfig */
	const char *doc;
} PcmKey;

extern const PcmKey pcm_conf_keys[];
extern const guint pcm_conf_nkeys;

/* Keys of earlier versions and what took their place. */
typedef struct {
	const char *group;
	const char *key;
	const char *replacement;
} PcmReplacedKey;

extern const PcmReplacedKey pcm_conf_replaced_keys[];
extern const guint pcm_conf_nreplaced;

#endif
