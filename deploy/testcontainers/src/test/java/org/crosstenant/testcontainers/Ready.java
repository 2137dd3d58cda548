package org.crosstenant.testcontainers;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.crosstenant.stack.infra.HttpProbe;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Testcontainers wait strategies for containers on the host's network, where Testcontainers' own HTTP and port
 * strategies do not apply (they wait on mapped ports, and a host-network container has none). Each polls a condition
 * with Awaitility until the strategy's startup timeout, and fails at once when the container stops.
 */
final class Ready extends AbstractWaitStrategy {


    private final String what;
    private final Condition condition;

    /** What is checked on each poll; it may read the container (logs) through the strategy's target. */
    @FunctionalInterface
    interface Condition {
        boolean met(Ready self);
    }

    /** A cold start on two busy cores with vfs storage: generous; readiness itself takes seconds to a minute. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(6);

    private Ready(String what, Condition condition) {
        this.what = what;
        this.condition = condition;
        withStartupTimeout(DEFAULT_TIMEOUT);
    }

    /**
     * @param uri an HTTP URL on 127.0.0.1 (e.g. {@code /q/health/ready})
     * @return a strategy met when a GET of it answers 200
     */
    static Ready http(URI uri) {
        return new Ready("GET " + uri + " answers 200", self -> status(uri) == 200);
    }

    /**
     * @param line a text the container writes to its standard output or error when it is ready
     * @return a strategy met when the container's log (read through the API) contains it
     */
    static Ready logContains(String line) {
        return new Ready("log contains \"" + line + "\"", self -> self.waitStrategyTarget.getLogs().contains(line));
    }

    /** @return a strategy met when the supplier says so */
    static Ready when(String what, BooleanSupplier supplier) {
        return new Ready(what, self -> supplier.getAsBoolean());
    }

    @Override
    protected void waitUntilReady() {
        String name = waitStrategyTarget.getContainerInfo().getName();
        await(name + ": " + what).atMost(startupTimeout).pollInterval(Duration.ofMillis(500))
                .failFast(name + " stopped before it was ready", () -> !waitStrategyTarget.isRunning())
                .until(() -> condition.met(this));
    }

    /** @return the HTTP status of a GET, -1 while nothing answers ({@link HttpProbe}) */
    static int status(URI uri) {
        return HttpProbe.status(uri);
    }
}
