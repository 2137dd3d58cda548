package org.crosstenant.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The invitation saga under an open-model load: Fabrikam's partner files {@code POST /api/v1/invitations} on a fixed
 * schedule ({@link OpenSchedule}) whatever the answers, and each request is timed from its <b>intended</b> send time
 * (coordinated omission corrected) to
 * <ul>
 *   <li><b>accepted</b>: the 202 answer;</li>
 *   <li><b>decision visible</b>: the first {@code GET /api/v1/invitations/{id}} answer with a status other than
 *       {@code requested} (time of that answer). Polling: as soon as the policy decision for the id appears on
 *       {@code policy.decisions} (watched by a raw consumer) the harness polls it until the API shows it, the
 *       first time at once, then after 2, 4, 8, … ms (doubling, at most 200 ms apart), plus safety polls (once a
 *       second per request whose decision record was not seen within a second, at most 200 per second in all) in
 *       case a decision record is missed. At most {@value #MAX_POLLS_IN_FLIGHT} GETs are in flight at once. Both
 *       bounds keep the harness's own GETs from loading the stack it measures: polling every 2 ms, a stack that fell
 *       behind got one GET per pending request every 2 ms on top of the load (a feedback loop of the harness).
 *       Resolution: a visible time is at most twice the true one (200 ms late above 200 ms), plus one GET round
 *       trip and any wait for a free poll slot: an upper bound;</li>
 *   <li><b>approved on the topic</b>: arrival of the {@code org.crosstenant.invitation.approved.v1} record for the id
 *       at a raw consumer of {@code invitations.events} (no group, all partitions).</li>
 * </ul>
 * Requests still open when the drain time ends are recorded with the time waited so far (a lower bound) and counted
 * as incomplete. Approvals seen more than once for one id are counted as duplicates.
 */
final class SagaLoad implements AutoCloseable {

    /** Interval before a request's second visibility poll; it doubles after each, up to {@link #MAX_POLL_NANOS}. */
    private static final long FIRST_POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** GETs for decision visibility in flight at once, over all requests. */
    static final int MAX_POLLS_IN_FLIGHT = 4;
    private static final long BUSY_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SAFETY_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * At most this many safety polls per 50 ms tick (200 GET/s): uncapped, a stack that fell behind got one GET per
     * open request every 250 ms on top of the load, which pushed it further behind (a feedback loop of the harness,
     * not of the system measured).
     */
    private static final int SAFETY_POLLS_PER_TICK = 10;
    private static final int MAX_IN_FLIGHT_POSTS = 1000;

    private final Api api;
    private final String app;
    private final String invitee;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread watcher;
    private final ScheduledExecutorService pollers = Executors.newScheduledThreadPool(2, daemon("bench-saga-poll"));
    private final Map<String, Flight> flights = new ConcurrentHashMap<>();
    private final Map<String, Long> approvedEarly = new ConcurrentHashMap<>();
    private final Map<String, Boolean> decidedEarly = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> approvals = new ConcurrentHashMap<>();
    private final Queue<long[]> approvalArrivals = new ConcurrentLinkedQueue<>();
    /**
     * Per invitation id, when the harness's consumer saw its {@code requested} record, its policy decision and its
     * {@code approved} record ({@link System#nanoTime()}, -1 until seen): the hops of {@link Result#hops()}.
     */
    private final Map<String, AtomicLongArray> hopArrivals = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final java.util.concurrent.Semaphore pollSlots = new java.util.concurrent.Semaphore(MAX_POLLS_IN_FLIGHT);

    /** One request of the load. */
    private final class Flight {
        final long intended;
        volatile boolean decisionSeen;
        volatile long visibleAt = -1;
        volatile long approvedAt = -1;
        volatile boolean denied;
        final AtomicBoolean polling = new AtomicBoolean();
        volatile long lastPoll;
        final AtomicInteger polls = new AtomicInteger();
        final Run run;

        Flight(long intended, Run run) {
            this.intended = intended;
            this.run = run;
        }

        boolean done() {
            return visibleAt >= 0 && (approvedAt >= 0 || denied);
        }
    }

    /** Figures of one run. */
    private static final class Run {
        final Histogram accepted = LatencySummary.newMicrosHistogram();
        final Histogram visible = LatencySummary.newMicrosHistogram();
        final Histogram approved = LatencySummary.newMicrosHistogram();
        final Histogram[] hops = {LatencySummary.newMicrosHistogram(), LatencySummary.newMicrosHistogram(),
                LatencySummary.newMicrosHistogram()};
        final AtomicLong sent = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong denied = new AtomicLong();
        final AtomicLong senderLagMaxNanos = new AtomicLong();
        final Map<String, Flight> mine = new ConcurrentHashMap<>();
        volatile String lastError = "";
    }

    /**
     * Figures of one load run (latencies in ms from the intended send time).
     *
     * @param rate            requests per second scheduled
     * @param sent            requests sent
     * @param errors          requests answered with anything but 202, or failed
     * @param accepted        intended send → 202
     * @param visible         intended send → decided status visible through the API
     * @param approved        intended send → approved record on the topic
     * @param incompleteVisible requests whose decision was not visible when the drain time ended (unanswered POSTs
     *                          included)
     * @param incompleteApproved requests with neither approval on the topic nor a denial when it ended (unanswered
     *                          POSTs included)
     * @param denied          requests decided as denied (not in the approved figure)
     * @param duplicates      invitation ids with more than one approved record
     * @param senderLagMaxMs  how far the sender fell behind its schedule at worst (the harness's own limit)
     * @param lastError       one error answer, for the report
     * @param hops            where an approved request's time went, each hop timed at the harness's consumer
     *                        ({@link #HOPS}): intended send → {@code requested} record (gateway, filing, commit,
     *                        relay); → policy decision record (policy-service's consume, decide, commit, relay);
     *                        → {@code approved} record (invitation-service's consume, apply, commit, relay); each
     *                        hop includes one Kafka delivery to the harness
     */
    record Result(double rate, long sent, long errors, LatencySummary accepted, LatencySummary visible,
                  LatencySummary approved, long incompleteVisible, long incompleteApproved, long denied,
                  long duplicates, double senderLagMaxMs, String lastError, List<LatencySummary> hops) {
    }

    /** Names of the hops of {@link Result#hops()}, in order. */
    static final List<String> HOPS = List.of("send → requested on the topic", "requested → decision on the topic",
            "decision → approved on the topic");

    SagaLoad(Api api, Kafka kafka, String app, String invitee) {
        this.api = api;
        this.app = app;
        this.invitee = invitee;
        this.consumer = kafka.consumer();
        Kafka.assignAtEnd(consumer, List.of("invitations.events", "policy.decisions"));
        this.watcher = new Thread(this::watch, "bench-saga-watch");
        watcher.setDaemon(true);
        watcher.start();
        pollers.scheduleAtFixedRate(this::safetyPolls, 250, 50, TimeUnit.MILLISECONDS);
    }

    /**
     * The first arrival ({@link System#nanoTime()}) of an approved record for a request of this load whose intended
     * send time is after {@code sentAfter} — an approval only a service running since then can have produced (an
     * approval of an older request may come from a backlog decided before). -1 when there is none yet.
     */
    long firstApprovalOfRequestSentAfter(long sentAfter) {
        return approvalArrivals.stream().filter(pair -> pair[0] > sentAfter).mapToLong(pair -> pair[1]).min().orElse(-1);
    }

    /**
     * Sends the schedule, then waits up to {@code drain} for the open requests to finish.
     *
     * @param progress where to report the run's start and end
     */
    Result run(OpenSchedule schedule, Duration drain, java.util.function.Consumer<String> progress) {
        Run run = new Run();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT_POSTS);
        String partnerToken = api.token("fabrikam", Api.PARTNER);
        // one live request per invitee and application (issue #7): every request of the run asks for another person
        String runTag = Long.toString(System.currentTimeMillis(), 36);
        String[] address = invitee.split("@", 2);
        long count = schedule.count();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (long i = 0; i < count; i++) {
            long intended = start + schedule.offsetNanos(i);
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if ((i & 255) == 0) {
                partnerToken = api.token("fabrikam", Api.PARTNER);
            }
            inFlight.acquireUninterruptibly();
            run.senderLagMaxNanos.accumulateAndGet(System.nanoTime() - intended, Math::max);
            run.sent.incrementAndGet();
            HttpRequest request = api.request("/api/v1/invitations", partnerToken, "POST",
                    Api.invitationRequest(app, address[0] + "+" + runTag + "-" + i + "@" + address[1]))
                    .header("Idempotency-Key", "bench-" + UUID.randomUUID()).build();
            api.sendAsync(request).whenComplete((response, failure) -> {
                inFlight.release();
                accepted(run, intended, response, failure);
            });
        }
        long sendingEnded = System.nanoTime();
        long deadline = sendingEnded + drain.toNanos();
        while (System.nanoTime() < deadline && (run.sent.get() > run.mine.size() + run.errors.get()
                || run.mine.values().stream().anyMatch(flight -> !flight.done()))) {
            Bench.pause(20);
        }
        long gaveUp = System.nanoTime();
        // POSTs still unanswered when the drain ended (the HTTP time-out is longer than the drain) are neither errors
        // nor flights: counted as incomplete, or a rate where nothing was answered would look unsaturated
        long unanswered = Math.max(0, run.sent.get() - run.errors.get() - run.mine.size());
        long incompleteVisible = unanswered;
        long incompleteApproved = unanswered;
        for (Flight flight : run.mine.values()) {
            if (flight.visibleAt < 0) {
                incompleteVisible++;
                record(run.visible, gaveUp - flight.intended);
            }
            if (flight.approvedAt < 0 && !flight.denied) {
                incompleteApproved++;
                record(run.approved, gaveUp - flight.intended);
            }
        }
        long duplicates = run.mine.keySet().stream()
                .filter(id -> approvals.getOrDefault(id, new AtomicInteger()).get() > 1).count();
        run.mine.forEach((id, flight) -> {
            AtomicLongArray at = hopArrivals.remove(id);
            // only requests whose three records were all seen; records of two topics that come back in one poll may be
            // noted a few microseconds out of order: such a hop counts as 0, not as a dropped request
            if (at != null && at.get(0) >= 0 && at.get(1) >= 0 && at.get(2) >= 0) {
                record(run.hops[0], at.get(0) - flight.intended);
                record(run.hops[1], Math.max(0, at.get(1) - at.get(0)));
                record(run.hops[2], Math.max(0, at.get(2) - Math.max(at.get(0), at.get(1))));
            }
        });
        // requests still unanswered are not tracked any further
        run.mine.keySet().forEach(flights::remove);
        return new Result(schedule.rate(), run.sent.get(), run.errors.get(),
                LatencySummary.ofMicros(run.accepted), LatencySummary.ofMicros(run.visible),
                LatencySummary.ofMicros(run.approved), incompleteVisible, incompleteApproved, run.denied.get(),
                duplicates, run.senderLagMaxNanos.get() / 1e6, run.lastError,
                java.util.Arrays.stream(run.hops).map(LatencySummary::ofMicros).toList());
    }

    private void accepted(Run run, long intended, HttpResponse<String> response, Throwable failure) {
        long now = System.nanoTime();
        if (failure != null || response.statusCode() != 202) {
            run.errors.incrementAndGet();
            run.lastError = failure != null ? failure.toString()
                    : response.statusCode() + " " + abbreviate(response.body());
            return;
        }
        record(run.accepted, now - intended);
        String id;
        try {
            id = Api.idFromLocation(response);
        } catch (IllegalStateException e) {
            run.errors.incrementAndGet();
            run.lastError = e.getMessage();
            return;
        }
        Flight flight = new Flight(intended, run);
        flights.put(id, flight);
        run.mine.put(id, flight);
        Long approvedAt = approvedEarly.remove(id);
        if (approvedAt != null) {
            approved(flight, approvedAt);
        }
        if (decidedEarly.remove(id) != null) {
            flight.decisionSeen = true;
            poll(id, flight);
        }
    }

    private void watch() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    String id = record.key();
                    if (id == null) {
                        continue;
                    }
                    if (record.topic().equals("policy.decisions")) {
                        arrived(id, 1, now);
                        Flight flight = flights.get(id);
                        if (flight == null) {
                            decidedEarly.put(id, Boolean.TRUE);
                        } else if (!flight.decisionSeen) {
                            flight.decisionSeen = true;
                            poll(id, flight);
                        }
                        continue;
                    }
                    String type = Kafka.header(record.headers(), "ce_type");
                    if (type == null) {
                        continue;
                    }
                    if (type.endsWith(".requested.v1")) {
                        arrived(id, 0, now);
                    } else if (type.endsWith(".approved.v1")) {
                        arrived(id, 2, now);
                        approvals.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
                        Flight flight = flights.get(id);
                        if (flight == null) {
                            approvedEarly.put(id, now);
                        } else {
                            approved(flight, now);
                        }
                    } else if (type.endsWith(".denied.v1")) {
                        Flight flight = flights.get(id);
                        if (flight != null && !flight.denied) {
                            flight.denied = true;
                            flight.run.denied.incrementAndGet();
                        }
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close()
        }
    }

    /** Keeps the first arrival of hop record {@code hop} for the id (see {@link #hopArrivals}). */
    private void arrived(String id, int hop, long now) {
        AtomicLongArray at = hopArrivals.computeIfAbsent(id, key -> new AtomicLongArray(new long[] {-1, -1, -1}));
        at.compareAndSet(hop, -1, now);
    }

    private void approved(Flight flight, long at) {
        if (flight.approvedAt < 0) {
            flight.approvedAt = at;
            approvalArrivals.add(new long[] {flight.intended, at});
            record(flight.run.approved, at - flight.intended);
        }
    }

    private void safetyPolls() {
        long now = System.nanoTime();
        int budget = SAFETY_POLLS_PER_TICK;
        for (Map.Entry<String, Flight> entry : flights.entrySet()) {
            Flight flight = entry.getValue();
            // only requests whose decision record was not seen after a second (the watcher covers all others)
            if (flight.visibleAt < 0 && !flight.decisionSeen && !flight.polling.get()
                    && now - flight.intended >= SAFETY_POLL_NANOS && now - flight.lastPoll >= SAFETY_POLL_NANOS) {
                poll(entry.getKey(), flight);
                if (--budget == 0) {
                    return;
                }
            }
        }
    }

    /**
     * One GET for the invitation; repeats at doubling intervals (2 ms up to 200 ms) while its decision is known to
     * exist but not yet visible. Without a free poll slot it tries again after the current interval.
     */
    private void poll(String id, Flight flight) {
        if (flight.visibleAt >= 0 || !flight.polling.compareAndSet(false, true)) {
            return;
        }
        if (!pollSlots.tryAcquire()) {
            // no free slot: try again no sooner than 20 ms (retrying every 2 ms would spin on the measured machine)
            flight.polling.set(false);
            pollAgain(id, flight, BUSY_RETRY_NANOS);
            return;
        }
        flight.lastPoll = System.nanoTime();
        flight.polls.incrementAndGet();
        HttpRequest request;
        try {
            request = api.request("/api/v1/invitations/" + id, api.token("fabrikam", Api.PARTNER), "GET", null).build();
        } catch (RuntimeException e) {
            pollSlots.release();
            flight.polling.set(false);
            return;
        }
        api.sendAsync(request).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            pollSlots.release();
            if (failure == null && response.statusCode() == 200 && decided(response.body())) {
                if (flight.visibleAt < 0) {
                    flight.visibleAt = now;
                    record(flight.run.visible, now - flight.intended);
                }
                flight.polling.set(false);
                return;
            }
            flight.polling.set(false);
            pollAgain(id, flight, 0);
        });
    }

    /** Schedules the next poll after the request's current interval, but not sooner than {@code atLeastNanos}. */
    private void pollAgain(String id, Flight flight, long atLeastNanos) {
        if (flight.decisionSeen && flights.containsKey(id) && running.get()) {
            int polls = Math.max(0, flight.polls.get() - 1);
            long interval = polls >= 7 ? MAX_POLL_NANOS : Math.min(MAX_POLL_NANOS, FIRST_POLL_INTERVAL_NANOS << polls);
            pollers.schedule(() -> poll(id, flight), Math.max(interval, atLeastNanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Waits until no approved record arrived for {@code idle} (the stack worked off what it was sent), at most
     * {@code max}.
     *
     * @return how long it waited ({@code max} or a little more when approvals never stopped arriving)
     */
    Duration awaitQuiet(Duration idle, Duration max) {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        int seen = approvals.size();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < idle.toNanos()) {
            Bench.pause(200);
            int now = approvals.size();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static boolean decided(String body) {
        String status = Api.read(body).path("status").asText("");
        return !status.isEmpty() && !status.equals("requested");
    }

    private static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(1, Math.min(nanos / 1000, histogram.getHighestTrackableValue())));
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            watcher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
        pollers.shutdownNow();
    }
}
