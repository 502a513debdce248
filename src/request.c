/*
 * The request, from the environment the panel sets.  Only parameters
 * the function table declares are read, and each one passes its
 * validator here, before any handler runs.
 */
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "fn.h"
#include "request.h"
#include "validate.h"

#define PARAM_MAX_LEN	(512 * 1024)	/* nothing we take is larger */

/*
 * [inferred] Where the panel's conventions are guesses (PROTOCOL.md),
 * they are kept here:
 *  - the interface language comes as PARAM_lang, else SESSION_LANG,
 *    else LANG;
 *  - a sublist opened from a row gets the row's key as elid, and
 *    later calls from inside it get it as plid: we accept either.
 */
static void
pick_lang(void)
{
	const char	*l;

	if ((l = getenv("PARAM_lang")) == NULL || *l == '\0')
		if ((l = getenv("SESSION_LANG")) == NULL || *l == '\0')
			l = getenv("LANG");
	cf_lang = (l != NULL && strncmp(l, "ru", 2) == 0) ? LANG_RU : LANG_EN;
}

/* A copy of PARAM_name; scrubbed from the environment if secret. */
static int
take(const char *name, unsigned flags, char **out, struct err *err)
{
	char	 var[96];
	char	*v;
	size_t	 len;

	*out = NULL;
	if (cf_snprintf(var, sizeof(var), "PARAM_%s", name) == -1)
		return 0;
	if ((v = getenv(var)) == NULL)
		return 0;
	if ((len = strlen(v)) > PARAM_MAX_LEN) {
		err_set(err, "value", name, T("The field «%s» is too long.",
		    "Поле «%s» слишком длинное."), name);
		return -1;
	}
	if ((*out = strdup(v)) == NULL) {
		err_set(err, "internal", "", "%s", T("Out of memory.",
		    "Недостаточно памяти."));
		return -1;
	}
	if (flags & P_SECRET) {
		explicit_bzero(v, len);
		unsetenv(var);
	}
	return 0;
}

/* Secrets leave the environment even when parsing stopped before them. */
static void
scrub_secrets(const struct func *fn)
{
	const struct param_spec	*ps;
	char			 var[96], *v;

	for (ps = fn->params; ps->name != NULL; ps++) {
		if (!(ps->flags & P_SECRET) ||
		    cf_snprintf(var, sizeof(var), "PARAM_%s", ps->name) == -1)
			continue;
		if ((v = getenv(var)) != NULL) {
			explicit_bzero(v, strlen(v));
			unsetenv(var);
		}
	}
}

static int
add(struct request *req, const char *name, char *value)
{
	if (req->np == REQ_MAX_PARAMS) {
		free(value);
		return -1;
	}
	req->p[req->np].name = name;
	req->p[req->np].value = value;
	req->np++;
	return 0;
}

int
request_parse(struct request *req, struct err *err)
{
	const struct param_spec	*ps;
	const char		*lvl;
	char			*v, *func = NULL, *sok = NULL;
	unsigned long long	 n;
	int			 rc = -1;

	memset(req, 0, sizeof(*req));
	pick_lang();

	if ((lvl = getenv("AUTH_USER")) == NULL ||
	    cf_strlcpy(req->user, lvl, sizeof(req->user)) >= sizeof(req->user))
		req->user[0] = '\0';	/* fails v_user below */
	if (v_user(req->user, "AUTH_USER", err) == -1)
		goto out;
	if ((lvl = getenv("AUTH_LEVEL")) == NULL ||
	    parse_uint(lvl, 31, &n) == -1) {
		err_set(err, "access", "", "%s", T("The panel did not pass a "
		    "valid access level for this request.", "Панель не "
		    "передала корректный уровень доступа для этого запроса."));
		goto out;
	}
	req->level = (int)n;

	if (take("func", 0, &func, err) == -1)
		goto out;
	if (func == NULL || v_func(func, "func", err) == -1 ||
	    (req->fn = func_find(func)) == NULL) {
		err_set(err, "value", "func", T("The Cloudflare plugin has no "
		    "function «%s».", "В модуле Cloudflare нет функции «%s»."),
		    func != NULL && strlen(func) < 64 ? func : "");
		goto out;
	}
	if (take("sok", 0, &sok, err) == -1)
		goto out;
	req->submit = sok != NULL && strcmp(sok, "ok") == 0;
	if (take("sv_field", 0, &req->sv_field, err) == -1)
		goto out;
	if (req->sv_field != NULL && v_text(req->sv_field, "sv_field",
	    err) == -1)
		goto out;

	for (ps = req->fn->params; ps->name != NULL; ps++) {
		if (take(ps->name, ps->flags, &v, err) == -1)
			goto out;
		if (v == NULL && strcmp(ps->name, "plid") == 0 &&
		    (req->fn->flags & F_PARENT_ELID) &&
		    take("elid", 0, &v, err) == -1)
			goto out;
		if (v == NULL || *v == '\0') {
			if ((ps->flags & P_REQUIRED) ||
			    ((ps->flags & P_SUBMIT) && req->submit)) {
				free(v);
				err_set(err, "missed", ps->name, T("The field "
				    "«%s» is required.", "Поле «%s» "
				    "обязательно."), ps->name);
				goto out;
			}
			if (v == NULL)
				continue;
		}
		if (ps->check(v, ps->name, err) == -1) {
			free(v);
			goto out;
		}
		if (add(req, ps->name, v) == -1) {
			err_set(err, "internal", "", "%s", T("Too many "
			    "parameters.", "Слишком много параметров."));
			goto out;
		}
	}
	rc = 0;
out:
	if (req->fn != NULL)
		scrub_secrets(req->fn);
	free(func);
	free(sok);
	return rc;
}

void
request_free(struct request *req)
{
	size_t	 i;

	for (i = 0; i < req->np; i++) {
		explicit_bzero(req->p[i].value, strlen(req->p[i].value));
		free(req->p[i].value);
	}
	free(req->sv_field);
	req->np = 0;
}

/* The validated value, or NULL when the panel did not send it. */
const char *
req_get(const struct request *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->np; i++)
		if (strcmp(req->p[i].name, name) == 0)
			return req->p[i].value;
	return NULL;
}

const char *
req_str(const struct request *req, const char *name)
{
	const char	*v = req_get(req, name);

	return v ? v : "";
}

/* A checkbox: on/off, or def when the form did not send it. */
int
req_on(const struct request *req, const char *name, int def)
{
	const char	*v = req_get(req, name);

	if (v == NULL || *v == '\0')
		return def;
	return strcmp(v, "on") == 0;
}
