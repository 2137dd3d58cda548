package org.crosstenant.gateway.rest;

import java.util.Locale;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.FairShareConfig;
import org.crosstenant.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * Streams a request to an upstream and its response back, with Vert.x pipes: nothing is buffered, so Server-Sent
 * Events and large bodies pass through as they come. The caller's headers are filtered by the given function (the
 * caller's own token never leaves the gateway). A streaming response ({@code Accept: text/event-stream}) is ended
 * after {@code fair-share.streams.idle-timeout} without a byte from the upstream, and at its deadline (lifetime or
 * token expiry, {@link #STREAM_DEADLINE}).
 */
@ApplicationScoped
public class HttpProxy {

    private static final Logger LOG = Logger.getLogger(HttpProxy.class);
    /** RFC 9110 hop-by-hop headers, never forwarded either way. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    /**
     * Routing-context key of a stream's deadline ({@link java.time.Instant}), set by {@link Admission}: the stream is
     * ended then (its lifetime bound, or the caller's token expiry).
     */
    static final String STREAM_DEADLINE = "crosstenant.stream-deadline";

    private final HttpClient client;
    private final GatewayConfig.Proxy config;
    private final FairShareConfig.Streams streams;
    private final Vertx vertx;
    private final Counter idleStreams;
    private final Counter expiredStreams;
    private final BodyLimits bodyLimits;

    public HttpProxy(Vertx vertx, GatewayConfig config, FairShareConfig fairShare, MeterRegistry registry,
            BodyLimits bodyLimits) {
        this.vertx = vertx;
        this.bodyLimits = bodyLimits;
        this.config = config.proxy();
        this.streams = fairShare.streams();
        this.idleStreams = streamsEnded(registry, "idle");
        this.expiredStreams = streamsEnded(registry, "lifetime");
        this.client = vertx.httpClientBuilder().with(new HttpClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) Math.max(1, this.config.idleTimeout().toSeconds()))
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false))
                // pooled HTTP/1.1 keep-alive connections per upstream host, one request at a time on each. The size
                // must be given to the builder: it ignores HttpClientOptions.setMaxPoolSize and used Vert.x's default
                // of 5, which queued every request beyond 5 in flight per upstream inside the gateway (issue #5)
                .with(new PoolOptions().setHttp1MaxSize(this.config.maxPoolSize())
                        // bounded: beyond it a request fails at once (ConnectionPoolTooBusyException → 503)
                        .setMaxWaitQueueSize(this.config.maxWaitQueueSize()))
                // an upstream resetting a pooled connection is ordinary: the stream's own handlers deal with it
                .withConnectHandler(connection -> connection.exceptionHandler(
                        e -> LOG.debugf("upstream connection %s: %s", connection.remoteAddress(), e.toString())))
                .build();
    }

    private static Counter streamsEnded(MeterRegistry registry, String reason) {
        return Counter.builder("crosstenant.gateway.streams.ended").description("streams the gateway ended")
                .tag("reason", reason).register(registry);
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Streams the caller's request to {@code targetUri} and the upstream's answer back. No connection to the upstream
     * (refused, timed out, pool busy) is a 503 problem with {@code Retry-After} (nothing was sent), an unknown host or
     * TLS failure a 502; other failures before the answer started are a 502
     * problem; after it started, the caller's connection is reset (a truncated body must not look
     * complete). A caller that goes away resets the upstream call. Nothing is logged above DEBUG for either: both
     * are ordinary on the internet.
     *
     * @param ctx the caller's request (its body is streamed, never buffered)
     * @param targetUri absolute URI of the upstream resource, query included
     * @param headers the request headers to send (already filtered, Authorization set)
     * @param rewrite per upstream response header (hop-by-hop and Connection-named ones already dropped, see
     *        {@link HeaderRules#copyResponse}): the value the caller gets, or null to drop it
     */
    public void forward(RoutingContext ctx, String targetUri, MultiMap headers, HeaderRules.Rewrite rewrite) {
        forward(ctx, targetUri, headers, rewrite, null);
    }

    /**
     * What the gateway adds to an upstream's answer, decided from its status and headers before anything of it is
     * relayed; it may hold the answer (read-your-writes, {@link org.crosstenant.gateway.messaging.ReadYourWrites}).
     */
    @FunctionalInterface
    public interface Hold {
        /**
         * @param upstream the upstream's answer (status and headers; its body is not read while held)
         * @return null to relay at once, else a future of the headers to add to the caller's answer, completed on the
         *         caller's Vert.x context; the answer is relayed when it completes (a failed future adds nothing)
         */
        io.vertx.core.Future<MultiMap> hold(HttpClientResponse upstream);
    }

    /**
     * {@link #forward(RoutingContext, String, MultiMap, HeaderRules.Rewrite)}, the upstream's answer first passed to
     * {@code hold}: while its future is pending the answer is paused (no byte of it read or relayed, the event loop
     * free); a caller that goes away meanwhile resets the upstream call, and the answer is then dropped quietly.
     *
     * @param hold decides whether the answer waits and what it gets, or null for none
     */
    public void forward(RoutingContext ctx, String targetUri, MultiMap headers, HeaderRules.Rewrite rewrite,
            Hold hold) {
        HttpServerRequest in = ctx.request();
        boolean stream = acceptsEventStream(in);
        boolean declaresBody = in.headers().contains("Content-Length") && !"0".equals(in.getHeader("Content-Length"))
                || in.headers().contains("Transfer-Encoding");
        // the body ended before this call (an empty chunked body ends while the caller is authenticated): piping it
        // would wait for an end that has passed, until the upstream idle timeout and a false 502
        Buffer endedBody = declaresBody && in.isEnded()
                ? (ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer()) : null;
        boolean hasBody = declaresBody && endedBody == null;
        if (endedBody != null) {
            headers.remove("Transfer-Encoding");
            headers.set("Content-Length", Integer.toString(endedBody.length()));
        }
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setAbsoluteURI(targetUri)
                .setHeaders(headers)
                // bounds the wait for a connection, pooled or new (TCP connect, or a free slot in a busy pool)
                .setConnectTimeout(config.connectTimeout().toMillis())
                // upstream silence limit; a stream's body is watched by watch() with the stream idle timeout
                .setIdleTimeout((stream ? streams.idleTimeout() : config.idleTimeout()).toMillis());
        if (hasBody) {
            in.pause(); // until the upstream connection takes it (sendBody): no chunk is lost while connecting
        }
        io.vertx.core.Future<HttpClientRequest> request;
        try {
            request = client.request(options);
        } catch (RuntimeException e) {
            // thrown before anything was sent, e.g. the client closed while the gateway shuts down
            notSent(ctx, targetUri, e);
            return;
        }
        request.onComplete(connected -> {
            if (connected.failed()) {
                // no connection: nothing of the request left the gateway
                notSent(ctx, targetUri, connected.cause());
                return;
            }
            HttpClientRequest out = connected.result();
            HttpServerResponse response = ctx.response();
            if (response.closed()) {
                out.reset(); // the caller left while we connected
                return;
            }
            out.exceptionHandler(e -> LOG.debugf("upstream request %s: %s", targetUri, e.toString()));
            response.closeHandler(v -> out.reset()); // caller went away: stop the upstream call
            (hasBody ? sendBody(ctx, out) : endedBody != null ? out.send(endedBody) : out.send()).onComplete(answered -> {
                if (answered.failed()) {
                    upstreamFailed(ctx, targetUri, answered.cause());
                } else {
                    held(ctx, answered.result(), rewrite, stream, hold);
                }
            });
        });
    }

    /**
     * Whether a failure to obtain a connection is transient: refused, unroutable or timed-out connects (an upstream
     * restarting or overloaded), no free pooled connection within the connect timeout, a full wait queue, or a client
     * closed by the gateway's shutdown. Anything else — an unknown host, a TLS failure, an invalid URI — is a
     * configuration fault that a retry will not fix.
     *
     * @param failure why {@code HttpClient.request} failed
     * @return true when the caller should retry shortly (503 + Retry-After), false for a 502
     */
    static boolean transientConnectFailure(Throwable failure) {
        // refused (ConnectException, also Netty's connect timeout), no route to host, network unreachable
        return failure instanceof java.net.SocketException
                || failure instanceof java.util.concurrent.TimeoutException // RequestOptions connect timeout
                || failure instanceof io.vertx.core.http.ConnectionPoolTooBusyException
                // the client or its pool closed under the request (the gateway shutting down): another instance can
                // take the retry
                || failure instanceof IllegalStateException
                || failure instanceof io.vertx.core.VertxException && String.valueOf(failure.getMessage())
                        .toLowerCase(java.util.Locale.ROOT).contains("closed");
    }

    /**
     * The request was not sent (no connection). Transient causes ({@link #transientConnectFailure}) are a 503 problem
     * {@code upstream-unavailable} with {@code Retry-After: 1}: repeating the request is safe even for a POST. Other
     * causes (unknown host, TLS) are a 502 problem that says the request was not sent. Distinct from the 502 of
     * {@link #upstreamFailed}, where the request may have been processed.
     */
    private static void notSent(RoutingContext ctx, String targetUri, Throwable failure) {
        LOG.debugf("upstream %s not reached: %s", targetUri, failure.toString());
        HttpServerRequest in = ctx.request();
        if (!in.isEnded()) {
            in.resume();
        }
        if (!transientConnectFailure(failure)) {
            Problems.badGateway(ctx, "The upstream could not be reached; the request was not sent.");
            return;
        }
        if (!ctx.response().headWritten() && !ctx.response().closed()) {
            ctx.response().putHeader("Retry-After", "1");
        }
        Problems.send(ctx, 503, "upstream-unavailable", "Service Unavailable", unavailableDetail(failure));
    }

    /** Says which bound or fault refused the request, so a caller (and a test) can tell them apart. */
    static String unavailableDetail(Throwable failure) {
        if (failure instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
            return "Too many requests are already waiting for this upstream; the request was not sent. Retry shortly.";
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return "No connection to the upstream was available within the connect timeout; the request was not sent."
                    + " Retry shortly.";
        }
        return "The upstream is not reachable right now; the request was not sent. Retry shortly.";
    }

    /** 502 problem: the request was (perhaps partly) sent but no usable answer came back; its effect is unknown. */
    private static void upstreamFailed(RoutingContext ctx, String targetUri, Throwable failure) {
        LOG.debugf("upstream %s failed: %s", targetUri, failure.toString());
        HttpServerRequest in = ctx.request();
        if (!in.isEnded()) {
            in.resume();
        }
        Problems.badGateway(ctx, "The upstream service did not answer"); // no-op if the caller is gone
    }

    /**
     * Streams the caller's body. A declared length was checked before routing ({@link BodyLimits}) and the HTTP layer
     * delivers no more than declared; a body without one (chunked) is counted as it streams, and over the path's
     * limit the caller gets 413 and the upstream call is reset (nothing more is forwarded).
     */
    private io.vertx.core.Future<HttpClientResponse> sendBody(RoutingContext ctx, HttpClientRequest out) {
        HttpServerRequest in = ctx.request();
        if (!out.headers().contains("Content-Length")) { // absent, or dropped as named in the caller's Connection
            out.setChunked(true);
        }
        if (in.headers().contains("Content-Length")) {
            return out.send(in);
        }
        long max = bodyLimits.limitFor(in.path());
        return out.send(new BoundedBody(in, max, () -> {
            BodyLimits.tooLarge(ctx, max);
            out.reset();
        }));
    }

    /** Relays the answer, after {@code hold}'s future if it gives one (the answer paused meanwhile). */
    private void held(RoutingContext ctx, HttpClientResponse upstream, HeaderRules.Rewrite rewrite, boolean stream,
            Hold hold) {
        io.vertx.core.Future<MultiMap> added = hold == null ? null : hold.hold(upstream);
        if (added == null) {
            relay(ctx, upstream, rewrite, stream, null);
            return;
        }
        upstream.pause();
        // the caller may leave while the answer waits: forward's close handler then resets the upstream call, which
        // reaches this paused answer as an exception; so may the upstream's own reset. Expected, not an error
        // a pooled connection may be another event loop's: its exception may come on another thread
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        upstream.exceptionHandler(e -> {
            broken.set(true);
            LOG.debugf("upstream answer ended while held: %s", e.toString());
        });
        added.onComplete(extra -> {
            HttpServerResponse response = ctx.response();
            if (response.closed() || response.ended()) {
                return; // the caller left: its close handler has reset the upstream call already
            }
            if (broken.get()) {
                // nothing of the answer was relayed yet: the caller reads the same 502 as for any broken answer
                Problems.badGateway(ctx, "The upstream service did not answer");
                return;
            }
            try {
                relay(ctx, upstream, rewrite, stream, extra.succeeded() ? extra.result() : null);
                upstream.resume();
            } catch (IllegalStateException ended) {
                // the upstream answer ended (reset) in the very moment it was released
                LOG.debugf("upstream answer ended while held: %s", ended.toString());
                if (!response.headWritten()) {
                    response.headers().clear(); // the upstream's, copied by relay: not this problem's
                    response.setChunked(false);
                    Problems.badGateway(ctx, "The upstream service did not answer");
                } else if (!response.closed()) {
                    response.reset();
                }
            }
        });
    }

    /**
     * Copies status, headers and body with back-pressure (the upstream is paused while the caller's write queue is
     * full). Not a Vert.x pipe: a pipe writes to a response the caller has already closed and fails with "Response
     * has already been written"; here every write checks first, and each side's end is handled explicitly.
     */
    private void relay(RoutingContext ctx, HttpClientResponse upstream, HeaderRules.Rewrite rewrite,
            boolean stream, MultiMap extra) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            quietReset(upstream);
            return;
        }
        if (!stream && isEventStream(upstream.getHeader("Content-Type"))) {
            // the stream quotas, idle timeout and deadline were chosen on the request's Accept: a stream that was not
            // asked for as one would run without them (and hold a connection for good)
            quietReset(upstream);
            Problems.send(ctx, 406, "stream-not-requested", "Not Acceptable", "This resource is a stream of "
                    + "Server-Sent Events: ask for it with Accept: text/event-stream (stream quotas and limits apply).");
            return;
        }
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        HeaderRules.copyResponse(upstream.headers(), response.headers(), rewrite);
        if (extra != null) {
            response.headers().addAll(extra);
        }
        long declared = declaredLength(response.headers().get("Content-Length"));
        if (declared < 0) { // absent, or named in the upstream's Connection
            response.setChunked(true);
        }
        response.closeHandler(v -> {
            if (!response.ended()) {
                quietReset(upstream); // caller went away mid-body
            }
        });
        upstream.exceptionHandler(failure -> {
            // upstream reset or timed out mid-body: cut the caller's connection, a short body must not look whole
            LOG.debugf("upstream response interrupted: %s", failure.toString());
            if (!response.ended() && !response.closed()) {
                response.reset();
            }
        });
        long[] lastByte = {System.nanoTime()};
        if (stream) {
            watch(ctx, upstream, lastByte);
        }
        long[] relayed = {0};
        upstream.handler(chunk -> {
            if (response.closed() || response.ended()) {
                return;
            }
            lastByte[0] = System.nanoTime();
            relayed[0] += chunk.length();
            if (relayed[0] == declared) {
                // the whole declared body: status line, headers, body and end leave in one write and one flush
                // (write + end were two, each a writev syscall), without waiting for the upstream's own end
                response.end(chunk);
                return;
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstream.pause();
                response.drainHandler(v -> upstream.resume());
            }
        });
        upstream.endHandler(v -> {
            if (!response.closed() && !response.ended()) {
                response.end();
            }
        });
    }

    /**
     * Ends a stream cleanly (events are self-delimiting; the client reconnects with {@code Last-Event-ID}) when no byte
     * came from the upstream for {@code streams.idle-timeout} — a dead upstream, or a caller that stopped reading
     * (the upstream is paused while the caller's buffer is full) — or at its deadline ({@link #STREAM_DEADLINE}: its
     * maximum lifetime or the caller's token expiry); the upstream call is stopped then. One timer per stream, gone
     * when the response ends.
     *
     * @param lastByte {@link System#nanoTime()} of the last chunk relayed, updated by the relay (event loop only)
     */
    private void watch(RoutingContext ctx, HttpClientResponse upstream, long[] lastByte) {
        HttpServerResponse response = ctx.response();
        java.time.Instant deadline = ctx.get(STREAM_DEADLINE);
        long idleNanos = streams.idleTimeout().toNanos();
        long period = Math.max(100, Math.min(1000, streams.idleTimeout().toMillis() / 4));
        long timer = vertx.setPeriodic(period, id -> {
            if (response.ended() || response.closed()) {
                vertx.cancelTimer(id);
                return;
            }
            boolean expired = deadline != null && !java.time.Instant.now().isBefore(deadline);
            if (expired || System.nanoTime() - lastByte[0] >= idleNanos) {
                vertx.cancelTimer(id);
                (expired ? expiredStreams : idleStreams).increment();
                response.end();
                quietReset(upstream);
            }
        });
        ctx.addEndHandler(done -> vertx.cancelTimer(timer));
    }

    private static void quietReset(HttpClientResponse upstream) {
        upstream.exceptionHandler(e -> LOG.debugf("upstream reset: %s", e.toString()));
        upstream.request().reset();
    }

    /** A Content-Length value as a byte count; -1 when absent or not a plain non-negative number. */
    static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(contentLength.trim());
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Hop-by-hop check without lower-casing a copy of every header name. */
    static boolean isHopByHop(String name) {
        for (String h : HOP_BY_HOP) {
            if (h.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a response Content-Type is {@code text/event-stream} (parameters and case ignored). */
    static boolean isEventStream(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    static boolean acceptsEventStream(HttpServerRequest in) {
        String accept = in.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    }
}
