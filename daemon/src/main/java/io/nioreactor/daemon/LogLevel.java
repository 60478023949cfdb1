package io.nioreactor.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The levels {@code --log-level} accepts; applied to the root logger of the daemon's Logback. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** Sets the root logger to this level. */
    public void apply() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(name()));
    }
}
