/*
 * NAME
 *	evals_msg.h - SpamAssassin's eval: tests of the message itself
 * DESCRIPTION
 *	The header, MIME, HTML and free-mail tests of SpamAssassin's
 *	HeaderEval, MIMEEval, HTMLEval and FreeMail plugins that its default
 *	rules lean on most, each answering as the plugin does for the same
 *	message (tests/spam/sa-differential.sh compares them):
 *	  check_equal_from_domains()      From and envelope sender in different
 *	                                  domains (last two labels)
 *	  subject_is_all_caps()           a Subject of 10+ characters, 2+ words,
 *	                                  no lower-case letter
 *	  check_for_missing_to_header()   no To (nor Apparently-To)
 *	  gated_through_received_hdr_remover()  no Received, or a list that
 *	                                  strips them (ezmlm, MSN groups)
 *	  check_for_shifted_date(MIN, MAX)  Date minus the nearest Received date
 *	                                  in [MIN, MAX) hours ('undef': open)
 *	  check_outlook_message_id()      an Outlook-shaped Message-ID whose time
 *	                                  does not fit Date nor Received
 *	  check_for_mime('KEY')           mime_base64_encoded_text,
 *	                                  mime_bad_iso_charset, mime_attachment,
 *	                                  mime_multipart_alternative, mime_qp_count
 *	  check_for_mime_html()           a text/html entity
 *	  check_for_mime_html_only()      text/html and no other text entity
 *	  html_test('html')               a part rendered as HTML
 *	  check_all_trusted()             every relay trusted (received.c)
 *	  check_no_relays()               no Received relay at all
 *	  check_relays_unparseable()      a Received line of no known format
 *	  check_freemail_from([RE])       From or envelope sender at a free-mail
 *	                                  domain (freemail_domains lines)
 *	  check_freemail_header(HDR [, RE])  an address of HDR at one
 *	  check_freemail_replyto(['replyto'|'reply'])  From and Reply-To both
 *	                                  free-mail and different
 */
#ifndef PC_SPAM_EVALS_MSG_H
#define PC_SPAM_EVALS_MSG_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <pcre2.h>

#include "rules.h"

/* freemail_domains: exact names, and the wildcard ones as one pattern. */
typedef struct {
	GHashTable *domains;		/* lower-case domain -> itself */
	GHashTable *welcome;		/* freemail_welcomelist: address or domain */
	GPtrArray *wildcards;		/* char *, "yahoo.*" */
	pcre2_code *wild_re;		/* the wildcards, compiled by _finish */
} PcFreemail;

PcFreemail *pc_freemail_new(void);
void pc_freemail_free(PcFreemail *fm);
/* "freemail_domains a.com b.*" and "freemail_welcomelist x@y z.com". */
void pc_freemail_add(PcFreemail *fm, const char *words, gboolean welcome);
void pc_freemail_finish(PcFreemail *fm);

typedef struct {
	char **args;
	pcre2_code *re;			/* the test's regular expression argument */
	const PcFreemail *freemail;
	char *name;			/* the eval's: one test can answer several */
} PcMsgArgs;

typedef gboolean (*PcMsgTest)(const PcMsgArgs *args, const PcSpamView *view);

/* The test called name, or NULL (also for an argument it has no answer
 * for, such as an html_test key we do not compute); *re_arg is the index
 * of its regular expression argument (-1: none). */
PcMsgTest pc_msg_test(const char *name, char *const *args, guint *min_args, guint *max_args,
		      int *re_arg);

#endif
