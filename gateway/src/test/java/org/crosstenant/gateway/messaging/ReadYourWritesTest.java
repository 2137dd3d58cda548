package org.crosstenant.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The read-your-writes waiter on its own (a Vert.x instance, no Kafka): events passed before the answer, passed
 * later, never (the bound), many waiters at once from several threads, and the memory's count and time bounds.
 */
class ReadYourWritesTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofMillis(50);

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong clock = new AtomicLong();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ReadYourWrites waits(Duration timeout, int maxRemembered) {
        return new ReadYourWrites(vertx, timeout, maxRemembered, Duration.ofSeconds(60), registry, clock::get);
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private long waitsCounted(String outcome) {
        return registry.get("crosstenant.gateway.view.wait").tag("outcome", outcome).timer().count();
    }

    @Test
    void eventsPassedBeforeTheAnswerAreEnforcedAtOnce() throws Exception {
        ReadYourWrites waits = waits(LONG, 100);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        waits.passed(a.toString());
        waits.passed(b.toString().toUpperCase()); // a UUID's text is case-insensitive
        // an hour's bound: an answer completed is one that did not wait for its timer
        assertTrue(result(waits.await(List.of(a, b))));
        assertEquals(0, waits.waiting());
        assertEquals(1, waitsCounted("enforced"));
    }

    @Test
    void anAnswerWaitsForItsLastEventAndCompletesOnItsOwnContext() throws Exception {
        ReadYourWrites waits = waits(LONG, 100);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Context context = vertx.getOrCreateContext();
        AtomicReference<Context> completedOn = new AtomicReference<>();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        CompletableFuture<Void> registered = new CompletableFuture<>();
        context.runOnContext(v -> {
            waits.await(List.of(a, b)).onComplete(r -> {
                completedOn.set(Vertx.currentContext());
                answer.complete(r.result());
            });
            registered.complete(null);
        });
        registered.get(10, TimeUnit.SECONDS);
        assertEquals(1, waits.waiting());
        waits.passed(a.toString());
        assertEquals(1, waits.waiting(), "b has not passed yet");
        waits.passed(UUID.randomUUID().toString()); // another event changes nothing
        waits.passed("not-a-uuid");
        waits.passed(null);
        assertEquals(1, waits.waiting());
        assertFalse(answer.isDone());
        waits.passed(b.toString()); // from this (consumer) thread
        assertTrue(answer.get(10, TimeUnit.SECONDS));
        assertSame(context, completedOn.get(), "completed on the caller's context, not the consumer's thread");
        assertEquals(0, waits.waiting());
    }

    @Test
    void anEventThatNeverPassesAnswersFalseAtTheBound() throws Exception {
        ReadYourWrites waits = waits(SHORT, 100);
        UUID a = UUID.randomUUID();
        assertFalse(result(waits.await(List.of(a))));
        assertEquals(0, waits.waiting(), "the waiter is gone with its timer");
        assertEquals(1, waitsCounted("timeout"));
        waits.passed(a.toString()); // late: harmless, and remembered for the next answer
        assertTrue(result(waits.await(List.of(a))));
        assertEquals(1, waitsCounted("enforced"));
    }

    @Test
    void aZeroTimeoutNeverWaits() throws Exception {
        ReadYourWrites waits = waits(Duration.ZERO, 100);
        UUID a = UUID.randomUUID();
        assertFalse(result(waits.await(List.of(a))));
        waits.passed(a.toString());
        assertTrue(result(waits.await(List.of(a))));
    }

    /**
     * 2 000 answers each wait for an event of their own and one they share; two threads pass them concurrently
     * (as the two view channels do) while 500 more answers wait for an event that never comes.
     */
    @Test
    void manyWaitersCompleteEachExactlyWhenTheirLastEventPasses() throws Exception {
        ReadYourWrites waits = waits(Duration.ofSeconds(30), 10_000);
        ReadYourWrites bounded = waits(SHORT, 10);
        UUID shared = UUID.randomUUID();
        List<UUID> own = new ArrayList<>();
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            own.add(UUID.randomUUID());
            answers.add(waits.await(List.of(shared, own.get(i))));
        }
        List<Future<Boolean>> never = new ArrayList<>();
        UUID missing = UUID.randomUUID();
        for (int i = 0; i < 500; i++) {
            never.add(bounded.await(List.of(missing)));
        }
        assertEquals(2000, waits.waiting());
        List<UUID> shuffled = new ArrayList<>(own);
        Collections.shuffle(shuffled);
        Thread first = new Thread(() -> shuffled.forEach(id -> waits.passed(id.toString())));
        Thread second = new Thread(() -> waits.passed(shared.toString()));
        first.start();
        second.start();
        first.join();
        second.join();
        for (Future<Boolean> answer : answers) {
            assertTrue(result(answer));
        }
        assertEquals(0, waits.waiting());
        for (Future<Boolean> answer : never) {
            assertFalse(result(answer));
        }
        assertEquals(0, bounded.waiting());
    }

    @Test
    void theMemoryKeepsOnlyTheNewestIds() throws Exception {
        ReadYourWrites waits = waits(SHORT, 100);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(UUID.randomUUID());
            waits.passed(ids.get(i).toString());
        }
        assertEquals(100, waits.remembered());
        assertFalse(result(waits.await(List.of(ids.get(0)))), "forgotten: the answer waits in vain, never wrongly true");
        assertTrue(result(waits.await(List.of(ids.get(999), ids.get(900)))));
    }

    @Test
    void theMemoryForgetsIdsOlderThanRememberFor() throws Exception {
        ReadYourWrites waits = waits(SHORT, 100);
        UUID old = UUID.randomUUID();
        waits.passed(old.toString());
        clock.addAndGet(Duration.ofSeconds(59).toNanos());
        UUID recent = UUID.randomUUID();
        waits.passed(recent.toString());
        assertEquals(2, waits.remembered());
        clock.addAndGet(Duration.ofSeconds(2).toNanos()); // old: 61 s, recent: 2 s
        assertEquals(1, waits.remembered());
        assertFalse(result(waits.await(List.of(old))));
        assertTrue(result(waits.await(List.of(recent))));
    }

    @Test
    void theHeaderIsAnHttpListOfUuidsOrAStar() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertEquals(Set.of(a, b), ReadYourWrites.parse(List.of(a + ", " + b.toString().toUpperCase())).ids());
        assertEquals(Set.of(a, b), ReadYourWrites.parse(List.of(a + " ,\t,", "", " " + b + ",  " + a)).ids(),
                "several lines are one list; empty elements and duplicates are nothing");
        ReadYourWrites.Listed all = ReadYourWrites.parse(List.of(" * "));
        assertTrue(all.all());
        assertNull(all.malformed());
        StringBuilder max = new StringBuilder();
        for (int i = 0; i < ReadYourWrites.MAX_LISTED; i++) {
            max.append(i == 0 ? "" : ",").append(UUID.randomUUID());
        }
        assertEquals(ReadYourWrites.MAX_LISTED, ReadYourWrites.parse(List.of(max.toString())).ids().size());
        for (List<String> malformed : List.of(List.of(""), List.of(" , ,"), List.of("not-a-uuid"),
                List.of(a + ",1-1-1-1-1"), List.of("{" + a + "}"), List.of(a.toString().replace("-", "")),
                List.of("*, " + a), List.of("*", "*"), List.of(max + "," + UUID.randomUUID()),
                List.of(a + "\u00a0"), List.of("\u2003" + a))) {
            assertNotNull(ReadYourWrites.parse(malformed).malformed(), malformed.toString());
        }
    }

    @Test
    void onlyA2xxAnswerListingEventsGetsAnEnforcedHeader() throws Exception {
        ReadYourWrites waits = waits(SHORT, 100);
        UUID a = UUID.randomUUID();
        waits.passed(a.toString());
        assertNull(waits.enforcement(200, List.of()));
        assertNull(waits.enforcement(404, List.of(a.toString())));
        assertNull(waits.enforcement(302, List.of(a.toString())));
        assertEquals("true", result(waits.enforcement(204, List.of(a.toString()))));
        assertEquals("false", result(waits.enforcement(200, List.of(UUID.randomUUID().toString()))));
        assertEquals("false", result(waits.enforcement(200, List.of("*"))));
        assertEquals("false", result(waits.enforcement(200, List.of("garbage"))));
        assertEquals("false", result(waits.enforcement(201, List.of(""))));
        assertEquals(1.0, registry.get("crosstenant.gateway.view.wait.skipped").tag("reason", "all").counter().count());
        assertEquals(2.0,
                registry.get("crosstenant.gateway.view.wait.skipped").tag("reason", "malformed").counter().count());
        assertEquals(1, waitsCounted("timeout"));
    }

    @Test
    void boundsThatCannotWorkStopTheStart() {
        assertThrows(IllegalArgumentException.class, () -> waits(Duration.ofSeconds(-1), 10));
        assertThrows(IllegalArgumentException.class, () -> waits(SHORT, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ReadYourWrites(vertx, SHORT, 10, Duration.ZERO, registry, clock::get));
    }
}
