/*
 * NAME
 *	evals.h - rule tests that are code, not a pattern ("eval:" rules)
 * DESCRIPTION
 *	DNS lists, in SpamAssassin's syntax:
 *	  header NAME eval:check_rbl('SET', 'ZONE.' [, 'SUB'])
 *	      the first untrusted relay (the client, or the first Received
 *	      address outside trusted_networks) listed in ZONE
 *	  header NAME eval:check_rbl_sub('SET', 'SUB')
 *	      the same query as SET's check_rbl, answered SUB
 *	  header NAME eval:check_rbl_envfrom('SET', 'ZONE.' [, 'SUB'])
 *	      the envelope sender's domain listed in ZONE
 *	  urirhssub NAME ZONE. A SUB        urirhsbl NAME ZONE. A
 *	      a registrable domain of a URL in the text listed in ZONE
 *	SUB is an answer address ("127.0.0.2"), a bit mask (a number: any
 *	answer with one of its bits), or a regular expression on the answer;
 *	without it any answer in 127.0.0.0/8 counts.  Scores come from score
 *	lines, so each list and each answer has its own weight.
 *	Checks of the message itself:
 *	  body NAME eval:check_hidden_text(N)    N characters or more of text
 *	      the reader cannot see (display:none, visibility:hidden, font
 *	      size 0-1, text coloured like its background)
 *	  body NAME eval:check_link_mismatch()   a link whose text names a
 *	      domain other than the one it leads to
 *	  body NAME eval:check_image_only(N)     an image, and fewer than N
 *	      words of text
 *	  header NAME eval:check_many_recipients(N)  N or more addresses in
 *	      To and Cc
 *	and SpamAssassin's header, MIME, HTML and free-mail tests of
 *	evals_msg.h.
 */
#ifndef PC_SPAM_EVALS_H
#define PC_SPAM_EVALS_H

#include <glib.h>
#include "evals_msg.h"
#include "rules.h"

typedef struct _PcEval PcEval;

/* "check_rbl('a', 'b.')" (after "eval:"); NULL with why set when the
 * function is unknown or its arguments are wrong. */
PcEval *pc_eval_parse(const char *call, GString *why);
/* "ZONE. A SUB" of urirhssub/urirhsbl. */
PcEval *pc_eval_parse_uri(const char *def, gboolean sub, GString *why);
void pc_eval_free(PcEval *eval);

/* check_rbl defines SET's zone; check_rbl_sub finds it here after every
 * file is read (sets: SET -> zone, owned by the caller); the free-mail
 * tests get the domains every file listed. */
void pc_eval_define_set(const PcEval *eval, GHashTable *sets);
gboolean pc_eval_bind(PcEval *eval, GHashTable *sets, const PcFreemail *freemail,
		      GString *why);

/* The DNS names this test needs for view, added to names if new. */
void pc_eval_dns_names(const PcEval *eval, const PcSpamView *view, GPtrArray *names);
/* The zone of a DNS test, or NULL. */
const char *pc_eval_zone(const PcEval *eval);
guint pc_eval_run(const PcEval *eval, const PcSpamView *view);

#endif
