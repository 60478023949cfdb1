package io.nioreactor.examples.resp;

import io.nioreactor.core.Connection;

/**
 * The commands: PING, ECHO, SET (EX, PX), GET, DEL, EXISTS, INCR, DECR, INCRBY, DECRBY, MGET,
 * MSET, EXPIRE, TTL, PTTL, CONFIG GET (save and appendonly, as redis-benchmark asks), QUIT.
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
    private static final byte[] ALL = Replies.ascii("*");
    private static final byte[] SAVE = Replies.ascii("SAVE");
    private static final byte[] APPENDONLY = Replies.ascii("APPENDONLY");
    private static final byte[] SAVE_EMPTY = Replies.ascii("$4\r\nsave\r\n$0\r\n\r\n");
    private static final byte[] APPENDONLY_NO = Replies.ascii("$10\r\nappendonly\r\n$2\r\nno\r\n");
    private static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";

    private Commands() {
    }

    static void run(RespConnection r, Connection c) {
        try {
            dispatch(r, c);
        } catch (NumberFormatException e) { // an argument that should be a number, read before any change
            r.replies().error(c, NOT_AN_INTEGER);
        }
    }

    private static void dispatch(RespConnection r, Connection c) {
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
            if (r.is(0, DECRBY) && by == Long.MIN_VALUE) {
                out.error(c, "ERR decrement would overflow"); // its negation is no long
            } else {
                add(r, c, r.is(0, INCRBY) ? by : -by);
            }
        } else if ((r.is(0, DEL) || r.is(0, EXISTS)) && n >= 2) {
            boolean delete = r.is(0, DEL);
            long count = 0;
            for (int i = 1; i < n; i++) {
                count += (delete ? r.store().remove(r.key(i), null) : r.store().contains(r.key(i))) ? 1 : 0;
            }
            out.integer(c, count);
        } else if (r.is(0, MGET) && n >= 2) {
            out.arrayHeader(c, n - 1);
            for (int i = 1; i < n; i++) {
                get(r, c, i);
            }
        } else if (r.is(0, MSET) && n >= 3 && n % 2 == 1) {
            for (int i = 1; i < n; i += 2) {
                r.store().put(r.key(i), r.frame(), r.offset(i + 1), r.length(i + 1), 0);
            }
            out.raw(c, Replies.OK);
        } else if (r.is(0, EXPIRE) && n == 3) {
            expire(r, c);
        } else if ((r.is(0, TTL) || r.is(0, PTTL)) && n == 2) {
            ttl(r, c, r.is(0, TTL));
        } else if (r.is(0, CONFIG) && n >= 3 && r.is(1, GET)) {
            config(r, c);
        } else if (r.is(0, CONFIG) && n >= 2 && !r.is(1, GET)) {
            out.error(c, "ERR unknown subcommand '" + r.text(1) + "': this server knows CONFIG GET only");
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
        if (!r.store().get(r.key(arg), r)) { // r writes the value's reply
            r.replies().raw(c, Replies.NULL_BULK);
        }
    }

    /** SET key value [EX seconds | PX milliseconds]. */
    private static void set(RespConnection r, Connection c) {
        long expiresAt = 0;
        if (r.args() == 5 && (r.is(3, EX) || r.is(3, PX))) {
            long amount = r.number(4);
            expiresAt = amount <= 0 ? -1 : expiresAt(amount, r.is(3, EX) ? 1000 : 1);
            if (expiresAt <= 0) {
                r.replies().error(c, "ERR invalid expire time in 'set' command");
                return;
            }
        } else if (r.args() != 3) {
            r.replies().error(c, "ERR syntax error");
            return;
        }
        r.store().put(r.key(1), r.frame(), r.offset(2), r.length(2), expiresAt);
        r.replies().raw(c, Replies.OK);
    }

    /**
     * When a key given {@code amount} units of {@code unitMillis} from now expires, or
     * {@link Long#MIN_VALUE} if that is out of a long's range (Redis's "invalid expire time").
     */
    private static long expiresAt(long amount, long unitMillis) {
        long now = System.currentTimeMillis();
        if (amount > Long.MAX_VALUE / unitMillis || amount < Long.MIN_VALUE / unitMillis
                || amount * unitMillis > Long.MAX_VALUE - now) {
            return Long.MIN_VALUE;
        }
        return now + amount * unitMillis;
    }

    /** INCR, DECR, INCRBY, DECRBY: in place, under the key's lock (another loop's client may add too). */
    private static void add(RespConnection r, Connection c, long delta) {
        long sum;
        try {
            sum = r.store().add(r.key(1), delta);
        } catch (ArithmeticException e) {
            r.replies().error(c, e.getMessage());
            return;
        }
        r.replies().integer(c, sum);
    }

    /** EXPIRE key seconds: 0 or less removes the key, as in Redis. */
    private static void expire(RespConnection r, Connection c) {
        long seconds = r.number(2);
        long at = expiresAt(seconds, 1000);
        if (at == Long.MIN_VALUE) {
            r.replies().error(c, "ERR invalid expire time in 'expire' command");
            return;
        }
        boolean set = seconds <= 0 ? r.store().remove(r.key(1), null) : r.store().expireAt(r.key(1), at);
        r.replies().integer(c, set ? 1 : 0);
    }

    private static void ttl(RespConnection r, Connection c, boolean seconds) {
        long at = r.store().expiresAt(r.key(1));
        if (at < 0) {
            r.replies().integer(c, -2);
        } else if (at == 0) {
            r.replies().integer(c, -1);
        } else {
            long left = Math.max(0, at - System.currentTimeMillis());
            r.replies().integer(c, seconds ? (left + 500) / 1000 : left);
        }
    }

    /**
     * CONFIG GET name...: what Redis answers for {@code save} and {@code appendonly} (nothing is
     * ever saved), so that redis-benchmark finds them; any other name (or {@code *}), nothing.
     */
    private static void config(RespConnection r, Connection c) {
        boolean save = false;
        boolean appendOnly = false;
        for (int i = 2; i < r.args(); i++) {
            boolean all = r.is(i, ALL);
            save |= all || r.is(i, SAVE);
            appendOnly |= all || r.is(i, APPENDONLY);
        }
        Replies out = r.replies();
        out.arrayHeader(c, (save ? 2 : 0) + (appendOnly ? 2 : 0));
        if (save) {
            out.raw(c, SAVE_EMPTY);
        }
        if (appendOnly) {
            out.raw(c, APPENDONLY_NO);
        }
    }
}
