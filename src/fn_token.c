/*
 * cloudflare.settings (the admin's global token) and
 * cloudflare.profile (a user's own).  A token is verified with
 * Cloudflare before it is stored; forms show it masked, never whole.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "store.h"
#include "validate.h"

static int
verify_result(const struct json *res, struct tokrec *rec, struct err *err)
{
	const char	*id, *status, *exp;

	if (json_str(res, "id", &id) == -1 ||
	    json_str(res, "status", &status) == -1 ||
	    json_str_opt(res, "expires_on", &exp, "") == -1 ||
	    strlen(id) >= sizeof(rec->id) ||
	    strlen(status) >= sizeof(rec->status) ||
	    strlen(exp) >= sizeof(rec->expires)) {
		err_set(err, "cloudflare", "api_token", "%s", T("Cloudflare's "
		    "answer about the token is malformed.", "Ответ Cloudflare о "
		    "токене некорректен."));
		return -1;
	}
	cf_strlcpy(rec->id, id, sizeof(rec->id));
	cf_strlcpy(rec->status, status, sizeof(rec->status));
	cf_strlcpy(rec->expires, exp, sizeof(rec->expires));
	return 0;
}

/*
 * An account-owned token fails /user/tokens/verify; it is verified
 * under its account, whose id we learn from a zone it can see.
 */
static int
verify_account_token(struct cf *cf, struct tokrec *rec)
{
	struct cf_req		 r;
	struct err		 e;
	const struct json	*z;
	const char		*acc;
	int			 rc = -1;

	cf_req_init(&r, "GET", PERM_NONE);
	cf_path(&r, "/zones");
	cf_query(&r, "per_page", "5");
	if (cf_call(cf, &r, &e) == -1 || !json_is_arr(r.result) ||
	    (z = json_at(r.result, 0)) == NULL ||
	    json_str(json_get(z, "account"), "id", &acc) == -1 ||
	    !is_cfid(acc))
		goto out;
	cf_strlcpy(rec->account, acc, sizeof(rec->account));
	cf_req_clean(&r);
	cf_req_init(&r, "GET", PERM_NONE);
	if (cf_path(&r, "/accounts/%s/tokens/verify", rec->account) == -1 ||
	    cf_call(cf, &r, &e) == -1 || verify_result(r.result, rec, &e) == -1)
		goto out;
	cf_strlcpy(rec->kind, "account", sizeof(rec->kind));
	rc = 0;
out:
	cf_req_clean(&r);
	return rc;
}

/* Ask Cloudflare about a token; rec gets what it says. */
int
token_verify(const char *apiurl, const char *token, struct tokrec *rec,
    struct err *err)
{
	struct cf	*cf;
	struct cf_req	 r;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 rc = -1;

	memset(rec, 0, sizeof(*rec));
	if ((cf = cf_new(apiurl, token, err)) == NULL)
		return -1;
	cf_set_auth_hint(cf, T("Check that you copied the whole token.",
	    "Проверьте, что токен скопирован целиком."));
	cf_req_init(&r, "GET", PERM_NONE);
	cf_path(&r, "/user/tokens/verify");
	if (cf_call(cf, &r, err) == -1) {
		if (strcmp(err->type, "auth") != 0 &&
		    strcmp(err->type, "access") != 0)
			goto out;
		if (verify_account_token(cf, rec) == -1) {
			cf_strlcpy(err->object, "api_token", sizeof(err->object));
			goto out;
		}
	} else {
		if (verify_result(r.result, rec, err) == -1)
			goto out;
		cf_strlcpy(rec->kind, "user", sizeof(rec->kind));
	}
	if (strcmp(rec->status, "active") != 0) {
		err_set(err, "value", "api_token", T("Cloudflare says this token "
		    "is %s, so it cannot be used. Create or roll a token in "
		    "Cloudflare (My Profile → API Tokens) and enter it here.",
		    "По данным Cloudflare, этот токен — %s, его нельзя "
		    "использовать. Создайте или перевыпустите токен в Cloudflare "
		    "(My Profile → API Tokens) и укажите его здесь."),
		    token_status_text(rec->status));
		goto out;
	}
	cf_strlcpy(rec->token, token, sizeof(rec->token));
	gmtime_r(&now, &tm);
	strftime(rec->verified, sizeof(rec->verified), "%Y-%m-%dT%H:%M:%SZ",
	    &tm);
	rc = 0;
out:
	cf_req_clean(&r);
	cf_free(cf);
	return rc;
}

