package org.crosstenant.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The bench: sets up its own data through the public API, then measures each figure against a baseline taken in the
 * same run, over several rounds, and writes the medians and ratios as markdown (printed and saved). What each figure
 * means and how it is measured: docs/performance.md. Run through {@code bench/run.sh}.
 */
public final class Bench {

    /** The bench's shared application (Contoso's), served by the static nginx page. */
    static final String APP = "bench-static";
    static final String GUEST = "bob";
    static final String GUEST_EMAIL = "bob@fabrikam.example";
    /** Arrival rate of the unmeasured saga warm-up (requests per second): well below saturation, long enough for C2. */
    static final double SAGA_WARM_UP_RATE = 100;
    /** How long the revocation part waits for a grant's first refusal after its settings change was sent. */
    static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(10);

    private final Options options;
    private final StackInfo stack;
    private final Api api;
    private final Kafka kafka;
    private final StringBuilder report = new StringBuilder();

    private Bench(Options options, StackInfo stack) {
        this.options = options;
        this.stack = stack;
        this.api = new Api(stack.gateway(), stack.keycloak());
        this.kafka = new Kafka(stack.kafka());
    }

    /**
     * Runs the bench against the running local stack described by {@code <stack home>/run/stack.properties}.
     *
     * @param args see {@link Options#USAGE}
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Bench bench = new Bench(options, StackInfo.read(options.stackHome()));
        bench.run();
        System.exit(0);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void log(String message) {
        System.out.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    }

    private void run() throws IOException {
        Instant began = Instant.now();
        header(began);
        Wrk wrk = new Wrk(binary("wrk"), 2, 50);
        try (Nginx nginx = Nginx.start(binary("nginx"))) {
            log("nginx: static upstream " + nginx.upstreamUrl() + ", proxy (1 worker) " + nginx.proxyUrl());
            setUp(nginx.upstreamUrl());
            String appUrl = stack.gateway() + "/apps/contoso/" + APP + "/page";
            String nginxUrl = nginx.proxyUrl() + "/page";
            warmUp(wrk, appUrl, nginxUrl);

            List<WrkResult> gatewayRounds = new ArrayList<>();
            List<WrkResult> nginxRounds = new ArrayList<>();
            List<Double> gatewayCpuPerRequest = new ArrayList<>();
            List<Double> nginxCpuPerRequest = new ArrayList<>();
            ProcessCpu cpu = new ProcessCpu(stack, options.stackHome());
            List<LatencySummary> kafkaFloors = new ArrayList<>();
            List<LatencySummary> postgresFloors = new ArrayList<>();
            Map<Double, List<SagaLoad.Result>> saga = new LinkedHashMap<>();
            List<AuditBench.Ingest> auditGateway = new ArrayList<>();
            List<AuditBench.Ingest> auditSynthetic = new ArrayList<>();
            List<Double> rawConsume = new ArrayList<>();
            Double saturatedAt = null;
            int syntheticCount = 0;
            Map<Double, List<Map<String, Double>>> sagaCpu = new LinkedHashMap<>();
            AuditBench audit = new AuditBench(api, kafka, cpu);
            NoisyNeighbour noisy = new NoisyNeighbour(api, new Api(stack.gateway(), stack.keycloak()), APP);
            List<NoisyNeighbour.Round> noisyRounds = new ArrayList<>();
            List<Revocation.Round> revocationRounds = new ArrayList<>();
            Revocation revocation = options.runs("revocation")
                    ? new Revocation(api, kafka, nginx.upstreamUrl(), APP, GUEST_EMAIL, Bench::log) : null;
            if (revocation != null) {
                guarded("revocation, earlier runs' grants", () -> {
                    int left = revocation.revokeLeftovers();
                    if (left > 0) {
                        log("revoked " + left + " grants an earlier revocation run left active");
                    }
                });
            }
            try (SagaLoad load = options.runs("saga") || options.runs("restart")
                    ? new SagaLoad(api, kafka, APP, GUEST_EMAIL) : null) {
                if (options.runs("saga") && options.warmUpSeconds() > 0) {
                    int seconds = options.warmUpSeconds() * 3;
                    log("saga warm-up (not measured): " + Stats.whole(SAGA_WARM_UP_RATE) + "/s for " + seconds + " s");
                    guarded("saga warm-up", () -> load.run(new OpenSchedule(SAGA_WARM_UP_RATE, seconds),
                            Duration.ofSeconds(20), Bench::log));
                }
                for (int round = 1; round <= options.rounds(); round++) {
                    log("==== round " + round + " of " + options.rounds());
                    if (options.runs("gateway")) {
                        guarded("gateway vs nginx, round " + round, () -> {
                            double nginxCpu = ProcessCpu.tree(nginx.proxyProcess());
                            WrkResult n = logged("nginx proxy", wrk.run(nginxUrl, null, options.wrkSeconds()));
                            nginxCpu = ProcessCpu.tree(nginx.proxyProcess()) - nginxCpu;
                            String token = api.token("fabrikam", GUEST);
                            double gatewayCpu = cpu.service("gateway").orElse(Double.NaN);
                            WrkResult g = logged("gateway /apps (guest)", wrk.run(appUrl, token, options.wrkSeconds()));
                            gatewayCpu = cpu.service("gateway").orElse(Double.NaN) - gatewayCpu;
                            nginxRounds.add(n);
                            gatewayRounds.add(g);
                            nginxCpuPerRequest.add(microsPerRequest(nginxCpu, n));
                            gatewayCpuPerRequest.add(microsPerRequest(gatewayCpu, g));
                            log(String.format(Locale.ROOT, "CPU per request: nginx proxy %.1f µs, gateway %.1f µs",
                                    nginxCpuPerRequest.get(nginxCpuPerRequest.size() - 1),
                                    gatewayCpuPerRequest.get(gatewayCpuPerRequest.size() - 1)));
                        });
                    }
                    if (revocation != null) {
                        int thisRound = round;
                        log("revocation: " + options.revocationGrants() + " grants, each ended by one settings change");
                        guarded("revocation, round " + round, () -> revocationRounds.add(revocation.round(thisRound,
                                options.revocationGrants(), options.floorSamples(), REFUSAL_TIMEOUT,
                                Duration.ofSeconds(options.quick() ? 10 : 30))));
                    }
                    if (options.runs("noisy")) {
                        log("noisy neighbour: Fabrikam's walk at " + Stats.whole(NoisyNeighbour.WALK_RATE) + "/s, "
                                + options.noisySeconds() + " s quiet, then " + options.noisySeconds()
                                + " s while Contoso floods " + options.noisyFlood());
                        guarded("noisy neighbour, round " + round, () -> noisyRounds.add(loggedNoisy(
                                noisy.round(options.noisySeconds(), options.noisyFlood()))));
                    }
                    if (options.runs("saga")) {
                        guarded("floors, round " + round, () -> {
                        kafkaFloors.add(loggedFloor("Kafka round trip", Floors.kafkaRoundTrip(kafka, options.floorSamples())));
                        postgresFloors.add(loggedFloor("PostgreSQL commit", Floors.postgresCommit(stack.get("postgres.jdbc-url"),
                                stack.get("postgres.username"), stack.get("postgres.password"), options.floorSamples())));
                        });
                        for (double rate : options.rates()) {
                            if (saturatedAt != null && rate > saturatedAt) {
                                log("saga at " + Stats.whole(rate) + "/s skipped: saturated at " + Stats.whole(saturatedAt) + "/s");
                                continue;
                            }
                            log("saga at " + Stats.whole(rate) + "/s for " + options.sagaSeconds() + " s (open model)");
                            SagaLoad.Result result;
                            Map<String, Double> cpuBefore = cpu.snapshot();
                            try {
                                result = load.run(new OpenSchedule(rate, options.sagaSeconds()),
                                        Duration.ofSeconds(Math.max(10, options.sagaSeconds() / 2)), Bench::log);
                            } catch (RuntimeException e) {
                                failed("saga at " + Stats.whole(rate) + "/s, round " + round, e);
                                continue;
                            }
                            Map<String, Double> cpuPerInvitation = ProcessCpu.perOperation(
                                    ProcessCpu.used(cpuBefore, cpu.snapshot()), result.sent());
                            log(describe(result) + "; CPU ms per invitation " + cpuPerInvitation);
                            saga.computeIfAbsent(rate, key -> new ArrayList<>()).add(result);
                            sagaCpu.computeIfAbsent(rate, key -> new ArrayList<>()).add(cpuPerInvitation);
                            if (saturated(result)) {
                                saturatedAt = rate;
                                log("saga saturated at " + Stats.whole(rate) + "/s: higher rates are not run in this or later rounds");
                                // let the backlog drain before the next measurement: until no approval arrived for
                                // 3 s (at most 3 minutes), or it would be measured as the next rate's latency
                                Duration waited = load.awaitQuiet(Duration.ofSeconds(3), Duration.ofMinutes(3));
                                log(waited.compareTo(Duration.ofMinutes(3)) >= 0
                                        ? "saga backlog still draining after 3 minutes: the next measurement may include it"
                                        : "saga backlog drained after " + waited.toSeconds() + " s");
                            }
                        }
                    }
                    if (options.runs("audit")) {
                        int thisRound = round;
                        syntheticCount = guardedAudit(audit, wrk, appUrl, syntheticCount, auditGateway, auditSynthetic,
                                rawConsume, thisRound);
                    }
                }
                RestartBench.Result restart = null;
                if (options.runs("restart")) {
                    log("==== restart resume: saga at " + Stats.whole(options.restartRate()) + "/s for "
                            + options.restartSeconds() + " s, kill -9 policy-service then invitation-service");
                    try {
                        restart = RestartBench.run(stack, api, kafka, load, options.restartRate(), options.restartSeconds(),
                                Bench::log);
                    } catch (RuntimeException e) {
                        failed("restart episode", e);
                    }
                }
                writeGateway(wrk, gatewayRounds, nginxRounds, gatewayCpuPerRequest, nginxCpuPerRequest);
                writeRevocation(revocationRounds);
                writeNoisy(noisyRounds);
                writeSaga(saga, kafkaFloors, postgresFloors, saturatedAt);
                writeSagaCpu(sagaCpu);
                writeAudit(auditGateway, auditSynthetic, rawConsume, syntheticCount);
                writeRestart(restart);
            }
        }
        writeMemoryAndMetrics();
        writeFailures();
        report.append("\nTotal bench time: ").append(Duration.between(began, Instant.now()).toSeconds()).append(" s.\n");
        Path out = options.out();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report.toString());
        System.out.println("\n" + report);
        log("results written to " + out);
    }

    private final List<String> failures = new ArrayList<>();

    /** Runs one part of the bench; a failure is logged and reported, and the bench goes on with the next part. */
    private void guarded(String part, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            failed(part, e);
        }
    }

    private void failed(String part, RuntimeException e) {
        String message = part + ": " + e;
        log("FAILED " + message);
        e.printStackTrace(System.out);
        failures.add(message);
    }

    private void writeFailures() {
        if (failures.isEmpty()) {
            return;
        }
        report.append("\n## Parts that failed\n\n");
        failures.forEach(failure -> report.append("- `").append(failure.replace('`', '\'')).append("`\n"));
    }

    private int guardedAudit(AuditBench audit, Wrk wrk, String appUrl, int knownSyntheticCount,
                             List<AuditBench.Ingest> auditGateway, List<AuditBench.Ingest> auditSynthetic,
                             List<Double> rawConsume, int round) {
        int syntheticCount = knownSyntheticCount;
        try {
            Duration drain = Duration.ofSeconds(options.quick() ? 10 : 20);
            log("audit under gateway load (wrk " + options.wrkSeconds() + " s)");
            auditGateway.add(loggedIngest("audit, gateway traffic", audit.underGatewayLoad(wrk, appUrl,
                    api.token("fabrikam", GUEST), options.wrkSeconds(), drain)));
            if (syntheticCount == 0) {
                AuditBench.Ingest probe = audit.synthetic(options.quick() ? 200 : 1000, drain);
                double rate = Double.isNaN(probe.perSecond()) ? 100 : probe.perSecond();
                syntheticCount = (int) Math.max(options.quick() ? 200 : 1000,
                        Math.min(options.quick() ? 5000 : 100_000, rate * (options.quick() ? 3 : 10)));
                log("audit probe: " + Stats.whole(probe.perSecond()) + " records/s → synthetic bursts of "
                        + syntheticCount + " records");
            }
            auditSynthetic.add(loggedIngest("audit, synthetic burst", audit.synthetic(syntheticCount, drain)));
            double raw = audit.rawConsumeRate(Duration.ofSeconds(10));
            log("raw consume of " + AuditBench.TOPIC + ": " + Stats.whole(raw) + " records/s");
            rawConsume.add(raw);
        } catch (RuntimeException e) {
            failed("audit, round " + round, e);
        }
        return syntheticCount;
    }

    private void header(Instant began) {
        report.append("# Bench results, ").append(began.truncatedTo(ChronoUnit.SECONDS)).append(options.quick() ? " (quick smoke run: not comparable)" : "").append("\n\n");
        report.append("- command: `bench/run.sh ").append(options.command()).append("`\n");
        report.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(memTotal()).append(", load average at start ").append(loadAverage()).append("\n");
        report.append("- services' JVM profile: `").append(stack.jvm()).append("` (see docs/performance.md)\n");
        report.append("- rounds: ").append(options.rounds()).append(" (figures are medians over the rounds)\n");
        if (!options.installed().isBlank()) {
            report.append("- installed for this run with apt-get: ").append(options.installed()).append("\n");
        }
        if (!options.note().isBlank()) {
            report.append("- note: ").append(options.note()).append("\n");
        }
        log("bench against " + stack.gateway() + " (JVM profile " + stack.jvm() + ")");
    }

    /** The README's walk for the bench's own application: register, both sides' settings, invite bob, redeem. */
    private void setUp(String upstreamUrl) {
        log("setting up through the public API: application " + APP + " → " + upstreamUrl);
        String alice = api.token("contoso", "alice");
        String frank = api.token("fabrikam", "frank");
        api.call("register " + APP, api.request("/api/v1/tenants/contoso/applications/" + APP, alice, "PUT",
                "{\"upstreamUrl\":\"" + upstreamUrl + "\",\"displayName\":\"Bench static page\"}").build(), 200, 201);
        api.call("Contoso's inbound settings", api.request("/api/v1/tenants/contoso/access-settings/partners/fabrikam",
                alice, "PUT", "{\"inbound\":{\"collaboration\":{\"usersAndGroups\":{\"access\":\"allowed\",\"targets\":[\"all\"]},"
                        + "\"applications\":{\"access\":\"allowed\",\"targets\":[\"contoso-projects\",\"" + APP + "\"]}}}}")
                .build(), 200, 201);
        api.call("Fabrikam's outbound settings", api.request("/api/v1/tenants/fabrikam/access-settings/partners/contoso",
                frank, "PUT", "{\"outbound\":{\"collaboration\":{\"usersAndGroups\":{\"access\":\"allowed\",\"targets\":[\"all\""
                        + "]},\"applications\":{\"access\":\"allowed\",\"targets\":[\"all\"]}}}}")
                .build(), 200, 201);
        String partner = api.token("fabrikam", Api.PARTNER);
        HttpResponse<String> filed = api.call("invitation for bob", api.request("/api/v1/invitations", partner, "POST",
                Api.invitationRequest(APP, GUEST_EMAIL)).header("Idempotency-Key", "bench-setup-" + java.util.UUID.randomUUID())
                .build(), 202, 409);
        // a stack the bench already set up holds bob's live request for APP (one per invitee and application):
        // 409 invitation-exists names it, and the bench goes on with that one
        String id = filed.statusCode() == 202 ? Api.idFromLocation(filed)
                : Api.read(filed.body()).path("existingInvitation").asText();
        if (id.isEmpty()) {
            throw new IllegalStateException("invitation for bob: 409 without existingInvitation: " + filed.body());
        }
        JsonNode invitation = awaitJson("invitation " + id + " decided", Duration.ofSeconds(60), () ->
                api.send(api.request("/api/v1/invitations/" + id, partner, "GET", null).build()),
                body -> !body.path("status").asText().equals("requested"));
        String status = invitation.path("status").asText();
        if (status.equals("pending_acceptance")) {
            api.call("bob redeems", api.request("/api/v1/invitations/" + id + "/redeem", api.token("fabrikam", GUEST),
                    "POST", "{\"code\":\"" + invitation.path("redemptionCode").asText() + "\"}").build(), 200);
        } else if (!status.equals("accepted")) {
            throw new IllegalStateException("the bench's invitation was not approved: " + invitation);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String appUrl = "/apps/contoso/" + APP + "/page";
        while (true) {
            HttpResponse<String> page = api.send(api.request(appUrl, api.token("fabrikam", GUEST), "GET", null).build());
            if (page.statusCode() == 200 && page.body().contains(Nginx.PAGE_MARKER)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bob never reached the static page through the gateway: "
                        + page.statusCode() + " " + page.body());
            }
            pause(100);
        }
        log("set up: bob (guest) reaches " + APP + " through the gateway");
    }

    private JsonNode awaitJson(String what, Duration limit, java.util.function.Supplier<HttpResponse<String>> call,
                               java.util.function.Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = call.get();
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode body = Api.read(response.body());
                if (done.test(body)) {
                    return body;
                }
            }
            pause(100);
        }
        throw new IllegalStateException(what + ": not within " + limit + " (last answer " + last + ")");
    }

    private void warmUp(Wrk wrk, String appUrl, String nginxUrl) {
        if (options.warmUpSeconds() == 0) {
            return;
        }
        log("warm-up (not measured): " + options.warmUpSeconds() + " s of wrk on each path");
        wrk.run(nginxUrl, null, options.warmUpSeconds());
        wrk.run(appUrl, api.token("fabrikam", GUEST), options.warmUpSeconds());
    }

    /**
     * A rate saturates when more than 1 % of its requests failed or were not approved (nor denied) on the topic by the
     * end of the drain, or when the approval p50 is above 5 s. Judged on the topic, not on the polled visibility: the
     * outbox publishes the approval only after the transaction that made the decision visible committed, so the
     * approval's arrival bounds the visibility from above, while the polled figure is bounded by the harness's own
     * poll budget ({@link SagaLoad#MAX_POLLS_IN_FLIGHT}) and fell behind at 200/s when the stack did not.
     */
    static boolean saturated(SagaLoad.Result result) {
        return result.errors() + result.incompleteApproved() > result.sent() / 100 || result.approved().p50() > 5000;
    }

    // ---- the report ----

    private void writeNoisy(List<NoisyNeighbour.Round> rounds) {
        if (rounds.isEmpty()) {
            return;
        }
        NoisyNeighbour.Flood flood = options.noisyFlood();
        report.append("\n## g. Noisy neighbour (fair sharing between tenants)\n\n");
        report.append(String.format(Locale.ROOT, "Fabrikam's walk (bob's page on `/apps/contoso/%s`, frank's partner "
                + "settings, erin's audit query, in turn) at %s requests/s, open model, %d s alone, then %d s while Contoso "
                + "floods: %s API requests/s (alice's application read, dave's audit query), %s `/apps` requests/s (alice) "
                + "and %d audit streams (dave).%n%n", APP, Stats.whole(NoisyNeighbour.WALK_RATE), options.noisySeconds(),
                options.noisySeconds(), Stats.whole(flood.apiPerSecond()), Stats.whole(flood.appsPerSecond()),
                flood.streams()));
        report.append("| round | quiet p50 ms | quiet p99 ms | quiet errors | noisy p50 ms | noisy p99 ms | noisy errors "
                + "| Contoso sent | answered | 429 | other | streams open | streams refused |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int n = 1;
        for (NoisyNeighbour.Round r : rounds) {
            report.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %s | %s | %d | %d | %d | %d | %d | %d | %d |%n",
                    n++, LatencySummary.ms(r.quiet().latency().p50()), LatencySummary.ms(r.quiet().latency().p99()),
                    r.quiet().errors(), LatencySummary.ms(r.noisy().latency().p50()),
                    LatencySummary.ms(r.noisy().latency().p99()), r.noisy().errors(), r.flood().sent(),
                    r.flood().answered(), r.flood().limited(), r.flood().other(), r.flood().streamsOpen(),
                    r.flood().streamsRefused()));
        }
        double quietP99 = median(rounds, r -> r.quiet().latency().p99());
        double noisyP99 = median(rounds, r -> r.noisy().latency().p99());
        report.append(String.format(Locale.ROOT, "| **median** | **%s** | **%s** | | **%s** | **%s** | | | | | | | |%n",
                LatencySummary.ms(median(rounds, r -> r.quiet().latency().p50())), LatencySummary.ms(quietP99),
                LatencySummary.ms(median(rounds, r -> r.noisy().latency().p50())), LatencySummary.ms(noisyP99)));
        long errors = rounds.stream().mapToLong(r -> r.noisy().errors() + r.quiet().errors()).sum();
        report.append(String.format(Locale.ROOT, "%n**Fabrikam's p99 noisy ÷ quiet = %s** (target ≤ 2×); **Fabrikam's "
                + "errors: %d** over all rounds and both phases (target 0).%n", Stats.times(Stats.ratio(noisyP99,
                quietP99)), errors));
        rounds.stream().filter(r -> !r.noisy().statuses().isEmpty() || !r.quiet().statuses().isEmpty()).findFirst()
                .ifPresent(r -> report.append("Fabrikam's failed answers by status (0 = none): quiet ")
                        .append(r.quiet().statuses()).append(", noisy ").append(r.noisy().statuses()).append(".\n"));
    }

    /**
     * The revocation part (docs/performance.md "h"): per round the latency from each settings PUT's send to bob's
     * first refused request, the PUT's own duration, its {@code Crosstenant-Enforced} header, the Kafka floor of the
     * round, the calls of unaffected grants, and what {@code invitations.events} and the grants listing said.
     */
    private void writeRevocation(List<Revocation.Round> rounds) {
        if (rounds.isEmpty()) {
            return;
        }
        report.append("\n## h. Revocation by settings changes (issue #8: the gateway enforces within a second)\n\n");
        report.append(String.format(Locale.ROOT, "Per round: %d grants of bob (Fabrikam) to as many applications of "
                + "Contoso, set up through the API; alice ends them one after another, each with one `PUT "
                + "/api/v1/tenants/contoso/access-settings/partners/fabrikam` (`If-Match`) that takes exactly that "
                + "application off Contoso's inbound collaboration `applications` allowed list, while bob calls it "
                + "(%d ms after each answer). **Latency = arrival of bob's first refused (403) answer − the moment the "
                + "PUT was sent** (the PUT's own time included). Floor: a Kafka produce → consume round trip on the "
                + "stack's broker, measured at the start of the same round. Medians over rounds.%n%n",
                options.revocationGrants(), Revocation.POLL_PAUSE_MILLIS));
        report.append("| round | grants | PUT → refused p50 ms | p99 ms | max ms | PUT p50 ms | PUT p99 ms | PUT max ms "
                + "| not refused within " + REFUSAL_TIMEOUT.toSeconds() + " s | refused before its PUT | not reached "
                + "before its PUT | 200 after a refusal | other answers | `Crosstenant-Enforced` true / false / absent "
                + "| Kafka floor p50 / p99 ms | changes took s | load average at their start / end |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Revocation.Round r : rounds) {
            report.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d "
                            + "| %s | %s / %s | %.0f | %.1f / %.1f |%n", r.number(), r.grants(),
                    LatencySummary.ms(r.latency().p50()),
                    LatencySummary.ms(r.latency().p99()), LatencySummary.ms(r.latency().max()),
                    LatencySummary.ms(r.put().p50()), LatencySummary.ms(r.put().p99()), LatencySummary.ms(r.put().max()),
                    r.notRefused(), r.premature(), r.unreachable(), r.readmitted(), r.affectedOther(),
                    enforced(r.enforced()), LatencySummary.ms(r.kafkaFloor().p50()),
                    LatencySummary.ms(r.kafkaFloor().p99()), r.measureSeconds(), r.loadAtStart(), r.loadAtEnd()));
        }
        double p50 = median(rounds, r -> r.latency().p50());
        double p99 = median(rounds, r -> r.latency().p99());
        double floor50 = median(rounds, r -> r.kafkaFloor().p50());
        double floor99 = median(rounds, r -> r.kafkaFloor().p99());
        report.append(String.format(Locale.ROOT, "| **median** | | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | "
                        + "| | | | | | **%s / %s** | | |%n", LatencySummary.ms(p50), LatencySummary.ms(p99),
                LatencySummary.ms(median(rounds, r -> r.latency().max())), LatencySummary.ms(median(rounds,
                        r -> r.put().p50())), LatencySummary.ms(median(rounds, r -> r.put().p99())),
                LatencySummary.ms(median(rounds, r -> r.put().max())), LatencySummary.ms(floor50),
                LatencySummary.ms(floor99)));
        report.append(String.format(Locale.ROOT, "%n**PUT sent → first refused request: p50 %s ms, p99 %s ms** "
                        + "(target p50 ≤ 100 ms, p99 ≤ 1 s: **%s**); the Kafka floor of the same run: p50 %s ms, "
                        + "p99 %s ms (latency p50 = %s the floor's p50). Worst single change over all rounds: %s ms.%n",
                LatencySummary.ms(p50), LatencySummary.ms(p99), Revocation.verdict(p50, p99), LatencySummary.ms(floor50),
                LatencySummary.ms(floor99), Stats.times(Stats.ratio(p50, floor50)),
                LatencySummary.ms(rounds.stream().mapToDouble(r -> r.latency().max()).filter(v -> !Double.isNaN(v))
                        .max().orElse(Double.NaN))));
        report.append(String.format(Locale.ROOT, "%nGrants no change concerns (bob's `%s` and %d controls per round, "
                        + "each called every %d ms): %d calls, **%d refused** (errors), %d other answers.%n", APP,
                Revocation.CONTROLS, Revocation.UNAFFECTED_INTERVAL_MILLIS,
                rounds.stream().mapToLong(Revocation.Round::unaffectedSent).sum(),
                rounds.stream().mapToLong(Revocation.Round::unaffectedRefused).sum(),
                rounds.stream().mapToLong(Revocation.Round::unaffectedOther).sum()));
        report.append("\nAfter the changes (issue #8's re-evaluation): `revoked.v1` records of the round's grants on "
                + "`invitations.events` (raw consumer from before the first change until every grant had one, 5 s "
                + "without a new one, or 30 s), each grant classified by its first one, and the grants still active in "
                + "`GET /api/v1/tenants/contoso/grants`:\n\n");
        report.append("| round | grants | with revoked.v1 | reason policy-changed | other reason | without reason | two or "
                + "more revoked.v1 | no revoked.v1 | still active (grants listing) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Revocation.Round r : rounds) {
            RevocationEvents.Tally t = r.events();
            report.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %s | %d | %d | %d | %d |%n", r.number(),
                    t.grants(), t.revoked(), t.reasonAvailable() ? Integer.toString(t.policyChanged()) : "not yet available",
                    t.reasonAvailable() ? Integer.toString(t.otherReason()) : "not yet available", t.withoutReason(),
                    t.twice(), t.notRevoked(), r.stillActive()));
        }
        RevocationEvents.Tally all = RevocationEvents.Tally.sum(rounds.stream().map(Revocation.Round::events).toList());
        if (!all.reasonAvailable()) {
            report.append(all.revoked() == 0
                    ? "\nReason: **not yet available** — no `revoked.v1` for these grants: this build does not end a "
                    + "grant when settings change (the gateway only refuses it per request).\n"
                    : "\nReason: **not yet available** — the `revoked.v1` records carry no `reason` member.\n");
        }
    }

    /** {@code true / false / absent} counts of the {@code Crosstenant-Enforced} header, and any other value. */
    static String enforced(Map<String, Long> counts) {
        String text = counts.getOrDefault("true", 0L) + " / " + counts.getOrDefault("false", 0L) + " / "
                + counts.getOrDefault("absent", 0L);
        long other = counts.getOrDefault("other", 0L);
        return other > 0 ? text + " (other value: " + other + ")" : text;
    }

    /** CPU microseconds per request answered (wrk's count, errors included: they cost CPU too); NaN without one. */
    static double microsPerRequest(double cpuSeconds, WrkResult result) {
        return result.requests() > 0 ? cpuSeconds * 1e6 / result.requests() : Double.NaN;
    }

    private void writeGateway(Wrk wrk, List<WrkResult> gateway, List<WrkResult> nginx, List<Double> gatewayCpu,
                              List<Double> nginxCpu) {
        if (gateway.isEmpty()) {
            return;
        }
        report.append("\n## a. Gateway vs nginx\n\n");
        report.append("Guest `bob` through `/apps/contoso/").append(APP).append("/page` vs nginx (1 worker) proxying the same ")
                .append("static nginx page; each `").append(wrk.describe(options.wrkSeconds())).append("`, alternating.\n\n");
        report.append("| round | nginx req/s | nginx p50 ms | nginx p99 ms | gateway req/s | gateway p50 ms | gateway p99 ms | gateway errors |\n");
        report.append("|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < gateway.size(); i++) {
            WrkResult n = nginx.get(i);
            WrkResult g = gateway.get(i);
            report.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %d |%n", i + 1,
                    Stats.whole(n.requestsPerSecond()), LatencySummary.ms(n.p50Millis()), LatencySummary.ms(n.p99Millis()),
                    Stats.whole(g.requestsPerSecond()), LatencySummary.ms(g.p50Millis()), LatencySummary.ms(g.p99Millis()),
                    g.errors()));
        }
        double nRate = median(nginx, WrkResult::requestsPerSecond);
        double gRate = median(gateway, WrkResult::requestsPerSecond);
        double nP99 = median(nginx, WrkResult::p99Millis);
        double gP99 = median(gateway, WrkResult::p99Millis);
        report.append(String.format(Locale.ROOT, "| **median** | **%s** | **%s** | **%s** | **%s** | **%s** | **%s** | |%n",
                Stats.whole(nRate), LatencySummary.ms(median(nginx, WrkResult::p50Millis)), LatencySummary.ms(nP99),
                Stats.whole(gRate), LatencySummary.ms(median(gateway, WrkResult::p50Millis)), LatencySummary.ms(gP99)));
        report.append(String.format(Locale.ROOT, "%n**Ratio: gateway throughput = %s nginx; gateway p99 − nginx p99 = %s ms** "
                        + "(target ≥ 1.0× and ≤ +1 ms).%n", Stats.times(Stats.ratio(gRate, nRate)), LatencySummary.ms(gP99 - nP99)));
        double gCpu = Stats.median(gatewayCpu);
        double nCpu = Stats.median(nginxCpu);
        report.append(String.format(Locale.ROOT, "%nCPU per request (user + system from `/proc/<pid>/stat` over each wrk run "
                        + "÷ requests, medians): gateway JVM %.1f µs, nginx proxy (master + worker) %.1f µs, "
                        + "**gateway ÷ nginx = %s** — less sensitive to what else runs on the machine than req/s.%n",
                gCpu, nCpu, Stats.times(Stats.ratio(gCpu, nCpu))));
    }

    private void writeSaga(Map<Double, List<SagaLoad.Result>> saga, List<LatencySummary> kafkaFloors,
                           List<LatencySummary> postgresFloors, Double saturatedAt) {
        if (kafkaFloors.isEmpty()) {
            return;
        }
        report.append("\n## b. Invitation saga at fixed arrival rates (open model)\n\n");
        double kafka50 = medianOf(kafkaFloors, LatencySummary::p50);
        double kafka99 = medianOf(kafkaFloors, LatencySummary::p99);
        double pg50 = medianOf(postgresFloors, LatencySummary::p50);
        double pg99 = medianOf(postgresFloors, LatencySummary::p99);
        // the saga's critical path: three Kafka hops (requested, decided, approved) and four commits
        double floor = 3 * kafka50 + 4 * pg50;
        report.append(String.format(Locale.ROOT, "Floor, measured in this run (median of rounds): Kafka round trip "
                + "(200 B, acks=all, produce → consume) p50 %s ms / p99 %s ms; PostgreSQL insert + commit p50 %s ms / p99 %s ms. "
                + "The saga's path is 3 Kafka hops + 4 commits ⇒ **floor ≈ %s ms** (p50s).%n%n",
                LatencySummary.ms(kafka50), LatencySummary.ms(kafka99), LatencySummary.ms(pg50), LatencySummary.ms(pg99),
                LatencySummary.ms(floor)));
        report.append("Latencies in ms from each request's intended send time; medians over rounds.\n\n");
        report.append("| rate /s | sent | errors | 202 p50 | 202 p99 | visible p50 | visible p99 | visible p99.9 | approved p50 | approved p99 | approved p99.9 | visible p50 ÷ floor | incomplete (visible/approved) | denied | duplicates |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<Double, List<SagaLoad.Result>> entry : saga.entrySet()) {
            List<SagaLoad.Result> runs = entry.getValue();
            double visible50 = medianOf(runs, r -> r.visible().p50());
            report.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d | %d | %d |%n",
                    Stats.whole(entry.getKey()), runs.stream().mapToLong(SagaLoad.Result::sent).sum(),
                    runs.stream().mapToLong(SagaLoad.Result::errors).sum(),
                    LatencySummary.ms(medianOf(runs, r -> r.accepted().p50())), LatencySummary.ms(medianOf(runs, r -> r.accepted().p99())),
                    LatencySummary.ms(visible50), LatencySummary.ms(medianOf(runs, r -> r.visible().p99())),
                    LatencySummary.ms(medianOf(runs, r -> r.visible().p999())),
                    LatencySummary.ms(medianOf(runs, r -> r.approved().p50())), LatencySummary.ms(medianOf(runs, r -> r.approved().p99())),
                    LatencySummary.ms(medianOf(runs, r -> r.approved().p999())),
                    Stats.times(Stats.ratio(visible50, floor)),
                    runs.stream().mapToLong(SagaLoad.Result::incompleteVisible).sum(),
                    runs.stream().mapToLong(SagaLoad.Result::incompleteApproved).sum(),
                    runs.stream().mapToLong(SagaLoad.Result::denied).sum(),
                    runs.stream().mapToLong(SagaLoad.Result::duplicates).sum()));
        }
        for (double rate : options.rates()) {
            if (!saga.containsKey(rate)) {
                report.append("| ").append(Stats.whole(rate)).append(" | not run: saturated at ")
                        .append(saturatedAt == null ? "?" : Stats.whole(saturatedAt)).append("/s | | | | | | | | | | | | | |\n");
            }
        }
        report.append("\nWhere an approved request's time goes: each hop ends when the harness's consumer sees the record "
                + "(so each includes one Kafka delivery); medians over rounds of each hop's p50 / p99, ms.\n\n| rate /s |");
        SagaLoad.HOPS.forEach(hop -> report.append(' ').append(hop).append(" |"));
        report.append("\n|---|").append("---|".repeat(SagaLoad.HOPS.size())).append('\n');
        saga.forEach((rate, runs) -> {
            report.append("| ").append(Stats.whole(rate)).append(" |");
            for (int hop = 0; hop < SagaLoad.HOPS.size(); hop++) {
                int index = hop;
                report.append(' ').append(LatencySummary.ms(medianOf(runs, r -> r.hops().get(index).p50())))
                        .append(" / ").append(LatencySummary.ms(medianOf(runs, r -> r.hops().get(index).p99()))).append(" |");
            }
            report.append('\n');
        });
        saga.values().stream().flatMap(List::stream).filter(r -> !r.lastError().isBlank()).findFirst()
                .ifPresent(r -> report.append("\nOne error answer: `").append(r.lastError().replace('`', '\'')).append("`\n"));
        double lagMax = saga.values().stream().flatMap(List::stream).mapToDouble(SagaLoad.Result::senderLagMaxMs).max().orElse(0);
        report.append(String.format(Locale.ROOT, "%nThe sender's worst delay behind its schedule: %s ms (charged to the "
                + "latencies, which start at the intended time).%n", LatencySummary.ms(lagMax)));
    }

    /**
     * CPU per invitation filed, per process and saga rate (medians over rounds, ms of user + system time from
     * {@link ProcessCpu}, from the first send to the end of the drain, divided by the requests sent), and the rate the
     * CPU alone allows on this machine's cores. The harness's own polls are served by the gateway and
     * invitation-service too, so their figures include a few GETs per invitation.
     */
    private void writeSagaCpu(Map<Double, List<Map<String, Double>>> sagaCpu) {
        if (sagaCpu.isEmpty()) {
            return;
        }
        List<String> groups = new ArrayList<>(StackInfo.SERVICES);
        groups.add(ProcessCpu.POSTGRESQL);
        groups.add(ProcessCpu.KAFKA);
        int cores = Runtime.getRuntime().availableProcessors();
        report.append("\nCPU per invitation filed, ms (user + system from `/proc/<pid>/stat` during each rate's sending and "
                + "drain ÷ requests sent; medians over rounds; the harness's own GET polls included, the harness itself not):\n\n");
        report.append("| rate /s | ").append(String.join(" | ", groups)).append(" | total | rate the CPU allows on ")
                .append(cores).append(" cores |\n|---|");
        report.append("---|".repeat(groups.size() + 2)).append('\n');
        sagaCpu.forEach((rate, runs) -> {
            StringBuilder row = new StringBuilder("| ").append(Stats.whole(rate)).append(" |");
            double total = 0;
            for (String group : groups) {
                double ms = medianOf(runs, run -> run.getOrDefault(group, Double.NaN));
                total += Double.isNaN(ms) ? 0 : ms;
                row.append(Double.isNaN(ms) ? " n/a |" : String.format(Locale.ROOT, " %.3f |", ms));
            }
            report.append(row).append(String.format(Locale.ROOT, " %.3f | %s/s |%n", total,
                    Stats.whole(total > 0 ? cores * 1000 / total : 0)));
        });
    }

    private void writeAudit(List<AuditBench.Ingest> gateway, List<AuditBench.Ingest> synthetic, List<Double> raw, int syntheticCount) {
        if (gateway.isEmpty()) {
            return;
        }
        report.append("\n## c. Audit ingestion\n\n");
        report.append("Lag = arrival on the auditor's SSE stream − the `gateway.access` record's timestamp; medians over rounds.\n\n");
        report.append("| load | published | appended (seen on SSE) | behind at the end | records/s appended | all records/s on the stream | lag p50 ms | lag p99 ms | lag p99.9 ms |\n");
        report.append("|---|---|---|---|---|---|---|---|---|\n");
        ingestRow("gateway at full speed (wrk " + options.wrkSeconds() + " s)", gateway);
        ingestRow("synthetic burst of " + syntheticCount + " events", synthetic);
        double rawRate = Stats.median(raw);
        double appendRate = medianOf(synthetic, AuditBench.Ingest::perSecond);
        report.append(String.format(Locale.ROOT, "%nBaseline: a raw Kafka consumer reads `%s` at **%s records/s**; "
                + "audit-service appends at **%s of that** (synthetic burst). Target ≥ 20 000 records/s, SSE lag p99 ≤ 100 ms.%n",
                AuditBench.TOPIC, Stats.whole(rawRate), Stats.times(Stats.ratio(appendRate, rawRate))));
        writeCheckpoints(synthetic);
        writeAuditCpu(synthetic);
    }

    /**
     * The Merkle log's signed checkpoints during the synthetic bursts (medians over rounds): how often one was signed
     * and how long a record waited for the first checkpoint that holds it, i.e. until its inclusion can be proved.
     */
    private void writeCheckpoints(List<AuditBench.Ingest> synthetic) {
        report.append(String.format(Locale.ROOT, "%nSigned checkpoints during the synthetic burst (`audit.checkpoints`, "
                + "configured interval 1 s; medians over rounds): %s checkpoints, interval p50 %s ms / max %s ms; "
                + "record published → first checkpoint holding it p50 %s ms / p99 %s ms; %s records no checkpoint held "
                + "within %d s of the last one.%n",
                Stats.whole(medianOf(synthetic, r -> (double) r.checkpoints().checkpoints())),
                LatencySummary.ms(medianOf(synthetic, r -> r.checkpoints().interval().p50())),
                LatencySummary.ms(medianOf(synthetic, r -> r.checkpoints().interval().max())),
                LatencySummary.ms(medianOf(synthetic, r -> r.checkpoints().coverage().p50())),
                LatencySummary.ms(medianOf(synthetic, r -> r.checkpoints().coverage().p99())),
                Stats.whole(medianOf(synthetic, r -> (double) r.checkpoints().uncovered())),
                AuditBench.CHECKPOINT_WAIT.toSeconds()));
    }

    /**
     * CPU per appended record of the synthetic burst, per process (medians over rounds), and the append rate that
     * CPU alone would allow on this machine's cores: where the time goes, and why a target can or cannot be met.
     */
    private void writeAuditCpu(List<AuditBench.Ingest> synthetic) {
        List<String> groups = new ArrayList<>(StackInfo.SERVICES);
        groups.add(ProcessCpu.POSTGRESQL);
        groups.add(ProcessCpu.KAFKA);
        StringBuilder row = new StringBuilder("|");
        StringBuilder header = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        double total = 0;
        for (String group : groups) {
            double ms = medianOf(synthetic, ingest -> ingest.cpuMsPerRecord(group));
            if (Double.isNaN(ms)) {
                continue;
            }
            total += ms;
            header.append(' ').append(group).append(" |");
            rule.append("---|");
            row.append(String.format(Locale.ROOT, " %.3f |", ms));
        }
        if (total == 0) {
            return;
        }
        List<String> missing = groups.stream()
                .filter(group -> Double.isNaN(medianOf(synthetic, ingest -> ingest.cpuMsPerRecord(group)))).toList();
        int cores = Runtime.getRuntime().availableProcessors();
        report.append(String.format(Locale.ROOT, "%nCPU per appended record during the synthetic burst, ms (medians; "
                + "the harness's own producer and SSE client not included):%n%n%s total |%n%s---|%n%s %.3f |%n%n"
                + "At %.3f ms of CPU per record, %d cores allow at most **%s records/s** even with nothing else "
                + "running; 20 000 records/s needs ≤ %.3f ms per record.%n",
                header, rule, row, total, total, cores, Stats.whole(cores * 1000 / total), cores / 20.0));
        if (!missing.isEmpty()) {
            report.append("Not found, so not counted (the rate above is then too high): ")
                    .append(String.join(", ", missing)).append(".\n");
        }
    }

    private void ingestRow(String load, List<AuditBench.Ingest> runs) {
        report.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", load,
                Stats.whole(medianOf(runs, r -> (double) r.published())), Stats.whole(medianOf(runs, r -> (double) r.appended())),
                Stats.whole(medianOf(runs, r -> (double) r.behind())), Stats.whole(medianOf(runs, AuditBench.Ingest::perSecond)),
                Stats.whole(medianOf(runs, AuditBench.Ingest::streamPerSecond)),
                LatencySummary.ms(medianOf(runs, r -> r.lag().p50())), LatencySummary.ms(medianOf(runs, r -> r.lag().p99())),
                LatencySummary.ms(medianOf(runs, r -> r.lag().p999()))));
    }

    private void writeRestart(RestartBench.Result restart) {
        if (restart == null) {
            return;
        }
        report.append("\n## d. Restart resume (kill -9 during saga load)\n\n");
        if (restart.skipped() != null) {
            report.append("Not run: ").append(restart.skipped()).append(".\n");
            return;
        }
        report.append(String.format(Locale.ROOT, "Saga at %s/s for %d s; one round (an episode disturbs everything after it). "
                + "The launcher restarts a killed service after its `--restart-crashed` delay (%d ms).%n%n",
                Stats.whole(options.restartRate()), options.restartSeconds(), stack.restartDelayMillis().orElse(-1L)));
        report.append("| service killed | kill → new process ms | start → ready ms | ready → partitions assigned ms | start → first approval ms | ready → first approval ms | kill → first approval ms |\n");
        report.append("|---|---|---|---|---|---|---|\n");
        for (RestartBench.Episode e : restart.episodes()) {
            report.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", e.service(), n(e.downMs()),
                    n(e.readyAfterStartMs()), e.assignedAfterReadyMs() == Long.MIN_VALUE ? "never" : Long.toString(e.assignedAfterReadyMs()),
                    n(e.resumedAfterStartMs()), n(e.resumedAfterReadyMs()), n(e.killToResumeMs())));
        }
        report.append("\n*Partitions assigned*: a new member of the service's consumer group holds its partitions "
                + "(admin API, polled every 50 ms); negative = before readiness answered 200. *First approval* also "
                + "includes the cold JVM's first requests and decisions.\n");
        SagaLoad.Result load = restart.load();
        report.append(String.format(Locale.ROOT, "%nDuring the episode: request → approved on the topic p50 %s ms, p99 %s ms, "
                        + "max %s ms; %d sent, %d refused or failed (e.g. while a service was down), %d accepted but not "
                        + "approved within the 60 s drain (lost, or still queued on a saturated stack), %d duplicated. "
                        + "Target: consuming again within 2 s of the restart (ready → partitions assigned; ready → first "
                        + "approval adds the cold JVM's processing).%n",
                LatencySummary.ms(load.approved().p50()), LatencySummary.ms(load.approved().p99()),
                LatencySummary.ms(load.approved().max()), load.sent(), load.errors(), load.incompleteApproved(), load.duplicates()));
        if (!load.lastError().isBlank()) {
            report.append("One failed request: `").append(load.lastError().replace('`', '\'')).append("`\n");
        }
    }

    private static String n(long value) {
        return value < 0 ? "—" : Long.toString(value);
    }

    private void writeMemoryAndMetrics() {
        report.append("\n## e. Memory after the run\n\n| service | RSS MB | PSS MB |\n|---|---|---|\n");
        for (String service : StackInfo.SERVICES) {
            var process = stack.process(service);
            if (process.isEmpty()) {
                report.append("| ").append(service).append(" | — | — |\n");
                continue;
            }
            long[] memory = ServiceProbe.memoryMegabytes(process.get());
            report.append("| ").append(service).append(" | ").append(memory[0]).append(" | ").append(memory[1]).append(" |\n");
        }
        report.append("\n## f. Metrics (`/q/metrics`: `crosstenant_*` and Kafka consumer lag)\n\n");
        for (String service : StackInfo.SERVICES) {
            String text = ServiceProbe.metrics(api, stack.serviceUrl(service));
            report.append("- **").append(service).append("**: ");
            if (text == null) {
                report.append("no `/q/metrics` in this build\n");
                continue;
            }
            List<String> lines = ServiceProbe.interestingMetrics(text, 40);
            if (lines.isEmpty()) {
                report.append("`/q/metrics` answers, but has no `crosstenant_*` or Kafka lag metric yet\n");
                continue;
            }
            report.append("\n```\n");
            lines.forEach(line -> report.append(line).append('\n'));
            report.append("```\n");
        }
    }

    // ---- helpers ----

    private static WrkResult logged(String what, WrkResult result) {
        log(String.format(Locale.ROOT, "%s: %s req/s, p50 %s ms, p99 %s ms, %d errors", what,
                Stats.whole(result.requestsPerSecond()), LatencySummary.ms(result.p50Millis()),
                LatencySummary.ms(result.p99Millis()), result.errors()));
        return result;
    }

    private static NoisyNeighbour.Round loggedNoisy(NoisyNeighbour.Round r) {
        log(String.format(Locale.ROOT, "Fabrikam quiet: p50 %s ms, p99 %s ms, %d errors; noisy: p50 %s ms, p99 %s ms, "
                        + "%d errors %s; Contoso's flood: %d sent, %d answered, %d refused with 429, %d other; streams "
                        + "%d open, %d refused", LatencySummary.ms(r.quiet().latency().p50()),
                LatencySummary.ms(r.quiet().latency().p99()), r.quiet().errors(), LatencySummary.ms(r.noisy().latency().p50()),
                LatencySummary.ms(r.noisy().latency().p99()), r.noisy().errors(), r.noisy().statuses(), r.flood().sent(),
                r.flood().answered(), r.flood().limited(), r.flood().other(), r.flood().streamsOpen(),
                r.flood().streamsRefused()));
        return r;
    }

    private static LatencySummary loggedFloor(String what, LatencySummary summary) {
        log(what + ": p50 " + LatencySummary.ms(summary.p50()) + " ms, p99 " + LatencySummary.ms(summary.p99()) + " ms");
        return summary;
    }

    private static AuditBench.Ingest loggedIngest(String what, AuditBench.Ingest ingest) {
        log(String.format(Locale.ROOT, "%s: %d published, %d appended, %d behind, %s records/s (all on the stream: %s/s), lag p50 %s ms, p99 %s ms",
                what, ingest.published(), ingest.appended(), ingest.behind(), Stats.whole(ingest.perSecond()),
                Stats.whole(ingest.streamPerSecond()),
                LatencySummary.ms(ingest.lag().p50()), LatencySummary.ms(ingest.lag().p99())));
        return ingest;
    }

    private static String describe(SagaLoad.Result r) {
        return String.format(Locale.ROOT, "  %d sent, %d errors; 202 p50 %s; visible p50 %s p99 %s p99.9 %s; approved p50 %s p99 %s p99.9 %s (ms); "
                        + "incomplete %d/%d, denied %d, duplicates %d", r.sent(), r.errors(), LatencySummary.ms(r.accepted().p50()),
                LatencySummary.ms(r.visible().p50()), LatencySummary.ms(r.visible().p99()), LatencySummary.ms(r.visible().p999()),
                LatencySummary.ms(r.approved().p50()), LatencySummary.ms(r.approved().p99()), LatencySummary.ms(r.approved().p999()),
                r.incompleteVisible(), r.incompleteApproved(), r.denied(), r.duplicates());
    }

    private static <T> double median(List<T> values, Function<T, Double> figure) {
        return Stats.median(values.stream().map(figure).toList());
    }

    private static <T> double medianOf(List<T> values, Function<T, Double> figure) {
        return median(values, figure);
    }

    private static String binary(String name) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return name;
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return "? GB";
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "?";
        }
    }
}
