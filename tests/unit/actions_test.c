/*
 * Unit tests for pcm_decide(): every verdict status under every setting of
 * on_infected, on_error and oversize_action maps to the documented action,
 * SMTP reply and X-Virus-Status value.
 */
#include "config.h"

#include "cases.h"

#include "actions.h"

typedef struct {
	const char *name;
	PcStatus status;
	const char *setting;	/* group.key=value, or NULL for defaults */
	PcmAction action;
	const char *rcode, *xcode, *reply, *header;
} ActionCase;

static const ActionCase action_cases[] = {
	{ "clean", PC_STATUS_CLEAN, NULL, PCM_ACT_ACCEPT, NULL, NULL, NULL, "Clean" },
	{ "infected-default-reject", PC_STATUS_INFECTED, NULL, PCM_ACT_REJECT, "550", "5.7.1",
	  "Message rejected: virus Eicar-Test found", NULL },
	{ "infected-custom-text", PC_STATUS_INFECTED, "av.reject_message=No {virus} here, 100%",
	  PCM_ACT_REJECT, "550", "5.7.1", "No Eicar-Test here, 100 ", NULL },
	{ "infected-discard", PC_STATUS_INFECTED, "av.on_infected=discard", PCM_ACT_DISCARD,
	  NULL, NULL, NULL, NULL },
	{ "infected-quarantine", PC_STATUS_INFECTED, "av.on_infected=quarantine",
	  PCM_ACT_QUARANTINE, NULL, NULL, NULL, NULL },
	{ "infected-accept", PC_STATUS_INFECTED, "av.on_infected=accept", PCM_ACT_ACCEPT,
	  NULL, NULL, NULL, "Infected (Eicar-Test)" },
	{ "error-default-tempfail", PC_STATUS_ERROR, NULL, PCM_ACT_TEMPFAIL, "451", "4.7.1",
	  "Virus scan failed, try again later", NULL },
	{ "error-accept", PC_STATUS_ERROR, "av.on_error=accept", PCM_ACT_ACCEPT, NULL, NULL,
	  NULL, "Unscanned (error)" },
	{ "error-reject", PC_STATUS_ERROR, "av.on_error=reject", PCM_ACT_REJECT, "550", "5.7.1",
	  "Message could not be scanned", NULL },
	{ "oversize-default-accept", PC_STATUS_UNSCANNED, NULL, PCM_ACT_ACCEPT, NULL, NULL, NULL,
	  "Unscanned (size)" },
	{ "oversize-reject", PC_STATUS_UNSCANNED, "message.oversize_action=reject",
	  PCM_ACT_REJECT, "552", "5.3.4", "Message too big to scan", NULL },
	{ "oversize-tempfail", PC_STATUS_UNSCANNED, "message.oversize_action=tempfail",
	  PCM_ACT_TEMPFAIL, "452", "4.3.4", "Message too big to scan now, try again later", NULL },
	/* Settings for one status never leak into another. */
	{ "clean-ignores-on-infected", PC_STATUS_CLEAN, "av.on_infected=discard", PCM_ACT_ACCEPT,
	  NULL, NULL, NULL, "Clean" },
	{ "infected-ignores-on-error", PC_STATUS_INFECTED, "av.on_error=accept", PCM_ACT_REJECT,
	  "550", "5.7.1", "Message rejected: virus Eicar-Test found", NULL },
};

static PcVerdict *
action_verdict(PcStatus status)
{
	PcVerdict *verdict = pc_verdict_new();

	if (status == PC_STATUS_INFECTED)
		pc_verdict_add(verdict, "av", status, NULL, "Eicar-Test", NULL);
	else if (status != PC_STATUS_CLEAN)
		pc_verdict_add(verdict, "av", status, NULL, NULL, "why");
	return verdict;
}

static void
test_action_case(gconstpointer data)
{
	const ActionCase *c = data;
	const char *settings[] = { c->setting, NULL };
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, settings, NULL);
	g_autoptr(PcVerdict) verdict = action_verdict(c->status);
	PcmDecision d;

	g_assert_nonnull(conf);
	pcm_decide(conf, verdict, &d);
	g_assert_cmpstr(pcm_action_name(d.action), ==, pcm_action_name(c->action));
	g_assert_cmpstr(d.rcode, ==, c->rcode);
	g_assert_cmpstr(d.xcode, ==, c->xcode);
	g_assert_cmpstr(d.reply, ==, c->reply);
	g_assert_cmpstr(d.status, ==, c->header);
	pcm_decision_clear(&d);
}

static void
test_action_tempfail_override(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){
		"av.on_infected=quarantine", NULL }, NULL);
	g_autoptr(PcVerdict) verdict = action_verdict(PC_STATUS_INFECTED);
	PcmDecision d;

	pcm_decide(conf, verdict, &d);
	pcm_decision_tempfail(&d, "could not store");
	g_assert_cmpint(d.action, ==, PCM_ACT_TEMPFAIL);
	g_assert_cmpstr(d.rcode, ==, "451");
	g_assert_cmpstr(d.reply, ==, "could not store");
	pcm_decision_clear(&d);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/actions", action_cases, test_action_case);
	g_test_add_func("/actions/quarantine-failure-tempfails", test_action_tempfail_override);
	return g_test_run();
}
