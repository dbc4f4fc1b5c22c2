/*
 * NAME
 *	received.c - the Received trail as SpamAssassin's relay records
 * DESCRIPTION
 *	Each Received line is normalised (white space, the trailing date),
 *	then tried against the formats SpamAssassin knows, in its order,
 *	because the order decides which reading wins when two formats both
 *	match.  The formats are data: a pattern and which capture is which
 *	field (see PcFormat); the few that need more are flags.  The
 *	patterns run in raw (byte) mode: every byte of a header is the
 *	sender's, and a line longer than PC_RELAYS_MAX_VALUE is cut there.
 *	PCRE's own match limit bounds the backtracking of the looser ones.
 */
#include "config.h"

#include <string.h>

#include "received.h"

/* The address patterns (Mail::SpamAssassin::Constants IP_ADDRESS,
 * LOCALHOST, IP_PRIVATE), spelled without /x. */
#define V4 "(?:1\\d\\d|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)"
#define H4 "[a-f0-9]{1,4}"
#define PC_IP "(?i:\\b(?<!:)" V4 "\\." V4 "\\." V4 "\\." V4 "\\b" \
	"|(?:IPv6:|(?<![a-f0-9:]))(?:(?:(?:" H4 ":){6}|::(?:" H4 ":){0,5}|(?:" H4 ":){1,5}:" \
	"|" H4 "::(?:" H4 ":){1,4}|(?:" H4 ":){2}:(?:" H4 ":){1,3}|(?:" H4 ":){3}:(?:" H4 ":){1,2}" \
	"|(?:" H4 ":){4}:" H4 ":)" V4 "\\." V4 "\\." V4 "\\." V4 \
	"|(?:" H4 ":){7}" H4 "|:(?::" H4 "){1,7}|(?:" H4 ":){1,7}:|" H4 ":(?::" H4 "){1,6}" \
	"|(?:" H4 ":){2}(?::" H4 "){1,5}|(?:" H4 ":){3}(?::" H4 "){1,4}" \
	"|(?:" H4 ":){4}(?::" H4 "){1,3}|(?:" H4 ":){5}(?::" H4 "){1,2}" \
	"|(?:" H4 ":){6}:" H4 "|::)(?![a-f0-9:]))"
#define Z4 "0{1,4}"
#define MAPPED "(?:(?:" Z4 ":){5}ffff:|::(?:" Z4 ":){0,4}ffff:|(?:" Z4 ":){1,4}:ffff:" \
	"|" Z4 "::(?:" Z4 ":){1,3}ffff:|(?:" Z4 ":){2}:0{1,2}:ffff:|(?:" Z4 ":){3}:0:ffff:" \
	"|(?:" Z4 ":){4}:ffff:)"
#define LOOP6 "(?:" Z4 ":){7}0{0,3}1|:(?::" Z4 "){0,6}:0{0,3}1|" Z4 ":(?::" Z4 "){0,5}:0{0,3}1" \
	"|(?:" Z4 ":){2}(?::" Z4 "){0,4}:0{0,3}1|(?:" Z4 ":){3}(?::" Z4 "){0,3}:0{0,3}1" \
	"|(?:" Z4 ":){4}(?::" Z4 "){0,2}:0{0,3}1|(?:" Z4 ":){5}(?::" Z4 "){0,1}:0{0,3}1" \
	"|(?:" Z4 ":){6}:0{0,3}1"
#define PC_LH "(?i:localhost(?:\\.localdomain)?|\\b(?<!:)127\\.0\\.0\\.1\\b" \
	"|(?:IPv6:|(?<![a-f0-9:]))(?:" MAPPED "127\\.0\\.0\\.1|" LOOP6 ")(?![a-f0-9:]))"
#define PRIV4 "(?:10|127|169\\.254|172\\.(?:1[6-9]|2[0-9]|3[01])|192\\.168" \
	"|100\\.(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7]))\\..*"
#define PC_PRIVATE "(?i:^(?:" PRIV4 "|(?:IPv6:|(?<![a-f0-9:]))(?:" MAPPED PRIV4 \
	"|fe[89ab][0-9a-f]:.*|" LOOP6 ")(?![a-f0-9:])))"
#define HELOCH "-A-Za-z0-9.^+_&:=?!@%*$\\\\/"

/* What a format does beyond filling fields. */
enum {
	PC_F_SKIP = 1 << 0,	/* a handover that is no relay: skip the line */
	PC_F_POP = 1 << 1,	/* a mail fetcher's: restart the trusted part */
	PC_F_QMS = 1 << 2,	/* qmail-scanner: its envfrom goes to the next relay */
	PC_F_NOTGUARD = 1 << 3,	/* the guard must not match */
	PC_F_IDENT = 1 << 4,	/* sendmail's "IDENT:user@host" rdns */
	PC_F_TRIMAT = 1 << 5,	/* qmail's "user@" ident */
	PC_F_CLEARID = 1 << 6,	/* Exchange: its "id" is no queue id */
	PC_F_XMAIL = 1 << 7,	/* XMail: id and envfrom in <> */
	PC_F_HOTMAIL = 1 << 8,	/* the address, if any, opens the line */
	PC_F_SOFTDNS = 1 << 9,	/* couriertcpd's "softdnserr" is no rdns */
	PC_F_UNVERIFIED = 1 << 10,	/* simta's "unverified" is no rdns */
	PC_F_CLEARBY = 1 << 11,	/* a synthetic line has no "by" */
};

/*
 * One format: if guard (when set) matches (or, with PC_F_NOTGUARD, does
 * not) and re matches, capture n goes to the field fields[n-1] names:
 * i ip, r rdns, h helo, b by, d ident, e envfrom, R rdns and helo,
 * s a "(helo=X ident=Y)" comment read for both, '-' nothing.
 */
typedef struct {
	const char *guard;
	const char *re;
	const char *fields;
	guint flags;
} PcFormat;

typedef struct {
	const char *select;	/* a block of formats tried only if this matches */
	const PcFormat *formats;
	guint n;
} PcBlock;

/* Webmail signatures tried before anything else. */
static const PcFormat pc_first[] = {
	{ " \\((?:SquirrelMail|NaSMail) authenticated user ",
	  "(" PC_IP ")\\b(?![.-]).{10,80}by (\\S+) with HTTP", "ib", 0 },
	{ "^(?=.*aol\\.com)(?=.*with HTTP \\(WebMailUI\\))",
	  "(" PC_IP ") by (\\S+) \\(" PC_IP "\\) with HTTP \\(WebMailUI\\)", "ib", 0 },
};

