package io.nioreactor.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * What {@code --log-format} accepts. {@code text} keeps whatever the Logback configuration says
 * (the daemon's own, or the one {@code -Dlogback.configurationFile} names); {@code json} puts
 * Logback's own {@link JsonEncoder} on every appender of the configuration that writes a stream
 * (the console, files, rolling files; inside an {@code AsyncAppender} too), one JSON object per
 * line, for log shippers: see {@link IsoTimestampJsonEncoder} for what each holds.
 */
public enum LogFormat {
    TEXT, JSON;

    /**
     * Applies the format; {@code text} changes nothing.
     *
     * @return how many appenders now write JSON (0 for {@code text})
     */
    public int apply() {
        if (this == TEXT) {
            return 0;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Set<Appender<ILoggingEvent>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int converted = 0;
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                converted += toJson(it.next(), context, seen);
            }
        }
        if (converted == 0) {
            System.err.println("--log-format json: the Logback configuration has no console or file appender to apply it to");
        }
        return converted;
    }

    private static int toJson(Appender<ILoggingEvent> appender, LoggerContext context, Set<Appender<ILoggingEvent>> seen) {
        if (!seen.add(appender)) {
            return 0;
        }
        if (appender instanceof OutputStreamAppender) {
            JsonEncoder encoder = new IsoTimestampJsonEncoder();
            encoder.setContext(context);
            encoder.start();
            // Swapped in place: stopping a rolling file appender would stop its policies for good.
            ((OutputStreamAppender<ILoggingEvent>) appender).setEncoder(encoder);
            return 1;
        }
        int converted = 0;
        if (appender instanceof AppenderAttachable) { // an AsyncAppender and the like
            @SuppressWarnings("unchecked")
            AppenderAttachable<ILoggingEvent> wrapper = (AppenderAttachable<ILoggingEvent>) appender;
            for (Iterator<Appender<ILoggingEvent>> it = wrapper.iteratorForAppenders(); it.hasNext(); ) {
                converted += toJson(it.next(), context, seen);
            }
        }
        return converted;
    }
}
