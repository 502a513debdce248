/*
 * The context a handler runs in: the effective token, the Cloudflare
 * client opened with it, the user's domains, and the access rule.
 */
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "log.h"
#include "panel.h"
#include "reply.h"
#include "store.h"

int
ctx_is_admin(const struct ctx *c)
{
	return c->req->level >= LEVEL_ADMIN;
}

int
ctx_nomem(struct ctx *c)
{
	err_set(&c->err, "internal", "", "%s", T("Out of memory.",
	    "Недостаточно памяти."));
	return -1;
}

/* The admin's token if set, else the user's own, else an error. */
int
ctx_token(struct ctx *c)
{
	int	 rc;

	if (c->toksrc != TOK_NONE)
		return 0;
	if ((rc = store_get_token(NULL, &c->tok, &c->err)) == -1)
		return -1;
	if (rc == 1) {
		c->toksrc = TOK_ADMIN;
		return 0;
	}
	if ((rc = store_get_token(c->req->user, &c->tok, &c->err)) == -1)
		return -1;
	if (rc == 1) {
		c->toksrc = TOK_USER;
		return 0;
	}
	err_set(&c->err, "access", "", "%s", ctx_is_admin(c) ?
	    T("No Cloudflare API token is set. Enter one in Modules → "
	    "Cloudflare → Settings: it then serves every user of this server. "
	    "Leave it empty if each user should bring their own.", "API-токен "
	    "Cloudflare не задан. Укажите его в разделе Модули → Cloudflare → "
	    "Настройки — тогда он будет служить всем пользователям сервера. "
	    "Оставьте поле пустым, если каждый пользователь укажет свой.") :
	    T("No Cloudflare API token is set. Enter your own in Cloudflare → "
	    "Profile, or ask the administrator to set one for everybody.",
	    "API-токен Cloudflare не задан. Укажите свой в разделе Cloudflare "
	    "→ Профиль или попросите администратора задать общий токен."));
	return -1;
}

struct cf *
ctx_cf(struct ctx *c)
{
	if (c->cf != NULL)
		return c->cf;
	if (ctx_token(c) == -1)
		return NULL;
	if ((c->cf = cf_new(c->apiurl, c->tok.token, &c->err)) == NULL)
		return NULL;
	/* The admin's token is one allowance shared by every user. */
	if (c->toksrc == TOK_ADMIN)
		cf_set_budget(c->cf, "admin");
	else {
		char scope[96];
		cf_snprintf(scope, sizeof(scope), "user-%s", c->req->user);
		cf_set_budget(c->cf, scope);
	}
	cf_set_auth_hint(c->cf, c->toksrc == TOK_ADMIN ?
	    (ctx_is_admin(c) ? T("Enter a new token in Modules → Cloudflare → "
	    "Settings.", "Укажите новый токен в разделе Модули → Cloudflare → "
	    "Настройки.") : T("The administrator's token is in force; ask the "
	    "administrator to enter a new one in Modules → Cloudflare → "
	    "Settings.", "Действует токен администратора; попросите "
	    "администратора указать новый в разделе Модули → Cloudflare → "
	    "Настройки.")) :
	    T("Enter a new token in Cloudflare → Profile.", "Укажите новый "
	    "токен в разделе Cloudflare → Профиль."));
	return c->cf;
}

/* A user's registrable domains, or every user's (with owners) for admins. */
const struct domlist *
ctx_domains(struct ctx *c)
{
	if (c->have_domains)
		return &c->domains;
	if (panel_domains(ctx_is_admin(c) ? NULL : c->req->user, &c->domains,
	    &c->err) == -1)
		return NULL;
	c->have_domains = 1;
	return &c->domains;
}

static int
deny(struct ctx *c, const char *field, const char *zone)
{
	log_warn("access: user %s (level %d) denied zone %s in %s",
	    c->req->user, c->req->level, zone, c->req->fn->name);
	err_set(&c->err, "access", field, T("The domain %s is not among your "
	    "domains in the panel, so you cannot manage it here.", "Домена %s "
	    "нет среди ваших доменов в панели, поэтому управлять им здесь "
	    "нельзя."), zone);
	return -1;
}

