package dev.ergon.executor.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The fake cluster's clock: real time plus an offset tests can advance, so deadlines
 * (activeDeadlineSeconds), TTLs and the image-pull grace pass without waiting. Shared by the fake
 * kubelet and the backends under test. Thread-safe.
 */
final class FakeClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /** Moves time forward by {@code d} for everyone using this clock. */
    void advance(Duration d) {
        synchronized (this) {
            offset = offset.plus(d);
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }
}
