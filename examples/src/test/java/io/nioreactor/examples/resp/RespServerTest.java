package io.nioreactor.examples.resp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.LoopOptions;
import io.nioreactor.core.TcpOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RESP server through a hand-written RESP client over real sockets: no Redis needed. */
class RespServerTest {

    private static final int MAX_REQUEST = 16 << 20;
    private EventLoopGroup loops;
    private InetSocketAddress address;

    @BeforeEach
    void start() {
        // As the server runs by default: polling 100 us after I/O
        loops = EventLoopGroup.start("resp-test", 2, LoopOptions.builder().busyPoll(Duration.ofNanos(100_000)).build());
        Store store = new Store();
        RespServer.sweepExpiredKeys(loops, store);
        address = (InetSocketAddress) loops.listenTcp(new InetSocketAddress("127.0.0.1", 0), TcpOptions.defaults(),
                c -> new RespConnection(store, MAX_REQUEST)).join().localAddress();
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(Duration.ofSeconds(2)).join();
    }

    /** A request as RESP: an array of bulk strings. */
    private static byte[] command(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "*" + args.length + "\r\n");
        for (Object arg : args) {
            byte[] bytes = arg instanceof byte[] ? (byte[]) arg : arg.toString().getBytes(StandardCharsets.UTF_8);
            write(out, "$" + bytes.length + "\r\n");
            out.writeBytes(bytes);
            write(out, "\r\n");
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String readExactly(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request} and reads exactly {@code expected}'s length back. */
    private static void assertReply(Socket socket, byte[] request, String expected) throws IOException {
        socket.getOutputStream().write(request);
        assertEquals(expected, readExactly(socket.getInputStream(), expected.length()),
                new String(request, StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyCommandAnswersAsRedisDoes() throws Exception {
        try (Socket s = connect()) {
            assertReply(s, command("PING"), "+PONG\r\n");
            assertReply(s, command("ping", "hello"), "$5\r\nhello\r\n");
            assertReply(s, command("ECHO", "a b"), "$3\r\na b\r\n");
            assertReply(s, command("SET", "k", "v1"), "+OK\r\n");
            assertReply(s, command("GET", "k"), "$2\r\nv1\r\n");
            assertReply(s, command("GET", "missing"), "$-1\r\n");
            assertReply(s, command("EXISTS", "k", "missing", "k"), ":2\r\n");
            assertReply(s, command("INCR", "n"), ":1\r\n");
            assertReply(s, command("INCRBY", "n", "41"), ":42\r\n");
            assertReply(s, command("DECR", "n"), ":41\r\n");
            assertReply(s, command("DECRBY", "n", "-9"), ":50\r\n");
            assertReply(s, command("INCR", "k"), "-ERR value is not an integer or out of range\r\n");
            assertReply(s, command("MSET", "a", "1", "b", "2"), "+OK\r\n");
            assertReply(s, command("MGET", "a", "missing", "b"), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
            assertReply(s, command("DEL", "a", "b", "missing"), ":2\r\n");
            assertReply(s, command("TTL", "k"), ":-1\r\n");
            assertReply(s, command("TTL", "missing"), ":-2\r\n");
            assertReply(s, command("EXPIRE", "k", "100"), ":1\r\n");
            assertReply(s, command("TTL", "k"), ":100\r\n");
            assertReply(s, command("SET", "short", "x", "PX", "50"), "+OK\r\n");
            await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
                s.getOutputStream().write(command("GET", "short"));
                String reply = readExactly(s.getInputStream(), 5); // "$-1\r\n", or the first 5 of "$1\r\nx\r\n"
                return reply.equals("$-1\r\n") || !readExactly(s.getInputStream(), 2).equals("\r\n");
            });
            assertReply(s, command("SET", "e", "x", "EX", "10"), "+OK\r\n");
            assertReply(s, command("TTL", "e"), ":10\r\n");
            assertReply(s, command("CONFIG", "GET", "save"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
            assertReply(s, command("CONFIG", "GET", "appendonly"), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
            assertReply(s, command("CONFIG", "GET", "maxmemory"), "*0\r\n");
            assertReply(s, command("CONFIG", "SET", "save", ""),
                    "-ERR unknown subcommand 'SET': this server knows CONFIG GET only\r\n");
            assertReply(s, command("GET"), "-ERR wrong number of arguments for 'get' command\r\n");
            assertReply(s, command("FLUSHALL"), "-ERR unknown command 'FLUSHALL'\r\n");
            assertReply(s, ascii("PING\r\n"), "+PONG\r\n"); // inline, as typed into telnet
            assertReply(s, ascii("SET inline   works\nGET inline\r\n"), "+OK\r\n$5\r\nworks\r\n");
            assertReply(s, command("QUIT"), "+OK\r\n");
            assertEquals(-1, s.getInputStream().read(), "closed after QUIT");
        }
    }

    @Test
    void valuesOverwrittenInPlaceAndNumbersAtTheEdgesOfALongReadBackExact() throws Exception {
        // A key that exists is set in place when the new value fits: what a shorter value leaves
        // behind must not show, and a longer one or one past the in-place size gets its own array.
        String big = "b".repeat(Store.IN_PLACE_MAX + 1);
        try (Socket s = connect()) {
            assertReply(s, command("SET", "k", "a longer value"), "+OK\r\n");
            assertReply(s, command("SET", "k", "short"), "+OK\r\n");
            assertReply(s, command("GET", "k"), "$5\r\nshort\r\n");
            assertReply(s, command("SET", "k", "longer than the first value was"), "+OK\r\n");
            assertReply(s, command("GET", "k"), "$31\r\nlonger than the first value was\r\n");
            assertReply(s, command("SET", "k", big), "+OK\r\n");
            assertReply(s, command("GET", "k"), "$" + big.length() + "\r\n" + big + "\r\n");
            assertReply(s, command("SET", "k", "small again"), "+OK\r\n");
            assertReply(s, command("GET", "k"), "$11\r\nsmall again\r\n");

            assertReply(s, command("SET", "n", "9223372036854775806"), "+OK\r\n");
            assertReply(s, command("INCR", "n"), ":9223372036854775807\r\n");
            assertReply(s, command("INCR", "n"), "-ERR increment or decrement would overflow\r\n");
            assertReply(s, command("GET", "n"), "$19\r\n9223372036854775807\r\n");
            assertReply(s, command("SET", "n", "-9223372036854775807"), "+OK\r\n");
            assertReply(s, command("DECR", "n"), ":-9223372036854775808\r\n");
            assertReply(s, command("GET", "n"), "$20\r\n-9223372036854775808\r\n");
            assertReply(s, command("INCR", "n"), ":-9223372036854775807\r\n"); // what it wrote, it reads back
            assertReply(s, command("DECRBY", "n", "-9223372036854775808"), "-ERR decrement would overflow\r\n");
            assertReply(s, command("DEL", "n"), ":1\r\n");
            assertReply(s, command("INCRBY", "n", "-9223372036854775808"), ":-9223372036854775808\r\n");
            assertReply(s, command("SET", "n", "007"), "+OK\r\n");
            assertReply(s, command("INCR", "n"), "-ERR value is not an integer or out of range\r\n");
            assertReply(s, command("SET", "n", "-0"), "+OK\r\n");
            assertReply(s, command("INCR", "n"), "-ERR value is not an integer or out of range\r\n");
            assertReply(s, command("SET", "n", "99999999999999999999"), "+OK\r\n");
            assertReply(s, command("INCR", "n"), "-ERR value is not an integer or out of range\r\n");
            assertReply(s, command("SET", "n", "100"), "+OK\r\n");
            assertReply(s, command("DECRBY", "n", "1000"), ":-900\r\n");
            assertReply(s, command("INCRBY", "n", "x1"), "-ERR value is not an integer or out of range\r\n");

            assertReply(s, command("SET", "t", "5", "EX", "100"), "+OK\r\n");
            assertReply(s, command("INCR", "t"), ":6\r\n");
            assertReply(s, command("TTL", "t"), ":100\r\n"); // an increment keeps the expiry, as in Redis
            assertReply(s, command("SET", "t", "5"), "+OK\r\n");
            assertReply(s, command("TTL", "t"), ":-1\r\n"); // a SET without one clears it
            assertReply(s, command("EXPIRE", "t", "0"), ":1\r\n");
            assertReply(s, command("EXISTS", "t"), ":0\r\n");
            assertReply(s, command("EXPIRE", "t", "10"), ":0\r\n");
            assertReply(s, command("SET", "t", "x", "EX", "9223372036854775807"),
                    "-ERR invalid expire time in 'set' command\r\n");
            assertReply(s, command("SET", "t", "x", "PX", "9223372036854775807"),
                    "-ERR invalid expire time in 'set' command\r\n");
            assertReply(s, command("SET", "t", "x", "EX", "0"), "-ERR invalid expire time in 'set' command\r\n");
            assertReply(s, command("SET", "t", "x", "EX", "soon"), "-ERR value is not an integer or out of range\r\n");
            assertReply(s, command("SET", "t", "x"), "+OK\r\n");
            assertReply(s, command("EXPIRE", "t", "9223372036854775807"),
                    "-ERR invalid expire time in 'expire' command\r\n");
            assertReply(s, command("EXPIRE", "t", "-9223372036854775808"),
                    "-ERR invalid expire time in 'expire' command\r\n");
            assertReply(s, command("EXPIRE", "t", "-5"), ":1\r\n");
            assertReply(s, command("GET", "t"), "$-1\r\n");
        }
    }

    @Test
    void binaryValuesWithCrlfInsideAndAFourMibValueComeBackExact() throws Exception {
        byte[] binary = ascii("a\r\nb\r\n\r\n$3\r\n*1\r\nend");
        byte[] big = new byte[4 << 20];
        new Random(3).nextBytes(big);
        try (Socket s = connect()) {
            assertReply(s, command("SET", "bin", binary), "+OK\r\n");
            s.getOutputStream().write(command("GET", "bin"));
            assertBulk(s.getInputStream(), binary, "the binary value");

            assertReply(s, command("SET", "big", big), "+OK\r\n");
            s.getOutputStream().write(command("GET", "big"));
            assertBulk(s.getInputStream(), big, "the 4 MiB value");
        }
    }

    /** Reads one bulk string reply and checks it is exactly {@code value}. */
    private static void assertBulk(InputStream in, byte[] value, String what) throws IOException {
        String header = "$" + value.length + "\r\n";
        assertEquals(header, readExactly(in, header.length()), what);
        assertArrayEquals(value, in.readNBytes(value.length), what);
        assertEquals("\r\n", readExactly(in, 2), what);
    }

    @Test
    void pipelinesOfOneSixteenAndAThousandRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            for (int depth : new int[] {1, 16, 1000}) {
                ByteArrayOutputStream requests = new ByteArrayOutputStream();
                StringBuilder expected = new StringBuilder();
                for (int i = 0; i < depth; i++) {
                    String value = "value-" + depth + "-" + i;
                    requests.writeBytes(command("SET", "key" + i, value));
                    requests.writeBytes(command("GET", "key" + i));
                    expected.append("+OK\r\n$").append(value.length()).append("\r\n").append(value).append("\r\n");
                }
                s.getOutputStream().write(requests.toByteArray()); // one write: the server sees them in few reads
                assertEquals(expected.toString(), readExactly(s.getInputStream(), expected.length()), "depth " + depth);
            }
        }
    }

    @Test
    void aMalformedRequestGetsAnErrorAndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            assertReply(s, ascii("*2\r\n$3\r\nGET\r\nx\r\n"), "-ERR Protocol error: expected '$', got 'x'\r\n");
            assertEquals(-1, s.getInputStream().read());
        }
        try (Socket s = connect()) {
            assertReply(s, ascii("*1\r\n$4\r\nPINGxx"), "-ERR Protocol error: expected CRLF after a bulk string\r\n");
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void aHalfGibibyteBulkLengthIsRefusedAtOnceNotAllocated() throws Exception {
        long heapBefore = usedHeap();
        try (Socket s = connect()) {
            assertReply(s, ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n"),
                    "-ERR Protocol error: a request of more than " + MAX_REQUEST + " bytes\r\n");
            assertEquals(-1, s.getInputStream().read(), "closed");
        }
        long grown = usedHeap() - heapBefore;
        System.out.printf("[measure] heap after a 512 MiB bulk length was refused: %+,d B%n", grown);
        assertTrue(grown < 64L << 20, "the heap grew by " + grown + " bytes");
    }

    private static long usedHeap() {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    @Test
    void aClientThatNeverReadsIsPausedItsQueueBoundedAndServedOnceItReads() throws Exception {
        byte[] value = new byte[64 * 1024];
        new Random(4).nextBytes(value);
        int gets = 2_000; // 128 MiB of replies asked for, none read for now
        try (Socket s = connect()) {
            assertReply(s, command("SET", "v", value), "+OK\r\n");
            byte[] get = command("GET", "v");
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < gets; i++) {
                        s.getOutputStream().write(get);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            // The server stops reading once its replies back up: what it queues stays small for as
            // long as the client does not read, however much it asked for.
            await().atMost(10, TimeUnit.SECONDS).until(() -> loops.metrics().queuedBytes() > 0);
            long[] peakSeen = {0};
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> {
                peakSeen[0] = Math.max(peakSeen[0], loops.metrics().queuedBytes());
                return loops.metrics().queuedBytes() < 4 << 20;
            });
            long peak = peakSeen[0];
            System.out.printf("[measure] a client that never reads: %,d B queued for it (asked 128 MiB)%n", peak);
            assertTrue(peak < 4 << 20, peak + " bytes queued");

            for (int i = 0; i < gets; i++) { // now it reads: every reply, exact
                assertBulk(s.getInputStream(), value, "reply " + i);
            }
            writer.join(10_000);
        }
    }

    @Test
    void aThousandConnectionsAreServedAtOnce() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                Socket s = connect();
                sockets.add(s);
                s.getOutputStream().write(command("SET", "c" + i, Integer.toString(i)));
            }
            for (Socket s : sockets) { // every SET done before any GET: each GET asks another connection's key
                assertEquals("+OK\r\n", readExactly(s.getInputStream(), 5));
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertReply(sockets.get(i), command("GET", "c" + (999 - i)), // another connection's key
                        "$" + Integer.toString(999 - i).length() + "\r\n" + (999 - i) + "\r\n");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
