package io.nioreactor.examples.resp;

import io.nioreactor.core.Connection;

/**
 * The commands: PING, ECHO, SET (EX, PX), GET, DEL, EXISTS, INCR, DECR, INCRBY, DECRBY, MGET,
 * MSET, EXPIRE, TTL, PTTL, CONFIG GET (an empty answer: enough for redis-benchmark), QUIT.
 * Anything else is answered with an error, never dropped.
 */
final class Commands {

    private static final byte[] PING = Replies.ascii("PING");
    private static final byte[] ECHO = Replies.ascii("ECHO");
    private static final byte[] SET = Replies.ascii("SET");
    private static final byte[] GET = Replies.ascii("GET");
    private static final byte[] DEL = Replies.ascii("DEL");
    private static final byte[] EXISTS = Replies.ascii("EXISTS");
    private static final byte[] INCR = Replies.ascii("INCR");
    private static final byte[] DECR = Replies.ascii("DECR");
    private static final byte[] INCRBY = Replies.ascii("INCRBY");
    private static final byte[] DECRBY = Replies.ascii("DECRBY");
    private static final byte[] MGET = Replies.ascii("MGET");
    private static final byte[] MSET = Replies.ascii("MSET");
    private static final byte[] EXPIRE = Replies.ascii("EXPIRE");
    private static final byte[] TTL = Replies.ascii("TTL");
    private static final byte[] PTTL = Replies.ascii("PTTL");
    private static final byte[] CONFIG = Replies.ascii("CONFIG");
    private static final byte[] QUIT = Replies.ascii("QUIT");
    private static final byte[] EX = Replies.ascii("EX");
    private static final byte[] PX = Replies.ascii("PX");
    private static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";

    private Commands() {
    }

    static void run(RespConnection r, Connection c) {
        Replies out = r.replies();
        int n = r.args();
        if (r.is(0, GET) && n == 2) {
            get(r, c, 1);
        } else if (r.is(0, SET) && n >= 3) {
            set(r, c);
        } else if (r.is(0, PING) && n <= 2) {
            if (n == 1) {
                out.raw(c, Replies.PONG);
            } else {
                out.bulk(c, r.frame(), r.offset(1), r.length(1));
            }
        } else if (r.is(0, ECHO) && n == 2) {
            out.bulk(c, r.frame(), r.offset(1), r.length(1));
        } else if ((r.is(0, INCR) || r.is(0, DECR)) && n == 2) {
            add(r, c, r.is(0, INCR) ? 1 : -1);
        } else if ((r.is(0, INCRBY) || r.is(0, DECRBY)) && n == 3) {
            long by = r.number(2);
            if (by == Long.MIN_VALUE) {
                out.error(c, NOT_AN_INTEGER);
            } else {
                add(r, c, r.is(0, INCRBY) ? by : -by);
            }
        } else if ((r.is(0, DEL) || r.is(0, EXISTS)) && n >= 2) {
            boolean delete = r.is(0, DEL);
            long count = 0;
            for (int i = 1; i < n; i++) {
                count += (delete ? r.store().remove(r.key(i)) : r.store().get(r.key(i)) != null) ? 1 : 0;
            }
            out.integer(c, count);
        } else if (r.is(0, MGET) && n >= 2) {
            out.arrayHeader(c, n - 1);
            for (int i = 1; i < n; i++) {
                get(r, c, i);
            }
        } else if (r.is(0, MSET) && n >= 3 && n % 2 == 1) {
            for (int i = 1; i < n; i += 2) {
                r.store().put(r.key(i), new Store.Entry(r.copy(i + 1), 0));
            }
            out.raw(c, Replies.OK);
        } else if (r.is(0, EXPIRE) && n == 3) {
            expire(r, c);
        } else if ((r.is(0, TTL) || r.is(0, PTTL)) && n == 2) {
            ttl(r, c, r.is(0, TTL));
        } else if (r.is(0, CONFIG) && n >= 2) {
            out.raw(c, Replies.EMPTY_ARRAY); // CONFIG GET save, appendonly...: nothing configured
        } else if (r.is(0, QUIT)) {
            out.raw(c, Replies.OK);
            out.send(c);
            c.close();
        } else if (known(r)) {
            out.error(c, "ERR wrong number of arguments for '" + r.text(0).toLowerCase() + "' command");
        } else {
            out.error(c, "ERR unknown command '" + r.text(0) + "'");
        }
    }

