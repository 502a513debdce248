/*
 * The shared request budget.  Cloudflare allows one token 1200
 * requests per 5 minutes; with the admin's token every user of the
 * server draws on the same allowance, and past it Cloudflare blocks
 * the token for everybody.  Each process takes what it will send from
 * a small locked file under the store first, and refuses bulk work
 * that would run the allowance dry.
 */
#ifndef BUDGET_H
#define BUDGET_H

struct err;

#define BUDGET_WINDOW	300	/* seconds, Cloudflare's window */
#define BUDGET_LIMIT	1000	/* of Cloudflare's 1200: room for the rest */

int	 budget_take(const char *, unsigned, struct err *);
void	 budget_blocked(const char *, long);
/* For tests and fuzzing: parse a budget file, count what is in window. */
unsigned budget_parse(const char *, long long, long long *);

#endif /* BUDGET_H */
