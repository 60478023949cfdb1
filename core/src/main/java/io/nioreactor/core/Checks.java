package io.nioreactor.core;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the option and the value. */
final class Checks {

    private Checks() {
    }

    static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    static int between(String option, int value, int min, int max) {
        atLeast(option, value, min);
        if (value > max) {
            throw new IllegalArgumentException(option + " must be at most " + max + ", was " + value);
        }
        return value;
    }

    static Duration notNegative(String option, Duration value) {
        Objects.requireNonNull(value, option);
        if (value.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, was " + value);
        }
        return value;
    }

    static Duration positive(String option, Duration value) {
        Objects.requireNonNull(value, option);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be more than zero, was " + value);
        }
        return value;
    }
}
