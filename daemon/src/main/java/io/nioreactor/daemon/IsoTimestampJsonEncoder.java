package io.nioreactor.daemon;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback's own {@link JsonEncoder}, one JSON object per line, with the time as ISO-8601 text in UTC
 * to the millisecond ({@code "timestamp":"2026-12-06T08:15:30.123Z"}), which log shippers parse
 * without a hint, instead of epoch milliseconds; and without what they have no use for (the
 * sequence number, the nanoseconds, the logger context, the message's pattern and its arguments):
 * the message once, as written ({@code formattedMessage}), and the figures of a stats line as
 * key-value pairs ({@code kvpList}).
 */
public final class IsoTimestampJsonEncoder extends JsonEncoder {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    /** The encoder, configured as described above; {@code start()} it before use. */
    public IsoTimestampJsonEncoder() {
        setWithTimestamp(false); // written as text below, first
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
        setWithMessage(false);
        setWithArguments(false);
        setWithFormattedMessage(true);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] json = super.encode(event);
        byte[] timestamp = ("\"timestamp\":\"" + ISO_MILLIS.format(event.getInstant()) + "\",")
                .getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[json.length + timestamp.length];
        line[0] = json[0]; // the object's opening brace
        System.arraycopy(timestamp, 0, line, 1, timestamp.length);
        System.arraycopy(json, 1, line, 1 + timestamp.length, json.length - 1);
        return line;
    }
}
