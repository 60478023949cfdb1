package io.nioreactor.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.core.EventLoopGroup;
import io.nioreactor.core.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scrape endpoint as a client that is not Prometheus would use it: pipelining, HEAD,
 * HTTP/1.0, bodies, a head that never ends, a client that never reads. Served in this JVM on a
 * group of one loop, whose figures show what each costs the loop.
 */
@Timeout(60)
class MetricsEndpointTest {

    private static final String GET = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final Duration HEAD_DEADLINE = Duration.ofMillis(300);

    private EventLoopGroup loops;
    private InetSocketAddress address;

    @BeforeEach
    void serve() {
        loops = EventLoopGroup.start("metrics-test", 1);
        TcpServer server = MetricsEndpoint.start(loops, new InetSocketAddress("127.0.0.1", 0), false, HEAD_DEADLINE)
                .orTimeout(10, TimeUnit.SECONDS).join();
        address = (InetSocketAddress) server.localAddress();
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(Duration.ZERO).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /**
     * Twenty requests in one write are answered one by one, in order, the scrapes off the loop and at
     * most ten a second: a client that pipelines gets no more of the machine than one that waits.
     */
    @Test
    void pipelinedRequestsAreAnsweredInTurnAtMostTenScrapesASecondWithoutHoldingTheLoop() throws IOException {
        long start = System.nanoTime();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(GET.repeat(20).getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 20; i++) {
                Answer answer = Answer.read(in);
                assertEquals(200, answer.status, "answer " + i);
                assertTrue(answer.body.contains("nioreactor_connections_accepted_total"), "answer " + i);
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // A task run on the loop: the iteration that wrote the last answer has ended, and been counted.
        CompletableFuture.runAsync(() -> { }, loops.next()).orTimeout(10, TimeUnit.SECONDS).join();
        long longest = loops.metrics().longestRecentIterationNanos();
        System.out.printf("[measure] 20 pipelined scrapes took %d ms; the loop's longest iteration %d us%n", millis,
                longest / 1000);
        assertTrue(millis >= 19 * 100 * 9 / 10, "at most ten scrapes a second: " + millis + " ms");
        assertTrue(longest < TimeUnit.MILLISECONDS.toNanos(100), "the loop was held " + longest / 1000 + " us");
    }

    /** Twenty clients asking at once are answered by one or two scrapes, not twenty. */
    @Test
    void clientsAskingTogetherShareOneScrape() throws Exception {
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                sockets.add(connect());
            }
            long start = System.nanoTime();
            for (Socket socket : sockets) {
                socket.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket socket : sockets) {
                assertEquals(200, Answer.read(socket.getInputStream()).status);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("[measure] 20 clients at once answered in %d ms%n", millis);
            assertTrue(millis < 1_000, "twenty scrapes, ten a second, would take two seconds: " + millis + " ms");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Pipelined requests from a client that reads nothing: one answer at a time is queued, no more. */
    @Test
    void aClientThatNeverReadsQueuesNoMoreThanTheHighWaterMarkAndAnAnswer() throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // before connecting, so the window is small from the start
            socket.setSoTimeout(10_000);
            socket.connect(address);
            OutputStream out = socket.getOutputStream();
            byte[] requests = GET.repeat(1000).getBytes(StandardCharsets.US_ASCII);
            out.write(requests); // 33 kB: the kernel takes them
            await().atMost(30, TimeUnit.SECONDS).until(() -> loops.metrics().queuedBytes() > 0);
            long answer = Answer.read(socket.getInputStream()).body.length() + 200; // one answer, head and all
            // It stops growing: the answers wait for the client, and so do the requests.
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                    .until(new Steady(() -> loops.metrics().queuedBytes()));
            long queued = loops.metrics().queuedBytes();
            System.out.printf("[measure] a client that never reads, 1000 requests sent: %d B queued (an answer is"
                    + " %d B)%n", queued, answer);
            // the high water mark, the answer that crossed it, and a 16 KiB chunk of rounding (queues count chunks)
            assertTrue(queued <= 64 * 1024 + answer + 16 * 1024, queued + " B queued");
        }
    }

    @Test
    void headAnswersTheLengthWithoutTheBodyAndKeepsTheConnection() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = Answer.readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(Integer.parseInt(Answer.header(head, "content-length")) > 1000, head);
            out.write(GET.getBytes(StandardCharsets.US_ASCII)); // no body came between: the next head is next
            assertEquals(200, Answer.read(socket.getInputStream()).status);
        }
    }

    @Test
    void http10ClosesUnlessKeptAliveAndHttp11ClosesWhenAsked() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /metrics HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Answer answer = Answer.read(socket.getInputStream());
            assertEquals("close", Answer.header(answer.head, "connection"));
            assertEquals(-1, socket.getInputStream().read(), "closed after the answer");
        }
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("keep-alive", Answer.header(Answer.read(socket.getInputStream()).head, "connection"));
            out.write("GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, Answer.read(socket.getInputStream()).status, "a second request on the same one");
        }
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, Answer.read(socket.getInputStream()).status);
            assertEquals(-1, socket.getInputStream().read(), "closed after the answer");
        }
    }

    /** A body (here a whole request of its own) is refused, not read as the next request: one 400, then the end. */
    @Test
    void aRequestWithABodyIsRefusedAndItsBytesAreNotTakenForARequest() throws IOException {
        for (String request : new String[] {
                "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + GET.length() + "\r\n\r\n" + GET,
                "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + GET}) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                Answer answer = Answer.read(socket.getInputStream());
                assertEquals(400, answer.status, request);
                assertEquals("close", Answer.header(answer.head, "connection"));
                socket.shutdownOutput(); // the client is done: the server's lingering read ends at once
                assertEquals(-1, socket.getInputStream().read(), "no answer to the bytes after the head");
            }
        }
    }

    /** An error answer is read whole even while the client is still sending: no reset destroys it. */
    @Test
    void aHeadOfAMegabyteIsAnswered431AndTheAnswerArrivesWhole() throws Exception {
        try (Socket socket = connect()) {
            byte[] huge = ("GET /metrics HTTP/1.1\r\nX-Long: " + "x".repeat(1 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(huge); // the server reads on, dropping it, after it answered
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Answer answer = Answer.read(socket.getInputStream());
            assertEquals(431, answer.status);
            assertTrue(answer.body.contains("over 8 KiB"), answer.body);
            sending.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNotFoundKeepsTheConnectionForTheNextRequest() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /other HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(404, Answer.read(socket.getInputStream()).status);
            out.write(GET.getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, Answer.read(socket.getInputStream()).status);
        }
    }

    /** What RFC 9112 lets a client send: bare LF, an empty line first, the absolute form; and what it forbids. */
    @Test
    void leniencyWhereTheRfcAsksForItAndAHostWhereItRequiresOne() throws IOException {
        assertEquals(200, statusOf("GET /metrics HTTP/1.0\n\n"), "lines ending in LF alone");
        assertEquals(200, statusOf("\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), "an empty line before");
        assertEquals(200, statusOf("GET http://127.0.0.1:9100/metrics?name=x HTTP/1.1\r\nHost: x\r\n\r\n"),
                "the absolute form, with a query");
        assertEquals(400, statusOf("GET /metrics HTTP/1.1\r\n\r\n"), "HTTP/1.1 without Host");
    }

    private int statusOf(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return Answer.read(socket.getInputStream()).status;
        }
    }

    /** A client that connects and sends nothing holds its slot for the head deadline, no longer. */
    @Test
    void aClientThatSaysNothingIsAnswered408() throws IOException {
        try (Socket socket = connect()) {
            assertEquals(408, Answer.read(socket.getInputStream()).status);
        }
    }

    @Test
    void aHeadThatDoesNotArriveInTimeIsAnswered408AndClosed() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            Answer answer = Answer.read(socket.getInputStream());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("[measure] an unfinished head answered 408 after %d ms (deadline %d ms)%n", millis,
                    HEAD_DEADLINE.toMillis());
            assertEquals(408, answer.status);
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The same value at two looks in a row. */
    private static final class Steady implements java.util.concurrent.Callable<Boolean> {
        private final java.util.function.LongSupplier value;
        private long last = -1;

        Steady(java.util.function.LongSupplier value) {
            this.value = value;
        }

        @Override
        public Boolean call() {
            long now = value.getAsLong();
            boolean same = now == last;
            last = now;
            return same;
        }
    }

    /** One HTTP answer read off a socket. */
    private record Answer(int status, String head, String body) {
        private static final Pattern HEADER = Pattern.compile("(?i)\r\n([\\w-]+): *([^\r\n]*)");

        static Answer read(InputStream in) throws IOException {
            String head = readHead(in);
            int length = Integer.parseInt(header(head, "content-length"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
        }

        static String header(String head, String name) {
            Matcher m = HEADER.matcher(head);
            while (m.find()) {
                if (m.group(1).toLowerCase(Locale.ROOT).equals(name)) {
                    return m.group(2);
                }
            }
            throw new AssertionError("no " + name + " in " + head);
        }

        static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("ended after " + head);
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }
}
