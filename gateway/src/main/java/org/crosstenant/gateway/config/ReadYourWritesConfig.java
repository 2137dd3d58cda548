package org.crosstenant.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Read-your-writes at the gateway (docs/api.md, "Read-your-writes"; docs/config/gateway.md): how long a 2xx
 * {@code /api} answer that lists view events ({@code Crosstenant-View-Events}) may wait for this gateway's view
 * consumers to pass them, and the memory of recently passed event ids that lets an answer arriving after its events
 * complete at once. Env vars: {@code CROSSTENANT_GATEWAY_READ_YOUR_WRITES_...}.
 */
@ConfigMapping(prefix = "crosstenant.gateway.read-your-writes")
public interface ReadYourWritesConfig {

    /**
     * Longest wait of one answer for its listed events; at the bound the answer goes out with
     * {@code Crosstenant-Enforced: false}. {@code 0S}: never wait (true only if every event had already passed).
     */
    @WithDefault("2S")
    Duration timeout();

    /**
     * Most event ids remembered as passed. Bounds memory whatever the topics hold: the start-up replay passes every
     * event ever kept on them, and only the few passed just before a service's answer reaches the gateway are ever
     * looked up. An id evicted early can only turn a {@code true} into a {@code false}, never the reverse.
     */
    @WithDefault("20000")
    int rememberedEvents();

    /**
     * How long a passed event id is remembered: an answer that reaches the gateway later than this after its events
     * passed waits in vain ({@code false}). Keep it at least {@code proxy.idle-timeout}, the longest a service may
     * take to answer.
     */
    @WithDefault("60S")
    Duration rememberFor();
}
