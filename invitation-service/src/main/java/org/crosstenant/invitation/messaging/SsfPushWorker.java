package org.crosstenant.invitation.messaging;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.SsfConfig;
import org.crosstenant.invitation.repository.SsfDeliveryRepository;
import org.crosstenant.invitation.repository.SsfDeliveryRepository.Claimed;
import org.crosstenant.invitation.service.CoalescingRounds;
import org.crosstenant.invitation.service.FreshContext;
import org.crosstenant.invitation.service.ReceiverAddresses;
import org.crosstenant.invitation.service.SetSigner;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Pushes Security Event Tokens to the receivers (RFC 8935 "Push-Based Security Event Token Delivery Using HTTP"):
 * {@code POST endpoint_url} with {@code Content-Type: application/secevent+jwt}, {@code Accept: application/json}
 * and the stream's {@code Authorization} header, the SET signed now ({@link SetSigner}) from the claims fixed at
 * revocation, so a retry carries the same {@code jti}.
 * <ul>
 * <li>202 or 200: delivered ({@code crosstenant_ssf_delivered_total});</li>
 * <li>400 (RFC 8935 §2.3, error JSON {@code {"err": ..., "description": ...}}), another 4xx than 408/429, a 3xx
 * (redirects are not followed), or an address refused at delivery time ({@link ReceiverAddresses}): parked with the
 * reason ({@code crosstenant_ssf_parked_total{cause="permanent"}});</li>
 * <li>time-out, connection error, 408, 429, 5xx: pushed again after an exponential back-off
 * ({@code crosstenant_ssf_failed_total}); once the row is older than {@code crosstenant.ssf.delivery.max-age}, parked
 * ({@code cause="expired"}).</li>
 * </ul>
 * No head-of-line blocking: rows are claimed per stream ({@link SsfDeliveryRepository#claimDue}) and leased, each
 * push runs on its own with bounded connect and read time-outs, and each row is settled in its own transaction as its
 * answer arrives; a round never waits for a push. A dead receiver thus holds at most
 * {@code crosstenant.ssf.delivery.per-stream} rows in flight and delays no other stream. Rows of a deleted stream are
 * deleted with it, so nothing more is pushed to it.
 */
@ApplicationScoped
public class SsfPushWorker {

    private static final Logger LOG = Logger.getLogger(SsfPushWorker.class);
    /** Most characters of a receiver's answer kept as the park reason. */
    private static final int MAX_REASON = 900;
    /** Most bytes of a receiver's answer body read at all. */
    static final int MAX_ANSWER = 1024;
    /** Most bytes of a receiver's answer header section and status line. */
    private static final int MAX_ANSWER_HEADERS = 8192;
    private static final int MAX_STATUS_LINE = 1024;
    /** Pushes at once to one receiver host (more wait for a connection within their own deadline). */
    private static final int MAX_CONNECTIONS_PER_RECEIVER_HOST = 8;
    private static final int LOOKUP_THREADS = 8;

    private final SsfDeliveryRepository deliveries;
    private final FreshContext freshContext;
    private final SetSigner signer;
    private final ReceiverAddresses addresses;
    private final SsfConfig.Delivery config;
    /** Threads for the blocking DNS check before a push only; the push itself is Vert.x's, non-blocking. */
    private final ExecutorService lookups = Executors.newFixedThreadPool(LOOKUP_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "ssf-lookup");
        thread.setDaemon(true);
        return thread;
    });
    private final Vertx vertx;
    private final HttpClient client;
    private final Counter delivered;
    private final Counter failed;
    private final Counter parkedPermanent;
    private final Counter parkedExpired;
    private final CoalescingRounds rounds;

    public SsfPushWorker(SsfDeliveryRepository deliveries, FreshContext freshContext, SetSigner signer,
            ReceiverAddresses addresses, SsfConfig config, MeterRegistry registry, Vertx vertx) {
        this.vertx = vertx;
        this.deliveries = deliveries;
        this.freshContext = freshContext;
        this.signer = signer;
        this.addresses = addresses;
        this.config = config.delivery();
        // a full batch may have more due behind it
        this.rounds = new CoalescingRounds(freshContext, () -> round().map(claimed -> claimed >= this.config.batchSize()),
                LOG, "SSF push round failed; the timer retries");
        // one connection per push, closed after it (no keep-alive: a receiver's connection never outlives its push);
        // an over-long status line or header section fails the exchange and Vert.x closes the connection
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(this.config.connectTimeout().toMillis()))
                .setKeepAlive(false).setPipelining(false).setProtocolVersion(HttpVersion.HTTP_1_1)
                .setMaxHeaderSize(MAX_ANSWER_HEADERS).setMaxInitialLineLength(MAX_STATUS_LINE)
                .setVerifyHost(true).setTryUseCompression(false),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_RECEIVER_HOST));
        this.delivered = Counter.builder("crosstenant.ssf.delivered").tag("service", OutboxMetrics.SERVICE_TAG)
                .description("SETs a receiver accepted (202/200)").register(registry);
        this.failed = Counter.builder("crosstenant.ssf.failed").tag("service", OutboxMetrics.SERVICE_TAG)
                .description("SET pushes that failed transiently and are retried").register(registry);
        this.parkedPermanent = Counter.builder("crosstenant.ssf.parked").tag("service", OutboxMetrics.SERVICE_TAG)
                .tag("cause", "permanent").description("SET deliveries given up").register(registry);
        this.parkedExpired = Counter.builder("crosstenant.ssf.parked").tag("service", OutboxMetrics.SERVICE_TAG)
                .tag("cause", "expired").description("SET deliveries given up").register(registry);
    }

    @PreDestroy
    void stop() {
        lookups.shutdownNow();
        client.close();
    }

    /** Asks for a round soon (after a revocation's commit); never blocks or fails the caller. */
    public void trigger() {
        rounds.trigger();
    }

    @Scheduled(every = "{crosstenant.ssf.delivery.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        trigger();
    }

    /** Claims due rows (committed lease) and starts their pushes; returns how many it claimed. */
    private Uni<Integer> round() {
        // outlasts the push's deadline, so a row is never claimed again while its push may still run
        Duration lease = exchangeDeadline().plusSeconds(5);
        return Panache.withTransaction(() -> deliveries.claimDue(config.perStream(), config.batchSize(), lease))
                .invoke(rows -> rows.forEach(this::push))
                .map(List::size);
    }

    /** One push, off the event loop; its outcome is settled in a transaction of its own. */
    private void push(Claimed row) {
        attempt(row).whenComplete((outcome, error) -> {
            Outcome settled = error != null ? Outcome.transientFailure(describe(error)) : outcome;
            freshContext.run(() -> Panache.withTransaction(() -> settle(row, settled))).subscribe().with(
                    ignored -> {
                    }, failure -> LOG.warnf(failure, "SSF delivery %s not settled; its lease expires and it"
                            + " is pushed again", row.id()));
        });
    }

    private record Outcome(boolean ok, boolean permanent, String reason) {
        static Outcome transientFailure(String reason) {
            return new Outcome(false, false, reason);
        }
    }

    /**
     * One push, under one deadline (connect + read time-out) that covers all of it from the claim: the DNS check,
     * the connection, the request and the answer; at the deadline the outcome is a transient failure and the
     * connection, if any, is closed. The answer body is read up to {@value #MAX_ANSWER} bytes, then the connection
     * is closed; headers and status line are bounded by the client. A hostile receiver can thus neither fill the
     * heap nor hold a connection or a claim past the deadline (the lease outlasts it).
     */
    private CompletableFuture<Outcome> attempt(Claimed row) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> exchange = new AtomicReference<>();
        long deadline = vertx.setTimer(exchangeDeadline().toMillis(), timer -> {
            if (outcome.complete(Outcome.transientFailure(
                    "no complete answer within the push deadline (connect and read time-outs together)"))) {
                HttpClientRequest request = exchange.get();
                if (request != null) {
                    request.connection().close();
                }
            }
        });
        outcome.whenComplete((done, error) -> vertx.cancelTimer(deadline));
        URI uri = URI.create(row.endpointUrl());
        CompletableFuture.supplyAsync(() -> addresses.deliveryRefusal(uri), lookups).whenComplete((refusal, error) -> {
            if (error != null) {
                outcome.complete(Outcome.transientFailure(describe(error)));
            } else if (refusal != null) {
                outcome.complete(new Outcome(false, true, refusal));
            } else if (!outcome.isDone()) {
                send(row, uri, exchange, outcome);
            }
        });
        return outcome;
    }

    private void send(Claimed row, URI uri, AtomicReference<HttpClientRequest> exchange,
            CompletableFuture<Outcome> outcome) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString())
                .setFollowRedirects(false)
                .putHeader("Content-Type", "application/secevent+jwt").putHeader("Accept", "application/json");
        if (row.authorizationHeader() != null) {
            options.putHeader("Authorization", row.authorizationHeader());
        }
        String set = signer.sign(row.claims());
        client.request(options).onFailure(error -> outcome.complete(Outcome.transientFailure(describe(error))))
                .onSuccess(request -> {
                    exchange.set(request);
                    if (outcome.isDone()) {
                        request.connection().close(); // the deadline passed while connecting
                        return;
                    }
                    request.send(Buffer.buffer(set))
                            .onFailure(error -> outcome.complete(Outcome.transientFailure(describe(error))))
                            .onSuccess(response -> read(request, response, outcome));
                });
    }

    /** Reads at most {@value #MAX_ANSWER} bytes of the answer and judges it. */
    private static void read(HttpClientRequest request, HttpClientResponse response,
            CompletableFuture<Outcome> outcome) {
        int status = response.statusCode();
        Buffer kept = Buffer.buffer();
        Runnable judge = () -> {
            if (status == 202 || status == 200) {
                outcome.complete(new Outcome(true, false, null));
                return;
            }
            String body = kept.toString(StandardCharsets.UTF_8);
            String reason = printable("HTTP " + status + (body.isEmpty() ? "" : ": " + body));
            boolean transientStatus = status >= 500 || status == 408 || status == 429;
            outcome.complete(new Outcome(false, !transientStatus, reason));
        };
        response.exceptionHandler(error -> outcome.complete(Outcome.transientFailure(describe(error))));
        response.handler(chunk -> {
            if (outcome.isDone()) {
                return;
            }
            kept.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ANSWER - kept.length()));
            if (kept.length() >= MAX_ANSWER) {
                judge.run();
                request.connection().close(); // the rest of the answer is not read
            }
        });
        response.endHandler(ended -> judge.run());
    }

    /** The longest a push may take, connection to last byte read; the claim's lease outlasts it. */
    private Duration exchangeDeadline() {
        return config.connectTimeout().plus(config.readTimeout());
    }

    /**
     * The receiver's text as it may go into a log line and the park reason: control, format and line-separator
     * characters escaped (a backslash, u and four hex digits) (a receiver must not forge log lines or hide text), cut to
     * {@value #MAX_REASON} characters.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.length() > MAX_REASON ? out.substring(0, MAX_REASON) : out.toString();
    }

    private Uni<Void> settle(Claimed row, Outcome outcome) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int attempts = row.attempts() + 1;
        if (outcome.ok()) {
            delivered.increment();
            return deliveries.delivered(row.id(), now).replaceWithVoid();
        }
        if (outcome.permanent()) {
            parkedPermanent.increment();
            LOG.errorf("SSF delivery %s to stream %s PARKED: %s", row.id(), row.streamId(), outcome.reason());
            return deliveries.park(row.id(), attempts, now, outcome.reason()).replaceWithVoid();
        }
        failed.increment();
        Duration backOff = OutboxRelay.backOff(attempts, config.initialBackoff(), config.maxBackoff());
        if (now.plus(backOff).isAfter(row.createdAt().plus(config.maxAge()))) {
            parkedExpired.increment();
            LOG.errorf("SSF delivery %s to stream %s PARKED after %d attempts (older than %s): %s", row.id(),
                    row.streamId(), attempts, config.maxAge(), outcome.reason());
            return deliveries.park(row.id(), attempts, now, "gave up after " + attempts + " attempts: "
                    + outcome.reason()).replaceWithVoid();
        }
        LOG.warnf("SSF delivery %s to stream %s failed (attempt %d), retried in %s: %s", row.id(), row.streamId(),
                attempts, backOff, outcome.reason());
        return deliveries.retryLater(row.id(), attempts, now.plus(backOff), outcome.reason()).replaceWithVoid();
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof java.util.concurrent.CancellationException) {
            return "no complete answer within the push deadline (connect and read time-outs together)";
        }
        return printable(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": "
                + cause.getMessage()));
    }
}
