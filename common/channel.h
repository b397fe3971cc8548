/*
 * channel.h - the Comet routes' store (article 003; Tornado's chat demo is
 * the model): channels by name, each with the ids it has given out and a
 * cache of its last CHANNEL_CACHE messages, so that a client that polls
 * with a cursor ("after=ID") catches up on what it missed, or learns that
 * the cache no longer holds it.
 *
 * The store holds no pointers and allocates nothing: it is one block of
 * channel_table_size() bytes that the caller provides, so a model whose
 * workers share no memory (02_fork's processes) can put it in a shared
 * mapping, and a model with threads can guard it with one lock. Who waits
 * for a channel, and how they are woken, is each model's lesson, not the
 * store's.
 */
#ifndef C10K_CHANNEL_H
#define C10K_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHANNEL_NAME_MAX 64      /* 1 to 64 of [A-Za-z0-9_-] */
#define CHANNEL_CACHE 200        /* messages kept per channel (Tornado's cache_size) */
#define CHANNEL_MESSAGE_MAX 1024 /* bytes of one message; 413 past it */
#define CHANNEL_MAX_WAIT_MS 60000u
#define CHANNEL_DEFAULT_COUNT 64 /* channels a server holds unless told otherwise */

enum channel_status {
	CHANNEL_OK,        /* published, or a message is there for the cursor */
	CHANNEL_WAIT,      /* nothing newer than the cursor yet: park */
	CHANNEL_GONE,      /* 410: the cache no longer holds the next message */
	CHANNEL_BAD_NAME,  /* 400 */
	CHANNEL_BAD_QUERY, /* 400: after= or wait= is not a number in range */
	CHANNEL_TOO_LARGE, /* 413 */
	CHANNEL_FULL,      /* 503: no room for another channel */
};

struct channel_message {
	uint64_t id;
	uint32_t len;
	char data[CHANNEL_MESSAGE_MAX];
};

struct channel {
	char name[CHANNEL_NAME_MAX];
	uint8_t name_len; /* 0: the slot is free */
	uint64_t last_id; /* of the last message published; 0: none yet */
	struct channel_message cache[CHANNEL_CACHE]; /* message id sits at (id - 1) % CACHE */
};

struct channel_table {
	uint32_t capacity, used;
	struct channel channels[];
};

/* The status an HTTP answer carries for a store's verdict. */
int channel_http_status(enum channel_status s);

/* Bytes for a table of `count` channels; then init it in that memory. */
size_t channel_table_size(unsigned count);
void channel_table_init(struct channel_table *t, unsigned count);

bool channel_name_valid(const char *name, size_t len);

/* The channel of that name, made if there is none (a subscriber may wait
 * on a channel nobody has published to): its index in *index. */
enum channel_status channel_find(struct channel_table *t, const char *name, size_t len,
				 unsigned *index);

/* Store a message in channel `index` under its next id (1, 2, ...), the
 * oldest cached one dropped once CHANNEL_CACHE are held. */
enum channel_status channel_publish(struct channel_table *t, unsigned index, const char *data,
				    size_t len, uint64_t *id);

/* For a subscriber whose cursor is `after`: CHANNEL_OK with the first
 * message whose id is greater, CHANNEL_WAIT if there is none yet, or
 * CHANNEL_GONE if the cache has dropped it (or the cursor is ahead of the
 * channel: a server that restarted has no such history), with the cursor
 * to poll with from now on in *resume (the 410's Message-Id). */
enum channel_status channel_after(const struct channel_table *t, unsigned index, uint64_t after,
				  const struct channel_message **message, uint64_t *resume);

/* The query of GET /sub/NAME: "after=ID" (default 0) and "wait=MS"
 * (default: none, -1), in any order; other parameters are ignored. */
enum channel_status channel_parse_query(const char *query, size_t len, uint64_t *after,
					long *wait_ms);

#endif