static const PcFormat pc_smtpsvc[] = {
	{ NULL, "^(\\S*) \\(\\[(" PC_IP ")\\][^\\)]{0,40}\\) by (\\S+) with Microsoft SMTPSVC", "hib", 0 },
	{ NULL, "^mail pickup service by (\\S+) with Microsoft SMTPSVC$", "", PC_F_SKIP },
};
static const PcFormat pc_exchange[] = {
	{ NULL, "^(\\S+) \\(\\[?(" PC_IP ")(?:%[A-Z0-9._~-]*)?\\]?\\) by (\\S+) ", "hib", PC_F_CLEARID },
};
static const PcFormat pc_xmail[] = {
	{ NULL, "^(\\S+) \\((\\[?" PC_IP "\\]?)(?::\\d+)\\) by (\\S+)(?: \\(\\S+\\))? with \\[XMail",
	  "hib", PC_F_XMAIL },
};
static const PcFormat pc_ecelerity[] = {
	{ NULL, "^\\(\\[(" PC_IP "):\\d+\\] helo=(\\S+)\\) by (\\S+) ", "ihb", 0 },
	{ NULL, "^\\S+ \\(\\[(" PC_IP "):\\d+\\]\\) by (\\S+) ", "ib", 0 },
};
static const PcFormat pc_exim[] = {
	{ NULL, "\\bwith local(?:-\\S+)? ", "", PC_F_SKIP },
	{ NULL, "^\\[(" PC_IP ")\\] \\((.*?)\\) by (\\S+) ", "isb", 0 },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\](.*?)\\) by (\\S+) ", "Risb", 0 },
	{ NULL, "^(\\S+) \\[(" PC_IP ")\\](:\\d+)? by (\\S+) ", "Ri-b", 0 },
};
static const PcFormat pc_postfix[] = {
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\) by (\\S+) ", "hrib", 0 },
	{ NULL, "^(\\S+) \\((\\S+)\\[(" PC_IP ")\\]\\) by (\\S+) ", "hrib", 0 },
};
static const PcFormat pc_scalix[] = {
	{ NULL, "^(\\S+) \\( ?(" PC_IP ")\\) by (\\S+)", "hib", 0 },
};
static const PcFormat pc_domino[] = {
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\]\\) by (\\S+) \\(Lotus", "hib", 0 },
};

/* The first block whose selector matches is the only one tried. */
static const PcBlock pc_blocks[] = {
	{ " SMTPSVC", pc_smtpsvc, G_N_ELEMENTS(pc_smtpsvc) },
	{ " with (?:Microsoft SMTP Server|mapi id) (?:\\([^\\)]+\\) )?\\d+\\.\\d+\\.\\d+\\.\\d+(?:$| )",
	  pc_exchange, G_N_ELEMENTS(pc_exchange) },
	{ "\\[XMail ", pc_xmail, G_N_ELEMENTS(pc_xmail) },
	{ "\\(ecelerity\\b", pc_ecelerity, G_N_ELEMENTS(pc_ecelerity) },
	{ "Exim", pc_exim, G_N_ELEMENTS(pc_exim) },
	{ " \\(Postfix\\) with", pc_postfix, G_N_ELEMENTS(pc_postfix) },
	{ "\\(Scalix SMTP Relay", pc_scalix, G_N_ELEMENTS(pc_scalix) },
	{ " \\(Lotus Domino ", pc_domino, G_N_ELEMENTS(pc_domino) },
};
#define PC_EXIM_BLOCK 4

#define QMAIL_GUARD "^\\S+( \\((?:HELO|EHLO) \\S*\\))? \\((\\S+\\@)?\\[?" PC_IP "\\]?\\)" \
	"( \\(envelope-sender <\\S+>\\))? by \\S+( \\(.+\\))* with (.* )?(SMTP|QMQP)(?! id )"

