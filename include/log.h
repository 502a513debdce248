/*
 * The plugin's log, in the panel's own style:
 *   Mon DD HH:MM:SS [pid] cloudflare LEVEL text
 * Never give it a token.
 */
#ifndef LOG_H
#define LOG_H

void	 log_open(const char *);
void	 log_close(void);
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* LOG_H */
