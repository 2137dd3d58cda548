package org.crosstenant.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import org.HdrHistogram.Histogram;

/**
 * The noisy-neighbour scenario (issue #6, docs/performance.md "g"): Fabrikam's quiet walk — bob's guest page on
 * Contoso's application, frank reading Fabrikam's partner settings, erin querying Fabrikam's audit records, in turn, at
 * a fixed arrival rate (open model: latency from the intended send time) — measured alone, then while Contoso floods
 * the API (alice reads its application, dave queries its audit records), {@code /apps} (alice, a member) and audit
 * streams (dave opens many and keeps them open).
 * Reported: Fabrikam's p50/p99 and errors quiet vs noisy, and what the flood got (answered, refused with 429, other).
 */
final class NoisyNeighbour {

    /** Fabrikam's walk: requests per second (each one of the three steps in turn). */
    static final double WALK_RATE = 30;
    /** Requests of one sender in flight at most: beyond it the sender falls behind and that lag is charged. */
    private static final int MAX_IN_FLIGHT = 256;

    /**
     * What Contoso sends during the noisy phase.
     *
     * @param apiPerSecond API requests per second (alice and dave in turn)
     * @param appsPerSecond {@code /apps} requests per second (alice)
     * @param streams audit streams dave tries to open (and keeps open)
     */
    record Flood(double apiPerSecond, double appsPerSecond, int streams) {
        static Flood parse(String text) {
            String[] parts = text.split(",");
            if (parts.length != 3) {
                throw new IllegalArgumentException("--noisy-flood API/s,APPS/s,STREAMS, e.g. 600,1000,50: " + text);
            }
            return new Flood(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        }

        @Override
        public String toString() {
            return Stats.whole(apiPerSecond) + " API requests/s, " + Stats.whole(appsPerSecond) + " /apps requests/s and "
                    + streams + " audit streams";
        }
    }

    /**
     * Fabrikam's walk in one phase.
     *
     * @param latency percentiles from intended send to answer
     * @param sent requests sent
     * @param errors answers other than 2xx, and failures
     * @param statuses count per status of the errors (0 = no answer), for the report
     */
    record Walk(LatencySummary latency, long sent, long errors, Map<Integer, Long> statuses) {
    }

    /**
     * What the flood got.
     *
     * @param sent requests of the API and /apps floods
     * @param answered 2xx answers
     * @param limited 429 answers
     * @param other any other answer or failure
     * @param streamsOpen streams that were open (200) for the phase
     * @param streamsRefused stream attempts answered 429
     */
    record FloodResult(long sent, long answered, long limited, long other, int streamsOpen, int streamsRefused) {
    }

    /** One round: the quiet walk, the noisy walk and the flood beside it. */
    record Round(Walk quiet, Walk noisy, FloodResult flood) {
    }

    private final Api api;
    private final Api flooder;
    private final String app;

    /**
     * @param api Fabrikam's client
     * @param flooder Contoso's client: an HTTP client of its own, so the flood never queues the walk inside the
     *        harness
     * @param app Contoso's application that bob (a Fabrikam guest) may use and alice (a Contoso member) floods
     */
    NoisyNeighbour(Api api, Api flooder, String app) {
        this.api = api;
        this.flooder = flooder;
        this.app = app;
    }

