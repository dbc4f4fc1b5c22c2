/*
 * NAME
 *	expr.h - meta rule expressions: parse once, evaluate per message
 * DESCRIPTION
 *	C precedence: || < && < comparisons < + - < * / < unary ! -.  A name
 *	stands for its rule's hit count (0 when it did not hit); && || !
 *	and comparisons give 0 or 1.  Division by zero gives 0.
 */
#ifndef PC_SPAM_EXPR_H
#define PC_SPAM_EXPR_H

#include <glib.h>

typedef struct _PcExpr PcExpr;
typedef double (*PcExprLookup)(const char *name, gpointer data);

PcExpr *pc_expr_parse(const char *text, GError **error);
double pc_expr_eval(const PcExpr *expr, PcExprLookup lookup, gpointer data);
/* Adds every rule name the expression uses to names (char *, not owned). */
void pc_expr_names(const PcExpr *expr, GPtrArray *names);
void pc_expr_free(PcExpr *expr);

#endif
