/*
 * Validators for panel parameters and record content.
 * Everything a user types passes one of these before it reaches a
 * URL, a request body or a file.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "validate.h"

#define MAX_LINE	1024	/* a one-line field */
#define MAX_TEXTAREA	(256 * 1024)	/* a pasted zone file or URL list */

int
utf8_valid(const char *s, size_t len)
{
	size_t		 i, n;
	unsigned int	 c;

	for (i = 0; i < len; i += n)
		if ((n = utf8_decode(s + i, len - i, &c)) == 0)
			return 0;
	return 1;
}

/* Shared by v_text and v_multiline: UTF-8, length, control bytes. */
static int
check_text(const char *v, const char *field, size_t max, int lines,
    struct err *err)
{
	size_t	 len = strlen(v), i;

	if (len > max) {
		err_set(err, "value", field, T("The field «%s» is too long "
		    "(%zu bytes, at most %zu).", "Поле «%s» слишком длинное "
		    "(%zu байт, не более %zu)."), field, len, max);
		return -1;
	}
	if (!utf8_valid(v, len)) {
		err_set(err, "value", field, T("The field «%s» is not valid "
		    "UTF-8 text.", "Поле «%s» содержит некорректный текст "
		    "(не UTF-8)."), field);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == 0x7f || (c < 0x20 && !(lines &&
		    (c == '\n' || c == '\r' || c == '\t')))) {
			err_set(err, "value", field, T("The field «%s» "
			    "contains a control character.", "Поле «%s» "
			    "содержит управляющий символ."), field);
			return -1;
		}
	}
	return 0;
}

int
v_text(char *v, const char *field, struct err *err)
{
	return check_text(v, field, MAX_LINE, 0, err);
}

int
v_multiline(char *v, const char *field, struct err *err)
{
	return check_text(v, field, MAX_TEXTAREA, 1, err);
}

int
v_onoff(char *v, const char *field, struct err *err)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0)
		return 0;
	err_set(err, "value", field, T("The field «%s» must be on or off.",
	    "Поле «%s» должно быть on или off."), field);
	return -1;
}

int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long	 v = 0;
	const char		*p;

	if (*s == '\0' || strlen(s) > 20)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if ((unsigned)(*p - '0') > max ||
		    v > (max - (unsigned)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	*out = v;
	return 0;
}

int
v_uint(char *v, const char *field, struct err *err)
{
	unsigned long long	 n;

	if (*v == '\0' || parse_uint(v, 4294967295ULL, &n) == 0)
		return 0;
	err_set(err, "value", field, T("The field «%s» must be a whole "
	    "number.", "Поле «%s» должно быть целым числом."), field);
	return -1;
}

/*
 * A host name: labels of letters, digits and hyphens, 63 bytes each,
 * 253 in all.  With relaxed set, '_' is allowed (SRV, DKIM names) and
 * a leading "*." (wildcards).
 */
int
is_hostname(const char *s, int relaxed)
{
	size_t		 len = strlen(s), lab = 0;
	const char	*p;

	if (relaxed && strncmp(s, "*.", 2) == 0) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 253)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '-' ||
		    (relaxed && *p == '_')))
			return 0;
		if (*p == '-' && lab == 0)
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && p[-1] != '-';
}

