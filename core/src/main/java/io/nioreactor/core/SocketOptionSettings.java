package io.nioreactor.core;

import java.net.SocketOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The explicit socket options of a builder: each option once, the last value set wins. */
final class SocketOptionSettings {

    private SocketOptionSettings() {
    }

    /** Checks the pair and puts it into {@code into}. */
    static <T> void put(Map<SocketOption<?>, Object> into, String what, SocketOption<T> option, T value) {
        if (option == null) {
            throw new NullPointerException(what + ": option");
        }
        if (value == null) {
            throw new NullPointerException(what + ": the value of " + option.name());
        }
        if (!option.type().isInstance(value)) {
            throw new IllegalArgumentException(what + ": " + option.name() + " takes a " + option.type().getSimpleName()
                    + ", not " + value.getClass().getSimpleName() + " " + value);
        }
        into.remove(option); // set again: it moves last, applied in the order they were set
        into.put(option, value);
    }

    static Map<SocketOption<?>, Object> freeze(Map<SocketOption<?>, Object> options) {
        return options.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
