package org.crosstenant.gateway.messaging;

import org.crosstenant.platform.rest.ViewEventsHeader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.ReadYourWritesConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Read-your-writes for {@code /api} callers (docs/api.md, "Read-your-writes"; the header contract of issue #8): a
 * service's 2xx answer to a state-changing call lists, in {@code Crosstenant-View-Events}, the CloudEvents ids of
 * the events the change produced on {@code policy.events} / {@code invitations.events}; the gateway relays the answer
 * only once its own view consumers have passed (applied, ignored or dead-lettered) every one of them, or the bound
 * ({@code crosstenant.gateway.read-your-writes.timeout}) is reached, and says which in {@code Crosstenant-Enforced}.
 * <p>
 * The view consumers call {@link #passed} for every record; an answer waits through {@link #await}. Usually the event
 * passes BEFORE the service's answer reaches the gateway (the service publishes right after its commit, then
 * answers), so passed ids are remembered: at most {@code remembered-events} of them, each for {@code remember-for}
 * (oldest forgotten first). The bound keeps memory flat whatever the topics hold (the start-up replay passes every
 * event ever kept on them, and only ids passed moments before an answer are looked up); forgetting can only turn a
 * {@code true} into a {@code false}, never the reverse.
 * <p>
 * Never blocks an event loop: one short monitor guards the memory and the waiters (no I/O under it), a waiting answer
 * is a {@link Future} completed on the caller's own Vert.x context, by the last of its events or by a timer.
 * Metrics: timer {@code crosstenant.gateway.view.wait} (outcome {@code enforced}|{@code timeout}: every answer that
 * listed ids, its count the waits, its sum the time waited), counter {@code crosstenant.gateway.view.wait.skipped}
 * (reason {@code all}|{@code malformed}: answered {@code false} without waiting), gauge
 * {@code crosstenant.gateway.view.waiting} (answers waiting now).
 */
@ApplicationScoped
@Startup // its meters exist from the start (a bean is otherwise made at first use), and bad bounds fail the start
public class ReadYourWrites {

    /** Response header of a service: the ids of the view events its change produced (or {@code *}). */
    public static final String VIEW_EVENTS = ViewEventsHeader.NAME;
    /** Response header of the gateway: whether its view had passed every listed event when it answered. */
    public static final String ENFORCED = "Crosstenant-Enforced";
    /** Most ids one answer may list (the contract: beyond it a service sends {@code *}). */
    public static final int MAX_LISTED = ViewEventsHeader.MAX_IDS;

    private static final Logger LOG = Logger.getLogger(ReadYourWrites.class);

    /** What a {@link #VIEW_EVENTS} value says: ids to wait for, {@code *}, or why it is malformed. */
    public record Listed(Set<UUID> ids, boolean all, String malformed) {

        static Listed malformed(String why) {
            return new Listed(Set.of(), false, why);
        }
    }

    private final Vertx vertx;
    private final long timeoutMillis;
    private final int maxRemembered;
    private final long rememberForNanos;
    private final LongSupplier nanoTime;

    private final Object lock = new Object();
    /** Passed event id → {@link #nanoTime} when it passed, oldest first. */
    private final LinkedHashMap<UUID, Long> passed = new LinkedHashMap<>();
    /** Event id not passed yet → the answers waiting for it. */
    private final Map<UUID, Set<Waiter>> waiting = new HashMap<>();
    private int waiters;

    private final Timer enforced;
    private final Timer timedOut;
    private final Counter skippedAll;
    private final Counter skippedMalformed;
    private final AtomicBoolean malformedLogged = new AtomicBoolean();

    @Inject
    public ReadYourWrites(Vertx vertx, ReadYourWritesConfig config, MeterRegistry registry) {
        this(vertx, config.timeout(), config.rememberedEvents(), config.rememberFor(), registry, System::nanoTime);
    }

    /**
     * @param timeout longest wait of one answer ({@code 0}: never wait)
     * @param maxRemembered most passed ids remembered (at least 1)
     * @param rememberFor how long a passed id is remembered (positive)
     * @param nanoTime the clock of the memory ({@link System#nanoTime} but in tests)
     * @throws IllegalArgumentException for a negative timeout or a bound that is not positive (the gateway does not
     *         start)
     */
    ReadYourWrites(Vertx vertx, Duration timeout, int maxRemembered, Duration rememberFor, MeterRegistry registry,
            LongSupplier nanoTime) {
        if (timeout.isNegative() || maxRemembered < 1 || rememberFor.isNegative() || rememberFor.isZero()) {
            throw new IllegalArgumentException("crosstenant.gateway.read-your-writes: timeout must be >= 0, "
                    + "remembered-events >= 1 and remember-for > 0");
        }
        this.vertx = vertx;
        this.timeoutMillis = timeout.toMillis();
        this.maxRemembered = maxRemembered;
        this.rememberForNanos = rememberFor.toNanos();
        this.nanoTime = nanoTime;
        this.enforced = waitTimer(registry, "enforced");
        this.timedOut = waitTimer(registry, "timeout");
        this.skippedAll = skipped(registry, "all");
        this.skippedMalformed = skipped(registry, "malformed");
        Gauge.builder("crosstenant.gateway.view.waiting", this, ReadYourWrites::waiting)
                .description("/api answers waiting for the view to pass their events").strongReference(true)
                .register(registry);
    }

    private static Timer waitTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("crosstenant.gateway.view.wait")
                .description("/api answers that waited for the view to pass their events, and how long")
                .tag("outcome", outcome).register(registry);
    }

    private static Counter skipped(MeterRegistry registry, String reason) {
        return Counter.builder("crosstenant.gateway.view.wait.skipped")
                .description("/api answers listing view events answered Crosstenant-Enforced: false without waiting")
                .tag("reason", reason).register(registry);
    }

    /**
     * Notes that the view consumers have passed an event (applied, ignored or dead-lettered it), and completes the
     * answers that waited for it last. Called after the view change, so a completed answer's caller finds it enforced.
     *
     * @param eventId the record's {@code ce_id}; null or not a UUID in canonical text form: nothing to note (no
     *        service can list it)
     */
    public void passed(String eventId) {
        if (!Echo.isCanonicalUuid(eventId)) {
            return;
        }
        UUID id = UUID.fromString(eventId);
        List<Waiter> complete = null;
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            passed.remove(id); // a redelivered event is remembered from its latest passage
            passed.put(id, now);
            forget(now);
            Set<Waiter> forId = waiting.remove(id);
            if (forId != null) {
                for (Waiter w : forId) {
                    if (!w.done && --w.missing == 0) {
                        w.done = true;
                        waiters--;
                        (complete == null ? complete = new ArrayList<>() : complete).add(w);
                    }
                }
            }
        }
        if (complete != null) {
            complete.forEach(w -> finish(w, true));
        }
    }

    /**
     * Waits, without blocking, until every id has passed or the timeout is reached.
     *
     * @param ids event ids (at most {@link #MAX_LISTED} is what the contract allows; not checked here)
     * @return a future completed, on the calling Vert.x context, with true once every id has passed (at once if they
     *         all had), or false at the timeout
     */
    public Future<Boolean> await(Collection<UUID> ids) {
        long started = System.nanoTime();
        Waiter w;
        synchronized (lock) {
            forget(nanoTime.getAsLong());
            Set<UUID> missing = new HashSet<>();
            for (UUID id : ids) {
                if (!passed.containsKey(id)) {
                    missing.add(id);
                }
            }
            if (missing.isEmpty() || timeoutMillis == 0) {
                (missing.isEmpty() ? enforced : timedOut).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return Future.succeededFuture(missing.isEmpty());
            }
            w = new Waiter(vertx.getOrCreateContext(), missing, started);
            for (UUID id : missing) {
                waiting.computeIfAbsent(id, k -> new HashSet<>()).add(w);
            }
            waiters++;
        }
        // set outside the monitor; if the events pass meanwhile, the timer finds the answer done and does nothing
        w.timer = vertx.setTimer(timeoutMillis, t -> expire(w));
        return w.promise.future();
    }

    /**
     * What the caller's answer says, from the service's answer: nothing (no read-your-writes) unless it is 2xx and
     * lists view events; else {@code "true"} once every listed event passed, {@code "false"} at the timeout, and
     * {@code "false"} at once for {@code *} (more events than could be listed) or a malformed value (not UUIDs, more
     * than {@value #MAX_LISTED}, empty: the first is logged at WARN, every one counted; never an error for the caller).
     *
     * @param status the service's status code
     * @param listed every {@link #VIEW_EVENTS} value of its answer (empty when absent)
     * @return null for no {@link #ENFORCED} header, else a future of its value, completed on the calling context
     */
    public Future<String> enforcement(int status, List<String> listed) {
        if (listed.isEmpty() || status < 200 || status > 299) {
            return null;
        }
        Listed parsed = parse(listed);
        if (parsed.malformed() != null) {
            skippedMalformed.increment();
            if (malformedLogged.compareAndSet(false, true)) {
                LOG.warnf("a service answered with a malformed %s header (%s): answered %s: false; later ones are "
                        + "logged at DEBUG and counted in crosstenant.gateway.view.wait.skipped", VIEW_EVENTS,
                        parsed.malformed(), ENFORCED);
            } else {
                LOG.debugf("malformed %s header: %s", VIEW_EVENTS, parsed.malformed());
            }
            return Future.succeededFuture("false");
        }
        if (parsed.all()) {
            skippedAll.increment();
            return Future.succeededFuture("false");
        }
        return await(parsed.ids()).map(String::valueOf);
    }

    /**
     * Reads {@link #VIEW_EVENTS} as an HTTP list (RFC 9110 §5.6.1: comma-separated, optional white space, empty
     * elements ignored, several header lines one list): either {@code *} alone, or 1 to {@value #MAX_LISTED} UUIDs in
     * canonical text form (either case; duplicates count once).
     *
     * @param values the header's values
     * @return the ids, {@code all}, or why the value is malformed
     */
    public static Listed parse(List<String> values) {
        Set<UUID> ids = new LinkedHashSet<>();
        int elements = 0;
        boolean all = false;
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String e = withoutOws(element);
                if (e.isEmpty()) {
                    continue;
                }
                if (++elements > MAX_LISTED) {
                    return Listed.malformed("more than " + MAX_LISTED + " elements");
                }
                if (e.equals("*")) {
                    all = true;
                } else if (Echo.isCanonicalUuid(e)) {
                    ids.add(UUID.fromString(e));
                } else {
                    return Listed.malformed("'" + Echo.of(e) + "' is not a UUID");
                }
            }
        }
        if (elements == 0) {
            return Listed.malformed("no element");
        }
        if (all && elements > 1) {
            return Listed.malformed("* beside other elements");
        }
        return new Listed(Set.copyOf(ids), all, null);
    }

    /** Strips optional white space (RFC 9110 §5.6.3: spaces and horizontal tabs only). */
    private static String withoutOws(String element) {
        int start = 0;
        int end = element.length();
        while (start < end && (element.charAt(start) == ' ' || element.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (element.charAt(end - 1) == ' ' || element.charAt(end - 1) == '\t')) {
            end--;
        }
        return element.substring(start, end);
    }

    /** @return answers waiting now */
    public int waiting() {
        synchronized (lock) {
            return waiters;
        }
    }

    /** @return event ids remembered as passed now */
    int remembered() {
        synchronized (lock) {
            forget(nanoTime.getAsLong());
            return passed.size();
        }
    }

    /** Drops the oldest ids beyond the count bound, and every id older than {@code remember-for}. Under the lock. */
    private void forget(long now) {
        Iterator<Map.Entry<UUID, Long>> oldest = passed.entrySet().iterator();
        int excess = passed.size() - maxRemembered;
        while (oldest.hasNext()) {
            Map.Entry<UUID, Long> e = oldest.next();
            if (excess <= 0 && now - e.getValue() < rememberForNanos) {
                return;
            }
            oldest.remove();
            excess--;
        }
    }

    private void expire(Waiter w) {
        synchronized (lock) {
            if (w.done) {
                return;
            }
            w.done = true;
            waiters--;
            for (UUID id : w.ids) {
                Set<Waiter> forId = waiting.get(id);
                if (forId != null && forId.remove(w) && forId.isEmpty()) {
                    waiting.remove(id);
                }
            }
        }
        finish(w, false);
    }

    private void finish(Waiter w, boolean allPassed) {
        (allPassed ? enforced : timedOut).record(System.nanoTime() - w.started, TimeUnit.NANOSECONDS);
        if (allPassed && w.timer >= 0) {
            vertx.cancelTimer(w.timer);
        }
        w.context.runOnContext(v -> w.promise.tryComplete(allPassed));
    }

    /** One waiting answer; {@link #missing} and {@link #done} only under the lock. */
    private static final class Waiter {
        final Context context;
        final Set<UUID> ids;
        final long started;
        final Promise<Boolean> promise = Promise.promise();
        int missing;
        boolean done;
        volatile long timer = -1;

        Waiter(Context context, Set<UUID> ids, long started) {
            this.context = context;
            this.ids = ids;
            this.started = started;
            this.missing = ids.size();
        }
    }
}
