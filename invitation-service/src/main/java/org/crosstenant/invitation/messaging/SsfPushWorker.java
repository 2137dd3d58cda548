package org.crosstenant.invitation.messaging;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

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
    /** Most bytes of a receiver's answer read at all. */
    static final int MAX_ANSWER = 1024;

    private final SsfDeliveryRepository deliveries;
    private final FreshContext freshContext;
    private final SetSigner signer;
    private final ReceiverAddresses addresses;
    private final SsfConfig.Delivery config;
    private final ExecutorService pushes = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "ssf-push");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client;
    private final Counter delivered;
    private final Counter failed;
    private final Counter parkedPermanent;
    private final Counter parkedExpired;
    private final CoalescingRounds rounds;

    public SsfPushWorker(SsfDeliveryRepository deliveries, FreshContext freshContext, SetSigner signer,
            ReceiverAddresses addresses, SsfConfig config, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.freshContext = freshContext;
        this.signer = signer;
        this.addresses = addresses;
        this.config = config.delivery();
        // a full batch may have more due behind it
        this.rounds = new CoalescingRounds(freshContext, () -> round().map(claimed -> claimed >= this.config.batchSize()),
                LOG, "SSF push round failed; the timer retries");
        this.client = HttpClient.newBuilder().connectTimeout(this.config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).executor(pushes)
                .build();
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
        pushes.shutdownNow();
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
        CompletableFuture.supplyAsync(() -> attempt(row), pushes)
                .thenCompose(future -> future)
                .whenComplete((outcome, error) -> {
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

    private CompletableFuture<Outcome> attempt(Claimed row) {
        URI uri = URI.create(row.endpointUrl());
        String refusal = addresses.deliveryRefusal(uri);
        if (refusal != null) {
            return CompletableFuture.completedFuture(new Outcome(false, true, refusal));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(config.readTimeout())
                .header("Content-Type", "application/secevent+jwt").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(signer.sign(row.claims())));
        if (row.authorizationHeader() != null) {
            request.header("Authorization", row.authorizationHeader());
        }
        // the receiver's answer is read up to MAX_ANSWER bytes (the rest is discarded), and the whole exchange,
        // body included, ends by its deadline: a hostile receiver can neither fill the heap nor hold a push open
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request.build(),
                info -> new BoundedBody(MAX_ANSWER));
        CompletableFuture.delayedExecutor(exchangeDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> exchange.cancel(true));
        return exchange.thenApply(response -> {
            int status = response.statusCode();
            if (status == 202 || status == 200) {
                return new Outcome(true, false, null);
            }
            String body = response.body() == null ? "" : response.body();
            String reason = printable("HTTP " + status + (body.isEmpty() ? "" : ": " + body));
            boolean transientStatus = status >= 500 || status == 408 || status == 429;
            return new Outcome(false, !transientStatus, reason);
        });
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

    /**
     * Keeps at most {@code limit} bytes of a response body, then cancels the rest of it (the connection is closed);
     * the kept bytes are read as UTF-8, malformed sequences replaced.
     */
    static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final int limit;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int take = Math.min(item.remaining(), limit - kept.size());
                byte[] bytes = new byte[take];
                item.get(bytes);
                kept.write(bytes, 0, take);
            }
            if (kept.size() >= limit) {
                subscription.cancel();
                finish();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            body.complete(kept.toString(StandardCharsets.UTF_8));
        }
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
