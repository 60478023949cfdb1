package io.nioreactor.daemon;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * Logback's own {@link JsonEncoder}, one JSON object per line, with the time as ISO-8601 text in UTC
 * to the millisecond ({@code "timestamp":"2026-12-06T08:15:30.123Z"}), which log shippers parse
 * without a hint, instead of epoch milliseconds; the figures of a stats line (SLF4J 2 key-value
 * pairs) as members of their own at the top of the object, numbers as JSON numbers
 * ({@code "open":3,"accepted":120,...}), so a shipper indexes them with no parsing and no nesting;
 * and without what it has no use for (the sequence number, the nanoseconds, the logger context, the
 * message's pattern and its arguments): the message once, as written ({@code formattedMessage}).
 * A pair whose key is one of the encoder's own members is written under {@code kvp.KEY}; a key
 * given twice keeps its first value; a number that is not finite is {@code null}, so that a field
 * keeps one type.
 */
public final class IsoTimestampJsonEncoder extends JsonEncoder {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
    /** The members the encoder writes itself: a pair may not shadow them. */
    private static final Set<String> OWN_MEMBERS = Set.of("timestamp", "level", "threadName", "loggerName",
            "formattedMessage", "throwable", "markers", "mdc", "context", "sequenceNumber", "nanoseconds");

    /** The encoder, configured as described above; {@code start()} it before use. */
    public IsoTimestampJsonEncoder() {
        setWithTimestamp(false); // written as text below, first
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
        setWithMessage(false);
        setWithArguments(false);
        setWithKVPList(false); // written below, as members of their own
        setWithFormattedMessage(true);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] json = super.encode(event);
        StringBuilder front = new StringBuilder(256);
        front.append("\"timestamp\":\"").append(ISO_MILLIS.format(event.getInstant())).append("\",");
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            Set<String> written = new HashSet<>();
            for (KeyValuePair pair : pairs) {
                String key = String.valueOf(pair.key);
                String name = OWN_MEMBERS.contains(key) || key.startsWith("kvp.") ? "kvp." + key : key;
                if (written.add(name)) { // a key given twice: the first value, as duplicate names break shippers
                    appendString(front, name).append(':');
                    appendValue(front, pair.value).append(',');
                }
            }
        }
        byte[] members = front.toString().getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[json.length + members.length];
        line[0] = json[0]; // the object's opening brace
        System.arraycopy(members, 0, line, 1, members.length);
        System.arraycopy(json, 1, line, 1 + members.length, json.length - 1);
        return line;
    }

    /** A number as a JSON number (not finite: {@code null}), a boolean as one, anything else as a string. */
    private static StringBuilder appendValue(StringBuilder out, Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? out.append(value) : out.append("null");
        }
        if (value instanceof Number) { // Long, Integer, BigDecimal, AtomicLong...: their text is a JSON number
            String text = value.toString();
            return JSON_NUMBER.matcher(text).matches() ? out.append(text) : appendString(out, text);
        }
        if (value instanceof Boolean) {
            return out.append(value);
        }
        return value == null ? out.append("null") : appendString(out, String.valueOf(value.toString()));
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    private static StringBuilder appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.append('"');
    }
}
