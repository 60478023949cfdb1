package io.nioreactor.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureBackoffTest {

    @Test
    void repeatedFailuresMakeTheNextSelectWaitLongerUpTo100MillisAndASuccessResetsIt() {
        FailureBackoff backoff = new FailureBackoff();
        List<Long> waits = new ArrayList<>();
        waits.add(backoff.pauseMillis());
        for (int i = 0; i < 12; i++) {
            backoff.failed(new java.io.IOException("for the test"), LoggerFactory.getLogger(getClass()), "test");
            waits.add(backoff.pauseMillis());
        }

        // One failure is retried at once; then 1, 2, 4 ... ms, never more than 100.
        assertEquals(List.of(0L, 0L, 1L, 2L, 4L, 8L, 16L, 32L, 64L, 100L, 100L, 100L, 100L), waits);
        backoff.succeeded();
        assertEquals(0, backoff.pauseMillis());
    }
}
