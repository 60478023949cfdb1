package io.nioreactor.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What {@code --log-format} accepts. {@code text} keeps whatever the Logback configuration says
 * (the daemon's own, or the one {@code -Dlogback.configurationFile} names); {@code json} puts
 * Logback's own {@link JsonEncoder} on every appender of the root logger that writes a stream
 * (the console, files), one JSON object per line with the formatted message, for log shippers.
 */
public enum LogFormat {
    TEXT, JSON;

    /** Applies the format to the root logger's stream appenders; {@code text} changes nothing. */
    public void apply() {
        if (this == TEXT) {
            return;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next());
        }
        for (Appender<ILoggingEvent> appender : appenders) {
            if (appender instanceof OutputStreamAppender) {
                OutputStreamAppender<ILoggingEvent> stream = (OutputStreamAppender<ILoggingEvent>) appender;
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
                encoder.setWithFormattedMessage(true); // the message as read, arguments filled in
                encoder.start();
                stream.stop();
                stream.setEncoder(encoder);
                stream.start();
            }
        }
    }
}
