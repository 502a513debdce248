/*
 * The JSON layer, the only file that sees cJSON.
 * A struct json is a cJSON node; the cast stays in this file.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cf.h"
#include "json.h"

#define J(x)	((cJSON *)(x))
#define CJ(x)	((const cJSON *)(x))
#define O(x)	((struct json *)(x))
#define CO(x)	((const struct json *)(x))

/*
 * cJSON recurses once per level; bound the depth before it sees the
 * text, skipping over strings so that brackets inside them don't count.
 */
static int
depth_ok(const char *p, size_t len)
{
	size_t	 i;
	int	 depth = 0, instr = 0;

	for (i = 0; i < len; i++) {
		if (instr) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				instr = 0;
			continue;
		}
		switch (p[i]) {
		case '"':
			instr = 1;
			break;
		case '[':
		case '{':
			if (++depth > JSON_MAX_DEPTH)
				return 0;
			break;
		case ']':
		case '}':
			depth--;
			break;
		default:
			break;
		}
	}
	return 1;
}

static int
only_space(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r' && p[i] != '\0')
			return 0;
	return 1;
}

struct json *
json_parse(const char *buf, size_t len, struct err *err)
{
	cJSON		*root;
	const char	*end = NULL;

	if (buf == NULL || len == 0) {
		err_set(err, "cloudflare", "", "%s",
		    T("The reply was empty.", "Пустой ответ."));
		return NULL;
	}
	if (!depth_ok(buf, len)) {
		err_set(err, "cloudflare", "", "%s",
		    T("The reply is nested too deeply.",
		    "Слишком глубокая вложенность в ответе."));
		return NULL;
	}
	/* Anything but white space after the value is an error too. */
	if ((root = cJSON_ParseWithLengthOpts(buf, len, &end, 0)) == NULL ||
	    !only_space(end, (size_t)(buf + len - end))) {
		cJSON_Delete(root);
		err_set(err, "cloudflare", "", "%s",
		    T("The reply is not valid JSON.",
		    "Ответ не является корректным JSON."));
		return NULL;
	}
	return O(root);
}

void
json_free(struct json *j)
{
	cJSON_Delete(J(j));
}

char *
json_print(const struct json *j)
{
	if (j == NULL)
		return NULL;
	return cJSON_PrintUnformatted(CJ(j));
}

const struct json *
json_get(const struct json *j, const char *key)
{
	if (j == NULL || !cJSON_IsObject(CJ(j)))
		return NULL;
	return CO(cJSON_GetObjectItemCaseSensitive(CJ(j), key));
}

const struct json *
json_path(const struct json *j, const char *path)
{
	char		 part[128];
	const char	*dot;
	size_t		 n;

	while (j != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		j = json_get(j, part);
		path += n + (dot ? 1 : 0);
	}
	return j;
}

size_t
json_count(const struct json *j)
{
	int	 n;

	if (j == NULL || !(cJSON_IsArray(CJ(j)) || cJSON_IsObject(CJ(j))))
		return 0;
	n = cJSON_GetArraySize(CJ(j));
	return n < 0 ? 0 : (size_t)n;
}

const struct json *
json_at(const struct json *j, size_t i)
{
	if (j == NULL || i > (size_t)INT32_MAX)
		return NULL;
	if (!(cJSON_IsArray(CJ(j)) || cJSON_IsObject(CJ(j))))
		return NULL;
	return CO(cJSON_GetArrayItem(CJ(j), (int)i));
}

const struct json *
json_first(const struct json *j)
{
	if (j == NULL || !(cJSON_IsArray(CJ(j)) || cJSON_IsObject(CJ(j))))
		return NULL;
	return CO(CJ(j)->child);
}

const struct json *
json_next(const struct json *j)
{
	return j == NULL ? NULL : CO(CJ(j)->next);
}

const char *
json_key(const struct json *j)
{
	return j == NULL ? NULL : CJ(j)->string;
}

int json_is_obj(const struct json *j) { return cJSON_IsObject(CJ(j)); }
int json_is_arr(const struct json *j) { return cJSON_IsArray(CJ(j)); }
int json_is_str(const struct json *j) { return cJSON_IsString(CJ(j)); }
int json_is_num(const struct json *j) { return cJSON_IsNumber(CJ(j)); }
int json_is_bool(const struct json *j) { return cJSON_IsBool(CJ(j)); }
int json_is_null(const struct json *j) { return cJSON_IsNull(CJ(j)); }

