package io.nioreactor.daemon;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One stats line, said twice: as a sentence a person reads ({@code open 3 | accepted 120 (12/s) |
 * ...}), the log message, and as the same figures in key-value pairs (SLF4J 2), which a JSON log
 * encoder writes as fields of their own ({@code "open":3,"accepted":120,...} with
 * {@link IsoTimestampJsonEncoder}), so a log shipper reads the numbers without parsing the sentence.
 */
public final class StatsLine {

    private final StringBuilder text = new StringBuilder();
    private final List<Map.Entry<String, Object>> fields = new ArrayList<>();

    /**
     * Adds a part of the sentence and the figures it shows.
     *
     * @param part          the readable part, such as {@code accepted 120 (12/s)}
     * @param keysAndValues the figures it shows, as key, value, key, value...
     * @return this line
     */
    public StatsLine add(String part, Object... keysAndValues) {
        if (text.length() > 0) {
            text.append(" | ");
        }
        text.append(part);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            fields.add(new SimpleImmutableEntry<>((String) keysAndValues[i], keysAndValues[i + 1]));
        }
        return this;
    }

    /** @return the sentence */
    public String text() {
        return text.toString();
    }

    /** @return the figures, in order */
    public List<Map.Entry<String, Object>> fields() {
        return List.copyOf(fields);
    }

    /**
     * Logs it at INFO: the sentence as the message, the figures as key-value pairs.
     *
     * @param log where
     */
    public void logTo(Logger log) {
        LoggingEventBuilder event = log.atInfo();
        for (Map.Entry<String, Object> field : fields) {
            event = event.addKeyValue(field.getKey(), field.getValue());
        }
        event.log(text());
    }
}