/*
 * The access rule: an admin may act on any zone the token sees;
 * anyone else only on zones that are their own registrable domains.
 * It runs before any Cloudflare call.
 */
int
ctx_access(struct ctx *c)
{
	const struct func	*fn = c->req->fn;
	const struct domlist	*mine;
	const char		*v;
	char			*copy, *items[500];
	int			 n, i, rc = -1;

	if (fn->zone == NULL || ctx_is_admin(c))
		return 0;
	if ((v = req_get(c->req, fn->zone)) == NULL || *v == '\0')
		return 0;	/* nothing named yet: a form being opened */
	if ((mine = ctx_domains(c)) == NULL)
		return -1;
	if (!(fn->flags & F_ZONELIST))
		return domlist_find(mine, v) ? 0 : deny(c, fn->zone, v);
	if ((copy = strdup(v)) == NULL)
		return ctx_nomem(c);
	n = split_list(copy, items, sizeof(items) / sizeof(items[0]));
	for (i = 0; i < n; i++)
		if (domlist_find(mine, items[i]) == NULL) {
			deny(c, fn->zone, items[i]);
			goto out;
		}
	rc = n > 0 ? 0 : -1;
out:
	free(copy);
	return rc;
}

/*
 * Run the requests of a group action (one per selected row) at once.
 * Logs each that succeeded; when some failed, the error says which,
 * so a partial failure is never reported as success.
 */
int
ctx_group(struct ctx *c, struct cf_req *reqs, size_t n, char *const *labels,
    const char *what)
{
	char	 failed[900], why[sizeof(c->err.msg)];
	size_t	 i, nfailed = 0;

	cf_run(ctx_cf(c), reqs, n);
	failed[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!reqs[i].failed) {
			log_info("%s %s by %s", what, labels[i], c->req->user);
			continue;
		}
		if (nfailed++ == 0)
			c->err = reqs[i].err;
		if (failed[0] != '\0')
			strncat(failed, ", ", sizeof(failed) - strlen(failed) - 1);
		strncat(failed, labels[i], sizeof(failed) - strlen(failed) - 1);
	}
	if (nfailed == 0)
		return 0;
	if (n > 1) {
		cf_strlcpy(why, c->err.msg, sizeof(why));
		err_set(&c->err, c->err.type, "elid", T("Not done for %zu of "
		    "%zu: %s. %s", "Не выполнено для %zu из %zu: %s. %s"),
		    nfailed, n, failed, why);
	}
	return -1;
}

/*
 * A group delete inside the zone named by plid: one DELETE per id in
 * elid, path from fmt ("/zones/%s/.../%s": zone id, then item id).
 */
int
ctx_delete_ids(struct ctx *c, const char *fmt, enum perm perm,
    const char *what)
{
	char		*copy, *ids[500];
	struct zone	 z;
	struct cf_req	*reqs = NULL;
	int		 n = 0, i, rc = -1;

	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	if ((copy = strdup(req_str(c->req, "elid"))) == NULL)
		return ctx_nomem(c);
	if ((n = split_list(copy, ids, 500)) <= 0)
		goto out;
	if ((reqs = calloc((size_t)n, sizeof(*reqs))) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	for (i = 0; i < n; i++) {
		cf_req_init(&reqs[i], "DELETE", perm);
		cf_path(&reqs[i], fmt, z.id, ids[i]);
	}
	if (ctx_group(c, reqs, (size_t)n, ids, what) == -1)
		goto out;
	reply_ok(c->reply);
	rc = 0;
out:
	for (i = 0; reqs != NULL && i < n; i++)
		cf_req_clean(&reqs[i]);
	free(reqs);
	free(copy);
	return rc;
}

void
ctx_free(struct ctx *c)
{
	cf_free(c->cf);
	c->cf = NULL;
	domlist_free(&c->domains);
	explicit_bzero(&c->tok, sizeof(c->tok));
}
