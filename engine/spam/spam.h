/*
 * NAME
 *	spam.h - the spam check's pieces (internal to engine/spam/)
 */
#ifndef PC_SPAM_H
#define PC_SPAM_H

#include "../check.h"
#include "rules.h"

/* GTUBE: a message carrying it is always spam (SpamAssassin's test string). */
#define PC_GTUBE "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

void pc_spam_view_init(PcSpamView *view, const PcScan *scan);
void pc_spam_view_clear(PcSpamView *view);
char *pc_spam_html_text(const char *html, GPtrArray *uris);

#endif
