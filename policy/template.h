/*
 * NAME
 *	template.h - notices with {variable} placeholders
 * DESCRIPTION
 *	A template is plain UTF-8 text in which {name} stands for a variable;
 *	"{{" is a literal "{".  pc_template_check() validates a template
 *	against the variables a use allows and names the line of the first
 *	problem, so "portcullis -t" catches a typo instead of a postmaster
 *	reading "{filname}" in a delivered notice.  pc_template_render()
 *	substitutes values; an unknown variable renders as empty (the check
 *	at load time makes that impossible in a running daemon).
 */
#ifndef PC_POLICY_TEMPLATE_H
#define PC_POLICY_TEMPLATE_H

#include <glib.h>

#define PC_TEMPLATE_ERROR (pc_template_error_quark())
GQuark pc_template_error_quark(void);

/* Variables of the placeholder notice, NULL-terminated. */
extern const char *const pc_placeholder_variables[];
/* Variables of disclaimers. */
extern const char *const pc_disclaimer_variables[];
/* The built-in placeholder notice. */
extern const char pc_placeholder_default[];

gboolean pc_template_check(const char *text, const char *const *variables, GError **error);
/* names/values: parallel, NULL-terminated. */
char *pc_template_render(const char *text, const char *const *names,
			 const char *const *values);

#endif
