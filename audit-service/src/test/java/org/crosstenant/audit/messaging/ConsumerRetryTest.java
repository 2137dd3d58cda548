package org.crosstenant.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Uni;

import org.junit.jupiter.api.Test;

/** The retry policy of the consumer: database trouble is waited out however long it lasts; only poison gives up. */
class ConsumerRetryTest {

    private static final Duration TINY = Duration.ofMillis(1);

    @Test
    void aTransientFailureIsRetriedFarBeyondTheOldLimitOfFive() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> append = Uni.createFrom().deferred(() -> attempts.incrementAndGet() <= 20
                ? Uni.createFrom().failure(new IllegalStateException("connection refused"))
                : Uni.createFrom().item("appended"));

        String result = AuditEventConsumer.untilAppended(append, TINY, Duration.ofMillis(5), "under test")
                .await().atMost(Duration.ofSeconds(30));

        assertThat(result).isEqualTo("appended");
        assertThat(attempts).hasValue(21);
    }

    @Test
    void poisonIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> append = Uni.createFrom().deferred(() -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new PoisonEventException("unknown event type"));
        });

        assertThatThrownBy(() -> AuditEventConsumer.untilAppended(append, TINY, TINY, "under test")
                .await().atMost(Duration.ofSeconds(10))).isInstanceOf(PoisonEventException.class);
        assertThat(attempts).hasValue(1);
    }
}