    private static boolean known(RespConnection r) {
        for (byte[] name : new byte[][] {PING, ECHO, SET, GET, DEL, EXISTS, INCR, DECR, INCRBY, DECRBY, MGET, MSET,
                EXPIRE, TTL, PTTL, CONFIG}) {
            if (r.is(0, name)) {
                return true;
            }
        }
        return false;
    }

    private static void get(RespConnection r, Connection c, int arg) {
        Store.Entry entry = r.store().get(r.key(arg));
        if (entry == null) {
            r.replies().raw(c, Replies.NULL_BULK);
        } else {
            r.replies().bulk(c, entry.value);
        }
    }

    /** SET key value [EX seconds | PX milliseconds]. */
    private static void set(RespConnection r, Connection c) {
        long expiresAt = 0;
        if (r.args() == 5 && (r.is(3, EX) || r.is(3, PX))) {
            long amount = r.number(4);
            if (amount <= 0) {
                r.replies().error(c, "ERR invalid expire time in 'set' command");
                return;
            }
            expiresAt = System.currentTimeMillis() + (r.is(3, EX) ? amount * 1000 : amount);
        } else if (r.args() != 3) {
            r.replies().error(c, "ERR syntax error");
            return;
        }
        r.store().put(r.key(1), new Store.Entry(r.copy(2), expiresAt));
        r.replies().raw(c, Replies.OK);
    }

    /** INCR, DECR, INCRBY, DECRBY: read, add, replace if unchanged meanwhile (another loop's client). */
    private static void add(RespConnection r, Connection c, long delta) {
        Key key = r.key(1);
        while (true) {
            Store.Entry old = r.store().get(key);
            long value = 0;
            if (old != null) {
                value = parse(old.value);
                if (value == Long.MIN_VALUE) {
                    r.replies().error(c, NOT_AN_INTEGER);
                    return;
                }
            }
            long sum = value + delta;
            if (((value ^ sum) & (delta ^ sum)) < 0) {
                r.replies().error(c, "ERR increment or decrement would overflow");
                return;
            }
            Store.Entry next = new Store.Entry(Replies.ascii(Long.toString(sum)), old == null ? 0 : old.expiresAtMillis);
            if (r.store().replace(key, old, next)) {
                r.replies().integer(c, sum);
                return;
            }
        }
    }

    private static void expire(RespConnection r, Connection c) {
        long seconds = r.number(2);
        if (seconds == Long.MIN_VALUE) {
            r.replies().error(c, NOT_AN_INTEGER);
            return;
        }
        Key key = r.key(1);
        Store.Entry old = r.store().get(key);
        boolean set = old != null && r.store().replace(key, old,
                new Store.Entry(old.value, System.currentTimeMillis() + seconds * 1000));
        if (set && seconds <= 0) {
            r.store().remove(key);
        }
        r.replies().integer(c, set ? 1 : 0);
    }

    private static void ttl(RespConnection r, Connection c, boolean seconds) {
        Store.Entry entry = r.store().get(r.key(1));
        if (entry == null) {
            r.replies().integer(c, -2);
        } else if (entry.expiresAtMillis == 0) {
            r.replies().integer(c, -1);
        } else {
            long left = Math.max(0, entry.expiresAtMillis - System.currentTimeMillis());
            r.replies().integer(c, seconds ? (left + 500) / 1000 : left);
        }
    }

    private static long parse(byte[] digits) {
        if (digits.length == 0 || digits.length > 20) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(new String(digits, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