const char *
token_status_text(const char *status)
{
	if (strcmp(status, "active") == 0)
		return T("active", "активен");
	if (strcmp(status, "disabled") == 0)
		return T("disabled", "отключён");
	if (strcmp(status, "expired") == 0)
		return T("expired", "истёк");
	return status;
}

/* The masked token, its status and expiry, for a form. */
static int
show_token(struct ctx *c, const char *user)
{
	struct tokrec	 rec;
	char		 mask[32], exp[64];
	int		 rc;

	if ((rc = store_get_token(user, &rec, &c->err)) == -1)
		return -1;
	if (rc == 0) {
		reply_field(c->reply, "token_masked", T("not set", "не задан"));
		reply_field(c->reply, "token_status", "");
		reply_field(c->reply, "token_expires", "");
	} else {
		token_mask(rec.token, mask, sizeof(mask));
		reply_field(c->reply, "token_masked", mask);
		reply_field(c->reply, "token_status",
		    token_status_text(rec.status));
		if (rec.expires[0] == '\0')
			cf_strlcpy(exp, T("never", "бессрочно"), sizeof(exp));
		else
			cf_snprintf(exp, sizeof(exp), "%.10s", rec.expires);
		reply_field(c->reply, "token_expires", exp);
	}
	reply_field(c->reply, "api_token", "");
	explicit_bzero(&rec, sizeof(rec));
	return 0;
}

/* Verify and store, or clear on an empty submit. */
static int
save_token(struct ctx *c, const char *user)
{
	const char	*tok = req_str(c->req, "api_token");
	const char	*who = user ? user : "(global)";
	struct tokrec	 rec;
	int		 rc = -1;

	if (*tok == '\0') {
		if (store_put_token(user, NULL, &c->err) == -1)
			return -1;
		zone_cache_drop(user);
		log_info("token: %s cleared the %s token", c->req->user,
		    user ? "own" : "global");
		reply_ok(c->reply);
		return 0;
	}
	if (token_verify(c->apiurl, tok, &rec, &c->err) == -1) {
		log_info("token: %s: a %s token was refused: %s", c->req->user,
		    user ? "own" : "global", c->err.msg);
		if (c->err.object[0] == '\0')
			cf_strlcpy(c->err.object, "api_token",
			    sizeof(c->err.object));
		goto out;
	}
	if (store_put_token(user, &rec, &c->err) == -1)
		goto out;
	zone_cache_drop(user);
	log_info("token: %s saved the token for %s (Cloudflare id %s, %s)",
	    c->req->user, who, rec.id, rec.kind);
	reply_ok(c->reply);
	rc = 0;
out:
	explicit_bzero(&rec, sizeof(rec));
	return rc;
}

int
fn_settings(struct ctx *c)
{
	if (c->req->submit)
		return save_token(c, NULL);
	return show_token(c, NULL);
}

int
fn_profile(struct ctx *c)
{
	struct tokrec	 admin;
	int		 rc;

	if (c->req->submit)
		return save_token(c, c->req->user);
	if ((rc = store_get_token(NULL, &admin, &c->err)) == -1)
		return -1;
	explicit_bzero(&admin, sizeof(admin));
	reply_field(c->reply, "admin_token", rc == 1 ? T("The administrator "
	    "has set a token for everybody, and it is in force: your own "
	    "token is used only when the administrator's is removed.",
	    "Администратор задал общий токен, и сейчас действует он: ваш "
	    "собственный токен используется, только если общий удалён.") : "");
	return show_token(c, c->req->user);
}
