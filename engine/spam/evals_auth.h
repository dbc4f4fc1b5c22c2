/*
 * NAME
 *	evals_auth.h - eval: tests over sender authentication (evals_auth.c)
 */
#ifndef PC_SPAM_EVALS_AUTH_H
#define PC_SPAM_EVALS_AUTH_H

#include "evals_msg.h"

gboolean pc_auth_eval_dkim_signed(const PcMsgArgs *a, const PcSpamView *v);
gboolean pc_auth_eval_dkim_valid(const PcMsgArgs *a, const PcSpamView *v);
gboolean pc_auth_eval_dkim_author(const PcMsgArgs *a, const PcSpamView *v);
gboolean pc_auth_eval_dkim_envfrom(const PcMsgArgs *a, const PcSpamView *v);
/* check_for_spf_X and check_for_spf_helo_X: X from the eval's name */
gboolean pc_auth_eval_spf(const PcMsgArgs *a, const PcSpamView *v);
/* check_dmarc_X */
gboolean pc_auth_eval_dmarc(const PcMsgArgs *a, const PcSpamView *v);
gboolean pc_auth_eval_arc_signed(const PcMsgArgs *a, const PcSpamView *v);
gboolean pc_auth_eval_arc_valid(const PcMsgArgs *a, const PcSpamView *v);

#endif
