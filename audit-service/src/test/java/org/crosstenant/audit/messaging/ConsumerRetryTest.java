package org.crosstenant.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;

import org.junit.jupiter.api.Test;

/**
 * The retry policy of the consumer: database trouble is waited out however long it lasts. (Poison never reaches the
 * append: it is sorted out record by record before, see PoisonInBatchTest.)
 */
class ConsumerRetryTest {

    private static final Duration TINY = Duration.ofMillis(1);

    @Test
    void aTransientFailureIsRetriedFarBeyondTheOldLimitOfFive() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> append = Uni.createFrom().deferred(() -> attempts.incrementAndGet() <= 20
                ? Uni.createFrom().failure(new IllegalStateException("connection refused"))
                : Uni.createFrom().item("appended"));

        String result = AuditEventConsumer.untilDone(append, TINY, Duration.ofMillis(5), "under test")
                .await().atMost(Duration.ofSeconds(30));

        assertThat(result).isEqualTo("appended");
        assertThat(attempts).hasValue(21);
    }

    @Test
    void aFailureThatLooksLikePoisonIsRetriedTooBecauseOnlyTheDatabaseCanFailHere() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> append = Uni.createFrom().deferred(() -> attempts.incrementAndGet() <= 3
                ? Uni.createFrom().failure(new PoisonEventException("no poison reaches the append"))
                : Uni.createFrom().item("appended"));

        assertThat(AuditEventConsumer.untilDone(append, TINY, TINY, "under test").await().atMost(Duration.ofSeconds(10)))
                .isEqualTo("appended");
        assertThat(attempts).hasValue(4);
    }
}
