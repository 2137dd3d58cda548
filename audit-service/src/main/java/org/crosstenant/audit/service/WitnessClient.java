package org.crosstenant.audit.service;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * The HTTP side of submitting a checkpoint to a witness (C2SP tlog-witness {@code POST <prefix>/add-checkpoint}),
 * non-blocking on Vert.x: one shared client with keep-alive. The answer is read up to {@value #MAX_ANSWER} bytes (a
 * witness is an outside party: a larger answer fails the call), under the caller's deadline.
 */
@ApplicationScoped
public class WitnessClient {

    /** Most bytes of an answer read: cosignature lines and a problem are far smaller. */
    static final int MAX_ANSWER = 8 * 1024;

    /**
     * A witness's answer.
     *
     * @param status      the HTTP status
     * @param contentType the Content-Type header, or "" when absent
     * @param body        the body, decoded as UTF-8
     */
    public record Answer(int status, String contentType, String body) {
    }

    private final HttpClient client;

    public WitnessClient(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setKeepAlive(true)
                .setMaxPoolSize(4));
    }

    /**
     * @param prefix   the witness's submission prefix (http/https URL without a trailing slash)
     * @param body     the add-checkpoint body
     * @param deadline the whole call's deadline
     * @return its answer; fails on a network error, a timeout, or an answer over {@value #MAX_ANSWER} bytes
     */
    public Uni<Answer> addCheckpoint(String prefix, String body, Duration deadline) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(URI.create(prefix + "/add-checkpoint").toString())
                .putHeader("Content-Type", "text/plain; charset=utf-8");
        return client.request(options)
                .flatMap(request -> request.send(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))))
                .flatMap(response -> response.toMulti()
                        .collect().in(Buffer::buffer, (all, chunk) -> {
                            if (all.length() + chunk.length() > MAX_ANSWER) {
                                throw new IllegalStateException("the witness answered more than " + MAX_ANSWER
                                        + " bytes");
                            }
                            all.appendBuffer(chunk);
                        })
                        .map(all -> new Answer(response.statusCode(),
                                response.getHeader("Content-Type") == null ? "" : response.getHeader("Content-Type"),
                                all.toString(StandardCharsets.UTF_8))))
                .ifNoItem().after(deadline).fail();
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }
}
