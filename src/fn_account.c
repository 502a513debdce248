/*
 * cloudflare.account: the token in force, what Cloudflare says about
 * it, the accounts it sees, and which of the permissions work.
 *
 * Permissions are probed with cheap reads, all in one concurrent
 * round, on the first zone the token sees, or for a user the first
 * that is one of their own domains: with the admin's token the token
 * sees every customer's zone, and a user must never touch another's.
 * Nothing here is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "panel.h"
#include "reply.h"
#include "validate.h"

#define EXPIRY_WARN_DAYS	14
#define MAX_ACCOUNTS_SHOWN	20
#define MAX_OWN_LOOKUPS		100	/* a user's domains looked up by name */

enum { PR_ZONE, PR_ACCOUNT };

/* The read that tells whether a permission works, by field. */
static const struct probe {
	const char	*field;
	const char	*perm;		/* as Cloudflare's dashboard names it */
	int		 level;
	const char	*path;		/* one %s: the zone or account id */
	const char	*query;		/* "per_page=1" or NULL */
	int		 notfound_ok;	/* a 404 still proves the permission */
} probes[] = {
	{ "perm_dns", "Zone · Zone DNS · Read, Edit", PR_ZONE,
	    "/zones/%s/dns_records", "per_page", 0 },
	{ "perm_zone_settings", "Zone · Zone Settings · Read, Edit", PR_ZONE,
	    "/zones/%s/settings/ssl", NULL, 0 },
	{ "perm_firewall", "Zone · Firewall Services · Read, Edit", PR_ZONE,
	    "/zones/%s/firewall/access_rules/rules", "per_page", 0 },
	{ "perm_account_firewall",
	    "Account · Account Firewall Access Rules · Read", PR_ACCOUNT,
	    "/accounts/%s/firewall/access_rules/rules", "per_page", 0 },
	{ "perm_cache_rules", "Zone · Cache Rules · Edit", PR_ZONE,
	    "/zones/%s/rulesets/phases/http_request_cache_settings/entrypoint",
	    NULL, 1 },
};
#define NPROBES	(sizeof(probes) / sizeof(probes[0]))

#define PERM_ZONE_NAME	"Zone · Zone · Edit"

struct acct_page {
	struct ctx	*c;
	struct cf	*cf;
	int		 user_kind;	/* user-owned token (not account) */
	/* Round one: verify, accounts, the zone list. */
	struct cf_req	 one[3];
	/* What was learnt. */
	char		 status[16];
	char		 expires[32];
	int		 verified;	/* verify answered */
	struct zone	 zone;		/* the zone to probe on */
	int		 have_zone;
	char		 account[33];	/* the account to probe on */
	const char	*no_zone;	/* why there is no zone, for people */
};

static void
cat(char *buf, size_t sz, const char *s)
{
	strncat(buf, s, sz - strlen(buf) - 1);
}

#define VERIFY(p)	(&(p)->one[0])
#define ACCOUNTS(p)	(&(p)->one[1])
#define ZONES(p)	(&(p)->one[2])

/* Verify, accounts and the zone list, at once. */
static void
round_one(struct acct_page *p)
{
	const struct tokrec *t = &p->c->tok;

	cf_req_init(VERIFY(p), "GET", PERM_NONE);
	cf_req_init(ACCOUNTS(p), "GET", PERM_NONE);
	if (p->user_kind) {
		cf_path(VERIFY(p), "/user/tokens/verify");
		cf_path(ACCOUNTS(p), "/accounts");
		cf_query_int(ACCOUNTS(p), "per_page", 50);
	} else {
		/* Account-owned: verified under, and seeing, its account. */
		cf_path(VERIFY(p), "/accounts/%s/tokens/verify", t->account);
		cf_path(ACCOUNTS(p), "/accounts/%s", t->account);
	}
	cf_req_init(ZONES(p), "GET", PERM_ZONE_READ);
	cf_path(ZONES(p), "/zones");
	cf_query_int(ZONES(p), "per_page", 5);
	cf_run(p->cf, p->one, 3);
}

