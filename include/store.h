/*
 * The settings store under CF_ETC_DIR: the admin's token, each user's
 * token, and small caches.  The directory is 0700 and every file 0600,
 * written atomically (temporary file, fsync, rename) under a lock.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

struct err;

struct tokrec {
	char	token[257];
	char	id[65];		/* Cloudflare's token id, not secret */
	char	status[16];	/* active, disabled, expired */
	char	expires[32];	/* ISO 8601 or "" for never */
	char	kind[16];	/* user, account */
	char	account[33];	/* for account-owned tokens */
	char	verified[32];	/* when we last checked it */
};

void	 store_init(const char *);
const char *store_dir(void);

/* user NULL means the admin's global token. 1 found, 0 none, -1 error. */
int	 store_get_token(const char *, struct tokrec *, struct err *);
/* rec NULL removes the token. */
int	 store_put_token(const char *, const struct tokrec *, struct err *);
int	 store_parse_token(const char *, size_t, struct tokrec *, struct err *);

/* Raw files, by name relative to the store. */
char	*store_read(const char *, size_t, size_t *, struct err *);
int	 store_write(const char *, const char *, size_t, struct err *);
int	 store_write_cache(const char *, const char *, size_t, struct err *);
int	 store_remove(const char *, struct err *);
int	 store_lock(const char *, struct err *);	/* fd, or -1 */
void	 store_unlock(int);

void	 token_mask(const char *, char *, size_t);

#endif /* STORE_H */
