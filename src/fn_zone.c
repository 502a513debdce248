/*
 * cloudflare.zone: the user's domains with their Cloudflare state;
 * cloudflare.zone.edit: connect one; cloudflare.zone.delete: disconnect.
 */
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "panel.h"
#include "reply.h"
#include "validate.h"

static const char *
status_text(const char *s)
{
	if (strcmp(s, "active") == 0)
		return T("active", "активна");
	if (strcmp(s, "pending") == 0)
		return T("pending: set the name servers at the registrar",
		    "ожидает: укажите NS-серверы у регистратора");
	if (strcmp(s, "initializing") == 0)
		return T("initializing", "настраивается");
	if (strcmp(s, "moved") == 0)
		return T("moved away", "перенесена");
	if (strcmp(s, "deactivated") == 0)
		return T("deactivated", "отключена");
	return s;
}

static void
join_ns(const struct zone *z, char *buf, size_t sz)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < z->nns; i++) {
		if (i > 0)
			strncat(buf, ", ", sz - strlen(buf) - 1);
		strncat(buf, z->ns[i], sz - strlen(buf) - 1);
	}
}

static void
zone_row(struct ctx *c, const char *name, const struct zone *z,
    const char *owner)
{
	char	 ns[1100];

	reply_row(c->reply);
	reply_col(c->reply, "name", name);
	if (z == NULL) {
		reply_col(c->reply, "status", T("not connected",
		    "не подключена"));
		reply_col(c->reply, "connected", "off");
	} else {
		join_ns(z, ns, sizeof(ns));
		reply_col(c->reply, "status", status_text(z->status));
		reply_col(c->reply, "plan", z->plan);
		reply_col(c->reply, "name_servers", ns);
		reply_col(c->reply, "paused", z->paused ? "on" : "off");
		reply_col(c->reply, "connected", "on");
	}
	if (ctx_is_admin(c))
		reply_col(c->reply, "owner", owner ? owner : "");
}

/* The user's domains and their zones, looked up concurrently. */
struct mine {
	const struct domlist	*d;
	struct zone		*zs;
	int			*found;
};

static void
mine_free(struct mine *m)
{
	free(m->zs);
	free(m->found);
}