static void
show_token(struct acct_page *p)
{
	struct ctx	*c = p->c;
	const char	*id, *st, *exp;
	char		 buf[sizeof(c->err.msg) + 64];

	reply_field(c->reply, "token_source", c->toksrc == TOK_ADMIN ?
	    T("The administrator's token, shared by all users",
	    "Токен администратора, общий для всех пользователей") :
	    T("Your own token", "Ваш собственный токен"));
	cf_strlcpy(p->expires, c->tok.expires, sizeof(p->expires));
	if (!VERIFY(p)->failed && json_str(VERIFY(p)->result, "id", &id) == 0 &&
	    json_str(VERIFY(p)->result, "status", &st) == 0 &&
	    json_str_opt(VERIFY(p)->result, "expires_on", &exp, "") == 0 &&
	    strlen(st) < sizeof(p->status) && strlen(exp) < sizeof(p->expires)) {
		cf_strlcpy(p->status, st, sizeof(p->status));
		cf_strlcpy(p->expires, exp, sizeof(p->expires));
		p->verified = 1;
		reply_field(c->reply, "token_status", token_status_text(st));
	} else if (VERIFY(p)->failed && strcmp(VERIFY(p)->err.type, "auth") == 0)
		reply_field(c->reply, "token_status", T("not accepted by "
		    "Cloudflare", "не принят Cloudflare"));
	else {
		cf_snprintf(buf, sizeof(buf), T("could not be checked: %s",
		    "не удалось проверить: %s"), VERIFY(p)->failed ?
		    VERIFY(p)->err.msg : T("Cloudflare's answer is malformed.",
		    "ответ Cloudflare некорректен."));
		reply_field(c->reply, "token_status", buf);
	}
	if (p->expires[0] == '\0')
		reply_field(c->reply, "token_expires", T("never", "бессрочно"));
	else {
		cf_snprintf(buf, sizeof(buf), "%.10s", p->expires);
		reply_field(c->reply, "token_expires", buf);
	}
}

/* Where a new token goes, for whoever reads this. */
static const char *
where_new_token(const struct ctx *c)
{
	if (c->toksrc == TOK_USER)
		return T("Enter a new one in Cloudflare → Profile.",
		    "Укажите новый в разделе Cloudflare → Профиль.");
	if (ctx_is_admin(c))
		return T("Enter a new one in Modules → Cloudflare → Settings.",
		    "Укажите новый в разделе Модули → Cloudflare → Настройки.");
	return T("Ask the administrator to enter a new one in Modules → "
	    "Cloudflare → Settings.", "Попросите администратора указать новый "
	    "в разделе Модули → Cloudflare → Настройки.");
}

/* Seconds until an ISO 8601 UTC time; 0 and *ok = 0 when unreadable. */
static long long
until(const char *iso, int *ok)
{
	struct tm	 tm;
	int		 y, mo, d, h = 0, mi = 0, s = 0;

	*ok = 0;
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi,
	    &s) < 3 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	*ok = 1;
	return (long long)timegm(&tm) - (long long)time(NULL);
}

static void
show_warning(struct acct_page *p)
{
	struct ctx	*c = p->c;
	char		 msg[1024], date[16];
	long long	 left = 0;
	int		 dated = 0;

	msg[0] = '\0';
	cf_snprintf(date, sizeof(date), "%.10s", p->expires);
	if (p->expires[0] != '\0')
		left = until(p->expires, &dated);
	if ((p->verified && strcmp(p->status, "expired") == 0) ||
	    (dated && left <= 0))
		cf_snprintf(msg, sizeof(msg), T("The API token has expired%s%s: "
		    "the plugin cannot work with it. %s", "Срок действия "
		    "API-токена истёк%s%s: модуль не может с ним работать. %s"),
		    dated ? T(" on ", " ") : "", dated ? date : "",
		    where_new_token(c));
	else if (p->verified && strcmp(p->status, "disabled") == 0)
		cf_snprintf(msg, sizeof(msg), T("The API token is disabled in "
		    "Cloudflare: the plugin cannot work with it. %s", "API-токен "
		    "отключён в Cloudflare: модуль не может с ним работать. %s"),
		    where_new_token(c));
	else if (!p->verified && VERIFY(p)->failed &&
	    strcmp(VERIFY(p)->err.type, "auth") == 0)
		cf_snprintf(msg, sizeof(msg), T("Cloudflare does not accept the "
		    "API token: it may have been deleted or rolled. %s",
		    "Cloudflare не принимает API-токен: возможно, его удалили "
		    "или перевыпустили. %s"), where_new_token(c));
	else if (dated && left < EXPIRY_WARN_DAYS * 86400LL)
		cf_snprintf(msg, sizeof(msg), T("The API token expires on %s, "
		    "in %lld day(s); after that the plugin stops working. %s",
		    "Срок действия API-токена истекает %s (дней осталось: "
		    "%lld); после этого модуль перестанет работать. %s"), date,
		    (left + 86399) / 86400, where_new_token(c));
	reply_field(c->reply, "expiry_warning", msg);
}

