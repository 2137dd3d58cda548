package org.crosstenant.policy.messaging;

import org.crosstenant.platform.messaging.IsolatingApplier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link IsolatingApplier} treats failures: a permanent one dead-letters only the failing record, a transient one
 * is never dead-lettered (an outage must not drop valid events), and a batch exhausting its retries is split so that
 * one record cannot hold the others back.
 */
class IsolatingApplierTest {

    private static final IsolatingApplier.Retries FAST = new IsolatingApplier.Retries(3, Duration.ofMillis(1),
            Duration.ofMillis(2));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConsumerMetrics metrics = new ConsumerMetrics(registry);
    private final List<String> applied = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();

    @Test
    void aPermanentFailureDeadLettersOnlyTheRecordThatCausesIt() {
        run(List.of("a", "bad", "c"), items -> items.contains("bad") ? fail(pg("23514")) : ok(items));
        assertEquals(List.of("a", "c"), applied);
        assertEquals(List.of("bad"), rejected);
    }

    @Test
    void anOutageIsRetriedUntilItHealsAndNothingIsDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        // the database is down for 10 attempts, more than three rounds of the ceiling of 3
        run(List.of("a", "b"), items -> calls.incrementAndGet() <= 10 ? fail(pg("08006")) : ok(items));
        assertEquals(List.of("a", "b"), applied);
        assertEquals(List.of(), rejected, "a transient failure is not the record's fault");
        assertTrue(registry.get("crosstenant.consumer.stuck").counter().count() >= 1, "the stuck record is counted");
    }

    @Test
    void aBatchExhaustingItsRetriesIsSplitSoTheOthersApply() {
        AtomicInteger stuckCalls = new AtomicInteger();
        // "slow" fails transiently 7 times (beyond the ceiling), the others apply as soon as they are tried alone
        run(List.of("a", "slow", "c"), items -> items.contains("slow") && stuckCalls.incrementAndGet() <= 7
                ? fail(pg("40001")) : ok(items));
        assertEquals(List.of("a", "slow", "c"), applied, "in offset order, none lost");
        assertEquals(List.of(), rejected);
    }

    private void run(List<String> items, java.util.function.Function<List<String>, Uni<?>> work) {
        IsolatingApplier.apply("test", items, work, FAST, metrics, (item, cause, reason) -> rejected.add(item))
                .await().atMost(Duration.ofSeconds(30));
    }

    private Uni<?> ok(List<String> items) {
        applied.addAll(items);
        return Uni.createFrom().voidItem();
    }

    private static Uni<?> fail(Throwable failure) {
        return Uni.createFrom().failure(failure);
    }

    private static PgException pg(String sqlState) {
        return new PgException("failure " + sqlState, "ERROR", sqlState, "detail");
    }
}
