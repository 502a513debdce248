/*
 * The JSON layer: the only module that sees cJSON.  Everything else
 * handles "struct json" as an opaque node and reads it through typed
 * getters that fail on a missing field or a wrong type.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

struct err;
struct json;

#define JSON_MAX_DEPTH	64	/* nesting bound for anything we parse */

struct json	*json_parse(const char *, size_t, struct err *);
void		 json_free(struct json *);
char		*json_print(const struct json *);	/* compact; free() it */

/* Looking things up; NULL when absent. */
const struct json *json_get(const struct json *, const char *);
const struct json *json_path(const struct json *, const char *); /* "a.b.c" */
size_t		 json_count(const struct json *);	/* array or object size */
const struct json *json_at(const struct json *, size_t);	/* O(i) */
/* Walking an array or object in O(1) a step. */
const struct json *json_first(const struct json *);
const struct json *json_next(const struct json *);
const char	*json_key(const struct json *);	/* name of an object member */

int		 json_is_obj(const struct json *);
int		 json_is_arr(const struct json *);
int		 json_is_str(const struct json *);
int		 json_is_num(const struct json *);
int		 json_is_bool(const struct json *);
int		 json_is_null(const struct json *);

/* Value of a node itself: 0 on success, -1 on a wrong type. */
int		 json_as_str(const struct json *, const char **);
int		 json_as_int(const struct json *, long long *);
int		 json_as_bool(const struct json *, int *);

/* Typed member getters: 0 on success, -1 when missing or mistyped. */
int		 json_str(const struct json *, const char *, const char **);
int		 json_int(const struct json *, const char *, long long *);
int		 json_bool(const struct json *, const char *, int *);
/* Optional members: absent or null gives the default and 0. */
int		 json_str_opt(const struct json *, const char *, const char **,
		    const char *);
int		 json_int_opt(const struct json *, const char *, long long *,
		    long long);
int		 json_bool_opt(const struct json *, const char *, int *, int);

/* Building request bodies.  Setters return 0, or -1 out of memory. */
struct json	*json_new_obj(void);
struct json	*json_new_arr(void);
struct json	*json_new_str(const char *);
struct json	*json_dup(const struct json *);
int		 json_set_str(struct json *, const char *, const char *);
int		 json_set_int(struct json *, const char *, long long);
int		 json_set_bool(struct json *, const char *, int);
int		 json_set_null(struct json *, const char *);
int		 json_set(struct json *, const char *, struct json *); /* takes it */
int		 json_push(struct json *, struct json *);	/* takes it */
int		 json_push_str(struct json *, const char *);
int		 json_del(struct json *, const char *);
struct json	*json_detach_at(struct json *, size_t);	/* from an array */

#endif /* JSON_H */