static int
mine_lookup(struct ctx *c, struct mine *m)
{
	char	**names = NULL;
	size_t	 i;
	int	 rc = -1;

	memset(m, 0, sizeof(*m));
	if ((m->d = ctx_domains(c)) == NULL)
		return -1;
	if (m->d->n == 0)
		return 0;
	if ((m->zs = calloc(m->d->n, sizeof(*m->zs))) == NULL ||
	    (m->found = calloc(m->d->n, sizeof(*m->found))) == NULL ||
	    (names = calloc(m->d->n, sizeof(*names))) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	for (i = 0; i < m->d->n; i++)
		names[i] = m->d->v[i].name;
	rc = zone_find_many(c, names, m->d->n, m->zs, m->found);
out:
	free(names);
	if (rc == -1)
		mine_free(m);
	return rc;
}

static int
list_user(struct ctx *c)
{
	struct mine	 m;
	size_t		 i;

	if (mine_lookup(c, &m) == -1)
		return -1;
	for (i = 0; i < m.d->n; i++)
		zone_row(c, m.d->v[i].name, m.found[i] ? &m.zs[i] : NULL, NULL);
	mine_free(&m);
	return 0;
}

struct admin_list {
	struct ctx		*c;
	const struct domlist	*panel;
	struct domlist		 seen;
};

static int
admin_zone(void *arg, const struct json *j)
{
	struct admin_list	*a = arg;
	const struct domain	*d;
	struct zone		 z;

	if (zone_parse(j, &z) == -1)
		return -1;
	d = domlist_find(a->panel, z.name);
	zone_row(a->c, z.name, &z, d ? d->owner : NULL);
	return domlist_add(&a->seen, z.name, NULL);
}

/* Every zone the token sees, then the panel's domains not yet on it. */
static int
list_admin(struct ctx *c)
{
	struct admin_list	 a;
	struct cf_req		 base;
	struct cf		*cf;
	size_t			 i;
	int			 rc = -1;

	memset(&a, 0, sizeof(a));
	a.c = c;
	if ((a.panel = ctx_domains(c)) == NULL || (cf = ctx_cf(c)) == NULL)
		return -1;
	cf_req_init(&base, "GET", PERM_ZONE_READ);
	cf_path(&base, "/zones");
	if (cf_list(cf, &base, 50, admin_zone, &a, &c->err) == -1)
		goto out;
	for (i = 0; i < a.panel->n; i++)
		if (domlist_find(&a.seen, a.panel->v[i].name) == NULL)
			zone_row(c, a.panel->v[i].name, NULL,
			    a.panel->v[i].owner);
	rc = 0;
out:
	domlist_free(&a.seen);
	return rc;
}

int
fn_zone_list(struct ctx *c)
{
	return ctx_is_admin(c) ? list_admin(c) : list_user(c);
}

struct accounts {
	char	id[8][33];
	char	name[8][128];
	size_t	n;
	int	more;
};

static int
account_item(void *arg, const struct json *j)
{
	struct accounts	*a = arg;
	const char	*id, *name;

	if (json_str(j, "id", &id) == -1 || !is_cfid(id) ||
	    json_str_opt(j, "name", &name, "") == -1)
		return -1;
	if (a->n == 8) {
		a->more = 1;
		return 0;
	}
	cf_strlcpy(a->id[a->n], id, sizeof(a->id[0]));
	cf_strlcpy(a->name[a->n], name, sizeof(a->name[0]));
	a->n++;
	return 0;
}

/* The accounts the token sees; an account-owned token has just its own. */
static int
get_accounts(struct ctx *c, struct accounts *a)
{
	struct cf_req	 base;
	struct cf	*cf;
	struct err	 e;

	memset(a, 0, sizeof(*a));
	if ((cf = ctx_cf(c)) == NULL)
		return -1;
	if (strcmp(c->tok.kind, "account") == 0 && is_cfid(c->tok.account)) {
		cf_strlcpy(a->id[0], c->tok.account, sizeof(a->id[0]));
		a->n = 1;
		return 0;
	}
	cf_req_init(&base, "GET", PERM_NONE);
	cf_path(&base, "/accounts");
	if (cf_list(cf, &base, 50, account_item, a, &e) == -1) {
		c->err = e;
		return -1;
	}
	return 0;
}

/* The form: the user's domains that are not on Cloudflare yet. */
static int
zone_form(struct ctx *c)
{
	struct accounts	 acc;
	struct mine	 m;
	size_t		 i;

	if (mine_lookup(c, &m) == -1)
		return -1;
	if (get_accounts(c, &acc) == -1) {
		mine_free(&m);
		return -1;
	}
	reply_field(c->reply, "jump_start", "on");
	reply_field(c->reply, "copy_dns", "on");
	reply_slist(c->reply, "name");
	for (i = 0; i < m.d->n; i++)
		if (!m.found[i])
			reply_slist_val(c->reply, m.d->v[i].name,
			    m.d->v[i].name);
	if (acc.n > 1) {
		reply_slist(c->reply, "account");
		for (i = 0; i < acc.n; i++)
			reply_slist_val(c->reply, acc.id[i], acc.name[i][0] ?
			    acc.name[i] : acc.id[i]);
	}
	mine_free(&m);
	return 0;
}

static int
pick_account(struct ctx *c, char *out, size_t sz)
{
	struct accounts	 acc;
	const char	*want = req_str(c->req, "account");
	size_t		 i;

	if (get_accounts(c, &acc) == -1)
		return -1;
	if (*want != '\0') {
		for (i = 0; i < acc.n; i++)
			if (strcmp(acc.id[i], want) == 0) {
				cf_strlcpy(out, want, sz);
				return 0;
			}
		err_set(&c->err, "value", "account", "%s", T("The API token "
		    "does not see this Cloudflare account.", "API-токен не "
		    "видит этот аккаунт Cloudflare."));
		return -1;
	}
	if (acc.n == 1) {
		cf_strlcpy(out, acc.id[0], sz);
		return 0;
	}
	if (acc.n == 0)
		err_set(&c->err, "access", "account", "%s", T("The API token "
		    "sees no Cloudflare account to add the domain to. Give the "
		    "token access to an account (Account Resources) in "
		    "Cloudflare.", "API-токен не видит ни одного аккаунта "
		    "Cloudflare, куда можно добавить домен. Дайте токену доступ "
		    "к аккаунту (Account Resources) в Cloudflare."));
	else
		err_set(&c->err, "missed", "account", "%s", T("The token sees "
		    "several Cloudflare accounts: choose one.", "Токен видит "
		    "несколько аккаунтов Cloudflare: выберите один."));
	return -1;
}

/* Connect: POST /zones, then show the name servers to set. */
static int
zone_connect(struct ctx *c)
{
	const char	*name = req_str(c->req, "name");
	char		 account[33], ns[1100], note[3400], copied[1600];
	struct cf_req	 r;
	struct json	*body = NULL, *acc;
	struct zone	 z;
	struct cf	*cf;
	int		 rc = -1;

	cf_req_init(&r, "POST", PERM_ZONE_EDIT);
	if ((cf = ctx_cf(c)) == NULL)
		return -1;
	if (pick_account(c, account, sizeof(account)) == -1)
		return -1;
	if ((body = json_new_obj()) == NULL ||
	    (acc = json_new_obj()) == NULL ||
	    json_set_str(acc, "id", account) == -1 ||
	    json_set(body, "account", acc) == -1 ||
	    json_set_str(body, "name", name) == -1 ||
	    json_set_str(body, "type", "full") == -1 ||
	    json_set_bool(body, "jump_start",
	    req_on(c->req, "jump_start", 1)) == -1) {
		ctx_nomem(c);
		goto out;
	}
	cf_path(&r, "/zones");
	r.body = body;
	if (cf_call(cf, &r, &c->err) == -1)
		goto out;
	if (zone_parse(r.result, &z) == -1) {
		err_set(&c->err, "cloudflare", "", T("Cloudflare connected %s "
		    "but sent an answer the plugin cannot read; refresh the "
		    "list.", "Cloudflare подключил %s, но прислал ответ, который "
		    "модуль не может прочитать; обновите список."), name);
		goto out;
	}
	log_info("zone: %s connected %s (zone %s, account %s)", c->req->user,
	    name, z.id, account);
	/* A failed copy leaves the zone connected; the notice tells. */
	copied[0] = '\0';
	if (req_on(c->req, "copy_dns", 1))
		dns_copy_from_panel(c, &z, copied, sizeof(copied));
	join_ns(&z, ns, sizeof(ns));
	cf_snprintf(note, sizeof(note), T("%s is connected to Cloudflare. "
	    "To activate it, set these name servers at your domain's "
	    "registrar: %s%s%s", "%s подключён к Cloudflare. Чтобы зона "
	    "заработала, укажите у регистратора домена эти NS-серверы: "
	    "%s%s%s"), name, ns, copied[0] ? ". " : "", copied);
	reply_field(c->reply, "name", name);
	reply_field(c->reply, "name_servers", ns);
	reply_field(c->reply, "notice", note);
	rc = 0;
out:
	cf_req_clean(&r);
	json_free(body);
	return rc;
}

int
fn_zone_edit(struct ctx *c)
{
	return c->req->submit ? zone_connect(c) : zone_form(c);
}

int
fn_zone_delete(struct ctx *c)
{
	char		*copy, *names[500];
	struct zone	*zs = NULL;
	struct cf_req	*reqs = NULL;
	struct cf	*cf;
	int		*found = NULL, n, i, rc = -1;

	if ((copy = strdup(req_str(c->req, "elid"))) == NULL)
		return ctx_nomem(c);
	n = split_list(copy, names, 500);
	if (n <= 0 || (cf = ctx_cf(c)) == NULL)
		goto out;
	if ((zs = calloc((size_t)n, sizeof(*zs))) == NULL ||
	    (found = calloc((size_t)n, sizeof(*found))) == NULL ||
	    (reqs = calloc((size_t)n, sizeof(*reqs))) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	if (zone_find_many(c, names, (size_t)n, zs, found) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		cf_req_init(&reqs[i], "DELETE", PERM_ZONE_EDIT);
		if (!found[i]) {
			err_set(&c->err, "missed", "elid", T("%s is not "
			    "connected to Cloudflare.", "%s не подключён к "
			    "Cloudflare."), names[i]);
			goto out;
		}
		cf_path(&reqs[i], "/zones/%s", zs[i].id);
	}
	rc = ctx_group(c, reqs, (size_t)n, names, "zone: disconnected");
	for (i = 0; i < n; i++)
		zone_forget(c, names[i]);
	if (rc == -1)
		goto out;
	reply_ok(c->reply);
	rc = 0;
out:
	for (i = 0; reqs != NULL && i < n; i++)
		cf_req_clean(&reqs[i]);
	free(reqs);
	free(zs);
	free(found);
	free(copy);
	return rc;
}
