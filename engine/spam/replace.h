/*
 * NAME
 *	replace.h - SpamAssassin's ReplaceTags lines (replace.c)
 */
#ifndef PC_SPAM_REPLACE_H
#define PC_SPAM_REPLACE_H

#include <glib.h>

typedef struct _PcReplace PcReplace;

PcReplace *pc_replace_new(void);
void pc_replace_free(PcReplace *replace);
/* "KEYWORD NAME REST" of replace_tag, replace_pre, replace_post,
 * replace_inter, replace_rules (and replace_start/end, ignored): TRUE when
 * keyword is one of them. */
gboolean pc_replace_line(PcReplace *replace, const char *keyword, const char *name,
			 const char *rest);
/* Whether a replace_rules line named rule. */
gboolean pc_replace_wants(const PcReplace *replace, const char *rule);
/* re with its tags replaced (newly allocated). */
char *pc_replace_apply(const PcReplace *replace, const char *re);

#endif