/* Everything after the blocks, in SpamAssassin's order. */
static const PcFormat pc_formats[] = {
	{ "\\bwith HTTP\\b", "^(" PC_IP ") \\(\\[" PC_IP "\\]\\) by (\\S+)", "ib", 0 },
	{ " by \\S+ \\(qmail-\\S+\\) with ", "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\].*\\) by (\\S+) \\(",
	  "hrib", PC_F_NOTGUARD | PC_F_IDENT },
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\) by (\\S+) with \\S+ \\(", "hrib", 0 },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\] helo=(\\S+)\\) by (\\S+) with ", "rihb", 0 },
	{ NULL, "^(\\S+) \\(<unknown\\S*>\\[(" PC_IP ")\\]\\) by (\\S+) ", "hib", 0 },
	{ NULL, "^(\\S+) \\((\\S+\\.\\S+)\\[(" PC_IP ")\\]\\) by (\\S+) ", "hrib", 0 },
	{ NULL, "^(\\S+) \\((\\S*)\\@\\[(" PC_IP ")\\].*\\) by (\\S+) \\(", "hdib", 0 },
	{ NULL, "by (\\S+\\.hotmail\\.msn\\.com) ", "b", PC_F_HOTMAIL },
	{ NULL, "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\((" PC_IP ")\\) by (\\S+) \\(qpsmtpd/\\S+\\) "
	  "with (?:ESMTP|SMTP)", "rhib", 0 },
	{ NULL, "^(\\S+) \\(LHLO (\\S*)\\) \\((" PC_IP ")\\) by (\\S+) with LMTP", "rhib", 0 },
	{ NULL, "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\[(" PC_IP ")\\] by (\\S+) \\([^\\)]+\\) "
	  "with (?:ESMTP|SMTP)", "rhib", 0 },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\]\\) by (\\S+) via smtpd \\(for \\S+\\) with SMTP\\(",
	  "hib", 0 },
	/* qmail: once its signature matches the line is taken, read or not */
	{ QMAIL_GUARD, "^(\\S+) \\((?:HELO|EHLO) ([^ \\(\\)]*)\\) \\((\\S*)\\@\\[?(" PC_IP ")\\]?\\)"
	  "( \\(envelope-sender <\\S+>\\))? by (\\S+)", "rhdi-b", 0 },
	{ QMAIL_GUARD, "^(\\S+) \\((?:HELO|EHLO) ([^ \\(\\)]*)\\) \\(\\[?(" PC_IP ")\\]?\\)"
	  "( \\(envelope-sender <\\S+>\\))? by (\\S+)", "rhi-b", 0 },
	{ QMAIL_GUARD, "^(\\S+) \\((\\S*)\\@\\[?(" PC_IP ")\\]?\\)( \\(envelope-sender <\\S+>\\))? "
	  "by (\\S+)", "Rdi-b", 0 },
	{ QMAIL_GUARD, "^(\\S+) \\(\\[?(" PC_IP ")\\]?\\)( \\(envelope-sender <\\S+>\\))? by (\\S+)",
	  "Ri-b", 0 },
	{ QMAIL_GUARD, "", "", 0 },
	{ " via HTTP$", "^\\[(" PC_IP ")\\] by (\\S+) via HTTP$", "ib", 0 },
	{ NULL, "^(\\S+) \\( \\[(" PC_IP ")\\]\\).*? by (\\S+) ", "-ib", 0 },
	{ NULL, "^\\((\\S+) \\[(" PC_IP ")\\]\\) by (\\S+) ", "hib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] by (\\S+) ", "ib", 0 },
	{ NULL, "^\\(\\[?(" PC_IP ")\\]?\\) by (\\S+) ", "ib", 0 },
	{ NULL, "^(\\S+) \\[(" PC_IP ")\\] by (\\S+) \\[" PC_IP "\\] with ", "hib", 0 },
	{ NULL, "^(\\S+) \\[\\((" PC_IP ")\\)\\] by (\\S+) \\(" PC_IP "\\) ", "hib", 0 },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\]\\) by (\\S+) \\(", "hib", 0 },
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\).*? by (\\S+)\\b", "hrib", PC_F_SOFTDNS },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")(?:[.:]\\d+)?\\]\\).*? by (\\S+) ", "hib", 0 },
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\)(?: \\(authenticated bits=\\d+\\))? by (\\S+) \\(",
	  "hrib", 0 },
	{ NULL, "with (?:POP3|IMAP)", "", PC_F_POP },
	{ NULL, "^(\\S+) \\((?:HELO|EHLO) ([^\\)]*)\\) \\((\\S*@)?\\[?(" PC_IP ")\\]?\\).* by (\\S+) ",
	  "rhdib", PC_F_TRIMAT },
	{ NULL, "^(\\S+) \\((\\S*@)?\\[?(" PC_IP ")\\]?\\).* by (\\S+) ", "Rdib", PC_F_TRIMAT },
	{ " with http for ", "^\\[(" PC_IP ")\\] by (\\S+) with http for ", "ib", 0 },
	{ " via smap ", "^(\\S+)\\((" PC_IP ")\\) by (\\S+) via smap ", "rib", 0 },
	{ NULL, "^(\\S+)\\((" PC_IP "), (?:HELO|EHLO) (\\S*)\\) by (\\S+) via smap ", "rihb", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] by (\\S+) \\(Post", "ib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] by (\\S+) \\(ArGoSoft", "ib", 0 },
	{ NULL, "^(" PC_IP ") by (\\S+) \\((?:SMTPL|InterScan)\\b", "ib", 0 },
	{ NULL, "^\\S+ by \\S+ with BSMTP", "", PC_F_SKIP },
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\) by (\\S+) with ", "hrib", 0 },
	{ NULL, "^(\\S+) \\((?:HELO|EHLO) (\\S*)\\) \\((?:(\\S+)\\@)?(" PC_IP ").*?\\) by (\\S+) with ",
	  "rhdib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] \\((?:account \\S+ )?(?:HELO|EHLO) (\\S*)\\) by (\\S+) \\(", "ihb", 0 },
	{ " \\(CommuniGate Pro", "^(\\S+) \\(\\[(" PC_IP ")\\] verified\\) by (\\S+) \\(", "Rib", 0 },
	{ NULL, "^\\(\\[(" PC_IP ")\\]\\) by (\\S+) with ", "ib", 0 },
	{ NULL, "^([^\\d]\\S+) \\((" PC_IP ")\\) by (\\S+) ", "hib", 0 },
	{ NULL, "^\\S+ \\(\\S+\\) by \\S+ \\(Content Technologies ", "", PC_F_SKIP },
	{ NULL, "^(\\S+) \\(\\[(" PC_IP ")\\] \\[(\\S+)\\]\\) by (\\S+) with ", "hi-b", 0 },
	{ NULL, "^(" PC_IP ") by (\\S+) with ", "ib", 0 },
	{ NULL, "^(\\S+) \\((\\S+)\\[(" PC_IP ")\\]\\) by (\\S+) ", "hrib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\]\\S+ \\((?:HELO|EHLO) (\\S*)\\) by (\\S+) ", "ihb", 0 },
	{ NULL, "^(" PC_IP ") \\((?:HELO|EHLO) (\\S*)\\) by (\\S+) ", "ihb", 0 },
	{ NULL, "^(\\S+) \\[(" PC_IP ")\\] by (\\S+) ", "hib", 0 },
	{ NULL, "^(\\S+)\\((" PC_IP ")\\) by (\\S+) ", "rib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] by (\\S+) \\(MailGate ", "ib", 0 },
	{ NULL, "^(\\S+) \\(unverified \\[(" PC_IP ")\\]\\) by (\\S+) ", "hib", 0 },
	{ NULL, "^(" PC_IP ") \\([A-Za-z][^\\)]+\\) by (\\S+) with ", "ib", 0 },
	{ NULL, "^\\[(" PC_IP ")\\] \\(([^\\)]+)\\) by (\\S+) ", "isb", 0 },
	{ NULL, "^(\\S+) \\((?:\\S+\\@)?(" PC_IP ")\\) by (\\S+) with ", "rib", 0 },
	{ NULL, "^(\\S+)\\((" PC_IP ")\\)(?:, claiming to be \"(\\S+)\")? via \\S+ by (\\S+),", "rihb", 0 },
	{ NULL, "^(\\S+) \\((\\S+)@(" PC_IP ") with login\\) by (\\S+\\.yahoo\\.com) with SMTP",
	  "h-ib", 0 },
	{ NULL, "^X-Originating-IP: (" PC_IP ")$", "i", PC_F_CLEARBY },
	/* handovers that are no relay */
	{ NULL, "^\\S+ \\([^\\s\\@]+\\@" PC_LH "\\) by \\S+ \\(", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\S+ by \\S+ with local-e?smtp ", "", PC_F_SKIP },
	{ NULL, "^127\\.0\\.0\\.1 \\(AVG SMTP \\S+ \\[\\S+\\]\\)", "", PC_F_SKIP },
	{ NULL, "^\\S+\\@\\S+ by \\S+ by uid \\S+ ", "", PC_F_SKIP },
	{ NULL, "^\\S+\\@\\S+ by \\S+ ", "", PC_F_SKIP },
	{ NULL, "^Unknown/Local \\(", "", PC_F_SKIP },
	{ NULL, "^" PC_LH " \\((?:\\S+\\@)?" PC_LH "[\\)\\[]", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\((?:\\S+\\@)?" PC_LH "\\) ", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\(\\S+\\@\\S+ \\[" PC_LH "\\]\\) ", "", PC_F_SKIP },
	{ NULL, "^\\(AUTH: \\S+\\) by \\S+ with ", "", PC_F_SKIP },
	{ NULL, "^localhost \\(localhost \\[\\[UNIX: localhost\\]\\]\\) by ", "", PC_F_SKIP },
	{ NULL, "^\\S+\\.amazon\\.com by \\S+\\.amazon\\.com with ESMTP \\(peer crosscheck: ", "",
	  PC_F_SKIP },
	{ NULL, "^[^\\.]+ by \\S+ with Novell_GroupWise", "", PC_F_SKIP },
	{ NULL, "^no\\.name\\.available by \\S+ via smtpd \\(for ", "", PC_F_SKIP },
	{ NULL, "^\\S+ by \\S+ \\(.{0,100}\\) with qmail-scanner", "", PC_F_QMS },
	{ NULL, "^\\S+ by \\S+ with local", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\(\\[unix socket\\]\\) by \\S+ \\(Cyrus v[0-9]*?\\.[0-9]*?\\.[0-9]*?\\) with LMTPA",
	  "", PC_F_SKIP },
	{ NULL, "^\\S+ by \\S+ (?:with|via|for|\\()", "", PC_F_SKIP },
	{ NULL, "^\\S+ (?:(?:with|via|for) \\S+|\\(unverified\\)) by\\b", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\(unknown\\) by \\S+ \\(SG\\) with \\b", "", PC_F_SKIP },
	{ NULL, "^\\S+ \\(\\S+ \\[local\\]\\) by \\S+ \\(OpenSMTPD\\) with \\b", "", PC_F_SKIP },
	{ NULL, "\\(LSMTP for", "", PC_F_SKIP },
	{ NULL, "^\\(\\[" PC_LH "\\]\\) with MailEnable ", "", PC_F_SKIP },
	{ NULL, "^facebook\\.com \\([^\\)]+\\) by facebook\\.com with Thrift id \\S+$", "", PC_F_SKIP },
	{ NULL, "^\\S+ named \\S+ by gmailapi\\.google\\.com with HTTPREST$", "", PC_F_SKIP },
	{ NULL, "^\\S+ id \\S+$", "", PC_F_SKIP },
	{ NULL, "^\\[<.*? \\(Jetsend", "", PC_F_SKIP },
};

/* simta, in capitals. */
static const PcFormat pc_upper[] = {
	{ NULL, "^(\\S+) \\((\\S+) \\[(" PC_IP ")\\]\\) BY (\\S+) (?:\\([^\\)]+\\) WITH SMTP )?"
	  "ID <?(\\S+?)>?(?: FOR <[^>]+>)?$", "hribI", PC_F_UNVERIFIED },
};

/* "Received: (from ...": Norton's gateway, local submissions. */
static const PcFormat pc_paren[] = {
	{ NULL, "^(\\S*) \\[(" PC_IP ")\\]\\) by (\\S+) \\(NAVGW .*?\\) with ", "hib", 0 },
	{ NULL, "^\\S+\\@localhost\\) by \\S+ ", "", PC_F_SKIP },
	{ NULL, "^[^\\s\\@]+\\@[^)]+\\) by \\S+\\(jqueuemail\\) id [^\\s;]+", "", PC_F_SKIP },
};

/* How the line names an authenticated handover; the first that matches. */
enum { PC_AUTH_GROUP, PC_AUTH_CONST, PC_AUTH_GMAIL, PC_AUTH_GMX, PC_AUTH_POSTFIX };
typedef struct {
	const char *guard, *re;
	int kind;
	const char *value;
} PcAuth;

static const PcAuth pc_auths[] = {
	{ " by ", "(?i) with ((?:ES|L|UTF8S|UTF8L)MTPS?A|ASMTP|HTTP[SU]?)(?: |;|$)", PC_AUTH_GROUP, NULL },
	{ " by mx\\.google\\.com with ESMTPS id [a-z0-9]{1,4}sm[0-9]{2,9}[a-z]{3}\\.[0-9]{1,3}\\."
	  "[0-9]{4}\\.(?:[0-6][0-9]\\.){4}[0-6][0-9]", "\\(version=([^ ]+) cipher=([^\\)]+)\\)",
	  PC_AUTH_GMAIL, NULL },
	{ NULL, "^from .*?(?:\\]\\)|\\)\\]) \\(AUTH: (LOGIN|PLAIN|DIGEST-MD5|CRAM-MD5) \\S+(?:, .*?)?\\) by ",
	  PC_AUTH_GROUP, NULL },
	{ "authenticated", "^from .*?(?:\\](?: \\([^)]*\\))?\\)|\\)\\]) .*?\\(.*?authenticated.*?\\).*? by",
	  PC_AUTH_CONST, "Sendmail" },
	{ NULL, "from \\S* \\((?:HELO|EHLO) (\\S*)\\) \\[(" PC_IP ")\\] by (mail\\.gmx\\.(?:net|com)) "
	  "\\([^\\)]+\\) with ((?:ESMTP|SMTP))", PC_AUTH_GMX, NULL },
	{ " \\(authenticated as ", "\\) by .+ \\(\\d{1,2}\\.\\d\\.\\d{3}(?:\\.\\d{1,3})?\\) "
	  "\\(authenticated as .+\\) id ", PC_AUTH_CONST, "CriticalPath" },
	{ NULL, "\\) \\(Authenticated sender: \\S+\\) by \\S+ \\(([^\\)]+)\\) with ", PC_AUTH_POSTFIX, NULL },
	{ "CommuniGate Pro (HTTP|SMTP|XIMSS|IMAP)", " \\(account ", PC_AUTH_CONST, "Communigate" },
	{ NULL, " with Microsoft Exchange Server HTTP-DAV\\b", PC_AUTH_CONST, "HTTP-DAV" },
	{ " by ", "(?i) \\(via (HTTP.?)\\)(?: |;|$)", PC_AUTH_GROUP, NULL },
};

/* One line being read. */
typedef struct {
	char *ip, *rdns, *helo, *by, *ident, *id, *auth, *envfrom;	/* envfrom NULL: none */
} PcFields;

typedef enum { PC_LINE_RELAY, PC_LINE_SKIP, PC_LINE_UNPARSEABLE, PC_LINE_POP } PcLine;

/* A few of SpamAssassin's patterns backtrack without end on a crafted
 * line ("( \\(.+\\))*"): PCRE2's own limit, lowered, makes such a match
 * fail quickly instead (no real Received line comes near it). */
#define PC_RX_LIMIT "(*LIMIT_MATCH=" G_STRINGIFY(PC_RX_MATCH_LIMIT) ")"
#define PC_RX_MATCH_LIMIT 20000

/* Patterns are compiled once, on first use, and kept: the tables are
 * static, so a pattern's address is its key. */
static GHashTable *pc_rx_cache;
static GMutex pc_rx_lock;

static GRegex *
pc_rx(const char *pattern)
{
	GRegex *r;

	g_mutex_lock(&pc_rx_lock);
	if (pc_rx_cache == NULL)
		pc_rx_cache = g_hash_table_new(g_direct_hash, g_direct_equal);
	r = g_hash_table_lookup(pc_rx_cache, pattern);
	if (r == NULL) {
		g_autoptr(GError) error = NULL;

		g_autofree char *limited = g_strconcat(PC_RX_LIMIT, pattern, NULL);

		r = g_regex_new(limited, G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, &error);
		if (r == NULL)
			g_error("received.c: pattern %s: %s", pattern, error->message);
		g_hash_table_insert(pc_rx_cache, (gpointer)pattern, r);
	}
	g_mutex_unlock(&pc_rx_lock);
	return r;
}

/* A match; a match limit reached (hostile input) is no match. */
static gboolean
pc_match(const char *pattern, const char *s, GMatchInfo **m)
{
	gboolean hit = g_regex_match(pc_rx(pattern), s, 0, m);

	if (!hit && m != NULL)
		g_clear_pointer(m, g_match_info_free);
	return hit;
}

static char *
pc_group(GMatchInfo *m, int n)
{
	char *s = g_match_info_fetch(m, n);

	return s != NULL ? s : g_strdup("");
}

static void
pc_set(char **field, char *value)
{
	g_free(*field);
	*field = value;
}

/* field = the first group of pattern's match in s, when it matches. */
static gboolean
pc_take(char **field, const char *pattern, const char *s)
{
	GMatchInfo *m = NULL;

	if (!pc_match(pattern, s, &m))
		return FALSE;
	pc_set(field, pc_group(m, 1));
	g_match_info_free(m);
	return TRUE;
}

/* Exim's "(helo=X ident=Y)": each removed as it is read, as SpamAssassin does. */
static void
pc_read_sub(PcFields *f, char *sub)
{
	static const char helo_re[] = "helo=(\\S+)";
	static const char ident_re[] = "ident=(\\S*)";
	GMatchInfo *m = NULL;
	int start, end;

	if (pc_match(helo_re, sub, &m)) {
		pc_set(&f->helo, pc_group(m, 1));
		g_match_info_fetch_pos(m, 0, &start, &end);
		memmove(sub + start, sub + end, strlen(sub + end) + 1);
		g_match_info_free(m);
	}
	pc_take(&f->ident, ident_re, sub);
}

static void
pc_assign(PcFields *f, char code, char *value)
{
	switch (code) {
	case 'i': pc_set(&f->ip, value); break;
	case 'r': pc_set(&f->rdns, value); break;
	case 'h': pc_set(&f->helo, value); break;
	case 'b': pc_set(&f->by, value); break;
	case 'd': pc_set(&f->ident, value); break;
	case 'e': pc_set(&f->envfrom, value); break;
	case 'I': pc_set(&f->id, value); break;
	case 'R':
		pc_set(&f->helo, g_strdup(value));
		pc_set(&f->rdns, value);
		break;
	case 's':
		pc_read_sub(f, value);
		g_free(value);
		break;
	default: g_free(value);
	}
}

/* sendmail's "PREFIXuser@host" rdns: ident user, rdns host. */
static void
pc_ident_split(PcFields *f, const char *prefix)
{
	const char *user, *at;

	if (!g_str_has_prefix(f->rdns, prefix))
		return;
	user = f->rdns + strlen(prefix);
	at = strchr(user, '@');
	if (at == NULL)
		return;
	pc_set(&f->ident, g_strndup(user, (gsize)(at - user)));
	pc_set(&f->rdns, g_strdup(at + 1));
}

/* The extra reading a format's flags ask for, after its fields. */
static void
pc_format_extras(PcFields *f, const PcFormat *fmt, const char *s)
{
	GMatchInfo *m = NULL;

	if ((fmt->flags & PC_F_IDENT) != 0) {
		pc_ident_split(f, "IDENT:");
		pc_ident_split(f, "");
	}
	if ((fmt->flags & PC_F_TRIMAT) != 0 && g_str_has_suffix(f->ident, "@"))
		f->ident[strlen(f->ident) - 1] = '\0';
	if ((fmt->flags & PC_F_CLEARID) != 0)
		pc_set(&f->id, g_strdup(""));
	if ((fmt->flags & PC_F_CLEARBY) != 0)
		pc_set(&f->by, g_strdup(""));
	if ((fmt->flags & PC_F_SOFTDNS) != 0 && strcmp(f->rdns, "softdnserr") == 0)
		pc_set(&f->rdns, g_strdup(""));
	if ((fmt->flags & PC_F_UNVERIFIED) != 0 && strcmp(f->rdns, "unverified") == 0)
		pc_set(&f->rdns, g_strdup(""));
	if ((fmt->flags & PC_F_XMAIL) != 0) {
		pc_take(&f->id, " id <(\\S+)>", s);
		pc_take(&f->envfrom, " from <(\\S+)>", s);
	}
	if ((fmt->flags & PC_F_HOTMAIL) != 0 && pc_match("^(" PC_IP ") ", s, &m)) {
		pc_set(&f->ip, pc_group(m, 1));
		g_match_info_free(m);
	}
}

/* Tries one format: TRUE if it decided the line (read it, or skip it). */
static gboolean
pc_try(PcFields *f, const PcFormat *fmt, const char *s, PcLine *out)
{
	GMatchInfo *m = NULL;

	if (fmt->guard != NULL &&
	    pc_match(fmt->guard, s, NULL) == ((fmt->flags & PC_F_NOTGUARD) != 0))
		return FALSE;
	if (!pc_match(fmt->re, s, &m))
		return FALSE;
	for (int i = 0; fmt->fields[i] != '\0'; i++)
		pc_assign(f, fmt->fields[i], pc_group(m, i + 1));
	g_match_info_free(m);
	pc_format_extras(f, fmt, s);
	*out = (fmt->flags & PC_F_POP) ? PC_LINE_POP :
	       (fmt->flags & (PC_F_SKIP | PC_F_QMS)) ? PC_LINE_SKIP : PC_LINE_RELAY;
	return TRUE;
}

static gboolean
pc_try_all(PcFields *f, const PcFormat *fmts, guint n, const char *s, PcLine *out,
	   const PcFormat **which)
{
	for (guint i = 0; i < n; i++)
		if (pc_try(f, &fmts[i], s, out)) {
			if (which != NULL)
				*which = &fmts[i];
			return TRUE;
		}
	return FALSE;
}

/* Exim's odd formats: bits of the line; enough with an address and a "by". */
static gboolean
pc_exim_bits(PcFields *f, const char *s)
{
	GMatchInfo *m = NULL;

	pc_take(&f->rdns, "^(\\S+) ", s);
	pc_take(&f->helo, " \\((\\S+)\\) ", s);
	pc_take(&f->ip, " \\[(" PC_IP ")(?:\\.\\d+)?\\] ", s);
	if (pc_match("by (\\S+) ", s, &m)) {
		pc_set(&f->by, pc_group(m, 1));
		g_match_info_free(m);
		return *f->ip != '\0';
	}
	return FALSE;
}

/* White space, '#', brackets, '<', '>' and '|' as '!': SpamAssassin flags
 * them so (a "[1.2.3.4]" helo reads "!1.2.3.4!"), and they would break
 * the "[ ... ]" text the rules match. */
static void
pc_strip(char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\n\r\f\v#[]()<>|", *s) != NULL)
			*s = '!';
}

static char *
pc_envfrom_clean(const char *e)
{
	const char *start = e, *end = e + strlen(e);
	char *out;

	while (*start != '\0' && g_ascii_isspace(*start))
		start++;
	while (*start == '<')
		start++;
	while (end > start && g_ascii_isspace(end[-1]))
		end--;
	while (end > start && end[-1] == '>')
		end--;
	out = g_strndup(start, (gsize)(end - start));
	pc_strip(out);
	return out;
}

/* The "from ..." body: envfrom, webmail, the blocks, then the long list. */
static PcLine
pc_read_from(PcFields *f, const char *s, char **qms_envfrom)
{
	GMatchInfo *m = NULL;
	const PcFormat *which = NULL;
	PcLine out;

	pc_take(&f->envfrom, "(?i)(?:return-path:? |envelope-(?:sender|from)[ =])(\\S+)\\b", s);
	if (pc_try_all(f, pc_first, G_N_ELEMENTS(pc_first), s, &out, NULL))
		return out;
	for (guint i = 0; i < G_N_ELEMENTS(pc_blocks); i++) {
		if (!pc_match(pc_blocks[i].select, s, NULL))
			continue;
		if (pc_try_all(f, pc_blocks[i].formats, pc_blocks[i].n, s, &out, NULL))
			return out;
		if (i == PC_EXIM_BLOCK && pc_exim_bits(f, s))
			return PC_LINE_RELAY;
		break;
	}
	if (pc_try_all(f, pc_formats, G_N_ELEMENTS(pc_formats), s, &out, &which)) {
		if ((which->flags & PC_F_QMS) != 0)
			*qms_envfrom = f->envfrom != NULL ? pc_envfrom_clean(f->envfrom) : NULL;
		return out;
	}
	if (*f->helo == '\0' && pc_match("^(\\S+)[^-A-Za-z0-9\\.]", s, &m)) {
		pc_set(&f->helo, pc_group(m, 1));
		g_match_info_free(m);
	}
	return PC_LINE_UNPARSEABLE;
}

/* Windows-1252 bytes SpamAssassin takes as such in a header that is not
 * UTF-8: letters, NBSP, SHY, quotes and dashes. */
static gboolean
pc_cp1252_safe(const char *s, gsize len)
{
	static const char safe[] = "\xa0\xa9\xad\x82\x84\x85\x91\x92\x93\x94\x95\x96\x97\x99";

	for (gsize i = 0; i < len; i++) {
		guchar c = (guchar)s[i];

		if (c < 0x80 || (c >= 0xc0 && c != 0xd7 && c != 0xdf && c != 0xf7 && c != 0xff))
			continue;
		if (strchr(safe, (char)c) == NULL)
			return FALSE;
	}
	return TRUE;
}

/* The value as SpamAssassin reads a header (Node.pm _normalize): cut at
 * PC_RELAYS_MAX_VALUE, then UTF-8: kept if valid, else from Windows-1252
 * when every 8-bit byte is a likely one, else with U+FFFD for what is not. */
static char *
pc_utf8(const char *value)
{
	gsize len = strnlen(value, PC_RELAYS_MAX_VALUE);
	char *out;

	if (g_utf8_validate(value, (gssize)len, NULL))
		return g_strndup(value, len);
	if (pc_cp1252_safe(value, len)) {
		out = g_convert(value, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
		if (out != NULL)
			return out;
	}
	return g_utf8_make_valid(value, (gssize)len);
}

/* White space as one space, none at the ends, no trailing ';', no date. */
static char *
pc_normalise(const char *raw)
{
	g_autofree char *value = pc_utf8(raw);
	gsize len = strlen(value);
	GString *s = g_string_sized_new(len);
	gboolean space = FALSE;

	for (gsize i = 0; i < len; i++) {
		if (g_ascii_isspace(value[i])) {
			space = TRUE;
			continue;
		}
		if (space && s->len > 0)
			g_string_append_c(s, ' ');
		space = FALSE;
		g_string_append_c(s, value[i]);
	}
	for (;;) {
		if (s->len > 0 && s->str[s->len - 1] == ';')
			g_string_truncate(s, s->len - 1);
		else
			break;
		if (s->len > 0 && s->str[s->len - 1] == ' ')
			g_string_truncate(s, s->len - 1);
	}
	return g_string_free(s, FALSE);
}

static char *
pc_drop_date(const char *s)
{
	static const char date_re[] = "[\\s;]+(?:(?:Mon|T(?:ue|hu)|Wed|Fri|S(?:at|un)), )?\\d+ "
		"(?:J(?:an|u[nl])|Feb|Ma[ry]|A(?:pr|ug)|Sep|Oct|Nov|Dec) \\d+ \\d+:\\d+(?::\\d+)? \\S+$";
	GMatchInfo *m = NULL;
	GString *out = g_string_new(s);
	char *fix;
	int start, end;

	if (pc_match(date_re, s, &m)) {
		g_match_info_fetch_pos(m, 0, &start, &end);
		g_string_truncate(out, (gsize)start);
		g_match_info_free(m);
	}
	fix = strstr(out->str, ")by ");
	if (fix != NULL)
		g_string_insert_c(out, fix - out->str + 1, ' ');
	return g_string_free(out, FALSE);
}

/* What every line is searched for, whatever its format. */
static void
pc_read_common(PcFields *f, const char *s)
{
	pc_take(&f->id, " id <?([^\\s<>;]{3,})", s);
	if (!pc_take(&f->helo, "\\bhelo=([" HELOCH "]+)(?:[^" HELOCH "]|$)", s))
		pc_take(&f->helo, "\\b(?:HELO|EHLO) ([" HELOCH "]+)(?:[^" HELOCH "]|$)", s);
	pc_take(&f->by, " by (\\S+)(?:[^-A-Za-z0-9;.]|$)", s);
}

static void
pc_read_auth(PcFields *f, const char *s)
{
	GMatchInfo *m = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(pc_auths); i++) {
		const PcAuth *a = &pc_auths[i];
		g_autofree char *g1 = NULL;

		if (a->guard != NULL && !pc_match(a->guard, s, NULL))
			continue;
		if (!pc_match(a->re, s, &m))
			continue;
		g1 = pc_group(m, 1);
		if (a->kind == PC_AUTH_GROUP) {
			pc_set(&f->auth, g_steal_pointer(&g1));
		} else if (a->kind == PC_AUTH_CONST) {
			pc_set(&f->auth, g_strdup(a->value));
		} else if (a->kind == PC_AUTH_GMAIL) {
			g_autofree char *g2 = pc_group(m, 2);

			pc_set(&f->auth, g_strdup_printf("GMail - transport=%s cipher=%s", g1, g2));
		} else if (a->kind == PC_AUTH_GMX) {
			g_autofree char *g3 = pc_group(m, 3), *g4 = pc_group(m, 4);

			pc_set(&f->auth, g_strdup_printf("GMX (%s / %s)", g4, g3));
		} else {
			pc_set(&f->auth, strcmp(g1, "Postfix") == 0 ? g_strdup(g1) :
				g_strdup_printf("Postfix (%s)", g1));
		}
		g_match_info_free(m);
		return;
	}
}

/* Lines SpamAssassin drops before reading any field. */
static gboolean
pc_ignored(const char *s)
{
	GMatchInfo *m = NULL;
	gboolean ignore;

	if (!pc_match("(?i)^\\(?from ", s, NULL) || pc_match("\\bwith local for\\b", s, NULL))
		return TRUE;
	if (!pc_match("(?i)^from (\\S+) by [^\\s;]+ ?;", s, &m))
		return FALSE;
	{
		g_autofree char *host = pc_group(m, 1);

		ignore = !pc_match("^\\[[\\d.]+\\]$", host, NULL);
	}
	g_match_info_free(m);
	return ignore;
}

static PcLine
pc_read_line(PcFields *f, const char *value, char **qms_envfrom)
{
	g_autofree char *norm = pc_normalise(value);
	g_autofree char *s = NULL;
	GMatchInfo *m = NULL;
	PcLine out = PC_LINE_UNPARSEABLE;

	if (pc_ignored(norm))
		return PC_LINE_SKIP;
	s = pc_drop_date(norm);
	pc_read_common(f, s);
	pc_read_auth(f, s);
	if (g_str_has_prefix(s, "from "))
		out = pc_read_from(f, s + 5, qms_envfrom);
	else if (g_str_has_prefix(s, "FROM "))
		pc_try_all(f, pc_upper, G_N_ELEMENTS(pc_upper), s + 5, &out, NULL);
	else if (g_str_has_prefix(s, "(from "))
		pc_try_all(f, pc_paren, G_N_ELEMENTS(pc_paren), s + 6, &out, NULL);
	if (out != PC_LINE_UNPARSEABLE)
		return out;
	if (*f->ip == '\0' && pc_match("\\[(" PC_IP ")\\]", s, &m)) {
		pc_set(&f->ip, pc_group(m, 1));
		g_match_info_free(m);
	}
	return (*f->ip != '\0' && *f->by != '\0') ? PC_LINE_RELAY : PC_LINE_UNPARSEABLE;
}

/* The address as SpamAssassin keeps it: no brackets, zone or mapped prefix. */
static void
pc_clean_ip(char **ip)
{
	GMatchInfo *m = NULL;
	char *s = *ip;
	gsize len;

	if (g_ascii_strncasecmp(s, "ipv6:", 5) == 0)
		memmove(s, s + 5, strlen(s + 5) + 1);
	if (*s == '[')
		memmove(s, s + 1, strlen(s));
	len = strlen(s);
	if (len > 0 && s[len - 1] == ']')
		s[len - 1] = '\0';
	if (pc_match("(?i)%[A-Z0-9._~-]*\\z", s, &m)) {
		int start, end;

		g_match_info_fetch_pos(m, 0, &start, &end);
		s[start] = '\0';
		g_match_info_free(m);
	}
	if (pc_match("(?i)^0*:0*:(?:0*:)*ffff:(\\d+\\.\\d+\\.\\d+\\.\\d+)$", s, &m)) {
		pc_set(ip, pc_group(m, 1));
		g_match_info_free(m);
	}
	pc_strip(*ip);
}

/* The fields as SpamAssassin finally writes them. */
static PcRelay *
pc_relay_new(PcFields *f)
{
	PcRelay *r = g_new0(PcRelay, 1);
	gsize len = strlen(f->rdns);

	while (len > 0 && f->rdns[len - 1] == '.')
		f->rdns[--len] = '\0';
	if (g_ascii_strcasecmp(f->rdns, "unknown") == 0 || f->rdns[0] == '[')
		f->rdns[0] = '\0';
	pc_clean_ip(&f->ip);
	len = strlen(f->by);
	if (len > 0 && f->by[len - 1] == ';')
		f->by[len - 1] = '\0';
	pc_strip(f->rdns);
	pc_strip(f->helo);
	pc_strip(f->by);
	pc_strip(f->ident);
	r->envfrom = f->envfrom != NULL ? pc_envfrom_clean(f->envfrom) : g_strdup("");
	r->ip = g_steal_pointer(&f->ip);
	r->rdns = g_steal_pointer(&f->rdns);
	r->helo = g_steal_pointer(&f->helo);
	r->by = g_steal_pointer(&f->by);
	r->ident = g_steal_pointer(&f->ident);
	r->id = g_steal_pointer(&f->id);
	r->auth = g_steal_pointer(&f->auth);
	return r;
}

static void
pc_relay_free(gpointer p)
{
	PcRelay *r = p;

	g_free(r->ip);
	g_free(r->rdns);
	g_free(r->helo);
	g_free(r->by);
	g_free(r->ident);
	g_free(r->envfrom);
	g_free(r->id);
	g_free(r->auth);
	g_free(r);
}

static void
pc_fields_init(PcFields *f)
{
	f->ip = g_strdup("");
	f->rdns = g_strdup("");
	f->helo = g_strdup("");
	f->by = g_strdup("");
	f->ident = g_strdup("");
	f->id = g_strdup("");
	f->auth = g_strdup("");
	f->envfrom = NULL;
}

static void
pc_fields_clear(PcFields *f)
{
	g_free(f->ip);
	g_free(f->rdns);
	g_free(f->helo);
	g_free(f->by);
	g_free(f->ident);
	g_free(f->id);
	g_free(f->auth);
	g_free(f->envfrom);
}

/* --- trust ------------------------------------------------------------- */

static gboolean
pc_in_masks(const GPtrArray *masks, const char *ip)
{
	g_autoptr(GInetAddress) a = g_inet_address_new_from_string(ip);

	if (a == NULL)
		return FALSE;
	/* 127/8 and ::1 are in both lists whatever is configured */
	if (g_inet_address_get_is_loopback(a))
		return TRUE;
	for (guint i = 0; masks != NULL && i < masks->len; i++)
		if (g_inet_address_mask_matches(g_ptr_array_index(masks, i), a))
			return TRUE;
	return FALSE;
}

typedef struct {
	const GPtrArray *trusted, *internal;
	gboolean infer;
	gboolean in_trusted, in_internal;
} PcTrust;

/* Moves the trust boundary past one relay, as check order decides. */
static void
pc_trust_step(PcTrust *t, const PcRelay *r)
{
	if (!t->in_trusted)
		return;
	if (t->infer) {
		if (!g_regex_match(pc_rx(PC_PRIVATE), r->ip, 0, NULL) && *r->auth == '\0')
			t->in_trusted = t->in_internal = FALSE;
		return;
	}
	if (*r->auth == '\0' && !pc_in_masks(t->trusted, r->ip)) {
		t->in_trusted = t->in_internal = FALSE;
		return;
	}
	if (t->in_internal && *r->auth == '\0' && !pc_in_masks(t->internal, r->ip))
		t->in_internal = FALSE;
}

static gboolean
pc_masks_empty(const GPtrArray *a)
{
	return a == NULL || a->len == 0;
}

PcRelays *
pc_relays_parse(char *const *received, guint n, const GPtrArray *trusted,
		const GPtrArray *internal)
{
	PcRelays *out = g_new0(PcRelays, 1);
	PcTrust t = { trusted, internal, FALSE, TRUE, TRUE };
	gboolean allow_fetcher = TRUE;
	g_autofree char *qms_envfrom = NULL;

	out->trusted = g_ptr_array_new();
	out->untrusted = g_ptr_array_new();
	out->internal = g_ptr_array_new();
	out->external = g_ptr_array_new();
	out->all = g_ptr_array_new_with_free_func(pc_relay_free);
	t.infer = pc_masks_empty(trusted) && pc_masks_empty(internal);
	if (pc_masks_empty(internal))
		t.internal = trusted;
	else if (pc_masks_empty(trusted))
		t.trusted = internal;
	for (guint i = 0; i < n && i < PC_RELAYS_MAX_HEADERS; i++) {
		g_autofree char *pending = g_steal_pointer(&qms_envfrom);
		PcFields f;
		PcLine line;
		PcRelay *r;

		if (received[i] == NULL)
			continue;
		pc_fields_init(&f);
		line = pc_read_line(&f, received[i], &qms_envfrom);
		if (line == PC_LINE_POP && allow_fetcher) {
			/* a fetcher's handover: what came before it is the mailbox's side */
			g_ptr_array_set_size(out->trusted, 0);
			g_ptr_array_set_size(out->internal, 0);
			g_ptr_array_set_size(out->external, 0);
		}
		if (line == PC_LINE_UNPARSEABLE)
			out->unparseable++;
		if (line != PC_LINE_RELAY) {
			pc_fields_clear(&f);
			continue;
		}
		if (pending != NULL)
			pc_set(&f.envfrom, g_steal_pointer(&pending));
		r = pc_relay_new(&f);
		pc_fields_clear(&f);
		g_ptr_array_add(out->all, r);
		pc_trust_step(&t, r);
		r->intl = t.in_internal;
		g_ptr_array_add(t.in_trusted ? out->trusted : out->untrusted, r);
		allow_fetcher = t.in_trusted;
		g_ptr_array_add(t.in_internal ? out->internal : out->external, r);
	}
	return out;
}

void
pc_relays_free(PcRelays *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref(r->trusted);
	g_ptr_array_unref(r->untrusted);
	g_ptr_array_unref(r->internal);
	g_ptr_array_unref(r->external);
	g_ptr_array_unref(r->all);
	g_free(r);
}

char *
pc_relays_text(const GPtrArray *list)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; list != NULL && i < list->len; i++) {
		const PcRelay *r = g_ptr_array_index(list, i);

		g_string_append_printf(s, "%s[ ip=%s rdns=%s helo=%s by=%s ident=%s envfrom=%s "
				       "intl=%d id=%s auth=%s msa=%d ]", i > 0 ? " " : "",
				       r->ip, r->rdns, r->helo, r->by, r->ident, r->envfrom,
				       r->intl ? 1 : 0, r->id, r->auth, r->msa ? 1 : 0);
	}
	return g_string_free(s, FALSE);
}

gboolean
pc_relays_all_trusted(const PcRelays *r)
{
	return r->trusted->len > 0 && r->untrusted->len == 0 && r->unparseable == 0;
}

gboolean
pc_relays_none(const PcRelays *r)
{
	return r->trusted->len == 0 && r->untrusted->len == 0 && r->unparseable == 0;
}

const char *const pc_relays_originating_headers[] = {
	"X-Yahoo-Post-IP", "X-Originating-IP", "X-Apparently-From", "X-SenderIP", "X-AOL-IP",
	"X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp", NULL,
};

char *
pc_relays_originating(const char *value)
{
	g_autofree char *cut = g_strndup(value, PC_RELAYS_MAX_VALUE);
	GMatchInfo *m = NULL;
	char *out;

	if (!pc_match("(" PC_IP ")", cut, &m))
		return NULL;
	{
		g_autofree char *ip = pc_group(m, 1);

		out = g_strdup_printf("from X-Originating-IP: %s", ip);
	}
	g_match_info_free(m);
	return out;
}
