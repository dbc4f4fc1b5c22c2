/*
 * NAME
 *	cond.h - SpamAssassin's conditional blocks in rule files
 * DESCRIPTION
 *	Rule files wrap what needs a plugin or a feature in
 *	"ifplugin Mail::SpamAssassin::Plugin::X" or "if EXPR" ... "else" ...
 *	"endif", and often give a fallback for when it is missing
 *	("if !plugin(X)").  A block applies when the SpamAssassin these rules
 *	are read as would enter it: SpamAssassin 4.0.1 with its default
 *	plugins, less those whose own configuration lines define rules we do
 *	not read (ReplaceTags, MIMEHeader, URIDetail, AskDNS, TextCat, ...):
 *	their blocks are skipped whole and their fallbacks used.  A plugin's
 *	eval: tests we lack are dropped one by one where the rules are read.
 *
 *	EXPR: version, perl_version, local_tests_only, plugin(NAME),
 *	can(NAME), has(NAME), numbers, ( ), ! not && and || or, and the
 *	comparisons == != < <= > >=.  Anything else makes the condition
 *	false: a block we cannot judge is not read.
 */
#ifndef PC_SPAM_COND_H
#define PC_SPAM_COND_H

#include <glib.h>

/* Whether "ifplugin NAME" opens a block that applies; auth: the engine
 * verifies senders, so DKIM, SPF and DMARC count as loaded. */
gboolean pc_cond_plugin(const char *name, gboolean auth);
/* Whether "if EXPR" opens a block that applies. */
gboolean pc_cond_if(const char *expr, gboolean auth);

#endif