static void
show_accounts(struct acct_page *p)
{
	struct ctx		*c = p->c;
	const struct json	*a;
	const char		*id, *name;
	char			 buf[4096], line[256];
	size_t			 i, n;

	buf[0] = '\0';
	if (!p->user_kind) {
		/* An account-owned token: just its own account. */
		if (!ACCOUNTS(p)->failed &&
		    json_str(ACCOUNTS(p)->result, "name", &name) == 0)
			cf_snprintf(buf, sizeof(buf), "%s (%s)", name,
			    c->tok.account);
		else
			cf_strlcpy(buf, c->tok.account, sizeof(buf));
		cf_strlcpy(p->account, c->tok.account, sizeof(p->account));
		reply_field(c->reply, "accounts", buf);
		return;
	}
	if (ACCOUNTS(p)->failed || !json_is_arr(ACCOUNTS(p)->result)) {
		cf_snprintf(buf, sizeof(buf), T("could not be read: %s",
		    "не удалось получить: %s"), ACCOUNTS(p)->failed ?
		    ACCOUNTS(p)->err.msg : T("Cloudflare's answer is malformed.",
		    "ответ Cloudflare некорректен."));
		reply_field(c->reply, "accounts", buf);
		return;
	}
	n = json_count(ACCOUNTS(p)->result);
	for (i = 0; i < n && i < MAX_ACCOUNTS_SHOWN; i++) {
		a = json_at(ACCOUNTS(p)->result, i);
		if (json_str(a, "id", &id) == -1 || !is_cfid(id) ||
		    json_str_opt(a, "name", &name, "") == -1)
			continue;
		if (p->account[0] == '\0')
			cf_strlcpy(p->account, id, sizeof(p->account));
		cf_snprintf(line, sizeof(line), "%s (%s)", *name ? name : id,
		    id);
		if (buf[0] != '\0')
			cat(buf, sizeof(buf), "\n");
		cat(buf, sizeof(buf), line);
	}
	if (ACCOUNTS(p)->info.total_count > (long)i) {
		cf_snprintf(line, sizeof(line), T("\n… and %ld more",
		    "\n… и ещё %ld"), ACCOUNTS(p)->info.total_count - (long)i);
		cat(buf, sizeof(buf), line);
	}
	if (buf[0] == '\0')
		cf_strlcpy(buf, T("none", "нет"), sizeof(buf));
	reply_field(c->reply, "accounts", buf);
}

/* A user's zone: one of the first page, else their domains by name. */
static int
pick_own_zone(struct acct_page *p)
{
	struct ctx		*c = p->c;
	const struct domlist	*mine;
	struct cf_req		*reqs = NULL;
	size_t			 i, j, n;
	int			 rc = -1;

	if ((mine = ctx_domains(c)) == NULL)
		return -1;
	for (i = 0; i < json_count(ZONES(p)->result); i++)
		if (zone_parse(json_at(ZONES(p)->result, i), &p->zone) == 0 &&
		    domlist_find(mine, p->zone.name) != NULL) {
			p->have_zone = 1;
			return 0;
		}
	p->no_zone = T("not checked: none of your domains is connected yet",
	    "не проверено: ни один из ваших доменов ещё не подключён");
	if ((n = mine->n) > MAX_OWN_LOOKUPS)
		n = MAX_OWN_LOOKUPS;
	if (n == 0)
		return 0;
	if ((reqs = calloc(n, sizeof(*reqs))) == NULL)
		return ctx_nomem(c);
	for (i = 0; i < n; i++) {
		cf_req_init(&reqs[i], "GET", PERM_ZONE_READ);
		if (cf_path(&reqs[i], "/zones") == 0)
			cf_query(&reqs[i], "name", mine->v[i].name);
	}
	cf_run(p->cf, reqs, n);
	for (i = 0; i < n && !p->have_zone; i++) {
		if (reqs[i].failed || !json_is_arr(reqs[i].result))
			continue;
		for (j = 0; j < json_count(reqs[i].result); j++)
			if (zone_parse(json_at(reqs[i].result, j),
			    &p->zone) == 0 &&
			    strcmp(p->zone.name, mine->v[i].name) == 0) {
				p->have_zone = 1;
				break;
			}
	}
	if (!p->have_zone)
		memset(&p->zone, 0, sizeof(p->zone));
	rc = 0;
	for (i = 0; i < n; i++)
		cf_req_clean(&reqs[i]);
	free(reqs);
	return rc;
}

