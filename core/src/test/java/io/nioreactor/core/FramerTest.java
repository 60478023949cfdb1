package io.nioreactor.core;

import static io.nioreactor.core.Loopback.ANY_PORT_V4;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The framer on a real connection: the buffers are fed on the loop thread as a read would hand
 * them over, cut wherever the test says, so every split is exercised deterministically; the
 * last tests let the connection's own reads feed it.
 */
class FramerTest {

    private EventLoop loop;
    private SocketChannel client;
    /** The server side of the connection, fed by hand. */
    private Connection connection;
    private final List<String> frames = new ArrayList<>();
    private final List<FramingException> errors = new ArrayList<>();

    /** Records frames as text; records errors and lets the default close the connection. */
    private final Framer.FrameHandler recorder = new Framer.FrameHandler() {
        @Override
        public void onFrame(Connection c, ByteBuffer frame) {
            frames.add(StandardCharsets.ISO_8859_1.decode(frame).toString());
        }

        @Override
        public void onFramingError(Connection c, FramingException error) {
            errors.add(error);
            Framer.FrameHandler.super.onFramingError(c, error);
        }
    };

    @BeforeEach
    void connect() throws Exception {
        loop = EventLoop.start("framer-test");
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection c) {
                accepted.complete(c);
            }

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                throw new AssertionError("the client of the fixture sends nothing: the test feeds the framer");
            }
        }).join();
        client = Loopback.connect(server.localAddress());
        connection = accepted.get();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        // No grace: a connection its handler left paused would hold a graceful end to its timeout.
        loop.shutdownGracefully(Duration.ZERO).join();
    }

    @Test
    void linesCutAtEveryPairOfPointsComeOutWhole() throws Exception {
        byte[] stream = ascii("alpha\nbeta\r\n\ngamma\r\n");
        List<String> expected = List.of("alpha", "beta", "", "gamma");
        for (int i = 0; i <= stream.length; i++) {
            for (int j = i; j <= stream.length; j++) {
                frames.clear();
                Framer framer = Framer.lines(16, recorder);
                feed(framer, slice(stream, 0, i), slice(stream, i, j), slice(stream, j, stream.length));
                assertEquals(expected, frames, "cut at " + i + " and " + j);
                assertEquals(0, onLoop(framer::bufferedBytes), "cut at " + i + " and " + j);
            }
        }
    }

    @Test
    void aLineDeliveredOneBytePerReadComesOutOnceComplete() throws Exception {
        Framer framer = Framer.lines(64, recorder);
        byte[] stream = ascii("one byte at a time\r\nand another\n");
        for (int i = 0; i < stream.length; i++) {
            feed(framer, slice(stream, i, i + 1));
            if (i < 19) {
                assertEquals(List.of(), frames, "after byte " + i);
            }
        }
        assertEquals(List.of("one byte at a time", "and another"), frames);
    }

    @Test
    void manyLinesInOneReadAreHandedOverWithoutKeepingAByte() throws Exception {
        Framer framer = Framer.lines(16, recorder);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        feed(framer, ascii(text.toString()));
        assertEquals(4_000, frames.size());
        assertEquals("line 3999", frames.get(3_999));
        assertEquals(0, onLoop(framer::bufferedBytes));
    }

    @Test
    void theLongestLineAcceptedIsTheMaximumTheLineEndingNotCounted() throws Exception {
        Framer framer = Framer.lines(8, recorder);
        feed(framer, ascii("1234567\n12345678\n12345678\r\n"));
        assertEquals(List.of("1234567", "12345678", "12345678"), frames);
        assertEquals(List.of(), errors);

        feed(framer, ascii("123456789\n"));
        assertEquals(1, errors.size());
        assertEquals("line longer than 8 bytes", errors.get(0).getMessage());
        assertEquals(3, frames.size());
        await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
    }

    @Test
    void aLineOfTheMaximumCutBeforeItsLineFeedIsAcceptedWithCarriageReturnAndRefusedWithout() throws Exception {
        Framer framer = Framer.lines(8, recorder);
        feed(framer, ascii("12345678\r"), ascii("\n"));
        assertEquals(List.of("12345678"), frames);
        feed(framer, ascii("123456789"), ascii("\n"));
        assertEquals(List.of("12345678"), frames);
        assertEquals("line longer than 8 bytes", errors.get(0).getMessage());
    }

    @Test
    void noFrameIsHandedOverAfterTheFrameHandlerClosedTheConnection() throws Exception {
        List<String> seen = new ArrayList<>();
        Framer framer = Framer.lines(16, (c, frame) -> {
            String line = StandardCharsets.ISO_8859_1.decode(frame).toString();
            seen.add(line);
            if (line.equals("QUIT")) {
                c.write(ByteBuffer.allocate(8 << 20)); // more than the sockets hold: the close waits to flush
                c.close();
                assertTrue(c.isOpen(), "closing, not closed");
            }
        });
        feed(framer, ascii("GET a\nQUIT\nSET a b\n"));
        assertEquals(List.of("GET a", "QUIT"), seen);
    }

    @Test
    void resumeCalledFromTheFrameHandlerHandsEachFrameOverOnceInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        Framer[] framer = new Framer[1];
        framer[0] = Framer.lines(16, (c, frame) -> {
            seen.add(StandardCharsets.ISO_8859_1.decode(frame).toString());
            c.setAutoRead(false);       // pause, as a handler waiting for something would...
            framer[0].resume(c);        // ...that turned out to be ready at once
        });
        feed(framer[0], ascii("a\nb\nc"), ascii("\nd\n"));
        assertEquals(List.of("a", "b", "c", "d"), seen);
        assertEquals(0, onLoop(() -> framer[0].bufferedBytes()));
        assertTrue(onLoop(connection::isAutoRead));
    }

    @Test
    void resumeFromAnotherThreadRunsOnTheLoop() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Framer framer = Framer.lines(16, (c, frame) -> {
            seen.add(StandardCharsets.ISO_8859_1.decode(frame).toString() + (c.loop().inEventLoop() ? "" : " off the loop"));
            c.setAutoRead(false);
        });
        feed(framer, ascii("a\nb\n"));
        assertEquals(List.of("a"), seen);
        framer.resume(connection); // this thread is not the loop's
        await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 2);
        assertEquals(List.of("a", "b"), seen);
    }

    @Test
    void turningReadingOnWithSetAutoReadInsteadOfResumeCannotGrowWhatIsKeptWithoutBound() throws Exception {
        Framer framer = Framer.lines(16, (c, frame) -> c.setAutoRead(false)); // pauses on every frame
        byte[] read = ascii("x\n".repeat(30_000)); // 60,000 bytes, as one read
        for (int i = 0; i < 4 && errors.isEmpty(); i++) {
            feed(framer, read);
            onLoop(() -> {
                connection.setAutoRead(true); // the misuse: the kept frames stay kept
                return null;
            });
        }
        assertTrue(onLoop(framer::bufferedBytes) <= 2 * 64 * 1024, "kept " + onLoop(framer::bufferedBytes));
        await().atMost(5, TimeUnit.SECONDS).until(() -> !connection.isOpen()); // refused as a framing error
    }

    /**
     * The frames of two reads cut inside a frame, each whole and handed over once. The allocation
     * is only printed: a bound belongs to the JMH benchmark ({@code bench/src/jmh/.../FramerBenchmark},
     * {@code java -jar bench/target/jmh.jar FramerBenchmark -prof gc}: {@code gc.alloc.rate.norm}),
     * not to a unit test, where the JIT, a profiler or the test runner's own threads move it.
     */
    @Test
    void framingSixtyFourByteFramesCutAcrossReadsHandsEveryFrameOverWholeOnce() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        ByteBuffer reads = ByteBuffer.allocateDirect(64 * 1024 + 64);
        int written = 0;
        while (reads.remaining() >= 64) {
            reads.putInt(60);
            for (int i = 0; i < 60; i++) {
                reads.put((byte) written); // each frame's bytes its number, to tell frames apart
            }
            written++;
        }
        int frameCount = reads.position() / 64;
        long[] counted = new long[1];
        long[] wrong = new long[1];
        Framer framer = Framer.lengthPrefixed(4, 1024, (c, frame) -> {
            byte expected = (byte) (counted[0]++ % frameCount);
            boolean whole = frame.remaining() == 60;
            for (int i = frame.position(); whole && i < frame.limit(); i++) {
                whole = frame.get(i) == expected;
            }
            if (!whole) {
                wrong[0]++;
            }
        });
        long allocated = onLoop(() -> {
            for (int round = 0; round < 200; round++) { // warm-up: the JIT, the kept buffer
                feedInTwoCuts(framer, reads);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 1_000; round++) {
                feedInTwoCuts(framer, reads);
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        });
        System.out.printf("[measure] framing 64-byte frames: %.4f bytes allocated per frame (%d frames)%n",
                allocated / (1_000.0 * frameCount), 1_000L * frameCount);
        assertEquals(1_025, frameCount, "64 KiB + 64 bytes of 64-byte frames");
        assertEquals(1_200L * frameCount, counted[0], "every frame of every round, once");
        assertEquals(0, wrong[0], "each frame its 60 bytes, in order, the cut one included");
        assertEquals(0, onLoop(framer::bufferedBytes), "a whole number of frames fed: nothing kept");
        assertTrue(connection.isOpen());
    }

    /** Feeds the whole stream as two reads cut inside a frame, so one frame per round is kept and copied. */
    private void feedInTwoCuts(Framer framer, ByteBuffer stream) {
        int end = stream.position();
        stream.limit(1_000).position(0);
        framer.feed(connection, stream);
        stream.limit(end).position(1_000);
        framer.feed(connection, stream);
        stream.limit(stream.capacity()).position(end);
    }

    @Test
    void aLineWithoutEndIsRefusedAsSoonAsItCannotFitNotWhenItEnds() throws Exception {
        Framer framer = Framer.lines(8, recorder);
        feed(framer, ascii("12345"), ascii("6789")); // 9 bytes, of which one could still be '\r'
        assertEquals(List.of(), errors);
        feed(framer, ascii("0"));
        assertEquals(1, errors.size());
        assertEquals(0, onLoop(framer::bufferedBytes));
        feed(framer, ascii("\nafter the error\n"));
        assertEquals(List.of(), frames, "nothing after the error");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void lengthPrefixedFramesCutAtEveryPointComeOutWhole(int fieldBytes) throws Exception {
        byte[] stream = concat(prefixed(fieldBytes, "first"), prefixed(fieldBytes, ""), prefixed(fieldBytes, "third one"));
        for (int i = 0; i <= stream.length; i++) {
            for (int j = i; j <= stream.length; j++) {
                frames.clear();
                Framer framer = Framer.lengthPrefixed(fieldBytes, 100, recorder);
                feed(framer, slice(stream, 0, i), slice(stream, i, j), slice(stream, j, stream.length));
                assertEquals(List.of("first", "", "third one"), frames, "cut at " + i + " and " + j);
            }
        }
        frames.clear();
        Framer framer = Framer.lengthPrefixed(fieldBytes, 100, recorder);
        for (int i = 0; i < stream.length; i++) {
            feed(framer, slice(stream, i, i + 1));
        }
        assertEquals(List.of("first", "", "third one"), frames, "one byte per read");
    }

    @Test
    void aLengthFieldThatCountsItselfIsReadWithANegativeAdjustment() throws Exception {
        Framer framer = Framer.lengthPrefixed(2, -2, 100, recorder);
        byte[] frame = concat(new byte[] {0, 7}, ascii("hello"));
        feed(framer, concat(frame, frame));
        assertEquals(List.of("hello", "hello"), frames);
    }

    @Test
    void theLargestFrameAcceptedIsTheMaximum() throws Exception {
        Framer framer = Framer.lengthPrefixed(4, 10, recorder);
        feed(framer, concat(prefixed(4, "123456789"), prefixed(4, "1234567890")));
        assertEquals(List.of("123456789", "1234567890"), frames);
        feed(framer, prefixed(4, "12345678901"));
        assertEquals(1, errors.size());
        assertEquals("frame length 11 out of range 0..10", errors.get(0).getMessage());
        assertEquals(2, frames.size());
    }

    @Test
    void aLengthFieldClaimingTwoGibibytesIsRefusedBeforeAnyByteOfItIsKept() throws Exception {
        Framer.FrameHandler keepOpen = new Framer.FrameHandler() {
            @Override
            public void onFrame(Connection c, ByteBuffer frame) {
                frames.add("unexpected");
            }

            @Override
            public void onFramingError(Connection c, FramingException error) {
                errors.add(error);
            }
        };
        Framer eightBytes = Framer.lengthPrefixed(8, 1 << 20, keepOpen);
        feed(eightBytes, new byte[] {-1, -1, -1, -1, -1, -1, -1, -2});
        assertEquals("frame length 18446744073709551614 out of range 0..1048576", errors.get(0).getMessage());
        assertEquals(0, onLoop(eightBytes::bufferedBytes));

        Framer framer = Framer.lengthPrefixed(4, 1 << 20, recorder);
        feed(framer, new byte[] {(byte) 0x80, 0, 0, 0, 'x', 'y'});
        assertEquals("frame length 2147483648 out of range 0..1048576", errors.get(1).getMessage());
        assertEquals(0, onLoop(framer::bufferedBytes));
        assertEquals(List.of(), frames);
        await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
    }

    @Test
    void aWholeFrameIsAViewOfTheBufferFedNotACopy() throws Exception {
        ByteBuffer source = ByteBuffer.wrap(concat(prefixed(2, "abc"), prefixed(2, "def")));
        List<ByteBuffer> handedOver = new ArrayList<>();
        Framer framer = Framer.lengthPrefixed(2, 100, (c, frame) -> {
            handedOver.add(frame);
            frame.put(frame.position(), (byte) 'X'); // written through the frame...
        });
        onLoop(() -> {
            framer.feed(connection, source);
            return null;
        });
        assertSame(source, handedOver.get(0));
        assertEquals("\u0000\u0003Xbc\u0000\u0003Xef", new String(source.array(), StandardCharsets.ISO_8859_1),
                "...and seen in the source");
        assertFalse(source.hasRemaining(), "the framer consumes what it is fed");
    }

    @Test
    void pausingMidReadKeepsTheRestAndResumeHandsItOverInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        Framer[] framer = new Framer[1];
        framer[0] = Framer.lines(16, (c, frame) -> {
            String line = StandardCharsets.ISO_8859_1.decode(frame).toString();
            seen.add(line);
            if (line.startsWith("pause")) {
                c.setAutoRead(false);
            }
        });
        feed(framer[0], ascii("a\npause 1\nb\npause 2\nc\nd"));
        assertEquals(List.of("a", "pause 1"), seen);
        assertFalse(onLoop(connection::isAutoRead));
        assertEquals("b\npause 2\nc\nd".length(), onLoop(() -> framer[0].bufferedBytes()));

        onLoop(() -> {
            framer[0].resume(connection);
            return null;
        });
        assertEquals(List.of("a", "pause 1", "b", "pause 2"), seen);
        assertFalse(onLoop(connection::isAutoRead), "paused again by the frame handler");

        onLoop(() -> {
            framer[0].resume(connection);
            return null;
        });
        assertEquals(List.of("a", "pause 1", "b", "pause 2", "c"), seen);
        assertTrue(onLoop(connection::isAutoRead));
        assertEquals(1, onLoop(() -> framer[0].bufferedBytes()), "'d' waits for its line end");
        onLoop(() -> {
            connection.setAutoRead(false);
            return null;
        });
        feed(framer[0], ascii("\n"));
        assertEquals(List.of("a", "pause 1", "b", "pause 2", "c"), seen, "paused: kept, not handed over");
        onLoop(() -> {
            framer[0].resume(connection);
            return null;
        });
        assertEquals("d", seen.get(seen.size() - 1));
    }

    @Test
    void overTheSocketAFramingErrorClosesTheConnectionWithoutReadingTheClaimedFrame() throws Exception {
        Framer.FrameHandler echoFrames = (c, frame) -> c.write(frame);
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            private final Framer framer = Framer.lengthPrefixed(4, 1024, echoFrames);

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                framer.feed(c, data);
            }
        }).join();
        try (SocketChannel peer = Loopback.connect(server.localAddress())) {
            peer.write(ByteBuffer.wrap(prefixed(4, "fine")));
            assertEquals("fine", Loopback.readAscii(peer, 4));
            long before = loop.metrics().bytesRead();
            // The field claims 2 GiB, and 4 MiB of the frame follow at once: the server must not read them.
            ByteBuffer claim = ByteBuffer.allocate(4 + (4 << 20)).putInt(0x7FFF_FFFF);
            claim.position(0);
            peer.configureBlocking(false);
            long offered = 0;
            try {
                offered = peer.write(claim); // what the socket buffers take; the server stops reading
            } catch (java.io.IOException e) {
                // the server closed already: a reset
            }
            peer.configureBlocking(true);
            try {
                assertEquals(0, Loopback.drainToEnd(peer), "closed by the server, nothing more sent");
            } catch (java.io.IOException reset) {
                // closing with unread bytes makes the kernel reset the connection: an end all the same
            }
            long read = loop.metrics().bytesRead() - before;
            System.out.printf("[measure] a 2 GiB claim with %d bytes offered: the server read %d%n", offered, read);
            assertTrue(read <= 64 * 1024, "read " + read + " bytes: at most one read, not the frame");
        }
        try (SocketChannel other = Loopback.connect(server.localAddress())) {
            other.write(ByteBuffer.wrap(prefixed(4, "still served")));
            assertEquals("still served", Loopback.readAscii(other, 12));
        }
    }

    @Test
    void overTheSocketAThrowingFrameHandlerClosesOnlyItsConnection() throws Exception {
        CopyOnWriteArrayList<Throwable> causes = new CopyOnWriteArrayList<>();
        Framer.FrameHandler upper = (c, frame) -> {
            String line = StandardCharsets.US_ASCII.decode(frame).toString();
            if (line.equals("boom")) {
                throw new IllegalStateException("frame handler failed");
            }
            c.write(ByteBuffer.wrap((line.toUpperCase() + "\n").getBytes(StandardCharsets.US_ASCII)));
        };
        TcpServer server = loop.listenTcp(ANY_PORT_V4, TcpOptions.defaults(), c -> new ConnectionHandler() {
            private final Framer framer = Framer.lines(64, upper);

            @Override
            public void onRead(Connection c, ByteBuffer data) {
                framer.feed(c, data);
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                if (cause != null) {
                    causes.add(cause);
                }
            }
        }).join();
        try (SocketChannel doomed = Loopback.connect(server.localAddress());
                SocketChannel other = Loopback.connect(server.localAddress())) {
            Loopback.writeAscii(doomed, "ok\nboom\nnever\n");
            assertEquals("OK\n", Loopback.readAscii(doomed, 3));
            assertEquals(0, Loopback.drainToEnd(doomed));
            Loopback.writeAscii(other, "alive\n");
            assertEquals("ALIVE\n", Loopback.readAscii(other, 6));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> causes.size() == 1);
        assertEquals("frame handler failed", causes.get(0).getMessage());
        assertEquals(1, loop.metrics().handlerFailures());
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertEquals("fieldBytes must be 1, 2, 4 or 8: 3", assertThrows(IllegalArgumentException.class,
                () -> Framer.lengthPrefixed(3, 10, recorder)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Framer.lines(0, recorder));
        assertThrows(NullPointerException.class, () -> Framer.lines(10, null));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A test's own framing, a few lines: frames of "LEN:" then LEN bytes, LEN in decimal; a frame
     * announces its whole length as soon as its header is there. Not one of the toolkit's.
     */
    private static final FrameScanner DECIMAL_LENGTH = (bytes, scanned) -> {
        int start = bytes.position();
        int length = 0;
        for (int i = start; i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b == ':') {
                return i - start + 1 + length;
            }
            if (b < '0' || b > '9' || i - start > 6) {
                throw new FramingException("not a length: byte " + b + " at " + (i - start));
            }
            length = length * 10 + (b - '0');
        }
        return FrameScanner.NEED_MORE;
    };

    private static byte[] decimalFrames(String... bodies) {
        StringBuilder stream = new StringBuilder();
        for (String body : bodies) {
            stream.append(body.length()).append(':').append(body);
        }
        return ascii(stream.toString());
    }

    @Test
    void aScannerOfOneOwnFramesThemWholeFedWholeByteByByteAndInRandomCuts() throws Exception {
        String[] bodies = {"a", "", "hello, world", "x".repeat(300), "line\r\nwith\nbreaks", "z"};
        List<String> expected = new ArrayList<>();
        for (String body : bodies) {
            expected.add(body.length() + ":" + body); // handed over whole, header included
        }
        byte[] stream = decimalFrames(bodies);

        Framer whole = Framer.of(DECIMAL_LENGTH, 1024, recorder);
        feed(whole, stream);
        assertEquals(expected, frames, "fed whole");

        frames.clear();
        Framer bytewise = Framer.of(DECIMAL_LENGTH, 1024, recorder);
        for (int i = 0; i < stream.length; i++) {
            feed(bytewise, slice(stream, i, i + 1));
        }
        assertEquals(expected, frames, "fed byte by byte");

        java.util.SplittableRandom random = new java.util.SplittableRandom(21);
        for (int round = 0; round < 200; round++) {
            frames.clear();
            Framer cut = Framer.of(DECIMAL_LENGTH, 1024, recorder);
            feedInRandomCuts(cut, stream, random);
            assertEquals(expected, frames, "random cuts, round " + round);
            assertEquals(0, onLoop(cut::bufferedBytes));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void whatTheScannerNotedAboutAFrameStillDescribesItWhenTheHandlerGetsIt() throws Exception {
        // The scanner notes where the body starts; the handler reads the body from that note alone.
        int[] bodyAt = new int[1];
        FrameScanner noting = (bytes, scanned) -> {
            long length = DECIMAL_LENGTH.frameLength(bytes, scanned);
            if (length != FrameScanner.NEED_MORE) {
                bodyAt[0] = (int) (length - Integer.parseInt(header(bytes)));
            }
            return length;
        };
        List<String> bodies = new ArrayList<>();
        Framer.FrameHandler fromTheNote = (c, frame) -> bodies.add(StandardCharsets.ISO_8859_1
                .decode(frame.duplicate().position(frame.position() + bodyAt[0])).toString());
        String[] sent = {"a", "", "hello, world", "x".repeat(300), "12:not a header", "z"};
        byte[] stream = decimalFrames(sent);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int round = 0; round < 100; round++) {
            bodies.clear();
            Framer cut = Framer.of(noting, 1024, fromTheNote);
            if (round == 0) {
                feed(cut, stream);
            } else {
                feedInRandomCuts(cut, stream, random);
            }
            assertEquals(List.of(sent), bodies, round == 0 ? "fed whole" : "random cuts, round " + round);
        }
    }

    /** Feeds {@code stream} in reads of 1 to 40 bytes, cut where {@code random} says. */
    private void feedInRandomCuts(Framer framer, byte[] stream, java.util.SplittableRandom random) throws Exception {
        int from = 0;
        while (from < stream.length) {
            int to = Math.min(stream.length, from + 1 + random.nextInt(40));
            feed(framer, slice(stream, from, to));
            from = to;
        }
    }

    /** The decimal header of the frame at {@code bytes.position()}, without its ':'. */
    private static String header(ByteBuffer bytes) {
        StringBuilder digits = new StringBuilder();
        for (int i = bytes.position(); bytes.get(i) != ':'; i++) {
            digits.append((char) bytes.get(i));
        }
        return digits.toString();
    }

    @Test
    void aScannerThatGoesOnFromWhatItScannedIsNotAskedAgainOnceItToldTheLength() throws Exception {
        // Netstrings, searching for ':' from where the last call stopped, as FrameScanner invites.
        FrameScanner resuming = (bytes, scanned) -> {
            for (int i = bytes.position() + scanned; i < bytes.limit(); i++) {
                if (bytes.get(i) == ':') {
                    long length = 0;
                    for (int d = bytes.position(); d < i; d++) {
                        byte b = bytes.get(d);
                        if (b < '0' || b > '9') {
                            throw new FramingException("not a length");
                        }
                        length = length * 10 + (b - '0');
                    }
                    return i - bytes.position() + 1 + length + 1;
                }
            }
            return FrameScanner.NEED_MORE;
        };
        Framer framer = Framer.of(resuming, 1024, recorder);
        feed(framer, ascii("5:hel"), ascii("lo"), ascii(","), ascii("1"), ascii("0:abcde"), ascii("fghij,3:x"), ascii("yz,"));
        assertEquals(List.of("5:hello,", "10:abcdefghij,", "3:xyz,"), frames);
        assertEquals(List.of(), errors);
    }

    @Test
    void aFrameItsScannerAnnouncesAboveTheMaximumIsRefusedBeforeItsBytesAreRead() throws Exception {
        Framer framer = Framer.of(DECIMAL_LENGTH, 1024, recorder);
        feed(framer, decimalFrames("ok"), ascii("5000000:abc")); // 5 MB announced, 3 bytes of it sent
        assertEquals(List.of("2:ok"), frames);
        assertEquals(1, errors.size());
        assertEquals("frame of 5000008 bytes, above the maximum of 1024", errors.get(0).getMessage());
        assertEquals(0, onLoop(framer::bufferedBytes), "nothing of the refused frame kept");
        await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
    }

    @Test
    void aScannerThatFindsNoEndWithinTheMaximumEndsTheFramingOnce() throws Exception {
        FrameScanner neverEnds = (bytes, scanned) -> FrameScanner.NEED_MORE;
        Framer framer = Framer.of(neverEnds, 100, recorder);
        feed(framer, ascii("x".repeat(60)));
        assertEquals(List.of(), errors, "60 of at most 100 bytes: it may still end");
        feed(framer, ascii("x".repeat(60)), ascii("more, dropped"));
        assertEquals(1, errors.size());
        assertEquals("no frame end in 100 bytes (maximum 100)", errors.get(0).getMessage());
    }

    @Test
    void aScannerThatThrowsEndsTheFramingWithItsErrorAfterTheFramesBefore() throws Exception {
        Framer malformed = Framer.of(DECIMAL_LENGTH, 1024, recorder);
        feed(malformed, decimalFrames("fine"), ascii("12x:"), decimalFrames("never seen"));
        assertEquals(List.of("4:fine"), frames);
        assertEquals(1, errors.size());
        assertEquals("not a length: byte 120 at 2", errors.get(0).getMessage());
    }

    @Test
    void aScannerFramerPausedMidBufferKeepsTheRestAndResumesInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        Framer[] framer = new Framer[1];
        framer[0] = Framer.of(DECIMAL_LENGTH, 1024, (c, frame) -> {
            seen.add(StandardCharsets.ISO_8859_1.decode(frame).toString());
            if (seen.size() == 2) {
                c.setAutoRead(false); // the second frame waits for something
            }
        });
        byte[] stream = decimalFrames("one", "two", "three", "four");
        feed(framer[0], slice(stream, 0, 12), slice(stream, 12, stream.length)); // "5:three" cut in two
        assertEquals(List.of("3:one", "3:two"), seen);
        assertEquals(stream.length - 10, onLoop(framer[0]::bufferedBytes), "the rest kept while paused");
        onLoop(() -> {
            framer[0].resume(connection);
            return null;
        });
        assertEquals(List.of("3:one", "3:two", "5:three", "4:four"), seen);
        assertEquals(0, onLoop(framer[0]::bufferedBytes));
    }

    @Test
    void crlfLinesAreBinarySafeAndLfLinesKeepTheirCarriageReturn() throws Exception {
        byte[] stream = ascii("SET k v\r\nbinary\nvalue\rhere\r\n\r\n");
        for (int i = 0; i <= stream.length; i++) {
            frames.clear();
            Framer crlf = Framer.lines(64, LineEnding.CRLF, recorder);
            feed(crlf, slice(stream, 0, i), slice(stream, i, stream.length));
            assertEquals(List.of("SET k v", "binary\nvalue\rhere", ""), frames, "CRLF, cut at " + i);
        }
        frames.clear();
        feed(Framer.lines(64, LineEnding.LF, recorder), stream);
        assertEquals(List.of("SET k v\r", "binary", "value\rhere\r", "\r"), frames);
        frames.clear();
        feed(Framer.lines(64, recorder), stream);
        assertEquals(List.of("SET k v", "binary", "value\rhere", ""), frames, "the default strips a CR before LF");
        assertEquals(List.of(), errors);
    }

    private void feed(Framer framer, byte[]... reads) throws Exception {
        onLoop(() -> {
            for (byte[] read : reads) {
                // A direct buffer, as the loop's read buffer is, with room around the bytes.
                ByteBuffer buffer = ByteBuffer.allocateDirect(read.length + 8);
                buffer.position(3);
                buffer.put(read).flip().position(3);
                framer.feed(connection, buffer);
                assertFalse(buffer.hasRemaining());
            }
            return null;
        });
    }

    private <T> T onLoop(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get();
    }

    private static byte[] prefixed(int fieldBytes, String body) {
        byte[] payload = ascii(body);
        byte[] frame = new byte[fieldBytes + payload.length];
        long length = payload.length;
        for (int i = fieldBytes - 1; i >= 0; i--) {
            frame[i] = (byte) length;
            length >>>= 8;
        }
        System.arraycopy(payload, 0, frame, fieldBytes, payload.length);
        return frame;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
