package io.nioreactor.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    private final SizeConverter sizes = new SizeConverter();
    private final DurationConverter durations = new DurationConverter();

    @Test
    void sizesTakeBytesAndBinarySuffixes() {
        assertEquals(65_536, sizes.convert("65536"));
        assertEquals(65_536, sizes.convert("64KiB"));
        assertEquals(65_536, sizes.convert("64k"));
        assertEquals(1 << 20, sizes.convert("1MiB"));
        assertEquals(1 << 20, sizes.convert("1 MB"));
        assertEquals(12, sizes.convert("12B"));
    }

    @Test
    void badSizesSayWhatIsExpected() {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> sizes.convert("12X"));
        assertEquals("'12X' is not a size (bytes, or with a KiB, MiB or GiB suffix)", e.getMessage());
        TypeConversionException tooBig = assertThrows(TypeConversionException.class, () -> sizes.convert("4096MiB"));
        assertEquals("'4096MiB' is out of range (0 to 2 GiB)", tooBig.getMessage());
    }

    @Test
    void largeSizesGoBeyondTwoGibibytes() {
        LargeSizeConverter large = new LargeSizeConverter();
        assertEquals(4L << 30, large.convert("4GiB"));
        assertEquals(4L << 30, large.convert("4g"));
        assertEquals(64L << 20, large.convert("64MiB"));
        assertEquals(65_536L, large.convert("65536"));
        assertThrows(TypeConversionException.class, () -> large.convert("-1"));
    }

    @Test
    void durationsTakeMillisecondsSecondsMinutesHoursOrZero() {
        assertEquals(Duration.ofMillis(500), durations.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), durations.convert("30s"));
        assertEquals(Duration.ofMinutes(5), durations.convert("5m"));
        assertEquals(Duration.ofHours(1), durations.convert("1h"));
        assertEquals(Duration.ZERO, durations.convert("0"));
    }

    @Test
    void badDurationsSayWhatIsExpected() {
        for (String bad : new String[] {"5", "5x", "", "ms", "-"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> durations.convert(bad));
            assertEquals("'" + bad + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, or 0)", e.getMessage());
        }
    }

    @Test
    void hostAndPortTakeNamesAddressesBracketedIpv6OrAPortAlone() {
        HostPortConverter hostPort = new HostPortConverter();
        assertEquals(new InetSocketAddress("127.0.0.1", 9100), hostPort.convert("127.0.0.1:9100"));
        assertEquals(new InetSocketAddress("::1", 9100), hostPort.convert("[::1]:9100"));
        assertEquals(new InetSocketAddress("localhost", 0), hostPort.convert("localhost:0"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9100), hostPort.convert("9100"), "a port alone: loopback");
    }

    @Test
    void badHostAndPortSayWhatIsExpected() {
        HostPortConverter hostPort = new HostPortConverter();
        for (String bad : new String[] {"127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536", ":9100", "127.0.0.1:-1"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> hostPort.convert(bad));
            assertEquals("'" + bad + "' is not HOST:PORT (e.g. 127.0.0.1:9100)", e.getMessage());
        }
        TypeConversionException unknown = assertThrows(TypeConversionException.class,
                () -> hostPort.convert("no-such-host.invalid:9100"));
        assertEquals("cannot resolve 'no-such-host.invalid'", unknown.getMessage());
    }
}