static int
pick_zone(struct acct_page *p)
{
	if (ZONES(p)->failed || !json_is_arr(ZONES(p)->result)) {
		p->no_zone = T("not checked: the zone list could not be read",
		    "не проверено: не удалось получить список зон");
		return 0;
	}
	if (!ctx_is_admin(p->c))
		return pick_own_zone(p);
	if (json_count(ZONES(p)->result) > 0 &&
	    zone_parse(json_at(ZONES(p)->result, 0), &p->zone) == 0) {
		p->have_zone = 1;
		return 0;
	}
	p->no_zone = T("not checked: no zone yet",
	    "не проверено: зон ещё нет");
	return 0;
}

static void
probe_text(const struct cf_req *r, const char *perm, char *buf, size_t sz)
{
	if (!r->failed)
		cf_strlcpy(buf, T("works", "работает"), sz);
	else if (strcmp(r->err.type, "access") == 0)
		cf_snprintf(buf, sz, T("missing: add «%s» to the token",
		    "нет: добавьте токену разрешение «%s»"), perm);
	else if (strcmp(r->err.type, "auth") == 0)
		cf_strlcpy(buf, T("not checked: Cloudflare does not accept the "
		    "token", "не проверено: Cloudflare не принимает токен"), sz);
	else
		cf_snprintf(buf, sz, T("not checked: %s", "не проверено: %s"),
		    r->err.msg);
}

/* The permission probes, in one concurrent round. */
static void
show_perms(struct acct_page *p)
{
	struct ctx	*c = p->c;
	struct cf_req	 reqs[NPROBES];
	const char	*why[NPROBES], *inactive = NULL;
	char		 buf[sizeof(c->err.msg) + 64], st[64];
	size_t		 i;
	int		 sent = 0;

	if (p->verified && strcmp(p->status, "active") != 0) {
		cf_snprintf(st, sizeof(st), T("not checked: the token is %s",
		    "не проверено: токен %s"), token_status_text(p->status));
		inactive = st;
	}
	/* The probed zone's own account, when there is one. */
	if (p->user_kind && p->have_zone && is_cfid(p->zone.account_id))
		cf_strlcpy(p->account, p->zone.account_id, sizeof(p->account));
	for (i = 0; i < NPROBES; i++) {
		cf_req_init(&reqs[i], "GET", PERM_NONE);
		why[i] = inactive;
		if (why[i] != NULL)
			continue;
		if (probes[i].level == PR_ZONE && !p->have_zone) {
			why[i] = p->no_zone;
			continue;
		}
		if (probes[i].level == PR_ACCOUNT && p->account[0] == '\0') {
			why[i] = T("not checked: the token sees no account",
			    "не проверено: токен не видит ни одного аккаунта");
			continue;
		}
		reqs[i].notfound_ok = probes[i].notfound_ok;
		cf_path(&reqs[i], probes[i].path, probes[i].level == PR_ZONE ?
		    p->zone.id : p->account);
		if (probes[i].query != NULL)
			cf_query_int(&reqs[i], probes[i].query, 1);
		sent = 1;
	}
	/* Requests not to send are marked failed: cf_run skips them. */
	for (i = 0; i < NPROBES; i++)
		if (why[i] != NULL)
			reqs[i].failed = 1;
	if (sent)
		cf_run(p->cf, reqs, NPROBES);
	for (i = 0; i < NPROBES; i++) {
		if (why[i] != NULL)
			cf_strlcpy(buf, why[i], sizeof(buf));
		else
			probe_text(&reqs[i], probes[i].perm, buf, sizeof(buf));
		reply_field(c->reply, probes[i].field, buf);
		cf_req_clean(&reqs[i]);
	}

	/* The zone list was probed in round one. */
	if (inactive != NULL)
		cf_strlcpy(buf, inactive, sizeof(buf));
	else
		probe_text(ZONES(p), PERM_ZONE_NAME, buf, sizeof(buf));
	reply_field(c->reply, "perm_zone", buf);
	/* Purging has no harmless read: the first purge tells. */
	reply_field(c->reply, "perm_cache_purge", T("checked on first use "
	    "(the first cache purge tells)", "проверяется при первом "
	    "использовании (покажет первая очистка кеша)"));
}

int
fn_account(struct ctx *c)
{
	struct acct_page	 p;
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	p.c = c;
	if ((p.cf = ctx_cf(c)) == NULL)
		return -1;
	p.user_kind = !(strcmp(c->tok.kind, "account") == 0 &&
	    is_cfid(c->tok.account));
	round_one(&p);
	if (pick_zone(&p) == -1)
		goto out;
	show_token(&p);
	show_warning(&p);	/* from what show_token learnt */
	show_accounts(&p);
	show_perms(&p);
	rc = 0;
out:
	cf_req_clean(VERIFY(&p));
	cf_req_clean(ACCOUNTS(&p));
	cf_req_clean(ZONES(&p));
	return rc;
}
