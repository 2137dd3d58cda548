package org.crosstenant.bench;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Revocation by settings changes (issue #8, "the gateway enforces within a second"; docs/performance.md "h"). Per
 * round, set up through the public API: Contoso registers N applications of its own (plus {@value #CONTROLS} control
 * applications) on the bench's static upstream and adds them to its inbound collaboration {@code applications}
 * allowed list for Fabrikam; Fabrikam's partner system files one invitation for bob per application, bob redeems each
 * and the harness waits until bob reaches each one (200). Measured: alice then ends the grants one after another, each
 * with one {@code PUT} of the partner configuration (with {@code If-Match}) that takes exactly that application off
 * the list, while bob keeps calling it (a poller every {@value #POLL_PAUSE_MILLIS} ms after each answer, started before
 * the change and confirmed to get 200); bob's grants that no change concerns (the shared application and the
 * controls) are called every {@value #UNAFFECTED_INTERVAL_MILLIS} ms, and any refusal there is an error. A sample is
 * <b>arrival of the first refused (403) answer − the moment the PUT was sent</b> (the PUT's own time included); the
 * PUT's duration and its {@code Crosstenant-Enforced} header are recorded too. Afterwards a raw consumer of
 * {@code invitations.events} tells how many grants ended with {@code revoked.v1} and which reason, and the grants
 * listing how many are still active; alice then revokes what is left of the round (so that no grant of the bench
 * outlives its round) and the configuration is restored, which admits none of the round's applications again.
 * Application names carry a run id, so a stack with earlier runs' state needs no clean-up.
 */
final class Revocation {

    /** Every application of this part starts with it; grants of such applications left by an aborted run are revoked. */
    static final String PREFIX = "bench-rev-";
    /** Grants per round that no change concerns, called at a low rate throughout (refusals there are errors). */
    static final int CONTROLS = 3;
    /** Pause of an affected grant's poller after each answer (the refusal's resolution is this plus a round trip). */
    static final long POLL_PAUSE_MILLIS = 5;
    /** Interval of the unaffected grants' calls. */
    static final long UNAFFECTED_INTERVAL_MILLIS = 200;
    /** Answers an affected poller still asks for after the first refusal: a 200 among them counts as re-admitted. */
    static final int CONFIRMATIONS = 3;
    /** The most entries an allowed list may have (docs/api.md, "Limits"). */
    static final int LIST_LIMIT = 500;
    private static final int SETUP_THREADS = 4;
    private static final String PARTNER_PATH = "/api/v1/tenants/contoso/access-settings/partners/fabrikam";

    /**
     * One round's figures.
     *
     * @param number the round
     * @param grants grants whose change was measured
     * @param latency PUT sent → first refused answer, ms (grants never refused within the timeout recorded with the
     *        time waited: a lower bound)
     * @param put the PUT's own duration (sent → answer), ms
     * @param notRefused grants still answered 200 when the timeout ended
     * @param premature grants refused before their own change was sent (a change that ended another grant too)
     * @param unreachable grants bob did not reach right before their change (no sample)
     * @param readmitted 200 answers after a grant's first refusal
     * @param affectedOther answers of the affected pollers other than 200 and 403 (e.g. 429, 503), or failures
     * @param enforced the PUT answers' {@code Crosstenant-Enforced}: count per {@code true}, {@code false},
     *        {@code absent}, {@code other}
     * @param unaffectedSent calls of the grants no change concerns
     * @param unaffectedRefused of those, answered 403
     * @param unaffectedOther of those, answered anything else but 2xx, or failed
     * @param events what {@code invitations.events} said about the round's grants (the controls not included)
     * @param stillActive grants of the round (controls not included) the grants listing still showed after the drain
     * @param kafkaFloor the Kafka round trip measured at the start of the round
     * @param setupSeconds time the round's set-up took
     * @param measureSeconds time the measured changes took
     * @param loadAtStart the machine's 1-minute load average when the first change was sent (NaN when unknown)
     * @param loadAtEnd the same after the last change
     */
    record Round(int number, int grants, LatencySummary latency, LatencySummary put, int notRefused, int premature,
                 int unreachable, long readmitted, long affectedOther, Map<String, Long> enforced, long unaffectedSent,
                 long unaffectedRefused, long unaffectedOther, RevocationEvents.Tally events, int stillActive,
                 LatencySummary kafkaFloor, double setupSeconds, double measureSeconds, double loadAtStart,
                 double loadAtEnd) {
    }

    private final Api api;
    private final Kafka kafka;
    private final String upstreamUrl;
    private final String sharedApp;
    private final String guestEmail;
    private final Consumer<String> log;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    /**
     * @param api the public API
     * @param kafka the stack's broker (the floor and the event consumer)
     * @param upstreamUrl the bench's static page, upstream of every application of this part
     * @param sharedApp Contoso's application bob already has a grant for (called as an unaffected grant)
     * @param guestEmail bob's address
     * @param log progress lines
     */
    Revocation(Api api, Kafka kafka, String upstreamUrl, String sharedApp, String guestEmail, Consumer<String> log) {
        this.api = api;
        this.kafka = kafka;
        this.upstreamUrl = upstreamUrl;
        this.sharedApp = sharedApp;
        this.guestEmail = guestEmail;
        this.log = log;
    }

    /**
     * Revokes bob's active grants to applications of this part that an earlier, aborted run left behind: on a build
     * with issue #8's re-evaluation every settings change re-evaluates each of them, which would slow this run's
     * changes down.
     *
     * @return how many were revoked
     */
    int revokeLeftovers() {
        int revoked = 0;
        String alice = api.token("contoso", "alice");
        for (Map.Entry<String, String> grant : activeGrants().entrySet()) {
            if (grant.getValue().startsWith(PREFIX)) {
                callRetrying("revoke " + grant.getKey(), () -> api.request("/api/v1/invitations/" + grant.getKey()
                        + "/revoke", alice, "POST", null).build(), 200, 409);
                revoked++;
            }
        }
        return revoked;
    }

    /**
     * One round: set up {@code grants} grants, end them one settings change at a time, count the events, clean up.
     *
     * @param number the round (part of the application names)
     * @param grants N
     * @param floorSamples Kafka round trips for the floor
     * @param refusalTimeout how long to wait for a grant's first refusal after its PUT was sent
     * @param drainLimit how long to wait for the round's revoked.v1 records after the last change, at most
     * @throws IllegalStateException when the set-up or a change fails (the configuration is restored all the same)
     */
    Round round(int number, int grants, int floorSamples, Duration refusalTimeout, Duration drainLimit) {
        LatencySummary floor = Floors.kafkaRoundTrip(kafka, floorSamples);
        log.accept("Kafka round trip (floor): p50 " + LatencySummary.ms(floor.p50()) + " ms, p99 "
                + LatencySummary.ms(floor.p99()) + " ms");
        long setupStarted = System.nanoTime();
        String tag = PREFIX + runId + "-" + number + "-";
        List<String> apps = new ArrayList<>();
        for (int i = 1; i <= grants; i++) {
            apps.add(String.format(java.util.Locale.ROOT, "%s%03d", tag, i));
        }
        List<String> controls = new ArrayList<>();
        for (int k = 1; k <= CONTROLS; k++) {
            controls.add(tag + "c" + k);
        }
        Partner original = readPartner();
        List<String> base = RevocationSettings.allowedApplications(original.settings());
        if (base.size() + CONTROLS + grants > LIST_LIMIT) {
            throw new IllegalStateException(grants + " grants do not fit Contoso's allowed list beside its "
                    + base.size() + " entries and " + CONTROLS + " controls (at most " + LIST_LIMIT + " entries)");
        }
        try {
            log.accept("revocation round " + number + ": registering " + (grants + CONTROLS) + " applications " + tag + "…");
            for (String app : concat(controls, apps)) {
                callRetrying("register " + app, () -> api.request("/api/v1/tenants/contoso/applications/" + app,
                        api.token("contoso", "alice"), "PUT", "{\"upstreamUrl\":\"" + upstreamUrl
                                + "\",\"displayName\":\"Bench revocation " + app + "\"}").build(), 200, 201);
            }
            List<String> allowed = new ArrayList<>(base);
            allowed.addAll(controls);
            allowed.addAll(apps);
            String etag = putPartner(RevocationSettings.withAllowedApplications(original.settings(), allowed).toString(),
                    original.etag()).etag();
            log.accept("revocation round " + number + ": filing, redeeming and reaching " + (grants + CONTROLS)
                    + " grants…");
            Map<String, String> invitationOf = setUpGrants(concat(controls, apps));
            double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
            log.accept(String.format(java.util.Locale.ROOT, "revocation round %d: set up in %.0f s; ending %d grants "
                    + "one settings change at a time", number, setupSeconds, grants));

            Set<String> ids = new HashSet<>();
            apps.forEach(app -> ids.add(invitationOf.get(app)));
            RevocationEvents events = new RevocationEvents(ids);
            Histogram latency = LatencySummary.newMicrosHistogram();
            Histogram putTimes = LatencySummary.newMicrosHistogram();
            Map<String, Long> enforced = new TreeMap<>();
            int notRefused = 0;
            int premature = 0;
            int unreachable = 0;
            long readmitted = 0;
            long affectedOther = 0;
            List<Poller> unaffected = new ArrayList<>();
            List<Thread> unaffectedThreads = new ArrayList<>();
            long measureStarted;
            try (EventWatch watch = new EventWatch(kafka, events)) {
                for (String app : concat(List.of(sharedApp), controls)) {
                    Poller poller = new Poller(api, appPath(app), UNAFFECTED_INTERVAL_MILLIS, false);
                    unaffected.add(poller);
                    unaffectedThreads.add(start(poller, "bench-rev-unaffected"));
                }
                measureStarted = System.nanoTime();
                double loadAtStart = loadAverage();
                for (int i = 0; i < apps.size(); i++) {
                    String app = apps.get(i);
                    Poller poller = new Poller(api, appPath(app), POLL_PAUSE_MILLIS, true);
                    Thread thread = start(poller, "bench-rev-poller");
                    boolean reachable = await(poller.firstOk, Duration.ofSeconds(10));
                    allowed.remove(app);
                    String body = RevocationSettings.withAllowedApplications(original.settings(), allowed).toString();
                    HttpRequest request = api.request(PARTNER_PATH, api.token("contoso", "alice"), "PUT", body)
                            .header("If-Match", etag).build();
                    long sentAt = System.nanoTime();
                    HttpResponse<String> answer = api.send(request);
                    long answeredAt = System.nanoTime();
                    if (answer.statusCode() != 200) {
                        poller.stop();
                        join(thread);
                        throw new IllegalStateException("PUT of the partner configuration ending " + app + ": "
                                + answer.statusCode() + " " + answer.body());
                    }
                    etag = answer.headers().firstValue("ETag")
                            .orElseThrow(() -> new IllegalStateException("PUT answered without ETag"));
                    record(putTimes, answeredAt - sentAt);
                    enforced.merge(enforcedCategory(answer.headers().firstValue("Crosstenant-Enforced")), 1L, Long::sum);
                    boolean refused = await(poller.refused, refusalTimeout.minusNanos(System.nanoTime() - sentAt));
                    if (!reachable) {
                        unreachable++;
                    } else if (!refused) {
                        notRefused++;
                        record(latency, System.nanoTime() - sentAt);
                    } else if (poller.firstRefusedAt < sentAt) {
                        premature++;
                    } else {
                        record(latency, poller.firstRefusedAt - sentAt);
                    }
                    if (!refused) {
                        poller.stop();
                    }
                    join(thread);
                    readmitted += poller.readmitted.get();
                    affectedOther += poller.other.get();
                    if ((i + 1) % 50 == 0 || i + 1 == apps.size()) {
                        LatencySummary sofar = LatencySummary.ofMicros(latency);
                        log.accept(String.format(java.util.Locale.ROOT, "  %d of %d changes: PUT → refused p50 %s ms, "
                                        + "p99 %s ms; not refused %d, premature %d, unreachable %d", i + 1, apps.size(),
                                LatencySummary.ms(sofar.p50()), LatencySummary.ms(sofar.p99()), notRefused, premature,
                                unreachable));
                    }
                }
                double measureSeconds = (System.nanoTime() - measureStarted) / 1e9;
                double loadAtEnd = loadAverage();
                unaffected.forEach(Poller::stop);
                unaffectedThreads.forEach(Revocation::join);
                drain(events, drainLimit);
                Set<String> active = activeGrants().keySet();
                int stillActive = (int) ids.stream().filter(active::contains).count();
                RevocationEvents.Tally tally = events.tally();
                log.accept(String.format(java.util.Locale.ROOT, "revocation round %d: revoked.v1 for %d of %d grants "
                                + "(policy-changed %d, other reason %d, without reason %d, two or more %d); %d still "
                                + "active in the grants listing", number, tally.revoked(), tally.grants(),
                        tally.policyChanged(), tally.otherReason(), tally.withoutReason(), tally.twice(), stillActive));
                return new Round(number, apps.size(), LatencySummary.ofMicros(latency), LatencySummary.ofMicros(putTimes),
                        notRefused, premature, unreachable, readmitted, affectedOther, Map.copyOf(enforced),
                        unaffected.stream().mapToLong(p -> p.sent.get()).sum(),
                        unaffected.stream().mapToLong(p -> p.refusals.get()).sum(),
                        unaffected.stream().mapToLong(p -> p.other.get()).sum(), tally, stillActive, floor,
                        setupSeconds, measureSeconds, loadAtStart, loadAtEnd);
            } finally {
                unaffected.forEach(Poller::stop);
            }
        } finally {
            // first the round's grants (so nothing of it survives the round), then the settings as they were
            int revoked = revokeLeftovers();
            Partner now = readPartner();
            putPartner(original.settings().toString(), now.etag());
            log.accept("revocation round " + number + ": revoked the " + revoked + " grants left active, restored "
                    + "Contoso's partner configuration");
        }
    }

    /**
     * The category of a {@code Crosstenant-Enforced} answer header: {@code true}, {@code false}, {@code absent}, or
     * {@code other} for any other value.
     */
    static String enforcedCategory(Optional<String> header) {
        if (header.isEmpty()) {
            return "absent";
        }
        String value = header.get().trim();
        return value.equalsIgnoreCase("true") ? "true" : value.equalsIgnoreCase("false") ? "false" : "other";
    }

    /**
     * The verdict against issue #8's targets (PUT sent → first refusal p50 ≤ 100 ms and p99 ≤ 1 s).
     *
     * @return {@code met}, {@code missed} or, without figures, {@code not measured}
     */
    static String verdict(double p50Millis, double p99Millis) {
        if (Double.isNaN(p50Millis) || Double.isNaN(p99Millis)) {
            return "not measured";
        }
        return p50Millis <= 100 && p99Millis <= 1000 ? "met" : "missed";
    }

    /** The 1-minute load average ({@code /proc/loadavg}); NaN where there is none. */
    static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    // ---- set-up ----

    private record Partner(JsonNode settings, String etag) {
    }

    private Partner readPartner() {
        HttpResponse<String> answer = callRetrying("Contoso's partner configuration for Fabrikam", () -> api.request(
                PARTNER_PATH, api.token("contoso", "alice"), "GET", null).build(), 200);
        return new Partner(Api.read(answer.body()).path("settings"), etag(answer));
    }

    private Partner putPartner(String settings, String ifMatch) {
        HttpResponse<String> answer = callRetrying("PUT Contoso's partner configuration for Fabrikam", () -> api.request(
                PARTNER_PATH, api.token("contoso", "alice"), "PUT", settings).header("If-Match", ifMatch).build(), 200);
        return new Partner(Api.read(answer.body()).path("settings"), etag(answer));
    }

    private static String etag(HttpResponse<?> answer) {
        return answer.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException(
                "the partner configuration was answered without ETag (" + answer.statusCode() + ")"));
    }

    /** Files, redeems and reaches one grant per application, {@value #SETUP_THREADS} at a time. */
    private Map<String, String> setUpGrants(List<String> apps) {
        ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS, SagaLoad.daemon("bench-rev-setup"));
        try {
            Map<String, Future<String>> futures = new LinkedHashMap<>();
            apps.forEach(app -> futures.put(app, pool.submit(() -> setUpGrant(app))));
            Map<String, String> ids = new LinkedHashMap<>();
            for (Map.Entry<String, Future<String>> entry : futures.entrySet()) {
                try {
                    ids.put(entry.getKey(), entry.getValue().get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("grant for bob on " + entry.getKey() + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private String setUpGrant(String app) {
        String key = "bench-rev-" + UUID.randomUUID();
        HttpResponse<String> filed = callRetrying("invitation for bob into " + app, () -> api.request(
                "/api/v1/invitations", api.token("fabrikam", Api.PARTNER), "POST",
                Api.invitationRequest(app, guestEmail)).header("Idempotency-Key", key).build(), 202, 409);
        String id = filed.statusCode() == 202 ? Api.idFromLocation(filed)
                : Api.read(filed.body()).path("existingInvitation").asText();
        if (id.isEmpty()) {
            throw new IllegalStateException("invitation for bob into " + app + ": 409 without existingInvitation");
        }
        JsonNode invitation = awaitInvitation(id);
        String status = invitation.path("status").asText();
        if (status.equals("pending_acceptance")) {
            callRetrying("bob redeems " + id, () -> api.request("/api/v1/invitations/" + id + "/redeem",
                    api.token("fabrikam", Bench.GUEST), "POST", "{\"code\":\"" + invitation.path("redemptionCode").asText()
                            + "\"}").build(), 200);
        } else if (!status.equals("accepted")) {
            throw new IllegalStateException("invitation " + id + " into " + app + " was not approved: " + invitation);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> page = api.send(api.request(appPath(app), api.token("fabrikam", Bench.GUEST), "GET",
                    null).build());
            if (page.statusCode() == 200 && page.body().contains(Nginx.PAGE_MARKER)) {
                return id;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bob never reached " + app + ": " + page.statusCode() + " " + page.body());
            }
            Bench.pause(100);
        }
    }

    private JsonNode awaitInvitation(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = api.send(api.request("/api/v1/invitations/" + id,
                    api.token("fabrikam", Api.PARTNER), "GET", null).build());
            last = answer.statusCode() + " " + answer.body();
            if (answer.statusCode() == 200) {
                JsonNode invitation = Api.read(answer.body());
                if (!invitation.path("status").asText("requested").equals("requested")) {
                    return invitation;
                }
            }
            Bench.pause(100);
        }
        throw new IllegalStateException("invitation " + id + " not decided within 60 s (last answer " + last + ")");
    }

    /** Bob's active grants at Contoso (grants listing, all pages): invitation id → application. */
    private Map<String, String> activeGrants() {
        Map<String, String> grants = new LinkedHashMap<>();
        String after = null;
        do {
            String path = "/api/v1/tenants/contoso/grants?limit=200&invitee=" + enc(guestEmail)
                    + (after == null ? "" : "&after=" + enc(after));
            JsonNode page = Api.read(callRetrying("Contoso's grants for bob", () -> api.request(path,
                    api.token("contoso", "alice"), "GET", null).build(), 200).body());
            for (JsonNode item : page.path("items")) {
                grants.put(item.path("invitationId").asText(), item.path("application").asText());
            }
            after = page.path("next").isTextual() && !page.path("next").asText().isEmpty() ? page.path("next").asText()
                    : null;
        } while (after != null);
        return grants;
    }

    /**
     * Sends until the answer is not 429 or 503 (fair-share limits, a service restarting), waiting its
     * {@code Retry-After} (1–5 s), at most 30 times; then expects one of the statuses.
     */
    private HttpResponse<String> callRetrying(String what, Supplier<HttpRequest> request, int... expected) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> answer = api.send(request.get());
            int status = answer.statusCode();
            if ((status == 429 || status == 503) && attempt < 30) {
                long seconds;
                try {
                    seconds = Long.parseLong(answer.headers().firstValue("Retry-After").orElse("1").trim());
                } catch (NumberFormatException e) {
                    seconds = 1;
                }
                Bench.pause(Math.min(5, Math.max(1, seconds)) * 1000);
                continue;
            }
            for (int ok : expected) {
                if (status == ok) {
                    return answer;
                }
            }
            throw new IllegalStateException(what + ": " + status + " " + answer.body());
        }
    }

    // ---- measuring ----

    /**
     * Waits, after the last change, until every grant of the round has a revoked.v1, or no new one came for 5 s (on a
     * build without the re-evaluation none comes at all), or {@code limit} passed.
     */
    private static void drain(RevocationEvents events, Duration limit) {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        long quiet = Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && events.revoked() < events.tally().grants()) {
            long last = Math.max(started, events.lastRevokedAt());
            if (System.nanoTime() - last > quiet) {
                return;
            }
            Bench.pause(50);
        }
    }

    /** A raw consumer of {@code invitations.events} (all partitions, from their ends) feeding {@link RevocationEvents}. */
    private static final class EventWatch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);

        EventWatch(Kafka kafka, RevocationEvents events) {
            consumer = kafka.consumer();
            Kafka.assignAtEnd(consumer, List.of("invitations.events"));
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            events.record(record.key(), Kafka.header(record.headers(), "ce_type"), record.value(),
                                    System.nanoTime());
                        }
                    }
                } catch (WakeupException stopping) {
                    // close()
                }
            }, "bench-rev-events");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            running.set(false);
            consumer.wakeup();
            join(thread);
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Bob calling one application, one request at a time with a pause after each answer. An affected grant's poller
     * stops {@value #CONFIRMATIONS} answers after its first refusal; an unaffected one runs until stopped.
     */
    static final class Poller implements Runnable {
        private final Api api;
        private final String path;
        private final long pauseMillis;
        private final boolean affected;
        private volatile boolean stopped;
        final CountDownLatch firstOk = new CountDownLatch(1);
        final CountDownLatch refused = new CountDownLatch(1);
        /** Arrival ({@link System#nanoTime()}) of the first 403 answer; -1 before. */
        volatile long firstRefusedAt = -1;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        final AtomicLong readmitted = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final Map<Integer, Long> otherStatuses = new ConcurrentHashMap<>();

        Poller(Api api, String path, long pauseMillis, boolean affected) {
            this.api = api;
            this.path = path;
            this.pauseMillis = pauseMillis;
            this.affected = affected;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            int afterRefusal = 0;
            while (!stopped) {
                int status;
                try {
                    HttpRequest request = api.request(path, api.token("fabrikam", Bench.GUEST), "GET", null).build();
                    status = api.http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    status = 0;
                }
                long now = System.nanoTime();
                sent.incrementAndGet();
                boolean refusedBefore = firstRefusedAt >= 0;
                if (status >= 200 && status < 300) {
                    firstOk.countDown();
                    if (refusedBefore) {
                        readmitted.incrementAndGet();
                    }
                } else if (status == 403) {
                    refusals.incrementAndGet();
                    if (!refusedBefore) {
                        firstRefusedAt = now;
                        refused.countDown();
                    }
                } else {
                    other.incrementAndGet();
                    otherStatuses.merge(status, 1L, Long::sum);
                }
                if (affected && refusedBefore && ++afterRefusal >= CONFIRMATIONS) {
                    return;
                }
                Bench.pause(pauseMillis);
            }
        }
    }

    private static Thread start(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static boolean await(CountDownLatch latch, Duration limit) {
        try {
            return latch.await(Math.max(0, limit.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(1, Math.min(nanos / 1000, histogram.getHighestTrackableValue())));
    }

    private static String appPath(String app) {
        return "/apps/contoso/" + app + "/page";
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
