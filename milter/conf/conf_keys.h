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
	PCM_KEY_NUMBER,		/* decimal number, min..max -> double */
	PCM_KEY_MASKS,		/* comma-separated address masks -> PcMasks * */
	PCM_KEY_NETWORKS,	/* comma-separated addresses, CIDR ranges -> PcNetworks * */
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

/* Sections "[group:NAME]" define policy groups (conf_groups.c). */
#define PCM_GROUP_PREFIX "group:"

/* Parses value into field (the row's member of a PcmConfig or a PcPolicy). */
gboolean pcm_key_set(gpointer field, const PcmKey *row, const char *value, GError **error);
/* Rows that live in PcPolicy: the keys a group may set. */
gboolean pcm_key_is_policy(const PcmKey *row);
gpointer pcm_policy_field(PcPolicy *policy, const PcmKey *row);
const PcmKey *pcm_policy_key(const char *name);
const PcmKey *pcm_conf_key_named(const char *name);
void pcm_policy_copy(PcPolicy *dst, const PcPolicy *src);
void pcm_policy_clear(PcPolicy *policy);

/* Line of "key =" in "[group]" of a file's text (key NULL: the header). */
guint pcm_conf_line_of(const char *text, const char *group, const char *key);
GKeyFile *pcm_conf_read_file(const char *path, char **text, GError **error);
/* Builds conf->groups from path's [group:NAME] sections (kf, text; all may
 * be NULL) and then the files in groups_dir. */
gboolean pcm_conf_load_groups(PcmConfig *conf, const char *path, const char *text,
			      GKeyFile *kf, GError **error);

#endif