int
v_domain(char *v, const char *field, struct err *err)
{
	size_t	 len = strlen(v);
	char	*p;

	if (len > 0 && v[len - 1] == '.')
		v[--len] = '\0';
	for (p = v; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (is_hostname(v, 0) && strchr(v, '.') != NULL)
		return 0;
	err_set(err, "value", field, T("«%s» is not a valid domain name "
	    "(for an internationalised name, use its punycode form).",
	    "«%s» — некорректное доменное имя (для национальных доменов "
	    "используйте запись в punycode)."), field);
	return -1;
}

/*
 * Split "a, b, c" (the panel's group separator) in place.
 * Returns the count, or -1 when there are more than max or an empty one.
 */
int
split_list(char *s, char **out, size_t max)
{
	size_t	 n = 0;
	char	*p, *tok;

	for (p = s; (tok = strsep(&p, ",")) != NULL; ) {
		while (*tok == ' ')
			tok++;
		if (*tok == '\0')
			return -1;
		if (n == max)
			return -1;
		out[n++] = tok;
	}
	return (int)n;
}

#define MAX_GROUP	500	/* rows in one group action */

static int
check_list(char *v, const char *field, validator one, struct err *err)
{
	char	*copy, *items[MAX_GROUP];
	int	 n, i, rc = -1;

	if ((copy = strdup(v)) == NULL) {
		err_set(err, "internal", field, "%s", T("Out of memory.",
		    "Недостаточно памяти."));
		return -1;
	}
	if ((n = split_list(copy, items, MAX_GROUP)) <= 0) {
		err_set(err, "value", field, T("The list «%s» is empty or "
		    "too long (at most %d items).", "Список «%s» пуст или "
		    "слишком длинный (не более %d элементов)."), field,
		    MAX_GROUP);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (one(items[i], field, err) == -1)
			goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}

int
v_domains(char *v, const char *field, struct err *err)
{
	char	*r, *w;

	/*
	 * Normalise as v_domain does, in place (check_list works on a
	 * copy): lower case, and no dot before a separator or the end.
	 */
	for (r = w = v; *r != '\0'; r++) {
		if (*r == '.' && (r[1] == ',' || r[1] == '\0'))
			continue;
		*w++ = (char)tolower((unsigned char)*r);
	}
	*w = '\0';
	return check_list(v, field, v_domain, err);
}

int
is_cfid(const char *s)
{
	size_t	 i;

	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return s[32] == '\0';
}

int
v_cfid(char *v, const char *field, struct err *err)
{
	if (is_cfid(v))
		return 0;
	err_set(err, "value", field, T("«%s» is not a Cloudflare "
	    "identifier (32 hexadecimal characters).", "«%s» — не "
	    "идентификатор Cloudflare (32 шестнадцатеричных символа)."),
	    field);
	return -1;
}

int
v_cfid_opt(char *v, const char *field, struct err *err)
{
	return *v == '\0' ? 0 : v_cfid(v, field, err);
}

int
v_cfids(char *v, const char *field, struct err *err)
{
	return check_list(v, field, v_cfid, err);
}

/*
 * Cloudflare tokens are 40 URL-safe characters today; allow some room
 * for a longer format, but nothing that could break a header.
 */
int
v_token(char *v, const char *field, struct err *err)
{
	size_t		 len;
	const char	*p;

	/* Pasted tokens often carry spaces around them. */
	while (*v == ' ' || *v == '\t')
		memmove(v, v + 1, strlen(v));
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' ||
	    v[len - 1] == '\n' || v[len - 1] == '\r'))
		v[--len] = '\0';
	if (len == 0)
		return 0;
	for (p = v; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || strchr("-_.~+/=", *p)))
			break;
	if (*p == '\0' && len >= 20 && len <= 256)
		return 0;
	err_set(err, "value", field, "%s", T("This does not look like a "
	    "Cloudflare API token: a token is 40 letters, digits, '-' and "
	    "'_'. Copy it again from My Profile → API Tokens.", "Это не "
	    "похоже на API-токен Cloudflare: токен состоит из 40 букв, цифр, "
	    "«-» и «_». Скопируйте его ещё раз в разделе My Profile → API "
	    "Tokens."));
	return -1;
}

/* ispmanager user names; they also name files, so no dots first. */
int
v_user(char *v, const char *field, struct err *err)
{
	const char	*p;

	if (*v != '\0' && *v != '.' && *v != '-' && strlen(v) <= 64) {
		for (p = v; *p != '\0'; p++)
			if (!(isalnum((unsigned char)*p) || strchr("_.-", *p)))
				break;
		if (*p == '\0')
			return 0;
	}
	err_set(err, "access", field, "%s", T("The panel did not name a "
	    "valid user for this request.", "Панель не передала корректное "
	    "имя пользователя для этого запроса."));
	return -1;
}