int
json_as_str(const struct json *j, const char **out)
{
	if (!cJSON_IsString(CJ(j)) || CJ(j)->valuestring == NULL)
		return -1;
	*out = CJ(j)->valuestring;
	return 0;
}

int
json_as_int(const struct json *j, long long *out)
{
	double	 d;

	if (!cJSON_IsNumber(CJ(j)))
		return -1;
	d = CJ(j)->valuedouble;
	/* Only whole numbers that a long long holds exactly. */
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
		return -1;
	*out = (long long)d;
	return 0;
}

int
json_as_bool(const struct json *j, int *out)
{
	if (!cJSON_IsBool(CJ(j)))
		return -1;
	*out = cJSON_IsTrue(CJ(j)) ? 1 : 0;
	return 0;
}

int
json_str(const struct json *j, const char *key, const char **out)
{
	return json_as_str(json_get(j, key), out);
}

int
json_int(const struct json *j, const char *key, long long *out)
{
	return json_as_int(json_get(j, key), out);
}

int
json_bool(const struct json *j, const char *key, int *out)
{
	return json_as_bool(json_get(j, key), out);
}

int
json_str_opt(const struct json *j, const char *key, const char **out,
    const char *def)
{
	const struct json *v = json_get(j, key);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	return json_as_str(v, out);
}

int
json_int_opt(const struct json *j, const char *key, long long *out,
    long long def)
{
	const struct json *v = json_get(j, key);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	return json_as_int(v, out);
}

int
json_bool_opt(const struct json *j, const char *key, int *out, int def)
{
	const struct json *v = json_get(j, key);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	return json_as_bool(v, out);
}

struct json *json_new_obj(void) { return O(cJSON_CreateObject()); }
struct json *json_new_arr(void) { return O(cJSON_CreateArray()); }

struct json *
json_new_str(const char *s)
{
	return O(cJSON_CreateString(s));
}

struct json *
json_dup(const struct json *j)
{
	return j == NULL ? NULL : O(cJSON_Duplicate(CJ(j), 1));
}

/* Replace or add a member; the object takes the child. */
int
json_set(struct json *obj, const char *key, struct json *child)
{
	if (obj == NULL || child == NULL || !cJSON_IsObject(J(obj))) {
		cJSON_Delete(J(child));
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(J(obj), key) != NULL)
		return cJSON_ReplaceItemInObjectCaseSensitive(J(obj), key,
		    J(child)) ? 0 : (cJSON_Delete(J(child)), -1);
	return cJSON_AddItemToObject(J(obj), key, J(child)) ? 0 :
	    (cJSON_Delete(J(child)), -1);
}

int
json_set_str(struct json *obj, const char *key, const char *val)
{
	return json_set(obj, key, O(cJSON_CreateString(val)));
}

int
json_set_int(struct json *obj, const char *key, long long val)
{
	return json_set(obj, key, O(cJSON_CreateNumber((double)val)));
}

int
json_set_bool(struct json *obj, const char *key, int val)
{
	return json_set(obj, key, O(cJSON_CreateBool(val ? 1 : 0)));
}

int
json_set_null(struct json *obj, const char *key)
{
	return json_set(obj, key, O(cJSON_CreateNull()));
}

int
json_push(struct json *arr, struct json *child)
{
	if (arr == NULL || child == NULL || !cJSON_IsArray(J(arr))) {
		cJSON_Delete(J(child));
		return -1;
	}
	return cJSON_AddItemToArray(J(arr), J(child)) ? 0 :
	    (cJSON_Delete(J(child)), -1);
}

int
json_push_str(struct json *arr, const char *s)
{
	return json_push(arr, O(cJSON_CreateString(s)));
}

int
json_del(struct json *obj, const char *key)
{
	if (obj == NULL || !cJSON_IsObject(J(obj)))
		return -1;
	cJSON_DeleteItemFromObjectCaseSensitive(J(obj), key);
	return 0;
}

struct json *
json_detach_at(struct json *arr, size_t i)
{
	if (arr == NULL || !cJSON_IsArray(J(arr)) || i > (size_t)INT32_MAX)
		return NULL;
	return O(cJSON_DetachItemFromArray(J(arr), (int)i));
}
