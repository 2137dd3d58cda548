package org.crosstenant.gateway.rest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body stream that counts the bytes it passes on and stops at a limit: the chunk that would take the total
 * over {@code limit} bytes is not passed on, nor anything after it, and {@code onExceeded} runs once (it answers the
 * caller and resets the upstream call). For bodies without a declared length (chunked), whose size is only known
 * while they stream. Flow control (pause, resume, fetch) is the source's. Event-loop confined, like the request.
 */
final class BoundedBody implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable onExceeded;
    private long count;
    private boolean exceeded;

    /**
     * @param source the caller's request body
     * @param limit most bytes passed on
     * @param onExceeded runs once, on the event loop, when the body goes over {@code limit}
     */
    BoundedBody(ReadStream<Buffer> source, long limit, Runnable onExceeded) {
        this.source = source;
        this.limit = limit;
        this.onExceeded = onExceeded;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler == null ? null : chunk -> {
            if (exceeded) {
                return;
            }
            count += chunk.length();
            if (count > limit) {
                exceeded = true;
                onExceeded.run();
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler == null ? null : v -> {
            if (!exceeded) {
                endHandler.handle(v);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }
}