    /**
     * Runs one round: {@code seconds} of the walk alone, then the flood starts, and after one second of it another
     * {@code seconds} of the walk are measured; the flood stops and its streams are closed.
     */
    Round round(int seconds, Flood flood) {
        Walk quiet = walk(seconds);
        List<AuditStream> open = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < flood.streams(); i++) {
            try {
                open.add(new AuditStream(flooder, flooder.token("contoso", "dave"), (record, at) -> { }));
            } catch (IllegalStateException e) {
                if (!String.valueOf(e.getMessage()).contains("429")) {
                    throw e;
                }
                refused++;
            }
        }
        FloodCounts counts = new FloodCounts();
        double total = seconds + 1.0;
        // alice reads Contoso's application, dave queries Contoso's audit records (the service erin queries too)
        Thread apiFlood = sender(flooder, "contoso-api", new OpenSchedule(flood.apiPerSecond(), total),
                i -> (i % 2 == 0 ? flooder.request("/api/v1/tenants/contoso/applications/" + app,
                        flooder.token("contoso", "alice"), "GET", null)
                        : flooder.request("/api/v1/audit/records?limit=10", flooder.token("contoso", "dave"), "GET",
                                null)).build(), counts::count);
        Thread appsFlood = sender(flooder, "contoso-apps", new OpenSchedule(flood.appsPerSecond(), total),
                i -> flooder.request("/apps/contoso/" + app + "/page", flooder.token("contoso", "alice"), "GET", null)
                        .build(), counts::count);
        Bench.pause(1000);
        Walk noisy = walk(seconds);
        join(apiFlood);
        join(appsFlood);
        open.forEach(AuditStream::close);
        return new Round(quiet, noisy, new FloodResult(counts.sent.get(), counts.answered.get(), counts.limited.get(),
                counts.other.get(), open.size(), refused));
    }

    private Walk walk(int seconds) {
        Histogram latency = LatencySummary.newMicrosHistogram();
        AtomicLong errors = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        Thread walker = sender(api, "fabrikam-walk", new OpenSchedule(WALK_RATE, seconds), this::step,
                (intended, response, failure) -> {
                    sent.incrementAndGet();
                    latency.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                    int status = failure == null ? response.statusCode() : 0;
                    if (status < 200 || status > 299) {
                        errors.incrementAndGet();
                        statuses.merge(status, 1L, Long::sum);
                    }
                });
        join(walker);
        return new Walk(LatencySummary.ofMicros(latency), sent.get(), errors.get(), Map.copyOf(statuses));
    }

    /** Step {@code i} of Fabrikam's walk: bob's page, frank's settings, erin's audit query, in turn. */
    private HttpRequest step(long i) {
        return switch ((int) (i % 3)) {
            case 0 -> api.request("/apps/contoso/" + app + "/page", api.token("fabrikam", Bench.GUEST), "GET", null)
                    .build();
            case 1 -> api.request("/api/v1/tenants/fabrikam/access-settings/partners/contoso",
                    api.token("fabrikam", "frank"), "GET", null).build();
            default -> api.request("/api/v1/audit/records?limit=10", api.token("fabrikam", "erin"), "GET", null)
                    .build();
        };
    }

    /** Gets each answer with its request's intended send time ({@link System#nanoTime()}). */
    private interface Answer {
        void accept(long intended, HttpResponse<String> response, Throwable failure);
    }

    private static final class FloodCounts {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong limited = new AtomicLong();
        final AtomicLong other = new AtomicLong();

        void count(long intended, HttpResponse<String> response, Throwable failure) {
            sent.incrementAndGet();
            int status = failure == null ? response.statusCode() : 0;
            (status == 429 ? limited : status >= 200 && status < 300 ? answered : other).incrementAndGet();
        }
    }

    /**
     * Sends {@code schedule} on a thread of its own (open model): request {@code i} leaves at its intended time
     * unless {@link #MAX_IN_FLIGHT} are still unanswered; the sender waits for their answers when it is done.
     */
    private static Thread sender(Api client, String name, OpenSchedule schedule, LongFunction<HttpRequest> request,
            Answer answer) {
        Thread thread = new Thread(() -> {
            Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            for (long i = 0; i < schedule.count(); i++) {
                long intended = start + schedule.offsetNanos(i);
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                inFlight.acquireUninterruptibly();
                pending.add(client.sendAsync(request.apply(i)).whenComplete((response, failure) -> {
                    inFlight.release();
                    answer.accept(intended, response, failure);
                }));
                pending.removeIf(CompletableFuture::isDone);
            }
            pending.forEach(future -> future.handle((r, f) -> null).join());
        }, "bench-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
