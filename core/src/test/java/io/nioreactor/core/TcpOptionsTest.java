package io.nioreactor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TcpOptions options = TcpOptions.defaults();

        assertEquals(64 * 1024, options.highWaterMark());
        assertEquals(32 * 1024, options.lowWaterMark());
        assertEquals(Duration.ofSeconds(10), options.connectTimeout());
        assertEquals(Duration.ZERO, options.idleTimeout());
        assertEquals(true, options.reuseAddress());
        assertEquals(true, options.tcpNoDelay());
        assertEquals(Integer.MAX_VALUE, options.maxConnections());
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertMessage("backlog must be at least 1, was 0", () -> TcpOptions.builder().backlog(0));
        assertMessage("receiveBufferSize must be at least 0, was -1",
                () -> TcpOptions.builder().receiveBufferSize(-1));
        assertMessage("maxConnections must be at least 1, was -5", () -> TcpOptions.builder().maxConnections(-5));
        assertMessage("idleTimeout must not be negative, was PT-1S",
                () -> TcpOptions.builder().idleTimeout(Duration.ofSeconds(-1)));
        assertMessage("connectTimeout must be more than zero, was PT0S",
                () -> TcpOptions.builder().connectTimeout(Duration.ZERO));
    }

    @Test
    void invertedWaterMarksAreRefusedWhenBuilt() {
        assertMessage("lowWaterMark (2048) must not be above highWaterMark (1024)",
                () -> TcpOptions.builder().highWaterMark(1024).lowWaterMark(2048).build());
    }

    @Test
    void toBuilderCopiesEveryValue() {
        TcpOptions options = TcpOptions.builder().backlog(7).idleTimeout(Duration.ofSeconds(3))
                .highWaterMark(100).lowWaterMark(50).maxConnections(9).keepAlive(true).build();

        assertEquals(options.toString(), options.toBuilder().build().toString());
    }

    private static void assertMessage(String expected, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertEquals(expected, e.getMessage());
    }
}