int
v_func(char *v, const char *field, struct err *err)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (!(islower((unsigned char)*p) || *p == '.' || *p == '_'))
			break;
	if (*v != '\0' && *p == '\0' && strlen(v) < 64)
		return 0;
	err_set(err, "value", field, "%s", T("Unknown function.",
	    "Неизвестная функция."));
	return -1;
}

static const char *const dnstypes[] = {
	"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", NULL
};

int
v_dnstype(char *v, const char *field, struct err *err)
{
	size_t	 i;
	char	*p;

	for (p = v; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	for (i = 0; dnstypes[i] != NULL; i++)
		if (strcmp(v, dnstypes[i]) == 0)
			return 0;
	err_set(err, "value", field, T("Record type «%s» is not supported "
	    "here; choose A, AAAA, CNAME, MX, TXT, NS, SRV or CAA.", "Тип "
	    "записи «%s» здесь не поддерживается; выберите A, AAAA, CNAME, "
	    "MX, TXT, NS, SRV или CAA."), v[0] && strlen(v) < 16 ? v : "?");
	return -1;
}

/* "@", empty, a relative name or a full one; checked against the zone later. */
int
v_dnsname(char *v, const char *field, struct err *err)
{
	size_t	 len = strlen(v);
	char	*p;

	for (p = v; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (len == 0 || strcmp(v, "@") == 0)
		return 0;
	if (v[len - 1] == '.')
		v[--len] = '\0';
	if (is_hostname(v, 1))
		return 0;
	err_set(err, "value", field, "%s", T("The record name may hold "
	    "letters, digits, '-', '_' and dots, optionally starting with "
	    "'*.'; use '@' for the zone itself.", "Имя записи может "
	    "содержать буквы, цифры, «-», «_» и точки, а также начинаться с "
	    "«*.»; для самой зоны укажите «@»."));
	return -1;
}

int
v_ttl(char *v, const char *field, struct err *err)
{
	unsigned long long	 n;

	if (*v == '\0' || (parse_uint(v, 86400, &n) == 0 &&
	    (n == 1 || n >= 60)))
		return 0;
	err_set(err, "value", field, "%s", T("TTL must be 1 (automatic) or "
	    "from 60 to 86400 seconds.", "TTL должен быть 1 (автоматически) "
	    "или от 60 до 86400 секунд."));
	return -1;
}

int
v_priority(char *v, const char *field, struct err *err)
{
	unsigned long long	 n;

	if (*v == '\0' || parse_uint(v, 65535, &n) == 0)
		return 0;
	err_set(err, "value", field, "%s", T("Priority must be a whole "
	    "number from 0 to 65535.", "Приоритет должен быть целым числом "
	    "от 0 до 65535."));
	return -1;
}

/* Characters, not bytes: a Cyrillic letter is two bytes. */
static size_t
utf8_chars(const char *v)
{
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

/* At most max characters of one-line text. */
static int
check_chars(const char *v, const char *field, size_t max, struct err *err)
{
	size_t	 n;

	if (utf8_valid(v, strlen(v)) && (n = utf8_chars(v)) > max) {
		err_set(err, "value", field, T("The field «%s» holds at most "
		    "%zu characters (this has %zu).", "Поле «%s» — не более "
		    "%zu символов (сейчас %zu)."), field, max, n);
		return -1;
	}
	return check_text(v, field, max * 4, 0, err);
}

int
v_comment(char *v, const char *field, struct err *err)
{
	return check_chars(v, field, 100, err);
}

int
v_content(char *v, const char *field, struct err *err)
{
	return check_text(v, field, 4096, 0, err);
}

int
is_ipv4(const char *s)
{
	struct in_addr	 a;

	return inet_pton(AF_INET, s, &a) == 1;
}

int
is_ipv6(const char *s)
{
	struct in6_addr	 a;

	return inet_pton(AF_INET6, s, &a) == 1;
}

int
dns_proxiable(const char *type)
{
	return strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0 ||
	    strcmp(type, "CNAME") == 0;
}

int
dns_has_priority(const char *type)
{
	return strcmp(type, "MX") == 0 || strcmp(type, "SRV") == 0;
}

/*
 * The full name of a record: "@" or "" is the zone, a name ending in
 * the zone is taken as is, anything else is relative to the zone.
 */
int
dns_name_fqdn(const char *name, const char *zone, char *out, size_t sz,
    struct err *err)
{
	size_t	 nl = strlen(name), zl = strlen(zone);
	int	 n;

	if (nl == 0 || strcmp(name, "@") == 0)
		n = cf_snprintf(out, sz, "%s", zone);
	else if (strcmp(name, zone) == 0 || (nl > zl &&
	    name[nl - zl - 1] == '.' && strcmp(name + nl - zl, zone) == 0))
		n = cf_snprintf(out, sz, "%s", name);
	else
		n = cf_snprintf(out, sz, "%s.%s", name, zone);
	if (n == -1 || !is_hostname(out, 1)) {
		err_set(err, "value", "name", "%s", T("The full record name "
		    "is too long (at most 253 characters).", "Полное имя "
		    "записи слишком длинное (не более 253 символов)."));
		return -1;
	}
	return 0;
}

static int
target_ok(const char *s)
{
	size_t	 len = strlen(s);
	char	 buf[256];

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len + 1);
	if (buf[len - 1] == '.')
		buf[len - 1] = '\0';
	return is_hostname(buf, 1);
}

static int
bad_content(struct err *err, const char *type, const char *why)
{
	err_set(err, "value", "content", T("Invalid %s record content: %s",
	    "Некорректное значение записи %s: %s"), type, why);
	return -1;
}

static int
check_srv(const char *content, struct err *err)
{
	unsigned long long	 w, p;
	char			 ws[16], ps[16], target[256];

	if (sscanf(content, "%15s %15s %255s", ws, ps, target) != 3 ||
	    parse_uint(ws, 65535, &w) == -1 ||
	    parse_uint(ps, 65535, &p) == -1 ||
	    (strcmp(target, ".") != 0 && !target_ok(target)))
		return bad_content(err, "SRV", T("write «weight port target», "
		    "for example «5 5060 sip.example.com».", "укажите «вес "
		    "порт цель», например «5 5060 sip.example.com»."));
	return 0;
}

static int
check_caa(const char *content, struct err *err)
{
	unsigned long long	 f;
	char			 fs[8], tag[32];
	int			 off = 0;
	const char		*p;

	if (sscanf(content, "%7s %31s %n", fs, tag, &off) != 2 || off == 0 ||
	    parse_uint(fs, 255, &f) == -1 || content[off] == '\0')
		goto bad;
	for (p = tag; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			goto bad;
	return 0;
bad:
	return bad_content(err, "CAA", T("write «flags tag \"value\"», for "
	    "example «0 issue \"letsencrypt.org\"».", "укажите «флаги тег "
	    "\"значение\"», например «0 issue \"letsencrypt.org\"»."));
}

/*
 * Everything about one record that can be known without asking
 * Cloudflare.  name is the full name, already inside the zone.
 */
int
dns_check_record(const char *type, const char *name, const char *content,
    const char *priority, struct err *err)
{
	if (*content == '\0') {
		err_set(err, "value", "content", "%s", T("The record needs "
		    "content.", "Укажите значение записи."));
		return -1;
	}
	if (dns_has_priority(type) && (priority == NULL || *priority == '\0')) {
		err_set(err, "value", "priority", T("A %s record needs a "
		    "priority (0 to 65535).", "Для записи %s нужен приоритет "
		    "(от 0 до 65535)."), type);
		return -1;
	}
	if (strcmp(type, "A") == 0 && !is_ipv4(content))
		return bad_content(err, type, T("an IPv4 address such as "
		    "192.0.2.1 is expected.", "ожидается IPv4-адрес, например "
		    "192.0.2.1."));
	if (strcmp(type, "AAAA") == 0 && !is_ipv6(content))
		return bad_content(err, type, T("an IPv6 address such as "
		    "2001:db8::1 is expected.", "ожидается IPv6-адрес, например "
		    "2001:db8::1."));
	if ((strcmp(type, "CNAME") == 0 || strcmp(type, "MX") == 0 ||
	    strcmp(type, "NS") == 0) && !target_ok(content))
		return bad_content(err, type, T("a host name such as "
		    "mail.example.com is expected.", "ожидается имя хоста, "
		    "например mail.example.com."));
	if (strcmp(type, "TXT") == 0 && strlen(content) > 2048)
		return bad_content(err, type, T("TXT content holds at most "
		    "2048 characters.", "значение TXT — не более 2048 "
		    "символов."));
	if (strcmp(type, "SRV") == 0) {
		if (strncmp(name, "_", 1) != 0 || strstr(name, "._") == NULL) {
			err_set(err, "value", "name", "%s", T("An SRV record "
			    "name starts with the service and protocol, for "
			    "example _sip._tcp.", "Имя SRV-записи начинается "
			    "со службы и протокола, например _sip._tcp."));
			return -1;
		}
		return check_srv(content, err);
	}
	if (strcmp(type, "CAA") == 0)
		return check_caa(content, err);
	return 0;
}

/* A page rule's URL pattern: one token of at most 255 bytes. */
int
v_pagerule_url(char *v, const char *field, struct err *err)
{
	const char	*p;

	if (check_text(v, field, 255, 0, err) == -1)
		return -1;
	for (p = v; *p != '\0'; p++)
		if (*p == ' ') {
			err_set(err, "value", field, "%s", T("The URL pattern "
			    "cannot contain spaces.", "Шаблон URL не может "
			    "содержать пробелы."));
			return -1;
		}
	return 0;
}

int
v_pagerule_status(char *v, const char *field, struct err *err)
{
	if (*v == '\0' || strcmp(v, "active") == 0 ||
	    strcmp(v, "disabled") == 0)
		return 0;
	err_set(err, "value", field, "%s", T("The status must be active or "
	    "disabled.", "Состояние должно быть active или disabled."));
	return -1;
}

/* 1..10000; empty lets Cloudflare choose. */
int
v_pagerule_priority(char *v, const char *field, struct err *err)
{
	unsigned long long	 n;

	if (*v == '\0' || (parse_uint(v, 10000, &n) == 0 && n >= 1))
		return 0;
	err_set(err, "value", field, "%s", T("The priority must be a whole "
	    "number from 1 to 10000.", "Приоритет должен быть целым числом "
	    "от 1 до 10000."));
	return -1;
}

/* Cloudflare removed Always Online from page rules: refuse it always. */
int
v_always_online(char *v, const char *field, struct err *err)
{
	(void)v;
	err_set(err, "value", field, "%s", T("Always Online is no longer a "
	    "page rule action; it is a zone setting now: use Zone settings.",
	    "Always Online больше не является действием правила страницы — "
	    "теперь это настройка зоны: используйте «Настройки зоны»."));
	return -1;
}

/* ---- IP access rules and cache rules ---- */

static int
in_set(const char *v, const char *const *set)
{
	size_t	 i;

	for (i = 0; set[i] != NULL; i++)
		if (strcmp(v, set[i]) == 0)
			return 1;
	return 0;
}

static const char *const fwtargets[] = {
	"ip", "ip_range", "country", "asn", NULL
};
static const char *const fwmodes[] = {
	"block", "challenge", "js_challenge", "managed_challenge", "whitelist",
	NULL
};
static const char *const crmatches[] = {
	"hostname", "path_prefix", "extension", "expression", NULL
};

int
v_fwtarget(char *v, const char *field, struct err *err)
{
	if (in_set(v, fwtargets))
		return 0;
	err_set(err, "value", field, "%s", T("Choose what the rule matches: "
	    "an IP address, an IP range, a country or an AS number.",
	    "Выберите, чему соответствует правило: IP-адрес, диапазон "
	    "IP-адресов, страна или номер AS."));
	return -1;
}

int
v_fwmode(char *v, const char *field, struct err *err)
{
	if (in_set(v, fwmodes))
		return 0;
	err_set(err, "value", field, "%s", T("Choose the action: Block, "
	    "Check, JS check, Managed challenge or Allow.", "Выберите "
	    "действие: «Блокировать», «Проверка», «JS-проверка», "
	    "«Управляемая проверка» или «Разрешить»."));
	return -1;
}

int
v_crmatch(char *v, const char *field, struct err *err)
{
	if (in_set(v, crmatches))
		return 0;
	err_set(err, "value", field, "%s", T("Choose what the rule applies "
	    "to: a host name, a path prefix, file extensions or a custom "
	    "expression.", "Выберите, к чему применяется правило: имя хоста, "
	    "начало пути, расширения файлов или своё выражение."));
	return -1;
}

/* One line of at most 500 characters (not bytes): notes, descriptions. */
int
v_text500(char *v, const char *field, struct err *err)
{
	return check_chars(v, field, 500, err);
}

/* A cache TTL: whole seconds up to a year, or empty (respect origin). */
int
v_cachettl(char *v, const char *field, struct err *err)
{
	unsigned long long	 n;

	if (*v == '\0' || (parse_uint(v, 31536000, &n) == 0 && n >= 1))
		return 0;
	err_set(err, "value", field, "%s", T("A TTL is a whole number of "
	    "seconds from 1 to 31536000 (a year); leave it empty to follow "
	    "the server's headers.", "TTL — целое число секунд от 1 до "
	    "31536000 (год); оставьте поле пустым, чтобы учитывать "
	    "заголовки сервера."));
	return -1;
}

/* The raw text of a rule expression; expr_check looks at its syntax. */
int
v_expression(char *v, const char *field, struct err *err)
{
	return check_text(v, field, 4096, 1, err);
}

static int
expr_bad(struct err *err, const char *field, const char *why)
{
	err_set(err, "value", field, T("The expression is malformed: %s",
	    "Выражение составлено неверно: %s"), why);
	return -1;
}

/*
 * What can be checked of a Rules language expression without
 * Cloudflare: something is there, strings ("...", with \ escapes, and
 * raw r"..." or r#"..."#) are closed, and (), {} and [] pair up
 * outside them.  Cloudflare checks the rest when the rule is saved.
 */
int
expr_check(const char *s, const char *field, struct err *err)
{
	char		 stack[64], open, why[160];
	size_t		 depth = 0, hashes, k;
	const char	*p, *q;

	for (p = s; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	if (*p == '\0') {
		err_set(err, "missed", field, "%s", T("Enter the expression.",
		    "Укажите выражение."));
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '\0')
				return expr_bad(err, field, T("a string is not "
				    "closed (a \" is missing).", "строка не "
				    "закрыта (не хватает \")."));
			continue;
		}
		if (*p == 'r' && (p == s || !(isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_' || p[-1] == '.'))) {
			for (hashes = 0, q = p + 1; *q == '#'; q++)
				hashes++;
			if (*q == '"') {
				for (q++; *q != '\0'; q++) {
					if (*q != '"')
						continue;
					for (k = 0; k < hashes && q[1 + k] == '#';
					    k++)
						;
					if (k == hashes)
						break;
				}
				if (*q == '\0')
					return expr_bad(err, field, T("a raw "
					    "string r\"…\" is not closed.",
					    "необработанная строка r\"…\" не "
					    "закрыта."));
				p = q + hashes;
				continue;
			}
		}
		switch (*p) {
		case '(':
		case '{':
		case '[':
			if (depth == sizeof(stack))
				return expr_bad(err, field, T("brackets are "
				    "nested too deeply.", "слишком глубокая "
				    "вложенность скобок."));
			stack[depth++] = *p;
			break;
		case ')':
		case '}':
		case ']':
			open = *p == ')' ? '(' : *p == '}' ? '{' : '[';
			if (depth == 0 || stack[depth - 1] != open) {
				cf_snprintf(why, sizeof(why), T("«%c» at "
				    "character %zu has no matching «%c».",
				    "«%c» в позиции %zu не имеет парной «%c»."),
				    *p, (size_t)(p - s) + 1, open);
				return expr_bad(err, field, why);
			}
			depth--;
			break;
		default:
			break;
		}
	}
	if (depth > 0) {
		cf_snprintf(why, sizeof(why), T("«%c» is not closed.",
		    "«%c» не закрыта."), stack[depth - 1]);
		return expr_bad(err, field, why);
	}
	return 0;
}

/* ISO 3166-1 alpha-2, the officially assigned codes, in pairs. */
static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBT"
    "BVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEH"
    "ERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHT"
    "HUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS"
    "LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNI"
    "NLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESG"
    "SHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUG"
    "UMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

static int	 fw_bad(struct err *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
fw_bad(struct err *err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err_vset(err, "value", "value", fmt, ap);
	va_end(ap);
	return -1;
}

static int
fw_ip(const char *v, char *cft, size_t cftsz, char *out, size_t outsz,
    struct err *err)
{
	unsigned char	 a[16];
	int		 af;

	af = inet_pton(AF_INET, v, a) == 1 ? AF_INET :
	    inet_pton(AF_INET6, v, a) == 1 ? AF_INET6 : 0;
	if (af == 0)
		return fw_bad(err, T("«%s» is not an IP address: write an "
		    "IPv4 address such as 198.51.100.4 or an IPv6 address such "
		    "as 2001:db8::1.", "«%s» — не IP-адрес: укажите IPv4-адрес, "
		    "например 198.51.100.4, или IPv6-адрес, например "
		    "2001:db8::1."), v);
	/* Cloudflare names an IPv6 address's target "ip6". */
	cf_strlcpy(cft, af == AF_INET ? "ip" : "ip6", cftsz);
	if (inet_ntop(af, a, out, (socklen_t)outsz) == NULL)
		return fw_bad(err, "%s", T("The address is too long.",
		    "Адрес слишком длинный."));
	return 0;
}

static int
fw_range(const char *v, char *cft, size_t cftsz, char *out, size_t outsz,
    struct err *err)
{
	unsigned char		 a[16], m[16];
	char			 addr[64], net[INET6_ADDRSTRLEN];
	const char		*slash = strchr(v, '/');
	unsigned long long	 plen;
	size_t			 i, nbytes;
	int			 af;

	if (slash == NULL || (size_t)(slash - v) >= sizeof(addr))
		goto form;
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	af = inet_pton(AF_INET, addr, a) == 1 ? AF_INET :
	    inet_pton(AF_INET6, addr, a) == 1 ? AF_INET6 : 0;
	if (af == 0 || parse_uint(slash + 1, af == AF_INET ? 32 : 128,
	    &plen) == -1)
		goto form;
	if (af == AF_INET && plen != 16 && plen != 24)
		return fw_bad(err, T("Cloudflare takes IPv4 ranges of /16 or "
		    "/24 only, not %s; for one address choose «IP address».",
		    "Cloudflare принимает только диапазоны IPv4 /16 и /24, а не "
		    "%s; для одного адреса выберите «IP-адрес»."), slash);
	if (af == AF_INET6 && plen != 32 && plen != 48 && plen != 64)
		return fw_bad(err, T("Cloudflare takes IPv6 ranges of /32, "
		    "/48 or /64 only, not %s.", "Cloudflare принимает только "
		    "диапазоны IPv6 /32, /48 и /64, а не %s."), slash);
	nbytes = af == AF_INET ? 4 : 16;
	memcpy(m, a, nbytes);
	for (i = 0; i < nbytes; i++) {
		if (plen >= (i + 1) * 8)
			continue;
		m[i] &= plen <= i * 8 ? 0 :
		    (unsigned char)(0xff << (8 - (plen - i * 8)));
	}
	if (inet_ntop(af, m, net, sizeof(net)) == NULL ||
	    cf_snprintf(out, outsz, "%s/%llu", net, plen) == -1)
		goto form;
	if (memcmp(a, m, nbytes) != 0) {
		err_set(err, "value", "value", T("%s is not where its range "
		    "begins: the host part must be zero. Did you mean %s?",
		    "%s — не начало диапазона: биты узла должны быть нулевыми. "
		    "Возможно, имелось в виду %s?"), v, out);
		return -1;
	}
	cf_strlcpy(cft, "ip_range", cftsz);
	return 0;
form:
	return fw_bad(err, T("«%s» is not an IP range: write address/prefix, "
	    "for example 192.0.2.0/24 or 2001:db8::/48.", "«%s» — не диапазон "
	    "IP-адресов: укажите адрес/префикс, например 192.0.2.0/24 или "
	    "2001:db8::/48."), v);
}

static int
fw_country(const char *v, char *cft, size_t cftsz, char *out, size_t outsz,
    struct err *err)
{
	char	 cc[3];
	size_t	 i;

	if (strlen(v) == 2 && outsz >= 3) {
		cc[0] = (char)toupper((unsigned char)v[0]);
		cc[1] = (char)toupper((unsigned char)v[1]);
		cc[2] = '\0';
		/* T1 is Tor, XX unknown: Cloudflare's own two codes. */
		if (strcmp(cc, "T1") == 0 || strcmp(cc, "XX") == 0)
			goto ok;
		for (i = 0; i + 1 < sizeof(iso3166); i += 2)
			if (iso3166[i] == cc[0] && iso3166[i + 1] == cc[1])
				goto ok;
		if (strcmp(cc, "UK") == 0)
			return fw_bad(err, T("«%s»: the United Kingdom's "
			    "country code is GB.", "«%s»: код страны "
			    "Великобритании — GB."), v);
	}
	return fw_bad(err, T("«%s» is not a country code: write the two-letter "
	    "ISO 3166-1 code, such as DE or US (T1 stands for Tor, XX for "
	    "unknown).", "«%s» — не код страны: укажите двухбуквенный код ISO "
	    "3166-1, например DE или US (T1 — сеть Tor, XX — неизвестная "
	    "страна)."), v);
ok:
	cf_strlcpy(out, cc, outsz);
	cf_strlcpy(cft, "country", cftsz);
	return 0;
}

static int
fw_asn(const char *v, char *cft, size_t cftsz, char *out, size_t outsz,
    struct err *err)
{
	unsigned long long	 n;
	const char		*p = v;

	if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
		p += 2;
	if (parse_uint(p, 4294967295ULL, &n) == -1 || n == 0 ||
	    cf_snprintf(out, outsz, "AS%llu", n) == -1)
		return fw_bad(err, T("«%s» is not an AS number: write AS13335 "
		    "or 13335 (from 1 to 4294967295).", "«%s» — не номер AS: "
		    "укажите AS13335 или 13335 (от 1 до 4294967295)."), v);
	cf_strlcpy(cft, "asn", cftsz);
	return 0;
}

/*
 * An access rule's value for its form target (ip, ip_range, country,
 * asn): checked, and normalised to what Cloudflare is sent, with the
 * wire target in cft ("ip6" for an IPv6 address).
 */
int
fw_check_value(const char *target, const char *value, char *cft,
    size_t cftsz, char *out, size_t outsz, struct err *err)
{
	char	 v[130];
	size_t	 len;

	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len == 0) {
		err_set(err, "missed", "value", "%s", T("Enter the address, "
		    "range, country or AS number the rule matches.", "Укажите "
		    "адрес, диапазон, страну или номер AS, которым "
		    "соответствует правило."));
		return -1;
	}
	if (len >= sizeof(v)) {
		err_set(err, "value", "value", "%s", T("The value is too "
		    "long for an address, a range, a country or an AS number.",
		    "Значение слишком длинное для адреса, диапазона, страны или "
		    "номера AS."));
		return -1;
	}
	memcpy(v, value, len);
	v[len] = '\0';
	if (strcmp(target, "ip") == 0)
		return fw_ip(v, cft, cftsz, out, outsz, err);
	if (strcmp(target, "ip_range") == 0)
		return fw_range(v, cft, cftsz, out, outsz, err);
	if (strcmp(target, "country") == 0)
		return fw_country(v, cft, cftsz, out, outsz, err);
	if (strcmp(target, "asn") == 0)
		return fw_asn(v, cft, cftsz, out, outsz, err);
	err_set(err, "value", "target", "%s", T("Unknown rule target.",
	    "Неизвестный тип источника."));
	return -1;
}
